#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/race.sh

Build the race kernel (configs/base.config, series.config and race.config:
KCSAN and lockdep, no KASAN, since the two do not mix) from the series tree
in build/obj/race, boot it in QEMU with 4 vCPUs, run the rulestore
kselftests through kselftest's runner (among them rulestore_stress, 16
threads against a model) and the mentor KUnit suite's concurrent writers,
and fail on any kernel report, KCSAN's data-race reports included
(scripts/guest-report.sh). Output in build/guest-race.

Not part of "make check" (a cold KCSAN build takes a quarter of an hour
here): run it by hand, "make race".
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

OBJ=$BUILD_DIR/obj/race
OUT=$BUILD_DIR/guest-race
ensure_series_tree
say "building the race kernel in $OBJ"
"$TOP/scripts/build-kernel.sh" --strict "$SERIES_TREE" "$OBJ" \
	"$TOP/configs/base.config" "$TOP/configs/series.config" \
	"$TOP/configs/race.config"
"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$OBJ" "$BUILD_DIR/payload-race"
"$TOP/scripts/boot.sh" --mode check --tests '[26]0-*' --smp 4 --out "$OUT" \
	--add "$BUILD_DIR/payload-race" "$OBJ" || say "QEMU exited with status $?"
"$TOP/scripts/guest-report.sh" "$OUT/console.log" "$OUT/results.tap"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/slab-cycles.sh

Build the "make run" kernel (configs/base.config, series.config and
run.config: no KASAN, KFENCE or kmemleak; the full SLUB, with
/proc/slabinfo) from the series tree in build/obj/run, boot it in QEMU
with one vCPU and run guest/tests/64-rulestore-slab.sh: 100 load/unload
cycles of rulestore (with rules in its store each time) and of mentor,
after which the slab objects in use must be within 16 kB of before the
first (the caches that grew are named). The debug kernel of "make check"
skips that test (its allocators' quarantine and metadata make slab
figures meaningless; kmemleak proves the absence of leaks there). Any
kernel report fails it (scripts/guest-report.sh). Output in
build/guest-slab.

Part of "make check-full", not of "make check".
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

OBJ=$BUILD_DIR/obj/run
OUT=$BUILD_DIR/guest-slab
ensure_series_tree
say "building the make-run kernel in $OBJ"
"$TOP/scripts/build-kernel.sh" --strict "$SERIES_TREE" "$OBJ" \
	"$TOP/configs/base.config" "$TOP/configs/series.config" \
	"$TOP/configs/run.config"
"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$OBJ" "$BUILD_DIR/payload-run"
# One vCPU: the cycles' own processes and kernel workers then spread over
# one CPU's caches, and move the figures less.
"$TOP/scripts/boot.sh" --mode check --tests '64-*' --smp 1 --out "$OUT" \
	--add "$BUILD_DIR/payload-run" "$OBJ" || say "QEMU exited with status $?"
"$TOP/scripts/guest-report.sh" "$OUT/console.log" "$OUT/results.tap"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/run.sh [--shell]

"make run": install the missing Debian packages, fetch the pinned kernel,
apply the series, build the kernel (configs/base.config, series.config,
run.config) in build/obj/run, boot it in QEMU and show a narrated tour of
every feature of the series (guest/tour.sh), then power off.

--shell  boot the same kernel to an interactive shell instead ("make shell")
USAGE
}

mode=tour
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--shell) mode=shell ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

obj=$BUILD_DIR/obj/run
say "step 1/4: Debian packages"
"$TOP/scripts/install-deps.sh"
say "step 2/4: the kernel $BASE_TAG with the series applied"
"$TOP/scripts/fetch-kernel.sh" >/dev/null
ensure_series_tree
say "step 3/4: building the kernel in $obj (cold: a few minutes; then seconds)"
"$TOP/scripts/build-kernel.sh" --strict "$SERIES_TREE" "$obj" "$TOP/configs/base.config" \
	"$TOP/configs/series.config" "$TOP/configs/run.config"
"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$obj" "$BUILD_DIR/payload-run"
say "step 4/4: booting it in QEMU ($mode)"
exec "$TOP/scripts/boot.sh" --mode "$mode" --timeout 600 --out "$BUILD_DIR/guest-$mode" \
	--add "$BUILD_DIR/payload-run" "$obj"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/build-kernel.sh [--strict] [--warnings] [--incremental] [--base TARGET]
                               SRC OBJ FRAGMENT...

Configure (scripts/kconfig.sh) and build the kernel in SRC out of tree in
OBJ: bzImage and modules (through ccache with KSERIES_CCACHE=1). Incremental: rerun
it after a change and only what changed is rebuilt. Prints progress every
30 seconds; the full make output is in OBJ/build.log.

ARCH, CROSS_COMPILE and LLVM=1 in the environment build for another
architecture or with clang, as with the kernel's make; the image is then
the architecture's (arm64: Image).

--strict  fail when a fragment's option did not take (see scripts/kconfig.sh)
--warnings  build with W=1: extra compiler warnings, in OBJ/build.log (the
          objects are otherwise the same, but a build without it compiles
          them again)
--base T  configure from "make T" instead of tinyconfig (scripts/kconfig.sh)
--incremental
          when only SRC's Kconfig files changed since OBJ/.config was made,
          configure from it (see scripts/kconfig.sh)
USAGE
}

kconfig=() extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--strict) kconfig+=(--strict); shift ;;
	--incremental) kconfig+=(--incremental); shift ;;
	--warnings) extra+=(W=1); shift ;;
	--base) [ $# -ge 2 ] || { usage >&2; exit 2; }; kconfig+=(--base "$2"); shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

src=$1 obj=$2
shift 2
start=$(now)
"$TOP/scripts/kconfig.sh" "${kconfig[@]}" "$src" "$obj" "$@"
obj=$(cd "$obj" && pwd)
say "  configured in $(($(now) - start)) s"

image=$(kernel_image)
start=$(now)
make_progress "$obj/build.log" "building in $obj" -C "$src" O="$obj" -j"$JOBS" \
	CC="$(kcc)" LOCALVERSION= "${extra[@]}" "${image##*/}" modules
say "  built $obj/$image in $(($(now) - start)) s"

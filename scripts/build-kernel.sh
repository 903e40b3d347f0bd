#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/build-kernel.sh [--strict] SRC OBJ FRAGMENT...

Configure (scripts/kconfig.sh) and build the kernel in SRC out of tree in
OBJ: bzImage and modules, with ccache when installed. Incremental: rerun
it after a change and only what changed is rebuilt. Prints progress every
30 seconds; the full make output is in OBJ/build.log.

--strict  fail when a fragment's option did not take (see scripts/kconfig.sh)
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac
strict=()
if [ "${1:-}" = --strict ]; then strict=(--strict); shift; fi
[ $# -ge 3 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

src=$1 obj=$2
shift 2
"$TOP/scripts/kconfig.sh" "${strict[@]}" "$src" "$obj" "$@"
obj=$(cd "$obj" && pwd)

start=$(now)
make -C "$src" O="$obj" -j"$JOBS" CC="$(kcc)" LOCALVERSION= bzImage modules >"$obj/build.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	for _ in $(seq 30); do
		sleep 1
		kill -0 "$pid" 2>/dev/null || break
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "  building in $obj: $(grep -c '^  CC' "$obj/build.log") files compiled, $(($(now) - start)) s"
	fi
done
if ! wait "$pid"; then
	grep -E 'error|Error' "$obj/build.log" | head -20 >&2 || true
	die "the kernel build failed; the whole output is in $obj/build.log"
fi
say "  built $obj/arch/x86/boot/bzImage in $(($(now) - start)) s"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/kconfig.sh [--strict] SRC OBJ FRAGMENT...

Write OBJ/.config for the kernel source SRC: "make tinyconfig", then the
config fragments in order (later ones win), then "make olddefconfig".

--strict  fail when an option a fragment sets did not end up with that value
          (a dependency is missing, or the option does not exist in SRC)
USAGE
}

strict=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--strict) strict=1; shift ;;
esac
[ $# -ge 3 ] || { usage >&2; exit 2; }
src=$1 obj=$2
shift 2

mkdir -p "$obj"
obj=$(cd "$obj" && pwd)
make -s -C "$src" O="$obj" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$@" >/dev/null
make -s -C "$src" O="$obj" olddefconfig >/dev/null

# Every "CONFIG_X=v" and "# CONFIG_X is not set" of the fragments, checked
# against the result.
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=n) want="# ${line%=n} is not set" ;;
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	sym=$(printf '%s\n' "$want" | grep -o 'CONFIG_[A-Za-z0-9_]*')
	got=$(grep -E "^(# )?${sym}[= ]" "$obj/.config" || true)
	if [ "$got" != "$want" ] && ! { [ -z "$got" ] && [[ $want == "# "* ]]; }; then
		echo "kconfig: wanted '$want', got '${got:-nothing}'" >&2
		missing=$((missing + 1))
	fi
done < <(cat "$@")

if [ "$missing" -gt 0 ] && [ "$strict" -eq 1 ]; then
	echo "kconfig: $missing option(s) did not take; see above" >&2
	exit 1
fi
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/kconfig.sh [--strict] [--base TARGET] SRC OBJ FRAGMENT...

Write OBJ/.config for the kernel source SRC: "make tinyconfig", then the
config fragments in order (later ones win), then configs/report.config,
then "make olddefconfig". ARCH, CROSS_COMPILE and LLVM are taken from
the environment, as the kernel's make takes them.

configs/report.config is what every kernel needs to report a bug readably
(CONFIG_BUG, KALLSYMS, ...): the script always fails when one of its
options did not survive olddefconfig, with or without --strict.

--strict  also fail when an option any other fragment sets did not end up
          with that value (a dependency is missing, or the option does not
          exist in SRC)
--base T  start from "make T" (e.g. allnoconfig) instead of tinyconfig
--incremental
          when OBJ/.config was made by this script from the same base,
          fragments and toolchain, and only SRC's Kconfig files have
          changed since (a patch changed one), merge the fragments onto it
          and run olddefconfig: one kconfig run instead of three. It can
          differ from a fresh .config only in an option that the changed
          Kconfig files made new or visible, that no fragment sets, and
          whose default is not n (a fresh start from tinyconfig leaves it
          n). For the per-patch builds of scripts/verify.sh, whose last
          patch starts afresh.
USAGE
}

strict=0 base=tinyconfig incremental=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--strict) strict=1; shift ;;
	--incremental) incremental=1; shift ;;
	--base) [ $# -ge 2 ] || { usage >&2; exit 2; }; base=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || { usage >&2; exit 2; }
src=$1 obj=$2
shift 2
must=$(cd "$(dirname "$0")/.." && pwd)/configs/report.config

mkdir -p "$obj"
obj=$(cd "$obj" && pwd)
# What OBJ/.config is made of, in two parts. fragment_inputs: the base
# target, the fragments, what kconfig takes from the environment, the
# toolchain its Kconfig macros probe, and the kernel version.
# kconfig_inputs: every Kconfig file and config fragment of SRC.
fragment_inputs() {
	local cc=${CROSS_COMPILE:-}gcc ld=${CROSS_COMPILE:-}ld
	[ "${LLVM:-}" = 1 ] && cc=clang ld=ld.lld
	echo "$base ARCH=${ARCH:-} CROSS_COMPILE=${CROSS_COMPILE:-} LLVM=${LLVM:-}"
	cat "$@" "$must"
	"$cc" --version
	"$ld" --version
	head -n 5 "$src/Makefile"
}
kconfig_inputs() {
	(cd "$src" && find . -name .git -prune -o -type f \
		\( -name 'Kconfig*' -o -path '*/configs/*.config' \) -print0 |
		sort -z | xargs -0 sha1sum)
}

# The kconfig runs cost as much as an incremental build (measured on an
# idle machine: make tinyconfig 18 s, olddefconfig 8 s): a
# .config made from the same inputs, and not changed since, is kept.
# .kconfig-inputs: "FRAGMENT-KEY KCONFIG-KEY CONFIG-SHA1", what the
# .config, unchanged since, was made from.
frag_key=$(fragment_inputs "$@" | sha1sum | cut -c1-40)
kconfig_key=$(kconfig_inputs | sha1sum | cut -c1-40)
made_from=$(cat "$obj/.kconfig-inputs" 2>/dev/null || true)
config_sum=
[ -f "$obj/.config" ] && config_sum=$(sha1sum <"$obj/.config" | cut -c1-40)
if [ "$made_from" = "$frag_key $kconfig_key $config_sum" ]; then
	echo "kconfig: $obj/.config is up to date (same Kconfig files, fragments and toolchain)" >&2
else
	rm -f "$obj/.kconfig-inputs"
	if [ "$incremental" -eq 1 ] && [ "${made_from%% *}" = "$frag_key" ] &&
	   [ "${made_from##* }" = "$config_sum" ]; then
		echo "kconfig: only Kconfig files changed: the fragments merged onto $obj/.config" >&2
	else
		make -s -C "$src" O="$obj" "$base" >/dev/null
	fi
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$@" "$must" >/dev/null
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	echo "$frag_key $kconfig_key $(sha1sum <"$obj/.config" | cut -c1-40)" >"$obj/.kconfig-inputs"
fi

# missing FRAGMENT...: print every "CONFIG_X=v" and "# CONFIG_X is not
# set" of the fragments that the result does not have, and count them.
missing() {
	local line want sym got n=0
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
			n=$((n + 1))
		fi
	done < <(cat "$@")
	echo "$n"
}

n=$(missing "$must")
if [ "$n" -gt 0 ]; then
	echo "kconfig: $n option(s) of $must did not take: this kernel could not report a bug readably" >&2
	exit 1
fi
n=$(missing "$@")
if [ "$n" -gt 0 ] && [ "$strict" -eq 1 ]; then
	echo "kconfig: $n option(s) did not take; see above" >&2
	exit 1
fi
exit 0

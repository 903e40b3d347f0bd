#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check-abi.sh [--header FILE]

Check the layout of every structure of the series' uapi header with pahole
(Debian's dwarves): compile a -g user-space object that includes the header,
as a 64-bit and as a 32-bit (-m32) program, and require of each structure
  - no hole and no padding, in either build (a hole is kernel memory that
    may leak to user space, or a field that 32-bit code places elsewhere);
  - the same size and the same offset of every member in both builds (so
    that 32-bit programs need no compat code).
First, the check runs on a planted structure with a hole and with a
32/64-bit difference, and must fail on it; otherwise it is not trusted.

Prints one "ok - ..." or "not ok - ..." line per check (run by
scripts/check.sh).

--header FILE  the uapi header to check (default: the project's mirror,
               include/uapi/linux/rulestore.h)
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

header=$TOP/include/uapi/linux/rulestore.h
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--header) header=${2:?--header needs a file} ;;
"") ;;
*) usage >&2; exit 2 ;;
esac
[ -f "$header" ] || die "no header $header"
command -v pahole >/dev/null ||
	die "pahole is missing: apt-get install -y dwarves (or make deps)"

work=$(mktemp -d)
trap '[ -n "${KSERIES_ABI_KEEP:-}" ] || rm -rf "$work"' EXIT

# <asm/...> for -m32: the uapi asm headers of linux-libc-dev are the same
# for 32- and 64-bit x86, but only Debian's gcc-multilib puts them on the
# 32-bit include path, and it conflicts with every cross compiler (which
# make check-full installs). A directory of our own does the same.
mkdir -p "$work/asm32"
ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$work/asm32/asm"
asm_include=(-isystem "$work/asm32")

# structs_of HEADER: the structures the header defines.
structs_of() {
	sed -n 's/^struct \([a-z0-9_]*\) {$/\1/p' "$1"
}

# layout HEADER BITS: "struct member offset size" lines, and a line
# "struct = size" per structure, from pahole; holes and padding as
# "struct XXX <pahole's comment>".
layout() {
	local header=$1 bits=$2 obj=$work/abi-$2.o s
	{
		printf '#include "%s"\n' "$header"
		for s in $(structs_of "$header"); do
			printf 'struct %s kseries_abi_%s;\n' "$s" "$s"
		done
	} >"$work/abi.c"
	gcc -m"$bits" "${asm_include[@]}" -g -c -o "$obj" "$work/abi.c" ||
		die "cannot compile $header as a $bits-bit program (gcc-12-multilib?)"
	for s in $(structs_of "$header"); do
		pahole -C "$s" "$obj" | awk -v s="$s" '
			/XXX|padding:/ { sub(/^[ \t]*/, ""); print s " XXX " $0; next }
			/\/\* size: / { sz = $0; sub(/.*size: /, "", sz); sub(/,.*/, "", sz)
					print s " = " sz; next }
			/^\t[^\/].*\/\* +[0-9]+ +[0-9]+ \*\/$/ {
				n = split($0, f, /[ \t;]+/); off = f[n - 2]; len = f[n - 1]
				name = $0; sub(/ __attribute__.*/, "", name); sub(/;.*/, "", name)
				sub(/.*[ \t*]/, "", name)
				sub(/\[.*/, "", name)
				print s " " name " " off " " len }'
	done
}

# check_header HEADER: prints the result lines; returns 1 if any failed.
check_header() {
	local header=$1 bits s bad=0
	for bits in 64 32; do
		layout "$header" "$bits" >"$work/layout-$bits"
	done
	for s in $(structs_of "$header"); do
		for bits in 64 32; do
			if grep -q "^$s XXX" "$work/layout-$bits"; then
				echo "not ok - abi: struct $s has no hole or padding ($bits-bit)"
				grep "^$s XXX" "$work/layout-$bits" | sed 's/^/#   /'
				bad=1
			else
				echo "ok - abi: struct $s has no hole or padding ($bits-bit)"
			fi
		done
		if ! grep -q "^$s " "$work/layout-64"; then
			echo "not ok - abi: pahole describes struct $s"
			bad=1
		elif diff <(grep "^$s [^X]" "$work/layout-64") \
			  <(grep "^$s [^X]" "$work/layout-32") >"$work/diff"; then
			echo "ok - abi: struct $s has the same layout in 32- and 64-bit programs"
		else
			echo "not ok - abi: struct $s has the same layout in 32- and 64-bit programs"
			sed 's/^/#   /' "$work/diff"
			bad=1
		fi
	done
	return "$bad"
}

# The planted failure: a hole after "flags" in 64-bit only (a __u64
# without __aligned_u64 is 4-aligned on i386), and tail padding.
cat >"$work/planted.h" <<'PLANTED'
#include <linux/types.h>
struct kseries_planted {
	__u32 size;
	__u64 wrong;
	__u32 flags;
};
PLANTED
if check_header "$work/planted.h" >"$work/planted.out"; then
	echo "not ok - abi: the check fails on a planted hole and a 32/64-bit difference"
	sed 's/^/#   /' "$work/planted.out"
	exit 1
fi
if [ "$(grep -c '^not ok' "$work/planted.out")" -ne 2 ]; then
	echo "not ok - abi: the planted structure fails the hole check (64-bit) and the layout check"
	sed 's/^/#   /' "$work/planted.out"
	exit 1
fi
echo "ok - abi: the check fails on a planted hole and a 32/64-bit difference"

check_header "$header"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/build-payload.sh SRC OBJ OUT

Build the user-space programs of the series from the kernel tree SRC
(configured and built in OBJ), statically linked, and install them under
OUT/guest/bin for the guest's initramfs (scripts/boot.sh --add OUT):
rulectl; and the rulestore kselftests (64- and 32-bit programs) as an
installed kselftests tree with run_kselftest.sh, under OUT/guest/kselftest.
Programs the tree does not have yet (earlier in the series) are skipped.
Also builds guest/modules/kseries_provoke.c (not part of the series; the
provocation boot's module) out of tree against OBJ, into OUT/guest/modules.
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac
[ $# -eq 3 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

src=$(cd "$1" && pwd)
obj=$(cd "$2" && pwd)
out=$3
work=$obj/payload
rm -rf "$out"
# From scratch each time: the programs' Makefiles do not know that they
# depend on the installed uapi header, and a stale program would test an
# old header. They build in seconds.
rm -rf "$work/hdr" "$work/rulectl" "$work/selftest"
mkdir -p "$out/guest/bin" "$work/selftest"
out=$(cd "$out" && pwd)	# make -C below runs elsewhere

# Drop glibc's notice that a static program calling getpwnam() needs the
# shared NSS libraries at run time: two lines, ld's "in function" and the
# warning. The guest has no NSS; the programs handle a failed lookup.
quiet_static_nss() {
	sed -e "/: in function \`[^']*':\$/{N;/getpwnam.*statically linked/d;}" \
		-e '/getpwnam.*statically linked/d'
}

# The series' uapi headers, as user space sees them.
make -s -C "$src" O="$obj" INSTALL_HDR_PATH="$work/hdr" headers_install

if [ -d "$src/tools/rulestore" ]; then
	make -s -C "$src/tools/rulestore" OUTPUT="$work/rulectl/" \
		LDFLAGS=-static 2>&1 | quiet_static_nss || true
	[ -x "$work/rulectl/rulectl" ] || die "building tools/rulestore failed"
	install -m 755 "$work/rulectl/rulectl" "$out/guest/bin/"
fi

selftest=tools/testing/selftests/drivers/misc/rulestore
if [ -d "$src/$selftest" ]; then
	# An installed kselftests tree, run in the guest by its own
	# run_kselftest.sh: every program of the Makefile's TEST_GEN_PROGS
	# (the 32-bit build among them), its settings and config.
	make -s -C "$src/tools/testing/selftests" O="$work/selftest" \
		TARGETS=drivers/misc/rulestore INSTALL_PATH="$out/guest/kselftest" \
		KHDR_INCLUDES="-isystem $work/hdr/include" LDFLAGS=-static install \
		2>&1 | quiet_static_nss || true
	progs="rulestore_test rulestore_fail_nth rulestore_stress rulestore_fuzz"
	# The 32-bit build of the case tests is made for an x86_64 guest only
	# (the selftests' Makefile decides by the compiler).
	case "${ARCH:-x86_64}" in x86|x86_64) progs="$progs rulestore_test_32" ;; esac
	for prog in $progs; do
		grep -qx "drivers/misc/rulestore:$prog" "$out/guest/kselftest/kselftest-list.txt" ||
			die "installing $selftest: $prog is not in the kselftest list"
	done
fi
# The provocation boot's module, built out of tree in a copy (M= writes
# its objects next to the source).
mkdir -p "$out/guest/modules"
rm -rf "$work/kseries_provoke"
mkdir -p "$work/kseries_provoke"
cp "$TOP/guest/modules/Makefile" "$TOP/guest/modules/kseries_provoke.c" "$work/kseries_provoke/"
make -s -C "$src" O="$obj" M="$work/kseries_provoke" CC="$(kcc)" modules ||
	die "building guest/modules/kseries_provoke.c against $obj failed"
install -m 644 "$work/kseries_provoke/kseries_provoke.ko" "$out/guest/modules/"

say "user-space programs for the guest: $(cd "$out/guest/bin" && echo ./*)"

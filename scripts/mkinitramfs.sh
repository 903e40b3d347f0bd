#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/mkinitramfs.sh [--root ROOT] OBJ OUT [DIR...]

Make the guest's initramfs OUT (gzipped cpio): Debian's busybox-static,
coreutils' timeout (for kselftest's runner) with its libraries, the modules built in the kernel build directory OBJ, the project's guest/
directory (init, tests, tour) as /guest with configs/report.config in
it, and the contents of each DIR
(for example test programs) copied over the root.

--root ROOT  take busybox (ROOT/bin/busybox, static) and timeout
             (ROOT/usr/bin/timeout, with its loader and libraries from
             ROOT) from ROOT, the unpacked Debian packages of another
             architecture, instead of the host's; with ARCH (and
             CROSS_COMPILE) in the environment for the modules' install
USAGE
}

froot=
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--root) [ $# -ge 2 ] || { usage >&2; exit 2; }; froot=$2; shift 2 ;;
esac
[ $# -ge 2 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

obj=$(cd "$1" && pwd)
out=$2
shift 2

busybox=$froot/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	die "$busybox is not Debian's static busybox: apt-get install busybox-static"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc,lib/modules}
# mktemp made it 0700; the guest's unprivileged users need to reach /.
chmod 755 "$root"
cp "$busybox" "$root/bin/busybox"
cp "$TOP/guest/init" "$root/init"
chmod 755 "$root/init"
cp -r "$TOP/guest" "$root/guest"
rm -f "$root/guest/init"
# What guest/tests/00-config.sh checks the running kernel against.
cp "$TOP/configs/report.config" "$root/guest/report.config"
# coreutils' timeout, where kselftest's runner looks for it (it runs
# "/usr/bin/timeout --foreground", which busybox's timeout lacks); it is
# dynamically linked, so with the libraries and loader ldd names.
mkdir -p "$root/usr/bin"
if [ -z "$froot" ]; then
	cp /usr/bin/timeout "$root/usr/bin/timeout"
	for lib in $(ldd /usr/bin/timeout | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
else
	# A foreign program: ldd cannot run it, readelf names its loader
	# and libraries, found in ROOT's library directories.
	cp "$froot/usr/bin/timeout" "$root/usr/bin/timeout"
	interp=$(readelf -l "$froot/usr/bin/timeout" |
		sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
	[ -n "$interp" ] || die "$froot/usr/bin/timeout names no program interpreter"
	mkdir -p "$root$(dirname "$interp")"
	cp -L "$froot$interp" "$root$interp"
	for lib in $(readelf -d "$froot/usr/bin/timeout" |
		     sed -n 's/.*Shared library: \[\(.*\)\]$/\1/p'); do
		found=$(find "$froot/lib" "$froot/usr/lib" -name "$lib" 2>/dev/null | head -n 1)
		[ -n "$found" ] || die "$lib, which timeout needs, is not in $froot"
		mkdir -p "$root$(dirname "${found#"$froot"}")"
		cp -L "$found" "$root${found#"$froot"}"
	done
fi
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

# The kernel source directory, for modules_install.
src=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$obj/Makefile")
[ -d "$src" ] || die "$obj is not a kernel build directory (no Makefile pointing at the source)"
# One at a time per build directory (make check boots the same kernel
# several times side by side): the kernel's make may rewrite files in it.
flock "$obj/.kseries-modules-install.lock" \
	make -s -C "$src" O="$obj" LOCALVERSION= INSTALL_MOD_PATH="$root" \
	INSTALL_MOD_STRIP=1 modules_install >/dev/null

for dir in "$@"; do
	[ -d "$dir" ] || die "$dir: no such directory to add to the initramfs"
	cp -a "$dir/." "$root/"
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/install-deps.sh [--full] [--check]

Install the Debian packages the project needs with apt-get (as root),
only those missing. --check only lists what is missing.

--full  also the packages of "make check-full"'s build and boot matrix
        (scripts/matrix.sh): clang and lld, the i686, arm64 and s390x
        cross compilers with their C libraries (for static kselftests),
        and QEMU for arm64 and s390x
USAGE
}

PACKAGES=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod rsync
	  file sparse quilt xz-utils ccache qemu-system-x86 busybox-static
	  python3 python3-ply python3-git python3-sphinx graphviz shellcheck
	  gcc-12-multilib git-email dwarves gnuplot-nox)
# gcc-12-multilib, not the gcc-multilib that depends on it: the latter
# conflicts with every Debian cross compiler, so that installing the
# matrix's (--full) would remove it, and installing it again the cross
# compilers. gcc-12-multilib is what "gcc -m32" needs and conflicts with
# none of them.
# make check-full only (scripts/matrix.sh); not needed by make check.
FULL_PACKAGES=(clang lld llvm gcc-i686-linux-gnu libc6-dev-i386-cross
	       gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	       gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-system-misc)

check=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--check) check=1 ;;
	--full) PACKAGES+=("${FULL_PACKAGES[@]}") ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "==> all ${#PACKAGES[@]} Debian packages are installed" >&2
	exit 0
fi
echo "==> missing Debian packages: ${missing[*]}" >&2
[ "$check" -eq 0 ] || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "error: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
echo "==> apt-get install -y ${missing[*]} (log: $log)" >&2
apt-get update -qq >"$log" 2>&1 || true
if ! apt-get install -y -qq "${missing[@]}" >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "error: apt-get install failed (log: $log); check the network and the apt sources" >&2
	exit 1
fi

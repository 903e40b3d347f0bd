#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/fetch-kernel.sh [--help]

Make the pinned kernel (Linux v6.12.107) available as a git repository with
tag v6.12.107, and print its path.

Without KERNEL_SRC: download Debian's linux-6.12 orig tarball with apt-get
source through a private apt configuration (the system's is never touched),
check its sha256, unpack it once into \$KSERIES_CACHE (default
~/.cache/kseries) and turn it into a git repository with one commit. Later
runs reuse it.

With KERNEL_SRC=/path/to/linux: use that git tree instead; it must have the
tag v6.12.107.
USAGE
}

[ "${1:-}" = --help ] || [ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

DEB_VERSION=6.12.107-1~deb12u1
ORIG=linux-6.12_$BASE_VERSION.orig.tar.xz
ORIG_SHA256=a2526f1a6f7853219f6ca85caf4801682e2b75123601baf16f3ac6f9283c8e76

check_user_tree() {
	git -C "$KERNEL_REPO" rev-parse --git-dir >/dev/null 2>&1 ||
		die "KERNEL_SRC=$KERNEL_REPO is not a git repository; point it at a kernel git tree"
	git -C "$KERNEL_REPO" rev-parse -q --verify "refs/tags/$BASE_TAG^{commit}" >/dev/null ||
		die "KERNEL_SRC=$KERNEL_REPO has no tag $BASE_TAG; fetch it (git fetch --tags from stable) or unset KERNEL_SRC to use the pinned download"
}

# apt-get source with our own sources and lists, so that the system's apt
# configuration stays as it is.
download_orig() {
	local apt=$CACHE_DIR/apt
	mkdir -p "$CACHE_DIR/download"
	private_apt "$apt" deb-src
	local opts=("${APT_OPTS[@]}")
	say "updating the private apt source lists in $apt"
	apt-get "${opts[@]}" update >&2 ||
		die "apt-get update failed: check the network access to deb.debian.org and retry"
	say "downloading linux-6.12=$DEB_VERSION (about 150 MB)"
	(cd "$CACHE_DIR/download" &&
	 apt-get "${opts[@]}" source --download-only "linux-6.12=$DEB_VERSION" >&2) ||
		die "apt-get source linux-6.12=$DEB_VERSION failed; if Debian no longer serves it, use KERNEL_SRC=/path/to/a/kernel/tree with tag $BASE_TAG"
}

verify_orig() {
	local sum
	sum=$(sha256sum "$CACHE_DIR/download/$ORIG" | cut -d' ' -f1)
	if [ "$sum" != "$ORIG_SHA256" ]; then
		mv "$CACHE_DIR/download/$ORIG" "$CACHE_DIR/download/$ORIG.bad"
		die "sha256 of $ORIG is $sum, expected $ORIG_SHA256; moved it to $ORIG.bad, run again to download afresh"
	fi
}

unpack_to_git() {
	local tmp=$CACHE_DIR/linux.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	say "unpacking $ORIG"
	tar -xJf "$CACHE_DIR/download/$ORIG" -C "$tmp" --strip-components=1
	say "making it a git repository with tag $BASE_TAG"
	(
		cd "$tmp"
		git init -q -b master
		git config user.name "kseries"
		git config user.email "kseries@localhost"
		# -f: the kernel's own .gitignore matches a few source files.
		git add -A -f
		GIT_AUTHOR_DATE="2025-09-20T00:00:00Z" GIT_COMMITTER_DATE="2025-09-20T00:00:00Z" \
			git commit -q -m "Linux $BASE_VERSION (Debian orig tarball $ORIG)"
		# Annotated, so that the kernel does not call itself $BASE_VERSION+.
		git tag -a -m "Linux $BASE_VERSION" "$BASE_TAG"
	)
	mv "$tmp" "$CACHE_DIR/linux"
}

main() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		check_user_tree
	elif ! git -C "$KERNEL_REPO" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
		mkdir -p "$CACHE_DIR"
		[ -f "$CACHE_DIR/download/$ORIG" ] || download_orig
		verify_orig
		unpack_to_git
	fi
	echo "$KERNEL_REPO"
}

main

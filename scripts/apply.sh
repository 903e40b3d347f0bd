#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/apply.sh [--tree DIR] [--force]

Apply the series (series, patches/) with git am, as commits on top of
v6.12.107, in a clone of the kernel repository (scripts/fetch-kernel.sh;
KERNEL_SRC=/path/to/linux to use your own tree).

DIR defaults to the development worktree build/linux, on branch kseries.
What was there before is kept on a branch named backup/<date> when it had
commits; uncommitted changes stop the script, unless --force (which
discards them: for trees the scripts manage, such as build/verify).
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=$WORKTREE force=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--tree) tree=${2:?}; shift 2 ;;
	--force) force=1; shift ;;
	*) usage >&2; exit 2 ;;
	esac
done

"$TOP/scripts/fetch-kernel.sh" >/dev/null

if [ -d "$tree/.git" ] && [ "$force" -eq 0 ]; then
	[ -z "$(git -C "$tree" status --porcelain)" ] ||
		die "$tree has uncommitted or untracked changes: commit them (and 'make export'), or remove them, then apply again"
	if [ "$(git -C "$tree" rev-parse HEAD)" != "$(git -C "$tree" rev-parse "$BASE_TAG^{commit}")" ]; then
		backup=backup/$(date +%Y%m%d-%H%M%S)
		git -C "$tree" branch -q "$backup" HEAD
		say "kept the previous commits of $tree on branch $backup"
	fi
fi
fresh_tree "$tree"
git -C "$tree" checkout -q -B kseries

while read -r name; do
	git_am "$tree" "$TOP/patches/$name" ||
		die "patches/$name does not apply to $BASE_TAG: fix the patch, or apply by hand in $tree and 'make export'"
done <"$TOP/series"
series_stamp >"$(stamp_file "$tree")"
say "applied $(wc -l <"$TOP/series") patches in $tree"

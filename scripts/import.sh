#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/import.sh [--dry-run]

Carry edits of the mirrored files (drivers/, include/, Documentation/, ...
at the project root) into the development worktree build/linux: each
changed file is folded into the last commit of the series that touches it
(a fixup commit, then git rebase --autosquash). Then run scripts/export.sh.

A change that belongs to an earlier patch than the last one touching the
file, a new file, or a change to a file the kernel already has (Kconfig,
Makefile, MAINTAINERS) is made with git in build/linux instead.

--dry-run  only list which file would go into which commit
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dry=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--dry-run) dry=1 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

[ -d "$WORKTREE/.git" ] || die "no worktree at $WORKTREE; run 'make apply' first"
git -C "$WORKTREE" diff --quiet HEAD ||
	die "$WORKTREE has uncommitted changes; commit or stash them first"

changed=0
while read -r rel; do
	[ -n "$rel" ] || continue
	[ -f "$TOP/$rel" ] || die "$rel was deleted from the mirror; remove it with git in $WORKTREE"
	cmp -s "$TOP/$rel" "$WORKTREE/$rel" && continue
	target=$(git -C "$WORKTREE" log -1 --format=%H "$BASE_TAG..HEAD" -- "$rel")
	say "$rel -> $(git -C "$WORKTREE" log -1 --format='%h %s' "$target")"
	changed=$((changed + 1))
	[ "$dry" -eq 1 ] && continue
	cp "$TOP/$rel" "$WORKTREE/$rel"
	git -C "$WORKTREE" add -- "$rel"
	git -C "$WORKTREE" commit -q --fixup="$target"
done < <(git -C "$WORKTREE" diff --name-only --diff-filter=A "$BASE_TAG..HEAD")

for f in $(cd "$TOP" && find Documentation drivers include kernel lib samples tools -type f 2>/dev/null); do
	git -C "$WORKTREE" cat-file -e "HEAD:$f" 2>/dev/null ||
		die "$f is new in the mirror: add it with git in $WORKTREE (in the commit it belongs to)"
done

if [ "$changed" -eq 0 ]; then
	say "the mirror and $WORKTREE agree; nothing to import"
elif [ "$dry" -eq 0 ]; then
	GIT_SEQUENCE_EDITOR=: git -C "$WORKTREE" rebase -q -i --autosquash "$BASE_TAG" ||
		die "the rebase stopped on a conflict in $WORKTREE: resolve it there (git status), then git rebase --continue"
	say "imported $changed file(s); now run scripts/export.sh"
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/import.sh [--dry-run] [--tree TREE] [--from DIR]

Carry edits of the mirrored files (drivers/, include/, Documentation/, ...
at the project root) into the commits of the development worktree
build/linux, as git-absorb does: each hunk of each changed file goes into
the commit that introduced the lines it changes (git blame over the
series' commits); a hunk that only adds lines goes with the commit of the
lines on either side of it, when they agree. One fixup commit per target
commit, then git rebase --autosquash. Then run scripts/export.sh.

Nothing is changed when a hunk has no single commit: a hunk that changes
lines of two commits, or adds lines between lines of two commits, is
refused with the candidate commits named. Split such an edit, or make it
with git in the worktree (git commit --fixup=COMMIT, then git rebase -i
--autosquash v6.12.107). A new file, or a change to a file the kernel
already has (Kconfig, Makefile, MAINTAINERS), is also made with git there.

--dry-run    only list which hunk would go into which commit
--tree TREE  the kernel worktree with the series as commits
             (default: build/linux)
--from DIR   the directory holding the mirrored files (default: the project)
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dry=0 tree=$WORKTREE from=$TOP
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--dry-run) dry=1; shift ;;
	--tree) tree=${2:?--tree needs a directory}; shift 2 ;;
	--from) from=${2:?--from needs a directory}; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
tree=$(cd "$tree" 2>/dev/null && pwd) || die "no worktree at $tree; run 'make apply' (or scripts/apply.sh --tree DIR) first"
from=$(cd "$from" 2>/dev/null && pwd) || die "no mirror at $from: give --from the directory that holds drivers/, include/, ..."

[ -d "$tree/.git" ] || die "no worktree at $tree; run 'make apply' (or scripts/apply.sh --tree DIR) first"
if [ -d "$tree/.git/rebase-merge" ] || [ -d "$tree/.git/rebase-apply" ]; then
	die "a rebase or git am is in progress in $tree: finish it (git rebase --continue) or abort it first"
fi
git -C "$tree" diff --quiet HEAD ||
	die "$tree has uncommitted changes; commit or stash them first"

# The fixup commits and the rebase need a committer, not necessarily the user's.
ident=(-c user.name="${GIT_COMMITTER_NAME:-kseries}" -c user.email="${GIT_COMMITTER_EMAIL:-kseries@localhost}")
g() { git -C "$tree" "${ident[@]}" "$@"; }

for f in $(cd "$from" && find Documentation drivers include kernel lib samples tools -type f 2>/dev/null); do
	git -C "$tree" cat-file -e "HEAD:$f" 2>/dev/null ||
		die "$f is new in the mirror: add it with git in $tree (in the commit it belongs to)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

describe() { git -C "$tree" log -1 --format='%h ("%s")' "$1"; }

# blame_commits REL RANGE...: the commits that introduced lines RANGE
# ("first,last") of REL at HEAD, one per line; "^" for the base kernel.
blame_commits() {
	local rel=$1 r args=()
	shift
	for r in "$@"; do args+=(-L "$r"); done
	git -C "$tree" blame -l -s "${args[@]}" "$BASE_TAG..HEAD" -- "$rel" |
		awk '{ h = $1; if (h ~ /^\^/) h = "^"; print h }' | sort -u >"$work/blamed"
	# In the order of the series.
	grep -qx '^' "$work/blamed" && echo '^'
	git -C "$tree" rev-list --reverse "$BASE_TAG..HEAD" | grep -Fx -f "$work/blamed" || true
}

# One line per hunk in $work/hunks: FILE-INDEX A B C D TARGET, where
# "-A,B +C,D" is the hunk's header in diff -U0 from HEAD to the mirror.
: >"$work/hunks"
: >"$work/refused"
nfiles=0
while read -r rel; do
	[ -n "$rel" ] || continue
	[ -f "$from/$rel" ] || die "$rel was deleted from the mirror; remove it with git in $tree"
	cmp -s "$from/$rel" "$tree/$rel" && continue
	nfiles=$((nfiles + 1))
	printf '%s\n' "$rel" >"$work/name.$nfiles"
	git -C "$tree" show "HEAD:$rel" >"$work/old.$nfiles"
	lines=$(wc -l <"$work/old.$nfiles")
	while read -r old new; do
		a=${old%,*} b=1 c=${new%,*} d=1
		case "$old" in *,*) b=${old#*,} ;; esac
		case "$new" in *,*) d=${new#*,} ;; esac
		ranges=()
		if [ "$b" -gt 0 ]; then
			what="lines $a-$((a + b - 1)), which it changes,"
			ranges=("$a,$((a + b - 1))")
		else
			what="the lines around its insertion after line $a"
			[ "$a" -ge 1 ] && ranges+=("$a,$a")
			[ "$((a + 1))" -le "$lines" ] && ranges+=("$((a + 1)),$((a + 1))")
		fi
		if [ ${#ranges[@]} -eq 0 ]; then
			# Lines added to an empty file: the commit that added it.
			mapfile -t cands < <(git -C "$tree" log --format=%H --diff-filter=A "$BASE_TAG..HEAD" -- "$rel")
		else
			mapfile -t cands < <(blame_commits "$rel" "${ranges[@]}")
		fi
		if [ ${#cands[@]} -eq 1 ] && [ "${cands[0]}" != "^" ]; then
			echo "$nfiles $a $b $c $d ${cands[0]}" >>"$work/hunks"
			continue
		fi
		{
			echo "  $rel, hunk @@ -$old +$new @@: $what come from ${#cands[@]} commits:"
			for h in "${cands[@]}"; do
				if [ "$h" = "^" ]; then echo "    $BASE_TAG (the base kernel)"
				else echo "    $(describe "$h")"; fi
			done
		} >>"$work/refused"
	done < <(diff -U0 "$work/old.$nfiles" "$from/$rel" |
		 sed -n 's/^@@ -\([0-9,]*\) +\([0-9,]*\) @@.*/\1 \2/p')
done < <(git -C "$tree" diff --name-only --diff-filter=A "$BASE_TAG..HEAD")

if [ -s "$work/refused" ]; then
	cat "$work/refused" >&2
	die "nothing imported: each hunk above has no single commit to go into. Split the edit so that each hunk changes the lines of one commit, or make it with git in $tree (git commit --fixup=COMMIT; git rebase -i --autosquash $BASE_TAG)"
fi
if [ "$nfiles" -eq 0 ]; then
	say "the mirror and $tree agree; nothing to import"
	exit 0
fi

while read -r i a b c d target; do
	say "$(cat "$work/name.$i") @@ -$a,$b +$c,$d @@ -> $(describe "$target")"
done <"$work/hunks"
[ "$dry" -eq 0 ] || exit 0

# apply_hunks OLD NEW SELECTED: OLD with the hunks listed in SELECTED
# ("A B C D" lines, line numbers of OLD and NEW) taken from NEW.
apply_hunks() {
	awk -v new="$2" -v sel="$3" '
	BEGIN {
		while ((getline l < new) > 0) nl[++n] = l
		while ((getline h < sel) > 0) {
			split(h, f, " ")
			if (f[2] > 0) { rb[f[1]] = f[2]; rc[f[1]] = f[3]; rd[f[1]] = f[4] }
			else { ic[f[1]] = f[3]; id[f[1]] = f[4] }
		}
		if ("0" in ic) for (k = ic["0"]; k < ic["0"] + id["0"]; k++) print nl[k]
	}
	{
		i = FNR ""
		if (skip > 0) skip--
		else if (i in rb) {
			for (k = rc[i]; k < rc[i] + rd[i]; k++) print nl[k]
			skip = rb[i] - 1
		} else print
		if (i in ic) for (k = ic[i]; k < ic[i] + id[i]; k++) print nl[k]
	}' "$1"
}

orig=$(git -C "$tree" rev-parse HEAD)
count=$(git -C "$tree" rev-list --count "$BASE_TAG..HEAD")
# One fixup commit per target, oldest target first; each holds the hunks
# of all targets so far, so that the last one leaves exactly the mirror.
done_targets=" "
for target in $(git -C "$tree" rev-list --reverse "$BASE_TAG..HEAD"); do
	grep -q " $target\$" "$work/hunks" || continue
	done_targets+="$target "
	while read -r i; do
		rel=$(cat "$work/name.$i")
		awk -v i="$i" -v done="$done_targets" \
			'$1 == i && index(done, " " $6 " ") { print $2, $3, $4, $5 }' \
			"$work/hunks" >"$work/sel"
		if [ "$(wc -l <"$work/sel")" -eq "$(awk -v i="$i" '$1 == i' "$work/hunks" | wc -l)" ]; then
			cat "$from/$rel" >"$tree/$rel"
		else
			apply_hunks "$work/old.$i" "$from/$rel" "$work/sel" >"$tree/$rel"
		fi
		git -C "$tree" add -- "$rel"
	done < <(awk -v t="$target" '$6 == t { print $1 }' "$work/hunks" | sort -u)
	g commit -q --no-verify --fixup="$target"
done

undo() {
	git -C "$tree" rebase --abort >/dev/null 2>&1 || true
	git -C "$tree" reset -q --hard "$orig"
	die "$1; $tree is back as it was, the mirror keeps the edit"
}
GIT_SEQUENCE_EDITOR=: g rebase -q -i --autosquash "$BASE_TAG" >"$work/rebase.log" 2>&1 || {
	cat "$work/rebase.log" >&2
	undo "a hunk does not fold into its commit without a conflict with a later commit (above): make that change with git in $tree (git commit --fixup=COMMIT; git rebase -i --autosquash $BASE_TAG, resolving the conflict)"
}
[ "$(git -C "$tree" rev-list --count "$BASE_TAG..HEAD")" -eq "$count" ] ||
	undo "the rebase did not fold every fixup commit"
for i in $(seq "$nfiles"); do
	rel=$(cat "$work/name.$i")
	cmp -s "$from/$rel" "$tree/$rel" || undo "after the rebase, $rel in $tree differs from the mirror"
done
say "imported $(wc -l <"$work/hunks") hunk(s) of $nfiles file(s) into $tree; now run scripts/export.sh"

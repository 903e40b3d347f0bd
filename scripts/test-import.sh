#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/test-import.sh

Test scripts/import.sh on scratch copies, never on build/linux or the
project's mirror: apply the series to build/test-import (scripts/apply.sh
--tree), export it to a scratch directory, edit there a line of
drivers/misc/mentor.c that patch 1 adds (one whose neighbours are patch
1's too), import with --tree and --from, export again, and require that
the edit is in patch 1 and that no other patch, nor the cover letter,
changed (index lines aside). Then edit two adjacent lines that come from
two different commits and require that import refuses, names both
commits, and leaves the tree as it was.

Prints one "ok - ..." or "not ok - ..." line (run by scripts/check.sh).

--log  run the test and print everything it does instead; exits non-zero
       on failure
USAGE
}

tap=1
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--log) tap=0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$BUILD_DIR/test-import
REL=drivers/misc/mentor.c
MARK="/* kseries import test */"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL: $*"; return 1; }

# blame_all: the commit of each line of $REL at HEAD, one per line.
blame_all() {
	git -C "$TREE" blame -l -s "$BASE_TAG..HEAD" -- "$REL" | awk '{ print $1 }'
}

# A line of $REL from commit $1 whose three neighbours on each side are
# from $1 too, preferring a message (pr_*("...")), then any string.
line_of_only() {
	blame_all | awk -v c="$1" -v file="$TREE/$REL" '
		{ b[NR] = $1 }
		END {
			while ((getline l < file) > 0) t[++n] = l
			for (i = 4; i <= NR - 3; i++) {
				ok = 1
				for (j = i - 3; j <= i + 3; j++) if (b[j] != c) ok = 0
				if (ok && t[i] ~ /pr_[a-z_]*\(".*"/) { print i; exit }
				if (ok && t[i] ~ /"/ && !str) str = i
				if (ok && !any) any = i
			}
			if (str) print str
			else if (any) print any
		}'
}

# A line of $REL from commit $1 followed by a line from another commit of the series.
line_before_other() {
	blame_all | awk -v c="$1" '
		{ b[NR] = $1 }
		END { for (i = 1; i < NR; i++)
			if (b[i] == c && b[i + 1] != c && b[i + 1] !~ /^\^/) { print i; exit } }'
}

test_import() {
	local first n line patch name out head other
	"$TOP/scripts/apply.sh" --force --tree "$TREE"
	"$TOP/scripts/export.sh" --from "$TREE" --to "$scratch/before"
	cp -r "$scratch/before" "$scratch/mirror"
	first=$(git -C "$TREE" rev-list --reverse "$BASE_TAG..HEAD" | sed -n 1p)
	patch=$(head -n 1 "$TOP/series")

	# 1. An edit of a line of patch 1 goes into patch 1, and only there.
	n=$(line_of_only "$first")
	[ -n "$n" ] || fail "no line of $REL comes from patch 1 away from other patches' lines: update $0"
	line=$(sed -n "${n}p" "$TREE/$REL")
	echo "editing $REL line $n, from patch 1: $line"
	sed -i "${n}s|\$| $MARK|" "$scratch/mirror/$REL"
	"$TOP/scripts/import.sh" --tree "$TREE" --from "$scratch/mirror"
	"$TOP/scripts/export.sh" --from "$TREE" --to "$scratch/after"
	cmp "$scratch/mirror/$REL" "$scratch/after/$REL" ||
		fail "after import and export, $REL is not the edited file"
	[ "$(git -C "$TREE" rev-list --count "$BASE_TAG..HEAD")" -eq "$(wc -l <"$TOP/series")" ] ||
		fail "the worktree does not have one commit per patch after import"
	for name in "$scratch"/before/patches/*.patch; do
		name=$(basename "$name")
		out=$(diff -I '^index ' "$scratch/before/patches/$name" "$scratch/after/patches/$name" || true)
		if [ "$name" = "$patch" ]; then
			echo "patch 1 after import:"
			echo "$out"
			if ! grep -qx '[0-9]*c[0-9]*' <<<"$(sed -n 1p <<<"$out")" ||
			   [ "$(sed 1d <<<"$out")" != "$(printf '%s\n' "< +$line" "---" "> +$line $MARK")" ]; then
				fail "patch 1 did not change by exactly the edited line"
			fi
		elif [ -n "$out" ]; then
			echo "$out"
			fail "the import changed $name, which it must not"
		fi
	done
	grep -lF -- "$MARK" "$scratch"/after/patches/*.patch >"$scratch/with-mark"
	[ "$(cat "$scratch/with-mark")" = "$scratch/after/patches/$patch" ] ||
		fail "the edit is in: $(xargs -r basename -a <"$scratch/with-mark"), not in $patch alone"

	# 2. A hunk over lines of two commits is refused, and nothing changes.
	cp "$scratch/after/$REL" "$scratch/mirror/$REL"
	first=$(git -C "$TREE" rev-list --reverse "$BASE_TAG..HEAD" | sed -n 1p)
	n=$(line_before_other "$first")
	[ -n "$n" ] || fail "no line of patch 1 in $REL is followed by a line of another patch: update $0"
	other=$(blame_all | sed -n "$((n + 1))p")
	sed -i "${n}s|\$| $MARK|; $((n + 1))s|\$| $MARK|" "$scratch/mirror/$REL"
	head=$(git -C "$TREE" rev-parse HEAD)
	if out=$("$TOP/scripts/import.sh" --tree "$TREE" --from "$scratch/mirror" 2>&1); then
		echo "$out"
		fail "import took a hunk that changes lines $n-$((n + 1)), of two commits"
	fi
	echo "$out"
	if ! grep -q "nothing imported" <<<"$out" ||
	   ! grep -q "$(git -C "$TREE" rev-parse --short "$first")" <<<"$out" ||
	   ! grep -q "$(git -C "$TREE" rev-parse --short "$other")" <<<"$out"; then
		fail "import did not refuse the hunk naming both candidate commits"
	fi
	if [ "$(git -C "$TREE" rev-parse HEAD)" != "$head" ] ||
	   [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		fail "the refused import changed $TREE"
	fi
}

if [ "$tap" -eq 0 ]; then
	test_import
	exit
fi
# In a process of its own, so that set -e stops the test at the first failure.
check "import puts an edit of a line of patch 1 into patch 1 only, and refuses a hunk over two commits' lines" "$0" --log

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/export.sh [--from TREE] [--to DIR]

Write the commits TREE has on top of v6.12.107 out as the series:
DIR/patches/*.patch (git format-patch, [RFC PATCH n/N], base-commit),
DIR/patches/0000-cover-letter.patch, DIR/series (quilt), and every file the
series adds, mirrored at its kernel path under DIR.

TREE defaults to the development worktree build/linux, DIR to the project.
The cover letter's subject and text are kept from the cover letter that is
already in patches/ (edit them there); its shortlog and diffstat are made
anew. Exporting twice changes nothing.
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

from=$WORKTREE
to=$TOP
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--from) from=$2; shift 2 ;;
	--to) to=$2; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done

[ -d "$from/.git" ] || die "$from is not a kernel worktree; run 'make apply' first"
git -C "$from" diff --quiet HEAD ||
	die "$from has uncommitted changes: commit them (git commit --fixup, rebase) and export again"

# An RFC: nothing in the kernel uses the series' code (the cover letter says
# why it is posted anyway).
SUBJECT_PREFIX="RFC PATCH"

# The cover letter text is the one fact export cannot derive from git.
cover_subject() {
	sed -n 's/^Subject: \[\(RFC \)\{0,1\}PATCH [0-9]*\/[0-9]*\] //p' "$1"
}
cover_blurb() {
	# From the first blank line after the headers to the shortlog.
	awk '!body && /^$/ { body = 1; next }
	     body && /^[^ ].* \([0-9]+\):$/ { exit }
	     body { print }' "$1"
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The cover letter is from the series' author, not whoever exports it.
git -C "$from" -c user.name="$(git -C "$from" log -1 --format=%an HEAD)" \
	-c user.email="$(git -C "$from" log -1 --format=%ae HEAD)" format-patch -q --zero-commit --no-signature \
	--subject-prefix="$SUBJECT_PREFIX" --base="$BASE_TAG" --cover-letter -o "$out" "$BASE_TAG..HEAD"

old_cover=$TOP/patches/0000-cover-letter.patch
new_cover=$out/0000-cover-letter.patch
if [ -f "$old_cover" ]; then
	subject=$(cover_subject "$old_cover")
	cover_blurb "$old_cover" >"$out/blurb"
else
	subject="*** SUBJECT HERE ***"
	printf '*** BLURB HERE ***\n\n' >"$out/blurb"
fi
tip_date=$(git -C "$from" log -1 --format=%aD HEAD)
awk -v subject="$subject" -v date="$tip_date" -v blurb="$out/blurb" '
	/^Date: / && !done_date { print "Date: " date; done_date = 1; next }
	/^Subject: / && !done_subject {
		sub(/\*\*\* SUBJECT HERE \*\*\*/, subject); print; done_subject = 1; next }
	/^\*\*\* BLURB HERE \*\*\*$/ {
		while ((getline line < blurb) > 0) print line
		skip_blank = 1; next }
	skip_blank && /^$/ { skip_blank = 0; next }
	{ skip_blank = 0; print }
' "$new_cover" >"$out/cover" && mv "$out/cover" "$new_cover"
rm "$out/blurb"

# patches/ and series
mkdir -p "$to/patches"
rm -f "$to"/patches/*.patch
cp "$out"/*.patch "$to/patches/"
for patch in "$out"/*.patch; do
	case "$patch" in
	*/0000-cover-letter.patch) ;;
	*) basename "$patch" ;;
	esac
done >"$to/series"

# The mirror: exactly the files the series adds.
mirror_roots=(Documentation drivers include kernel lib samples tools)
added=$(git -C "$from" diff --name-only --diff-filter=A "$BASE_TAG..HEAD")
for root in "${mirror_roots[@]}"; do
	[ -d "$to/$root" ] || continue
	find "$to/$root" -type f | while read -r f; do
		rel=${f#"$to"/}
		grep -qxF -- "$rel" <<<"$added" || rm -f -- "$f"
	done
	find "$to/$root" -type d -empty -delete
done
while read -r rel; do
	[ -n "$rel" ] || continue
	case "${rel%%/*}" in
	Documentation|drivers|include|kernel|lib|samples|tools) ;;
	*) die "the series adds $rel, outside the mirrored directories (${mirror_roots[*]}); add its top directory to mirror_roots in $0" ;;
	esac
	mkdir -p "$to/$(dirname "$rel")"
	git -C "$from" show "HEAD:$rel" >"$to/$rel"
	if [ -x "$from/$rel" ]; then chmod +x "$to/$rel"; fi
done <<<"$added"

# series last: it is the mark that patches and mirror were written together.
touch "$to/series"
say "exported $(wc -l <"$to/series") patches from $from to $to"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/mail.sh [--resign] [--out DIR]

Write the series as a set of mails ready for git send-email ("make mail"):
the cover letter and every patch of series, from patches/, into DIR
(default build/mail/; its *.patch files are replaced).

Recipients: for each patch, scripts/get_maintainer.pl --no-git
--no-git-fallback, run in the kernel tree with the whole series applied
(build/verify, applied again when the series changed; its MAINTAINERS
entries are part of the series). The people it names (maintainers,
reviewers) go in To:, its mailing lists in Cc: (lists in To: when it names
no person). Every patch that touches include/uapi/ also gets
linux-api@vger.kernel.org in Cc: (get_maintainer never names it). The cover
letter gets the union of them all.

Authorship: the patches are exported as "kseries developers
<kseries-dev@lists.example.org>", the project's address, in From: and
Signed-off-by:. A Signed-off-by certifies the Developer's Certificate of
Origin and must be a real person's: without --resign the set is written
as exported (to review it and its recipients), and the script says that it
is NOT sendable as is. With
--resign ("make mail RESIGN=1") the project's From: and Signed-off-by:
(and the cover letter's shortlog name) are replaced by your git identity,
git config user.name and user.email; without one, or when it is the
project's address, the script refuses and says what to set. Re-signing is
a choice you make, never a default: only you can certify the DCO.

Last, git send-email --dry-run --confirm=never runs on the whole set
(nothing is sent, no network or sendmail is needed; its output is kept in
DIR/dry-run.log); the script fails if it fails. It prints the command that
sends the set for real.

The cover letter's base-commit is the local commit of v6.12.107 as
unpacked from Debian's orig tarball: b4 reports it unknown.

--resign   replace the project's From: and Signed-off-by: with your git
           identity (make mail RESIGN=1)
--out DIR  write the set to DIR instead of build/mail
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

resign=0 out=
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--resign) resign=1; shift ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
out=${out:-$BUILD_DIR/mail}

PROJECT_NAME="kseries developers"
PROJECT_EMAIL=kseries-dev@lists.example.org
PROJECT="$PROJECT_NAME <$PROJECT_EMAIL>"
LINUX_API=linux-api@vger.kernel.org
COVER=0000-cover-letter.patch

command -v git-send-email >/dev/null || [ -x "$(git --exec-path)/git-send-email" ] ||
	die "git send-email is missing: apt-get install git-email (or make deps)"

sender=$PROJECT
if [ "$resign" -eq 1 ]; then
	name=$(git -C "$TOP" config user.name || true)
	email=$(git -C "$TOP" config user.email || true)
	if [ -z "$name" ] || [ -z "$email" ]; then
		die "no git identity to re-sign with (user.name '${name}', user.email '${email}'): set yours, e.g.
  git config --global user.name 'Your Name'
  git config --global user.email you@example.com
then run make mail RESIGN=1 again. A Signed-off-by must be a real person's."
	fi
	if [ "$email" = "$PROJECT_EMAIL" ] || [ "$name" = "$PROJECT_NAME" ]; then
		die "your git identity is the project's ($name <$email>): set your own with git config user.name and user.email; a Signed-off-by must be a real person's"
	fi
	sender="$name <$email>"
fi

ensure_series_tree

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.patch "$out/dry-run.log"

# recipients PATCH: get_maintainer's addresses for PATCH, each as
# "person ADDRESS" or "list ADDRESS" by the role it gives after the address
# ("(maintainer:...)", "(reviewer:...)", "(open list:...)", ...).
recipients() {
	(cd "$SERIES_TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--rolestats "$1") |
	awk '{
		if (match($0, /^[^<]*<[^>]*>/)) { a = substr($0, 1, RLENGTH); r = substr($0, RLENGTH + 1) }
		else { a = $1; r = substr($0, length($1) + 1) }
		print (r ~ /^ *\([a-z ]*list/ ? "list" : "person") " " a
	}'
}

# resign FILE: the project's From: and Signed-off-by: become the sender's,
# in the mail header and the message only (never in the diff, where
# MAINTAINERS may name the project).
resign_file() {
	PROJECT=$PROJECT SENDER=$sender awk '
		BEGIN { p = ENVIRON["PROJECT"]; s = ENVIRON["SENDER"] }
		/^---$/ || /^diff --git / { msg_end = 1 }
		!msg_end && $0 == "From: " p { $0 = "From: " s }
		!msg_end && $0 == "Signed-off-by: " p { $0 = "Signed-off-by: " s }
		{ print }' "$1" >"$1.tmp"
	mv "$1.tmp" "$1"
}

# The cover letter has no diff: its shortlog names the author, up to
# base-commit.
resign_shortlog() {
	PROJECT_NAME=$PROJECT_NAME SENDER_NAME=${sender% <*} awk '
		{ if (index($0, ENVIRON["PROJECT_NAME"] " (") == 1 && $0 ~ /\([0-9]+\):$/)
			$0 = ENVIRON["SENDER_NAME"] substr($0, length(ENVIRON["PROJECT_NAME"]) + 1)
		  print }' "$1" >"$1.tmp"
	mv "$1.tmp" "$1"
}

# add_headers FILE TO CC: To: and Cc: (newline-separated addresses) at the
# end of FILE's mail header, folded one address a line as format-patch does.
add_headers() {
	TO=$2 CC=$3 awk '
		function header(name, list,    n, a, i) {
			n = split(list, a, "\n")
			if (n == 0) return
			printf "%s: %s", name, a[1]
			for (i = 2; i <= n; i++) printf ",\n    %s", a[i]
			printf "\n"
		}
		!done && $0 == "" { header("To", ENVIRON["TO"]); header("Cc", ENVIRON["CC"]); done = 1 }
		{ print }' "$1" >"$1.tmp"
	mv "$1.tmp" "$1"
}

# uniq_lines: drop empty and repeated lines, keeping the first.
uniq_lines() { awk 'NF && !seen[$0]++'; }

touches_uapi() { grep -Eq '^(\+\+\+ b|--- a)/include/uapi/' "$1"; }

all_to='' all_cc='' any_uapi=0 n=0
say "recipients from get_maintainer.pl in $SERIES_TREE"
while read -r name; do
	[ -n "$name" ] || continue
	src=$TOP/patches/$name
	[ -f "$src" ] || die "series names patches/$name, which does not exist"
	addrs=$(recipients "$src")
	[ -n "$addrs" ] || die "get_maintainer.pl named nobody for patches/$name"
	to=$(sed -n 's/^person //p' <<<"$addrs")
	cc=$(sed -n 's/^list //p' <<<"$addrs")
	if touches_uapi "$src"; then
		cc=$(printf '%s\n%s\n' "$cc" "$LINUX_API" | uniq_lines)
		any_uapi=1
	fi
	if [ -z "$to" ]; then
		to=$cc cc=
	fi
	cp "$src" "$out/$name"
	[ "$resign" -eq 0 ] || resign_file "$out/$name"
	add_headers "$out/$name" "$to" "$cc"
	all_to=$(printf '%s\n%s\n' "$all_to" "$to" | uniq_lines)
	all_cc=$(printf '%s\n%s\n' "$all_cc" "$cc" | uniq_lines)
	n=$((n + 1))
	{
		echo "$name"
		awk '{ print "  To: " $0 }' <<<"$to"
		[ -z "$cc" ] || awk '{ print "  Cc: " $0 }' <<<"$cc"
	} >&2
done <"$TOP/series"
[ "$n" -gt 0 ] || die "series lists no patches"

[ -f "$TOP/patches/$COVER" ] || die "no patches/$COVER"
[ "$any_uapi" -eq 0 ] || all_cc=$(printf '%s\n%s\n' "$all_cc" "$LINUX_API" | uniq_lines)
all_cc=$(grep -vxF -f <(printf '%s\n' "$all_to") <<<"$all_cc" || true)
cp "$TOP/patches/$COVER" "$out/$COVER"
if [ "$resign" -eq 1 ]; then
	resign_file "$out/$COVER"
	resign_shortlog "$out/$COVER"
fi
add_headers "$out/$COVER" "$all_to" "$all_cc"

left=$(grep -lxF -e "From: $PROJECT" -e "Signed-off-by: $PROJECT" "$out"/*.patch || true)
[ -z "$left" ] || [ "$resign" -eq 0 ] ||
	die "re-signed, yet still From: or Signed-off-by: $PROJECT: $(xargs -n1 basename <<<"$left" | tr '\n' ' ')"

say "git send-email --dry-run on the $((n + 1)) mails (log: $out/dry-run.log)"
# send-email wants an author and committer identity even for a dry run:
# the sender's (the project's without --resign; the dry run only).
s_name=${sender% <*} s_email=${sender##*<}
s_email=${s_email%>}
if ! (cd "$out" &&
      GIT_AUTHOR_NAME=$s_name GIT_AUTHOR_EMAIL=$s_email \
      GIT_COMMITTER_NAME=$s_name GIT_COMMITTER_EMAIL=$s_email \
      git send-email --dry-run --confirm=never --from="$sender" ./*.patch) \
		</dev/null >"$out/dry-run.log" 2>&1; then
	tail -n 20 "$out/dry-run.log" >&2
	die "git send-email --dry-run failed on $out (log: $out/dry-run.log)"
fi
grep -c '^Dry-OK\. Log says:' "$out/dry-run.log" | grep -qx "$((n + 1))" ||
	die "git send-email --dry-run did not report all $((n + 1)) mails as Dry-OK (log: $out/dry-run.log)"

echo "The set is in $out: $COVER and $n patches; git send-email --dry-run passed on all $((n + 1))."
if [ -n "$left" ]; then
	cat <<EOF
NOT SENDABLE AS IS: its From: and Signed-off-by: are $PROJECT,
the project's address, not a person's. Re-sign it as yourself (your git
user.name and user.email) first:
  make mail RESIGN=1        (or scripts/mail.sh --resign)
EOF
	exit 0
fi
echo "Signed off and sent as: $sender. To send it for real:"
echo "  git send-email $out/*.patch"

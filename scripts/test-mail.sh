#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/test-mail.sh

Test scripts/mail.sh ("make mail") on a scratch output directory, with a
scratch HOME and global git configuration, never the user's:

  - with no git identity, --resign refuses and says what to set; with the
    project's address as identity, it refuses too
  - without --resign the set is written and called not sendable
  - with the test identity "$TEST_IDENT":
    the set has the cover letter and every patch of series; every mail is
    From: it and every Signed-off-by is its, none the project's
  - each patch's To: and Cc: together are exactly what
    scripts/get_maintainer.pl --no-git --no-git-fallback names for it in
    the series tree (computed here, not written down: MAINTAINERS changes
    with the series), plus linux-api@vger.kernel.org; its lists are in Cc:
    (when it also names a person) and its people in To:
  - linux-api@vger.kernel.org is on exactly the patches that touch
    include/uapi/, and on the cover letter; the cover letter's To: and Cc:
    are the union of the patches'
  - git send-email --dry-run passed on every mail of the set

Prints one "ok - ..." or "not ok - ..." line per check (run by
scripts/check.sh).
USAGE
}

TEST_NAME="Kseries Mail Test"
TEST_EMAIL=mail-test@example.invalid
TEST_IDENT="$TEST_NAME <$TEST_EMAIL>"

case "${1:-}" in
-h|--help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

PROJECT="kseries developers <kseries-dev@lists.example.org>"
LINUX_API=linux-api@vger.kernel.org

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A scratch HOME and global git configuration: no identity of the user's
# leaks in. The kernel cache stays where it is.
export KSERIES_CACHE=$CACHE_DIR
export HOME=$scratch/home GIT_CONFIG_GLOBAL=$scratch/gitconfig GIT_CONFIG_NOSYSTEM=1
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
mkdir -p "$HOME"
: >"$GIT_CONFIG_GLOBAL"

mail() { "$TOP/scripts/mail.sh" "$@"; }

# header FILE NAME: the addresses of header NAME of FILE's mail header, one
# a line (folded lines joined, split at the commas outside quotes).
header() {
	awk -v name="$2" '
		$0 == "" { exit }
		/^[ \t]/ { if (on) value = value " " $0; next }
		{ on = (index($0, name ": ") == 1); if (on) value = substr($0, length(name) + 3) }
		END {
			n = length(value); a = ""; q = 0
			for (i = 1; i <= n + 1; i++) {
				c = substr(value, i, 1)
				if (c == "\"") q = !q
				if ((c == "," && !q) || i > n) {
					gsub(/^[ \t]+|[ \t]+$/, "", a)
					if (a != "") print a
					a = ""
				} else a = a c
			}
		}' "$1"
}

# message FILE: the mail up to the end of its commit message.
message() { awk '/^---$/ || /^diff --git / { exit } { print }' "$1"; }

# get_maintainer PATCH OPTIONS...: what get_maintainer.pl names for PATCH.
get_maintainer() {
	local patch=$1
	shift
	(cd "$SERIES_TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats "$@" "$patch")
}

touches_uapi() { grep -Eq '^(\+\+\+ b|--- a)/include/uapi/' "$1"; }

test_refuses() {
	local out bad=0
	if out=$(mail --resign --out "$scratch/refused" 2>&1); then
		echo "$out"; echo "FAIL: mail.sh --resign with no git identity succeeded"; bad=1
	elif ! grep -q 'git config --global user.name' <<<"$out" ||
	     ! grep -q 'git config --global user.email' <<<"$out"; then
		echo "$out"; echo "FAIL: the refusal does not say what to set"; bad=1
	fi
	if ls "$scratch"/refused/*.patch >/dev/null 2>&1; then
		echo "FAIL: the refused run wrote mails"; bad=1
	fi
	git config --global user.name "kseries developers"
	git config --global user.email kseries-dev@lists.example.org
	if out=$(mail --resign --out "$scratch/refused" 2>&1); then
		echo "$out"; echo "FAIL: mail.sh --resign as the project's address succeeded"; bad=1
	fi
	: >"$GIT_CONFIG_GLOBAL"
	return "$bad"
}

test_unsigned() {
	local out
	out=$(mail --out "$scratch/unsigned" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	grep -q '^NOT SENDABLE AS IS' <<<"$out" || { echo "FAIL: not called not sendable"; return 1; }
	if grep -q 'To send it for real' <<<"$out"; then
		echo "FAIL: the unsigned set comes with a command to send it"; return 1
	fi
	grep -qxF "Signed-off-by: $PROJECT" "$scratch"/unsigned/0001-*.patch ||
		{ echo "FAIL: without --resign the Signed-off-by changed"; return 1; }
}

test_resigned() {
	local out
	git config --global user.name "$TEST_NAME"
	git config --global user.email "$TEST_EMAIL"
	out=$(mail --resign --out "$scratch/mail" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	grep -qF "To send it for real" <<<"$out" ||
		{ echo "FAIL: no command to send the set for real"; return 1; }
	grep -q "^  git send-email $scratch/mail/\*\.patch\$" <<<"$out" ||
		{ echo "FAIL: the send command is not git send-email $scratch/mail/*.patch"; return 1; }
}

test_complete() {
	local name bad=0
	for name in 0000-cover-letter.patch $(cat "$TOP/series"); do
		[ -f "$scratch/mail/$name" ] || { echo "FAIL: no $name in the set"; bad=1; }
	done
	[ "$(find "$scratch/mail" -name '*.patch' | wc -l)" -eq $(($(grep -c . "$TOP/series") + 1)) ] ||
		{ echo "FAIL: the set has other mails too: $(ls "$scratch/mail")"; bad=1; }
	return "$bad"
}

test_signed() {
	local f name from sobs bad=0
	for f in "$scratch"/mail/*.patch; do
		name=$(basename "$f")
		from=$(header "$f" From)
		[ "$from" = "$TEST_IDENT" ] || { echo "FAIL: $name is From: $from"; bad=1; }
		[ "$name" = 0000-cover-letter.patch ] && continue
		sobs=$(message "$f" | grep '^Signed-off-by:' || true)
		[ -n "$sobs" ] || { echo "FAIL: $name has no Signed-off-by"; bad=1; }
		if grep -vxF "Signed-off-by: $TEST_IDENT" <<<"$sobs" | grep -q .; then
			echo "FAIL: $name has another Signed-off-by:"
			grep -vxF "Signed-off-by: $TEST_IDENT" <<<"$sobs"
			bad=1
		fi
	done
	if grep -lxF -e "Signed-off-by: $PROJECT" -e "From: $PROJECT" "$scratch"/mail/*.patch; then
		echo "FAIL: the project's address still signs or sends these"; bad=1
	fi
	return "$bad"
}

# The recipients of each patch, as get_maintainer names them here.
test_recipients() {
	local name f want got lists to cc bad=0
	while read -r name; do
		f=$scratch/mail/$name
		to=$(header "$f" To)
		cc=$(header "$f" Cc)
		want=$(get_maintainer "$TOP/patches/$name")
		! touches_uapi "$TOP/patches/$name" || want=$(printf '%s\n%s\n' "$want" "$LINUX_API")
		got=$(printf '%s\n%s\n' "$to" "$cc" | grep -v '^$')
		echo "$name:"
		awk '{ print "  To: " $0 }' <<<"$to"
		[ -z "$cc" ] || awk '{ print "  Cc: " $0 }' <<<"$cc"
		if [ "$(sort -u <<<"$want")" != "$(sort <<<"$got")" ]; then
			echo "FAIL: $name: To/Cc differ from get_maintainer (< wanted, > got; or an address twice):"
			diff <(sort -u <<<"$want") <(sort <<<"$got") || true
			bad=1
		fi
		# Lists in Cc:, people in To: (lists in To: only with no person).
		lists=$(get_maintainer "$TOP/patches/$name" --no-m --no-r)
		if grep -qvxF -f <(printf '%s\n' "$lists" "$LINUX_API") <<<"$to"; then
			if grep -qxF -f <(printf '%s\n' "$lists" "$LINUX_API") <<<"$to"; then
				echo "FAIL: $name has lists in To: beside people"; bad=1
			fi
			if [ -n "$cc" ] && grep -qvxF -f <(printf '%s\n' "$lists" "$LINUX_API") <<<"$cc"; then
				echo "FAIL: $name has people in Cc:"; bad=1
			fi
		fi
	done <"$TOP/series"
	return "$bad"
}

test_linux_api() {
	local name f uapi has any=0 bad=0
	while read -r name; do
		f=$scratch/mail/$name
		uapi=0 has=0
		touches_uapi "$TOP/patches/$name" && uapi=1 any=1
		{ header "$f" To; header "$f" Cc; } | grep -qxF "$LINUX_API" && has=1
		echo "$name: touches include/uapi/: $uapi; $LINUX_API: $has"
		[ "$uapi" -eq "$has" ] || { echo "FAIL: $name"; bad=1; }
	done <"$TOP/series"
	[ "$any" -eq 1 ] || { echo "FAIL: no patch touches include/uapi/ (the test expects rulestore's header)"; bad=1; }
	{ header "$scratch/mail/0000-cover-letter.patch" To; header "$scratch/mail/0000-cover-letter.patch" Cc; } |
		grep -qxF "$LINUX_API" || { echo "FAIL: the cover letter is not sent to $LINUX_API"; bad=1; }
	return "$bad"
}

test_cover() {
	local cover=$scratch/mail/0000-cover-letter.patch all mine
	all=$(for f in "$scratch"/mail/*.patch; do
		[ "$f" != "$cover" ] || continue
		header "$f" To; header "$f" Cc
	done | sort -u)
	mine=$({ header "$cover" To; header "$cover" Cc; } | sort)
	[ "$all" = "$mine" ] || { diff <(echo "$all") <(echo "$mine"); return 1; }
}

test_dry_run() {
	local log=$scratch/mail/dry-run.log n
	n=$(find "$scratch/mail" -name '*.patch' | wc -l)
	[ -f "$log" ] || { echo "FAIL: no $log"; return 1; }
	tail -n 5 "$log"
	[ "$(grep -c '^Dry-OK\. Log says:' "$log")" -eq "$n" ] ||
		{ echo "FAIL: $(grep -c '^Dry-OK\. Log says:' "$log") of $n mails are Dry-OK in $log"; return 1; }
}

check "mail.sh --resign refuses with no git identity, or the project's, and says what to set" test_refuses
check "mail.sh without --resign writes the set and says it is not sendable" test_unsigned
check "mail.sh --resign as $TEST_IDENT writes the set and prints the send command" test_resigned
check "the set has the cover letter and every patch of series" test_complete
check "every mail is From: the test identity, every Signed-off-by is its, none the project's" test_signed
check "each patch's To:/Cc: are get_maintainer.pl's for it (people To:, lists Cc:), plus $LINUX_API for uapi" test_recipients
check "$LINUX_API is on exactly the patches touching include/uapi/ and on the cover letter" test_linux_api
check "the cover letter's To:/Cc: are the union of the patches'" test_cover
check "git send-email --dry-run --confirm=never passed on every mail" test_dry_run

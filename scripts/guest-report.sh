#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/guest-report.sh CONSOLE_LOG RESULTS_TAP [EXPECTED]

Judge a "boot.sh --mode check" run. Prints the guest's TAP results, then
one result each for: the guest ran to the end, every report that
EXPECTED (default guest/expected-reports.txt) declares appeared exactly as
often as declared, and the console has no other kernel report (BUG,
WARNING, Oops, KASAN, UBSAN, KFENCE, lockdep, RCU, debugobjects, kmemleak,
hung task, panic).
USAGE
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac
[ $# -ge 2 ] || { usage >&2; exit 2; }

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

console=$1 results=$2 expected=${3:-$TOP/guest/expected-reports.txt}

# The first line of every kernel report we know of.
REPORT='BUG:|WARNING:|Oops|kernel BUG at|general protection fault|KASAN:|UBSAN:|KFENCE:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|ODEBUG:|unreferenced object|INFO: task .* blocked|soft lockup|hard LOCKUP|self-detected stall|Kernel panic'

if [ -f "$results" ]; then
	grep -E '^(ok|not ok) ' "$results" || true
else
	echo "not ok - the guest wrote results to $results"
fi

if grep -q '^# kseries: all guest tests done' "$results" 2>/dev/null &&
   grep -q 'reboot: Power down' "$console" 2>/dev/null; then
	echo "ok - the guest ran every test and powered off"
else
	echo "not ok - the guest ran every test and powered off (see $console)"
	tail -n 20 "$console" 2>/dev/null | sed 's/^/#   /'
fi

reports=$(grep -E "$REPORT" "$console" || true)
unexpected=$reports
while read -r test count pattern; do
	case "$test" in ''|'#'*) continue ;; esac
	seen=$(grep -cE -- "$pattern" <<<"$reports" || true)
	if [ "$seen" -eq "$count" ]; then
		echo "ok - $test: the provoked report appeared: $pattern"
	else
		echo "not ok - $test: the provoked report appeared $seen times, not $count: $pattern"
	fi
	unexpected=$(grep -vE -- "$pattern" <<<"$unexpected" || true)
done <"$expected"

if [ -z "$unexpected" ]; then
	echo "ok - no unexpected kernel report on the console"
else
	echo "not ok - no unexpected kernel report on the console (see $console)"
	head -n 20 <<<"$unexpected" | sed 's/^/#   /'
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

RECORD_LINES=40

usage() {
	cat <<USAGE
Usage: scripts/guest-report.sh [--records] CONSOLE_LOG RESULTS_TAP [EXPECTED]

Judge a "boot.sh --mode check" or "--mode provoke" run. Prints the guest's
TAP results; the KUnit results, parsed from the KTAP that the guest copied
into RESULTS_TAP by tools/testing/kunit/kunit.py parse (\$KUNIT_PY, default
build/verify's); then one result each for: the guest ran to the end, every
report that EXPECTED (default guest/expected-reports.txt) declares for the
tests that ran appeared exactly as often as declared, and the console has
no other kernel report. "Powered off" is the console's "reboot: Power
down", or, with KSERIES_POWERED_OFF=1, the caller's word that QEMU ended
by itself (matrix.sh, for s390x, whose console loses its last lines).
Exits 1 when any of these results is "not ok", so that a script that
boots a kernel of its own (race.sh, slab-cycles.sh, matrix.sh's cells)
fails with it.

A report is a record: a header line (BUG, WARNING, Oops, kernel BUG,
general protection fault, KASAN, UBSAN, KFENCE, lockdep, suspicious RCU
usage, ODEBUG, kmemleak's "unreferenced object", hung task, panic) and
the lines after it, up to the next header and at most $RECORD_LINES lines in all.
A declaration "TEST COUNT PATTERN" applies only when the results have the
line "# test: TEST" (the guest ran that test); PATTERN, an extended regular
expression, is matched against each record joined into one line with
" | " between its lines, so it can name the report's source further down
(a function in the backtrace, the lock names). Exactly COUNT records must
match. A record that no applicable declaration matches is unexpected.

--records   only print the records found in CONSOLE_LOG, one per line
USAGE
}

records_only=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--records) records_only=1; shift ;;
esac
if [ $# -lt $((2 - records_only)) ]; then usage >&2; exit 2; fi

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

console=$1 results=${2:-} expected=${3:-$TOP/guest/expected-reports.txt}
[ -f "$expected" ] || die "no declarations file $expected"

# The first line of every kernel report we know of. Proven by the
# provocation boot (guest/provoke/, declared in guest/expected-reports.txt):
# WARNING, kernel BUG/Oops (a general protection fault is an "Oops:" line
# too), KASAN, UBSAN, KFENCE, lockdep (circular locking), suspicious RCU
# usage, ODEBUG, kmemleak, hung task. Kept but NOT proven (the debug kernel
# has no detector for them, or provoking them stalls or kills the guest):
# recursive locking / inconsistent lock state / lock held when returning,
# soft lockup, hard LOCKUP, RCU stall (self-detected stall), Kernel panic.
REPORT='BUG:|WARNING:|Oops|kernel BUG at|general protection fault|KASAN:|UBSAN:|KFENCE:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning|ODEBUG:|unreferenced object|INFO: task .* blocked|soft lockup|hard LOCKUP|self-detected stall|Kernel panic'

# records: one line per report, its lines joined with " | ".
records() {
	tr -d '\r' <"$1" | awk -v re="$REPORT" -v max="$RECORD_LINES" '
		function flush() { if (rec != "") print rec; rec = ""; n = 0 }
		$0 ~ re { flush(); rec = $0; n = 1; next }
		rec != "" && n < max { rec = rec " | " $0; n++ }
		END { flush() }'
}

if [ "$records_only" -eq 1 ]; then
	[ -f "$console" ] || die "no console log $console"
	records "$console"
	exit 0
fi

# verdict: every result, as TAP lines.
verdict() {
	if [ -f "$results" ]; then
		grep -E '^(ok|not ok) ' "$results" || true
	else
		echo "not ok - the guest wrote results to $results"
	fi

	# The KTAP of each KUnit suite that ran in the guest, which
	# guest/tests/20-kunit.sh copied from /sys/kernel/debug/kunit/SUITE/results
	# between "# kseries-ktap-begin SUITE" and "# kseries-ktap-end SUITE", its
	# lines commented out: parsed here by the kernel's own kunit.py, one result
	# per test case, and one for the suite as a whole (kunit.py parse's status:
	# a failure, a crash, or fewer tests than planned).
	kunit_results() {
		local suite ktap json log rc
		ktap=$(mktemp) json=$(mktemp) log=$(mktemp)
		for suite in $(tr -d '\r' <"$results" | sed -n 's/^# kseries-ktap-begin //p'); do
			tr -d '\r' <"$results" | awk -v b="# kseries-ktap-begin $suite" \
				-v e="# kseries-ktap-end $suite" '
				$0 == b { on = 1; next }
				$0 == e { if (on) end = 1; on = 0; next }
				on { sub(/^# ?/, ""); print }
				END { exit !end }' >"$ktap" || {
				echo "not ok - kunit (guest): $suite: its KTAP reached the host whole (no end marker)"
				continue
			}
			rc=0
			python3 "$KUNIT_PY" parse --json="$json" "$ktap" >"$log" 2>&1 || rc=$?
			kunit_json_tap "kunit (guest): " <"$json" 2>/dev/null || true
			if [ "$rc" -eq 0 ]; then
				echo "ok - kunit (guest): $suite: kunit.py parse: the suite passed as a whole"
			else
				echo "not ok - kunit (guest): $suite: kunit.py parse: the suite passed as a whole"
				tail -n 20 "$log" | sed 's/^/#   /'
			fi
		done
		rm -f "$ktap" "$json" "$log"
	}
	KUNIT_PY=${KUNIT_PY:-$SERIES_TREE/tools/testing/kunit/kunit.py}
	[ -f "$KUNIT_PY" ] || KUNIT_PY=$KERNEL_REPO/tools/testing/kunit/kunit.py
	[ -f "$results" ] && kunit_results

	# KSERIES_POWERED_OFF=1: the caller saw QEMU exit by itself after the
	# guest powered off, on a console that cannot show it (matrix.sh's
	# s390x cell).
	# A kernel without ACPI reboots instead (scripts/boot.sh), which
	# QEMU's -no-reboot ends; a panic's restart does not print this line.
	if grep -q '^# kseries: all guest tests done' "$results" 2>/dev/null &&
	   { grep -qE 'reboot: (Power down|Restarting system)' "$console" 2>/dev/null ||
	     [ "${KSERIES_POWERED_OFF:-0}" = 1 ]; }; then
		echo "ok - the guest ran every test and shut down"
	else
		echo "not ok - the guest ran every test and shut down (see $console)"
		tail -n 20 "$console" 2>/dev/null | sed 's/^/#   /'
	fi

	all=$(mktemp)
	unexpected=$(mktemp)
	trap 'rm -f "$all" "$unexpected" "$unexpected.new"' EXIT
	[ -f "$console" ] && records "$console" >"$all"
	cp "$all" "$unexpected"
	# The tests that ran (the serial port gives CRLF line ends).
	ran=$(tr -d '\r' <"$results" 2>/dev/null | sed -n 's/^# test: //p' || true)

	while read -r test count pattern; do
		case "$test" in ''|'#'*) continue ;; esac
		if ! [[ "$count" =~ ^[0-9]+$ ]] || [ -z "$pattern" ]; then
			die "$expected: bad declaration '$test $count $pattern' (want TEST COUNT PATTERN)"
		fi
		grep -qxF -- "$test" <<<"$ran" || continue
		seen=$(grep -cE -- "$pattern" "$all" || true)
		if [ "$seen" -eq "$count" ]; then
			echo "ok - $test: the provoked report appeared exactly $count time(s): $pattern"
		else
			echo "not ok - $test: the provoked report appeared $seen time(s), not $count: $pattern"
		fi
		grep -vE -- "$pattern" "$unexpected" >"$unexpected.new" || true
		mv "$unexpected.new" "$unexpected"
	done <"$expected"

	if [ ! -s "$unexpected" ]; then
		echo "ok - no unexpected kernel report on the console"
	else
		echo "not ok - no unexpected kernel report on the console (see $console)"
		head -n 10 "$unexpected" | cut -c1-400 | sed 's/^/#   /'
	fi
}

out=$(mktemp)
verdict | tee "$out"
rc=0
grep -q '^not ok' "$out" && rc=1
rm -f "$out"
exit "$rc"

# SPDX-License-Identifier: GPL-2.0
# The series' KUnit suites that are built as modules, run in the guest:
# each module runs its suite when loaded and leaves KTAP in debugfs. The
# KTAP goes to the host as it is, framed by "# kseries-ktap-begin SUITE"
# and "# kseries-ktap-end SUITE" and each line commented out ("# "), so
# that only the host's parse of it (scripts/guest-report.sh, kunit.py
# parse) makes results of it: one per test case.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

# MODULE:SUITE for every KUnit module of the series.
suites="mentor_kunit:mentor rulestore_kunit:rulestore_store"

for entry in $suites; do
	module=${entry%%:*}
	suite=${entry#*:}
	results=/sys/kernel/debug/kunit/$suite/results
	t "kunit $suite: modprobe $module" modprobe "$module"
	if [ ! -r "$results" ]; then
		fail "kunit $suite: the suite left results in $results"
		continue
	fi
	echo "# kseries-ktap-begin $suite"
	sed 's/^/# /' "$results"
	echo "# kseries-ktap-end $suite"
	t "kunit $suite: rmmod $module" rmmod "$module"
done

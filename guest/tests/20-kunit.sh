# SPDX-License-Identifier: GPL-2.0
# The series' KUnit suites that are built as modules, run in the guest:
# each module runs its suite when loaded and leaves KTAP in debugfs.
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
	# Each test case (indented once in KTAP) becomes one result here.
	sed -n 's/^    \(not ok\|ok\) [0-9]* \(.*\)$/\1 - kunit '"$suite"': \2/p' "$results"
	t "kunit $suite: the suite passed as a whole" grep -q "^ok [0-9]* $suite\$" "$results"
	t "kunit $suite: rmmod $module" rmmod "$module"
done

# SPDX-License-Identifier: GPL-2.0
# The mentor KUnit suite, loaded as a module in the guest.
# shellcheck shell=sh
. /guest/lib.sh

results=/sys/kernel/debug/kunit/mentor/results

t "mentor-kunit: modprobe mentor_kunit" modprobe mentor_kunit
if [ ! -r $results ]; then
	fail "mentor-kunit: the suite left results in $results"
	exit 0
fi
# Each test case (indented once in KTAP) becomes one result here.
sed -n 's/^    \(not ok\|ok\) [0-9]* \(.*\)$/\1 - kunit mentor: \2/p' $results
t "mentor-kunit: the suite passed as a whole" grep -q '^ok [0-9]* mentor$' $results
t "mentor-kunit: rmmod mentor_kunit" rmmod mentor_kunit

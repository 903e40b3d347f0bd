# SPDX-License-Identifier: GPL-2.0
# The rulestore kselftests, as a 64-bit and as a 32-bit program (the
# compat ioctl path): each test of the harness becomes one line here.
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

out=/tmp/rulestore_test.out

# modprobe, unless the driver is built in (or already loaded).
load_rulestore() { [ -c /dev/rulestore ] || modprobe rulestore; }

t "rulestore-selftests: load rulestore" load_rulestore
t "rulestore-selftests: /dev/rulestore is a character device" \
	test -c /dev/rulestore

for bits in 64 32; do
	bin=/guest/bin/rulestore_test
	[ $bits = 32 ] && bin=${bin}_32
	name="rulestore-selftests ($bits-bit)"
	if [ ! -x $bin ]; then
		fail "$name: $bin is installed"
		continue
	fi
	$bin >$out 2>&1
	rc=$?
	# The harness's "ok 3 fixture.test" and "not ok 3 fixture.test # why"
	# lines, as ours; a SKIP directive stays at the end of its line.
	sed -n "s/^\(not ok\|ok\) [0-9]* \(.*\)$/\1 - $name: \2/p" $out
	# The harness's plan, so that a crash half-way shows as a failure.
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' $out)
	ran=$(grep -c '^\(not \)\{0,1\}ok [0-9]' $out)
	t_eq "$name: all ${planned:-?} planned tests reported" "$ran" "$planned"
	# Skips are listed above with their reasons; here they count.
	t_eq "$name: no test was skipped" \
		"$(grep -c '^ok [0-9]* .* # SKIP' $out)" 0
	t_eq "$name: the program exits 0" "$rc" 0
	# What the failed tests logged, for whoever reads the failures.
	[ $rc -eq 0 ] || grep -v '^\(not \)\{0,1\}ok [0-9]' $out | tail -n 40 |
		sed 's/^/#   /'
done

# SPDX-License-Identifier: GPL-2.0
# The rulestore kselftests through kselftest's own runner, run_kselftest.sh,
# from the installed selftests tree (scripts/build-payload.sh): every
# program of the Makefile's TEST_GEN_PROGS, among them the 32-bit build
# (the compat ioctl path). Each test of a program's harness becomes one
# line here, and the runner's verdict on each program one more: a program
# that skipped (KSFT_SKIP, e.g. no /dev/rulestore) fails here, where the
# device must exist.
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

ksft=/guest/kselftest
collection=drivers/misc/rulestore
out=/tmp/rulestore-kselftest.out

# modprobe, unless the driver is built in (or already loaded).
load_rulestore() { [ -c /dev/rulestore ] || modprobe rulestore; }

t "rulestore-selftests: load rulestore" load_rulestore
t "rulestore-selftests: /dev/rulestore is a character device" \
	test -c /dev/rulestore

progs=$(sed -n "s|^$collection:||p" $ksft/kselftest-list.txt 2>/dev/null)
# The 32-bit build of the case tests (the compat ioctl path) is made for
# an x86_64 kernel only; a 32-bit or other kernel (make check-full's
# matrix) runs the programs as they were built for it.
want="rulestore_test rulestore_test_32 rulestore_fail_nth rulestore_stress rulestore_fuzz"
arch=$(uname -m)
if [ "$arch" != x86_64 ]; then
	want="rulestore_test rulestore_fail_nth rulestore_stress rulestore_fuzz"
	pass "rulestore-selftests: the runner's list has rulestore_test_32 # SKIP built for x86_64 kernels only, this one is $arch"
fi
for prog in $want; do
	t "rulestore-selftests: the runner's list has $prog" \
		grep -qx "$collection:$prog" $ksft/kselftest-list.txt
done
# rulestore_stress runs 4 threads per CPU and wants several CPUs to race.
t_eq "rulestore-selftests: the guest has at least 4 CPUs" \
	"$(($(grep -c '^processor' /proc/cpuinfo) >= 4))" 1

start=$(date +%s)
# Appending: the runner writes the programs' output through a second
# descriptor it opens on /dev/stdout in append mode, which writes through
# a plain ">" would overwrite.
: >$out
$ksft/run_kselftest.sh -c $collection >>$out 2>&1
rc=$?
echo "# rulestore-selftests: run_kselftest.sh took $(($(date +%s) - start)) s"
# The stress test's rate, the fault-injection sweep's counts and the
# fuzzer's calls, for the record (operations per second are a TCG and
# debug-kernel figure).
grep -E 'operations in|injection point|calls, .* succeeded|^# # seed' $out |
	sed 's/^# */# /'
t_eq "rulestore-selftests: run_kselftest.sh exits 0" "$rc" 0

for prog in $progs; do
	name="rulestore-selftests ($prog)"
	# The runner's lines for this program: from its "# selftests: DIR:
	# PROG" header to its own verdict "ok N selftests: DIR: PROG".
	hdr="selftests: $collection: $prog"
	awk -v h="$hdr" '
		$0 == "# " h { on = 1 }
		on { print }
		on && /^(not )?ok [0-9]+ / {
			s = $0
			sub(/^(not )?ok [0-9]+ /, "", s)
			if (s == h || index(s, h " ") == 1) exit
		}' $out >/tmp/prog.out
	verdict=$(grep "^\(not \)\{0,1\}ok [0-9]* " /tmp/prog.out | tail -n 1)
	# The harness's "ok 3 fixture.test" and "not ok 3 fixture.test # why"
	# lines, prefixed "# " by the runner, as ours; a SKIP directive stays
	# at the end of its line.
	sed -n "s/^# \(not ok\|ok\) [0-9]* \(.*\)$/\1 - $name: \2/p" /tmp/prog.out
	# The harness's plan, so that a crash half-way shows as a failure.
	# (A program that skipped as a whole plans "1..0 # SKIP why".)
	planned=$(sed -n 's/^# 1\.\.\([0-9]*\)\( #.*\)\{0,1\}$/\1/p' /tmp/prog.out)
	ran=$(grep -c '^# \(not \)\{0,1\}ok [0-9]' /tmp/prog.out)
	t_eq "$name: all ${planned:-?} planned tests reported" "$ran" "$planned"
	# Skips are listed above with their reasons; here they count.
	t_eq "$name: no test was skipped" \
		"$(grep -c '^# ok [0-9]* .* # SKIP' /tmp/prog.out)" 0
	# "ok N ... # SKIP" when the program exited KSFT_SKIP, "not ok N
	# ... # exit=1" or "# TIMEOUT" otherwise: only a plain "ok" passes.
	case "$verdict" in
	"ok "*"# SKIP"*|"not ok"*|"")
		fail "$name: the runner passed it (${verdict:-no verdict})"
		# What the program said, for whoever reads the failure.
		grep -v '^# \(not \)\{0,1\}ok [0-9]' /tmp/prog.out | tail -n 40 |
			sed 's/^/#   /' ;;
	*) pass "$name: the runner passed it" ;;
	esac
done

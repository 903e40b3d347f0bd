# SPDX-License-Identifier: GPL-2.0
# The rulestore benchmark in the guest, booted by scripts/bench.sh with
# kseries_mode=bench (never by the tests of "make check"): runs
# rulestore_bench from the installed selftests tree and sends the host,
# on stdout (the second serial port), its progress lines as they come,
# then its table and result files, each between "==> begin NAME" and
# "==> end NAME", and last "bench: done, exit N".
# The kernel command line may set kseries_bench_rounds, kseries_bench_rules
# and kseries_bench_mem_rules (rulestore_bench's -r, -n and -m).
# shellcheck shell=sh

bench=/guest/kselftest/drivers/misc/rulestore/rulestore_bench
out=/tmp/bench

finish() {
	echo "bench: done, exit $1"
	exit 0
}

echo "bench: kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs," \
	"$(sed -n 's/^MemTotal: *//p' /proc/meminfo) of memory"
if [ ! -c /dev/rulestore ] && ! modprobe rulestore; then
	echo "bench: error: /dev/rulestore is missing and modprobe rulestore failed"
	finish 1
fi
if [ ! -x $bench ]; then
	echo "bench: error: no $bench: the kernel tree has no rulestore_bench"
	finish 1
fi
mkdir -p $out
$bench -r "${kseries_bench_rounds:-7}" -n "${kseries_bench_rules:-1000000}" \
	-m "${kseries_bench_mem_rules:-100000}" -o $out >$out/table.txt
rc=$?
for file in table.txt results.tsv memory.tsv targets.tsv; do
	[ -f $out/$file ] || continue
	echo "==> begin $file"
	cat $out/$file
	echo "==> end $file"
done
finish $rc

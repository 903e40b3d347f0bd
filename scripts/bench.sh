#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/bench.sh [--src TREE] [--rounds N] [--rules N]
                        [--mem-rules N] [--guest-mem MB] [--timeout S]

Benchmark /dev/rulestore. Builds the bench kernel (configs/base.config,
series.config and bench.config: no debugging, CONFIG_BPF_SYSCALL,
CONFIG_SLUB_DEBUG for /proc/slabinfo) from the series tree in
build/obj/bench, the selftests with rulestore_bench into
build/payload-bench, boots it in QEMU with 2 vCPUs and runs rulestore_bench
once (guest/bench.sh): the ENOTTY floor, getppid, INFO, a BPF hash-map
lookup, LIST of a uid with 1 to 1024 rules, LIST of one uid and of all at
10 to 10^6 stored rules against a tmpfs read of the same bytes, read(2)
of the device, LIST with a writer on another CPU, ADD and DEL, and the
slab bytes per rule.

QEMU runs under TCG, so every result is a ratio to the ENOTTY floor (an
ioctl of the device with an unknown command) of the same boot, never a
time. Prints the table with each target's value and PASS or MISS, writes
it and the TSV files to build/bench/, and draws build/bench/rulestore-bench.svg
with gnuplot, copied to rulestore-bench.svg beside the README.

A MISS is information: the script fails only when something broke (the
build, the device, a system call, the guest).

--src TREE      benchmark the kernel tree TREE instead of the series tree
                (build/verify, which it applies the series to first)
--rounds N      rounds of each measurement, at least 5 (default 7)
--rules N       most stored rules, 10^3 to 2*10^6 (default 1000000)
--mem-rules N   rules of each length for the slab figures (default 100000)
--guest-mem MB  guest memory (default 2048)
--timeout S     give up on the guest after S seconds (default 3600)
USAGE
}

src='' rounds=7 rules=1000000 mem_rules=100000 guest_mem=2048 timeout=3600
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--src) src=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--rules) rules=$2; shift 2 ;;
	--mem-rules) mem_rules=$2; shift 2 ;;
	--guest-mem) guest_mem=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

OBJ=$BUILD_DIR/obj/bench
PAYLOAD=$BUILD_DIR/payload-bench
OUT=$BUILD_DIR/bench
SVG=$TOP/rulestore-bench.svg
BENCH_C=tools/testing/selftests/drivers/misc/rulestore/rulestore_bench.c
start=$(now)

command -v gnuplot >/dev/null ||
	die "gnuplot is missing: make deps (or apt-get install gnuplot-nox)"
if [ -n "$src" ]; then
	if [ ! -f "$src/Makefile" ] || [ ! -d "$src/drivers/misc/rulestore" ]; then
		die "$src is not a kernel tree with the rulestore driver"
	fi
	SERIES_TREE=$(cd "$src" && pwd)
else
	ensure_series_tree
fi
[ -f "$SERIES_TREE/$BENCH_C" ] ||
	die "$SERIES_TREE has no $BENCH_C: the series does not have the benchmark yet (--src names a tree that does)"

say "building the bench kernel from $SERIES_TREE in $OBJ"
"$TOP/scripts/build-kernel.sh" --strict "$SERIES_TREE" "$OBJ" \
	"$TOP/configs/base.config" "$TOP/configs/series.config" \
	"$TOP/configs/bench.config"
"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$OBJ" "$PAYLOAD"
[ -x "$PAYLOAD/guest/kselftest/drivers/misc/rulestore/rulestore_bench" ] ||
	die "the payload has no rulestore_bench: is it in the selftests Makefile's TEST_GEN_PROGS_EXTENDED?"

# follow_progress PID FILE: while PID runs, print the guest's progress
# lines as they reach FILE, so that a run of many minutes shows signs of life.
follow_progress() {
	local pid=$1 file=$2 seen=0 n
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		[ -f "$file" ] || continue
		n=$(wc -l <"$file")
		[ "$n" -gt "$seen" ] || continue
		sed -n "$((seen + 1)),${n}p" "$file" | tr -d '\r' |
			sed -n 's/^progress: /==>   guest: /p; s/^bench: \(.*\)/==>   guest: \1/p' >&2
		seen=$n
	done
}

rm -rf "$OUT"
mkdir -p "$OUT"
say "booting the bench kernel (2 vCPUs, ${guest_mem} MiB; TCG: about 2 min for 10^6 rules)"
rc=0
"$TOP/scripts/boot.sh" --mode bench --smp 2 --mem "$guest_mem" \
	--timeout "$timeout" --out "$OUT/guest" --add "$PAYLOAD" \
	--append "kseries_bench_rounds=$rounds kseries_bench_rules=$rules kseries_bench_mem_rules=$mem_rules" \
	"$OBJ" &
boot=$!
follow_progress "$boot" "$OUT/guest/results.tap"
wait "$boot" || rc=$?
[ "$rc" -eq 0 ] || say "QEMU exited with status $rc"

serial=$OUT/guest/results.tap console=$OUT/guest/console.log
[ -f "$serial" ] ||
	die "the guest sent nothing (QEMU status $rc); see $console and the messages above"
# The files the guest sent between "==> begin NAME" and "==> end NAME".
tr -d '\r' <"$serial" | awk -v dir="$OUT" '
	/^==> begin / { f = dir "/" $3; printf "" > f; next }
	/^==> end / { close(f); f = ""; next }
	f != "" { print >> f }'

reports=$("$TOP/scripts/guest-report.sh" --records "$console")
if [ -n "$reports" ]; then
	printf '%s\n' "$reports" | cut -c1-300 >&2
	die "the kernel reported a problem during the benchmark; the console is $console"
fi
status=$(tr -d '\r' <"$serial" | sed -n 's/^bench: done, exit //p')
if [ "$status" != 0 ]; then
	tr -d '\r' <"$serial" | grep -v '^progress: ' | tail -n 20 >&2
	die "the benchmark in the guest ${status:+exited with $status}${status:-did not finish}; see $serial and $console"
fi
for file in table.txt results.tsv memory.tsv targets.tsv; do
	[ -s "$OUT/$file" ] || die "the guest did not send $file; see $serial"
done

cat "$OUT/table.txt"

# The plot: cost against stored rules, and against rules on one uid.
gnuplot <<GNUPLOT || die "gnuplot failed to draw $OUT/rulestore-bench.svg"
set terminal svg size 960,420 font "sans,11"
set output "$OUT/rulestore-bench.svg"
set datafile separator "\t"
set multiplot layout 1,2 title "/dev/rulestore under QEMU TCG: cost as a ratio to the ENOTTY floor of the same boot (best round)"
set logscale xy
unset mxtics
unset mytics
set tics nomirror
set border 3
set yrange [0.5:*]
set format x "10^{%T}"
set format y "%g"
set key top left font ",9"
set ylabel "cost / ENOTTY floor"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2
# One series: the rows of results.tsv whose first column is W.
sel(w) = sprintf("< awk -F'\\t' '\\\$1 == \\"%s\\"' $OUT/results.tsv", w)
set xlabel "rules in the store"
set xrange [5:2e6]
plot sel("list_one") using 2:3 with linespoints title "LIST of one uid (1 rule)", \\
     sel("list_all") using 2:3 with linespoints title "LIST of all", \\
     sel("tmpfs_read") using 2:3 with linespoints title "read(2) of tmpfs, same bytes", \\
     sel("dev_read") using 2:3 with linespoints title "read(2) of /dev/rulestore"
set xlabel "rules on the uid (LIST: 255-byte rules)"
set format x "%g"
set xrange [0.7:1500]
plot sel("list_uid") using 2:3 with linespoints title "LIST of the uid", \\
     sel("add") using 2:3 with linespoints title "ADD", \\
     sel("del") using 2:3 with linespoints title "DEL"
unset multiplot
GNUPLOT
cp "$OUT/rulestore-bench.svg" "$SVG"
say "results in $OUT (table.txt, results.tsv, memory.tsv, targets.tsv); plot in $SVG"
say "make bench took $(($(now) - start)) s"

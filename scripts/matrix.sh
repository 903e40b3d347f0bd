#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/matrix.sh [--src DIR] [--cell NAME]... [--list]

The build and boot matrix of "make check-full" (submit-checklist and the
0-day bot are the model). Each cell prints one TAP line, "ok - matrix:
CELL (N s)" or "not ok - matrix: CELL (N s)" with the end of its log;
a table of every cell, its result and its wall time ends the run, which
exits non-zero when a cell failed. Logs are in build/matrix/CELL/ (log:
everything; config: the fragment built; build.log, w1.log: the kernel
build and the W=1/sparse pass; guest/: console and results of a boot),
kernel objects in build/matrix/obj/, one directory per architecture or
compiler, reused by the cells incrementally.

Cells, in order:

  kconfig-refuse  the values Kconfig must refuse are refused by the
                  strict configuration check (a test built in under a
                  modular driver or KUNIT=m, a sample built in, the UB
                  trigger without debugfs, a test without its driver):
                  proves that the check below can fail
  kconfig-all-y   every option of the series at its highest value: the
                  drivers and their tests built in, the UB trigger on,
                  the samples as modules (they are modules only)
  kconfig-all-m   every tristate as a module (configs/series.config)
  kconfig-all-n   every option of the series off, with KUNIT on
  kconfig-kunit-m KUNIT=m and no debugfs: the drivers built in, their
                  tests as modules, no UB trigger, no samples
  kconfig-no-tests KUNIT off: the drivers and samples as modules, no tests,
                  no UB trigger with debugfs on
  allnoconfig     x86_64 allnoconfig plus configs/series.config
  allmodconfig    x86_64 allmodconfig, modules_prepare, then only the
                  series' objects (W=1, sparse)
  clang           LLVM=1 (Debian's clang): the guest kernel
                  (configs/base.config and series.config)
  i386            a 32-bit x86 guest (ARCH=i386, Debian's i686 cross
                  compiler): builds, boots (qemu-system-x86_64) and runs
                  the guest tests, the rulestore kselftests among them
  arm64           arm64 (gcc-aarch64-linux-gnu): builds, boots
                  (qemu-system-aarch64 -M virt -cpu max) and runs the guest
                  tests, the kselftests and the kprobe sample's among them
  s390x           big-endian s390x (gcc-s390x-linux-gnu): builds, boots
                  (qemu-system-s390x) and runs the same tests

Every kernel build is strict: each option a fragment asks for must
survive olddefconfig (scripts/kconfig.sh --strict); the series' objects
must be built as the configuration says (built in: modules.builtin;
module: modules.order; off: neither); the series' objects are then built
again with W=1 and sparse (C=2; every one of them compiled and checked)
and no warning may name a file of the series, neither there nor in the
kernel's build. A booted cell passes when scripts/guest-report.sh passes
its results and console (every test ran and passed, no unexpected kernel
report). The foreign guests' static busybox, and timeout with its C
library, are Debian's packages of that architecture, downloaded through
the project's private apt configuration into ~/.cache/kseries/guest-root/
(dpkg's architectures are never changed).

Every build and boot runs niced under the machine's build lock
(${KSERIES_LOCK:-/tmp/kseries-build.lock}), one at a time, so that other work can interleave.

--src DIR    the kernel tree with the series applied (default: the series
             tree build/verify, brought up to date with the series as
             "make check" does; KSERIES_MATRIX_SRC=DIR is the same)
--cell NAME  run only this cell (repeatable)
--list       list the cells and exit

Needs the "full" Debian packages: scripts/install-deps.sh --full.
USAGE
}

CELLS=(kconfig-refuse kconfig-all-y kconfig-all-m kconfig-all-n kconfig-kunit-m
       kconfig-no-tests allnoconfig allmodconfig clang i386 arm64 s390x)

# Everything here is kernel builds and boots: niced, as the machine's
# other work has priority.
if [ -z "${KSERIES_MATRIX_NICED:-}" ]; then
	export KSERIES_MATRIX_NICED=1
	exec nice -n 10 "$0" "$@"
fi

src=${KSERIES_MATRIX_SRC:-} only=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--list) printf '%s\n' "${CELLS[@]}"; exit 0 ;;
	--src) [ $# -ge 2 ] || { usage >&2; exit 2; }; src=$2; shift 2 ;;
	--cell)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		printf '%s\n' "${CELLS[@]}" | grep -qx -- "$2" ||
			{ echo "error: no cell '$2'; scripts/matrix.sh --list lists them" >&2; exit 2; }
		only+=("$2"); shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ ${#only[@]} -gt 0 ] || only=("${CELLS[@]}")

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

MATRIX=$BUILD_DIR/matrix
OBJS=$MATRIX/obj
CONFIGS=$TOP/configs
SELFTEST_CONFIG=tools/testing/selftests/drivers/misc/rulestore/config
# The guest tests a booted cell runs: all but 62-rulestore-fail-nth (it
# needs kmemleak and the debug kernel of make check).
GUEST_TESTS='[0-7][05]-*'

# The series' options with their objects: OPTION MODULE SOURCE... (paths
# in the kernel tree, the module without .ko). The table is checked
# against the .c files the series adds, so that it cannot fall behind.
SERIES_OBJECTS='
MENTOR drivers/misc/mentor drivers/misc/mentor.c
MENTOR_KUNIT_TEST drivers/misc/mentor_kunit drivers/misc/mentor_kunit.c
RULESTORE drivers/misc/rulestore/rulestore drivers/misc/rulestore/main.c drivers/misc/rulestore/store.c
RULESTORE_KUNIT_TEST drivers/misc/rulestore/rulestore_kunit drivers/misc/rulestore/rulestore_kunit.c
JIFFIES_KUNIT_TEST kernel/time/tests/jiffies_kunit kernel/time/tests/jiffies_kunit.c
SAMPLE_KPROBE_UID_WATCH samples/kprobes/kprobe_uid_watch samples/kprobes/kprobe_uid_watch.c
SAMPLE_JIFFIES samples/jiffies/jiffies_sample samples/jiffies/jiffies_sample.c
'
# Every option the series adds (MENTOR_UB_TRIGGER is a bool inside mentor).
SERIES_OPTIONS=(MENTOR MENTOR_KUNIT_TEST MENTOR_UB_TRIGGER RULESTORE
		RULESTORE_KUNIT_TEST JIFFIES_KUNIT_TEST SAMPLE_KPROBE_UID_WATCH
		SAMPLE_JIFFIES)

# ---------------------------------------------------------------- helpers

# need COMMAND...: each command is installed, or say which package to get.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null ||
			die "$c is not installed: run scripts/install-deps.sh --full (make check-full does)"
	done
}

# compose OUT FRAGMENT...: one fragment of FRAGMENTs, a later one's value of
# an option replacing an earlier one's, so that the strict check sees one
# wanted value per option.
compose() {
	local out=$1
	shift
	cat "$@" | tac | awk '
		/^CONFIG_[A-Za-z0-9_]*=/ { sym = $0; sub(/=.*/, "", sym) }
		/^# CONFIG_[A-Za-z0-9_]* is not set$/ { sym = $2 }
		!/^CONFIG_[A-Za-z0-9_]*=/ && !/^# CONFIG_[A-Za-z0-9_]* is not set$/ { next }
		!(sym in seen) { seen[sym] = 1; print }' | tac >"$out"
}

# spec FILE OPTION=VALUE...: a fragment setting the series' options.
spec() {
	local out=$1 kv
	shift
	for kv in "$@"; do
		case "$kv" in
		*=n) echo "# CONFIG_${kv%=n} is not set" ;;
		*) echo "CONFIG_$kv" ;;
		esac
	done >"$out"
}

# config_value OBJ OPTION: y, m or n in OBJ/.config.
config_value() {
	local v
	v=$(sed -n "s/^CONFIG_$2=\(.*\)$/\1/p" "$1/.config")
	echo "${v:-n}"
}

# series_table_check: the table above names every .c file the series adds
# to the kernel (tools/ and selftests aside).
series_table_check() {
	local f missing=0
	while read -r f; do
		if ! grep -q " $f\( \|\$\)" <<<"$SERIES_OBJECTS"; then
			echo "matrix: $f, which the series adds, is not in matrix.sh's SERIES_OBJECTS table: add it" >&2
			missing=1
		fi
	done < <(git -C "$SRC" diff --name-only --diff-filter=A "$BASE_TAG" -- drivers kernel samples | grep '\.c$')
	[ "$missing" -eq 0 ]
}

# series_pattern: an extended regular expression matching any file or
# object of the series (header, source, object, module) in a message.
series_pattern() {
	{
		git -C "$SRC" diff --name-only --diff-filter=A "$BASE_TAG" -- \
			drivers kernel samples include | grep '\.[ch]$'
		awk 'NF { print $2 }' <<<"$SERIES_OBJECTS"
	} | sed 's/\.[ch]$//; s/[.]/\\./g; s/$/\\./' | paste -sd'|'
}

# check_built OBJ: each series object is built as OBJ/.config says.
check_built() {
	local obj=$1 opt mod srcs v bad=0 builtin order
	builtin=$(cat "$obj/modules.builtin" 2>/dev/null || true)
	order=$(cat "$obj/modules.order" 2>/dev/null || true)
	while read -r opt mod srcs; do
		[ -n "$opt" ] || continue
		v=$(config_value "$obj" "$opt")
		local in_b=0 in_o=0
		grep -qx "kernel/$mod.ko" <<<"$builtin" && in_b=1
		grep -qx "$mod.o" <<<"$order" && in_o=1
		case "$v$in_b$in_o" in
		y10|m01|n00) echo "matrix: CONFIG_$opt=$v: $mod is built as the configuration says" ;;
		*) echo "matrix: CONFIG_$opt=$v, but $mod is $in_b time(s) in modules.builtin, $in_o in modules.order" >&2
		   bad=1 ;;
		esac
	done <<<"$SERIES_OBJECTS"
	# The UB trigger is a part of mentor: its debugfs file's name is in the
	# object exactly when it is configured.
	v=$(config_value "$obj" MENTOR)
	if [ "$v" != n ]; then
		local ub n
		ub=$(config_value "$obj" MENTOR_UB_TRIGGER)
		n=$(grep -c provoke_ub "$obj/drivers/misc/mentor.o" || true)
		if { [ "$ub" = y ] && [ "$n" -gt 0 ]; } || { [ "$ub" = n ] && [ "$n" -eq 0 ]; }; then
			echo "matrix: CONFIG_MENTOR_UB_TRIGGER=$ub: mentor.o has $n mention(s) of provoke_ub, as it should"
		else
			echo "matrix: CONFIG_MENTOR_UB_TRIGGER=$ub, but mentor.o has $n mention(s) of provoke_ub" >&2
			bad=1
		fi
	fi
	[ "$bad" -eq 0 ] || die "the series' objects are not built as the configuration says (above)"
}

# with_progress FILE COMMAND...: run COMMAND, saying every 30 s how many
# lines FILE (its results) has; COMMAND's status.
with_progress() {
	local file=$1 pid start rc=0
	shift
	start=$(now)
	"$@" &
	pid=$!
	every_30s "$pid" results_so_far "$file" "$start"
	wait "$pid" || rc=$?
	return "$rc"
}

# results_so_far FILE START: with_progress's line of progress.
results_so_far() {
	echo "running: $(grep -c '^\(not \)\{0,1\}ok ' "$1" 2>/dev/null || true) results so far in ${1##*/}, $(($(now) - $2)) s"
}

# w1_sparse OBJ: build the series' objects that OBJ/.config enables again
# with W=1 and sparse (C=2), every one compiled and checked, and fail on
# any warning that names a file of the series. The caller holds the lock.
w1_sparse() {
	local obj=$1 opt mod srcs s objs=() pat n
	while read -r opt mod srcs; do
		[ -n "$opt" ] || continue
		[ "$(config_value "$obj" "$opt")" != n ] || continue
		for s in $srcs; do
			objs+=("${s%.c}.o")
			rm -f "$obj/${s%.c}.o"
		done
	done <<<"$SERIES_OBJECTS"
	if [ ${#objs[@]} -eq 0 ]; then
		echo "matrix: no object of the series is configured: no W=1/sparse pass"
		return 0
	fi
	say "  W=1 and sparse (C=2) on the ${#objs[@]} objects of the series"
	make_progress "$CELL_DIR/w1.log" "W=1/sparse" -C "$SRC" O="$obj" \
		-j"$JOBS" CC="$(kcc)" LOCALVERSION= W=1 C=2 "${objs[@]}"
	# Every object compiled (with W=1's -Wextra) and checked by sparse.
	for s in "${objs[@]}"; do
		local cmd
		grep -q "^  CHECK  *\(.*/\)\{0,1\}${s%.o}\.c\$" "$CELL_DIR/w1.log" ||
			die "sparse did not check ${s%.o}.c (see $CELL_DIR/w1.log)"
		cmd=$obj/$(dirname "$s")/.$(basename "$s").cmd
		grep -q -- '-Wextra' "$cmd" 2>/dev/null ||
			die "$s was not compiled with W=1's -Wextra (see $cmd)"
	done
	pat=$(series_pattern)
	if grep -iE 'warning|error' "$CELL_DIR/w1.log" | grep -E "$pat" >"$CELL_DIR/w1-series-warnings.log"; then
		sed 's/^/#   /' "$CELL_DIR/w1-series-warnings.log" | head -40
		die "W=1/sparse: $(wc -l <"$CELL_DIR/w1-series-warnings.log") warning line(s) name the series' files (above; $CELL_DIR/w1.log)"
	fi
	n=$(grep -ciE 'warning:' "$CELL_DIR/w1.log" || true)
	echo "matrix: W=1 and sparse: ${#objs[@]} objects compiled and checked, no warning from the series ($n from other files)"
}

# added_lines FILE: the numbers of the lines of SRC's FILE that the series
# added or changed, one per line.
added_lines() {
	git -C "$SRC" diff -U0 "$BASE_TAG" -- "$1" |
		sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p' |
		while read -r first count; do
			seq "$first" $((first + ${count:-1} - 1))
		done
}

# arch_w1_sparse OBJ: the .c files of this architecture's arch/ that the
# series adds or changes (the kernel's own may have warnings from before
# the series, which stand): compile them again with W=1 and sparse, and
# fail on a warning on a line the series added. The caller holds the lock.
arch_w1_sparse() {
	local obj=$1 arch=${ARCH:-x86} f lines n log=$CELL_DIR/w1-arch.log
	case "$arch" in i386|x86_64) arch=x86 ;; esac
	: >"$log"
	while read -r f; do
		rm -f "$obj/${f%.c}.o"
		make -C "$SRC" O="$obj" CC="$(kcc)" LOCALVERSION= W=1 C=2 "${f%.c}.o" >>"$log" 2>&1 ||
			die "W=1/sparse: $f did not build (see $log)"
		grep -q "^  CHECK  *\(.*/\)\{0,1\}$f\$" "$log" || die "sparse did not check $f (see $log)"
		lines=$(added_lines "$f" | paste -sd'|')
		if grep -E "(^|/)$f:($lines):[0-9]+: (warning|error)" "$log"; then
			die "W=1/sparse: a warning on a line the series added to $f (above; $log)"
		fi
		n=$(grep -c "$f:[0-9]*:[0-9]*: warning" "$log" || true)
		echo "matrix: W=1 and sparse on $f, which the series changes: none of its $n warning(s) is on a line the series added"
	done < <(git -C "$SRC" diff --name-only --diff-filter=AM "$BASE_TAG" -- "arch/$arch" | grep '\.c$' || true)
}

# build_warnings OBJ: the kernel's build log has no warning naming the series.
build_warnings() {
	local obj=$1 pat n
	cp "$obj/build.log" "$CELL_DIR/build.log"
	pat=$(series_pattern)
	if grep -iE 'warning|error' "$CELL_DIR/build.log" | grep -E "$pat" >"$CELL_DIR/build-series-warnings.log"; then
		sed 's/^/#   /' "$CELL_DIR/build-series-warnings.log" | head -40
		die "the kernel build has warnings that name the series' files (above; $CELL_DIR/build.log)"
	fi
	n=$(grep -ciE 'warning:' "$CELL_DIR/build.log" || true)
	echo "matrix: the kernel build has no warning from the series ($n from other files)"
}

# strict_build OBJ KCONFIG-BASE FRAGMENT...: compose the fragments into
# CELL_DIR/config, build the kernel strictly from KCONFIG-BASE (tinyconfig,
# allnoconfig), check objects and warnings, then W=1 and sparse: one
# build, under the lock.
strict_build() {
	local obj=$1 base=$2
	shift 2
	compose "$CELL_DIR/config" "$@"
	say "  building ${ARCH:-x86} ${LLVM:+(LLVM=$LLVM) }in $obj from $base and $CELL_DIR/config"
	locked strict_build_locked "$obj" "$base"
}
strict_build_locked() {
	local obj=$1 base=$2
	"$TOP/scripts/build-kernel.sh" --strict --base "$base" "$SRC" "$obj" "$CELL_DIR/config"
	cp "$obj/.config" "$CELL_DIR/dot-config"
	check_built "$obj"
	build_warnings "$obj"
	w1_sparse "$obj"
	arch_w1_sparse "$obj"
}

# kconfig_cell OPTION=VALUE...: the x86_64 guest kernel (base.config) with
# the series' options as given; the options not given are off.
kconfig_cell() {
	local opt given=" $* "
	for opt in "${SERIES_OPTIONS[@]}"; do
		[[ $given == *" $opt="* ]] || set -- "$@" "$opt=n"
	done
	spec "$CELL_DIR/spec.config" "$@"
	strict_build "$OBJS/x86_64" tinyconfig "$CONFIGS/base.config" \
		"$CONFIGS/series.config" "$CELL_DIR/spec.config"
}

# guest_root DEBIAN-ARCH: print a directory with Debian's busybox-static,
# coreutils and libc6 of that architecture unpacked (for timeout), fetched
# once through the private apt configuration.
guest_root() {
	local arch=$1 dir=$CACHE_DIR/guest-root/$1 apt=$CACHE_DIR/apt-$1 deb
	if [ ! -f "$dir/.done" ]; then
		say "  fetching busybox-static, coreutils and libc6 for $arch (private apt configuration in $apt)"
		private_apt "$apt" deb "$arch"
		# Twice more after a failure: a mirror being synced answers
		# "File has unexpected size" for a while. Then on with the
		# lists that did come: the download below fails if they lack
		# a package.
		local try
		for try in 1 2 3; do
			! apt-get "${APT_OPTS[@]}" update >"$CACHE_DIR/apt-$arch.log" 2>&1 || break
			if [ "$try" -eq 3 ]; then
				say "  apt-get update for $arch failed 3 times: $(grep -m1 '^E:' "$CACHE_DIR/apt-$arch.log"); going on with the lists it got"
			else
				sleep 20
			fi
		done
		rm -rf "$dir" "$dir.debs"
		mkdir -p "$dir" "$dir.debs"
		(cd "$dir.debs" && apt-get "${APT_OPTS[@]}" download busybox-static coreutils libc6) \
			>>"$CACHE_DIR/apt-$arch.log" 2>&1 ||
			die "apt-get download of busybox-static, coreutils, libc6 for $arch failed ($CACHE_DIR/apt-$arch.log)"
		for deb in "$dir.debs"/*.deb; do
			dpkg-deb -x "$deb" "$dir"
		done
		rm -rf "$dir.debs"
		touch "$dir/.done"
	fi
	file -L "$dir/bin/busybox" | grep -q 'statically linked' ||
		die "$dir/bin/busybox is not a static busybox: remove $dir and run again"
	echo "$dir"
}

# payload OBJ: the guest's programs for OBJ's architecture, under the lock.
payload() {
	say "  building the guest's programs (rulectl, kselftests, module)"
	locked "$TOP/scripts/build-payload.sh" "$SRC" "$1" "$CELL_DIR/payload" \
		>"$CELL_DIR/payload.log" 2>&1 ||
		{ tail -n 20 "$CELL_DIR/payload.log" >&2; die "building the guest's programs failed ($CELL_DIR/payload.log)"; }
	# Built for the guest: the kselftest programs are of its architecture.
	file "$CELL_DIR/payload/guest/kselftest/drivers/misc/rulestore/rulestore_test" |
		tee -a "$CELL_DIR/payload.log"
}

# judge: the guest's results and console, by the project's report check.
judge() {
	local out=$CELL_DIR/guest n off=0
	# s390x's console (SCLP) loses its last lines when the guest powers
	# off, "reboot: Power down" among them: there QEMU's own exit (not the
	# timeout's kill) after the results' end marker stands in for it. A
	# panic after that marker would also end QEMU so (panic=-1,
	# -no-reboot), and the lost console lines could hide it.
	[ "${ARCH:-}" = s390 ] && [ "$(cat "$out/qemu.rc" 2>/dev/null)" = 0 ] && off=1
	KSERIES_POWERED_OFF=$off KUNIT_PY=$SRC/tools/testing/kunit/kunit.py "$TOP/scripts/guest-report.sh" \
		"$out/console.log" "$out/results.tap" >"$out/report.tap" 2>&1 || {
		grep '^not ok' "$out/report.tap" | head -40
		die "the guest's results or console failed the report check ($out/report.tap)"
	}
	n=$(grep -c '^ok ' "$out/report.tap" || true)
	echo "matrix: the guest passed: $n results ok, $(grep -c '# SKIP' "$out/report.tap" || true) of them skipped"
	grep '# SKIP' "$out/report.tap" || true
}

# boot_foreign OBJ QEMU-ARGUMENT...: boot OBJ's kernel in check mode with
# the guest tests, results on a virtio console (/dev/hvc0), under the lock.
boot_foreign() {
	local obj=$1 out=$CELL_DIR/guest root=$2 append=$3
	shift 3
	mkdir -p "$out"
	rm -f "$out/console.log" "$out/results.tap"
	"$TOP/scripts/mkinitramfs.sh" --root "$root" "$obj" "$out/initramfs.cpio.gz" "$CELL_DIR/payload"
	say "  booting (TCG); console in $out/console.log"
	local rc=0
	locked with_progress "$out/results.tap" timeout 3000 "$@" -m 1024 -smp 4 -no-reboot -nographic -monitor none \
		-kernel "$obj/$(kernel_image)" -initrd "$out/initramfs.cpio.gz" \
		-append "panic=-1 kseries_mode=check kseries_tests=$GUEST_TESTS kseries_results=/dev/hvc0 $append" \
		-serial "file:$out/console.log" \
		-chardev "file,id=results,path=$out/results.tap" \
		</dev/null >"$out/qemu.log" 2>&1 || rc=$?
	[ "$rc" -ne 124 ] || die "QEMU did not finish within 3000 s and was killed ($out/console.log)"
	[ "$rc" -eq 0 ] || say "  QEMU exited with status $rc ($out/qemu.log)"
	echo "$rc" >"$out/qemu.rc"
}

# The guest kernel of a booted cell: base, the series, the "make run"
# kernel's additions (the sanitizer the UB test needs; ACPI and PCI, which
# the arm64 and s390x guests do without), then the architecture's changes,
# which override all three, and the kselftests' own config.
guest_fragments() {
	echo "$CONFIGS/base.config" "$CONFIGS/series.config" "$CONFIGS/run.config" \
		"$CONFIGS/$1.config" "$SRC/$SELFTEST_CONFIG"
}

# ------------------------------------------------------------------ cells

cell_kconfig_refuse() {
	local obj=$OBJS/kconfig-refuse req n=0 err
	# Each line: what must be refused, and why.
	while IFS='|' read -r req why; do
		[ -n "$req" ] || continue
		n=$((n + 1))
		# shellcheck disable=SC2086  # the request is words
		spec "$CELL_DIR/refuse-$n.config" $req
		compose "$CELL_DIR/config-$n" "$CONFIGS/base.config" "$CONFIGS/series.config" \
			"$CELL_DIR/refuse-$n.config"
		if "$TOP/scripts/kconfig.sh" --strict "$SRC" "$obj" "$CELL_DIR/config-$n" \
			2>"$CELL_DIR/refuse-$n.log"; then
			die "Kconfig accepted $req ($why)"
		fi
		err=$(grep "wanted" "$CELL_DIR/refuse-$n.log" || true)
		# The refusal must be of the last option asked for, and of no
		# other: the rest of the request is consistent.
		local last=${req##* }
		if [ "$(grep -c . <<<"$err")" -ne 1 ] || ! grep -q "wanted 'CONFIG_$last" <<<"$err"; then
			die "$req: the strict check must fail on CONFIG_${last%%=*} alone, it said: $err"
		fi
		echo "matrix: refused as it must be: $req ($why): $err"
	done <<'REFUSE'
MENTOR=m MENTOR_KUNIT_TEST=y|a test cannot be built in when its driver is a module
RULESTORE=m RULESTORE_KUNIT_TEST=y|a test cannot be built in when its driver is a module
KUNIT=m JIFFIES_KUNIT_TEST=y|a test cannot be built in when KUnit is a module
MENTOR=n MENTOR_UB_TRIGGER=n MENTOR_KUNIT_TEST=m|a test needs its driver
RULESTORE=n RULESTORE_KUNIT_TEST=m|a test needs its driver
DEBUG_FS=n KUNIT_DEBUGFS=n MENTOR_UB_TRIGGER=y|the UB trigger lives in debugfs
MENTOR=n MENTOR_KUNIT_TEST=n MENTOR_UB_TRIGGER=y|the UB trigger is a part of mentor
SAMPLE_KPROBE_UID_WATCH=y|samples are loadable modules only
SAMPLE_JIFFIES=y|samples are loadable modules only
KPROBES=n SAMPLE_KPROBES=n SAMPLE_KPROBE_UID_WATCH=m|the kprobe sample needs kprobes
REFUSE
}

cell_kconfig_all_y() {
	kconfig_cell MENTOR=y MENTOR_KUNIT_TEST=y MENTOR_UB_TRIGGER=y RULESTORE=y \
		RULESTORE_KUNIT_TEST=y JIFFIES_KUNIT_TEST=y SAMPLE_KPROBE_UID_WATCH=m \
		SAMPLE_JIFFIES=m
}

cell_kconfig_all_m() {
	kconfig_cell MENTOR=m MENTOR_KUNIT_TEST=m MENTOR_UB_TRIGGER=y RULESTORE=m \
		RULESTORE_KUNIT_TEST=m JIFFIES_KUNIT_TEST=m SAMPLE_KPROBE_UID_WATCH=m \
		SAMPLE_JIFFIES=m
}

cell_kconfig_all_n() {
	kconfig_cell KUNIT=y
}

cell_kconfig_kunit_m() {
	kconfig_cell KUNIT=m DEBUG_FS=n KUNIT_DEBUGFS=n MENTOR=y MENTOR_KUNIT_TEST=m \
		RULESTORE=y RULESTORE_KUNIT_TEST=m JIFFIES_KUNIT_TEST=m
}

cell_kconfig_no_tests() {
	kconfig_cell KUNIT=n KUNIT_DEBUGFS=n MENTOR=m RULESTORE=m \
		SAMPLE_KPROBE_UID_WATCH=m SAMPLE_JIFFIES=m
}

cell_allnoconfig() {
	export ARCH=x86_64
	strict_build "$OBJS/x86_64" allnoconfig "$CONFIGS/series.config"
}

cell_allmodconfig() {
	local obj=$OBJS/allmod opt v
	export ARCH=x86_64
	mkdir -p "$obj"
	say "  make allmodconfig in $obj"
	make -s -C "$SRC" O="$obj" allmodconfig >"$CELL_DIR/kconfig.log" 2>&1 ||
		die "make allmodconfig failed ($CELL_DIR/kconfig.log)"
	cp "$obj/.config" "$CELL_DIR/dot-config"
	for opt in "${SERIES_OPTIONS[@]}"; do
		v=$(config_value "$obj" "$opt")
		case "$opt=$v" in
		MENTOR_UB_TRIGGER=y|*=m) echo "matrix: allmodconfig has CONFIG_$opt=$v" ;;
		*) die "allmodconfig has CONFIG_$opt=$v, not a module (the UB trigger: y)" ;;
		esac
	done
	say "  make modules_prepare (allmodconfig)"
	locked make_progress "$CELL_DIR/prepare.log" "modules_prepare" \
		-C "$SRC" O="$obj" -j"$JOBS" CC="$(kcc)" LOCALVERSION= modules_prepare
	locked w1_sparse "$obj"
}

cell_clang() {
	need clang ld.lld
	export LLVM=1
	strict_build "$OBJS/clang" tinyconfig "$CONFIGS/base.config" "$CONFIGS/series.config"
	grep -q '^CONFIG_CC_IS_CLANG=y' "$OBJS/clang/.config" ||
		die "the clang cell's kernel was not configured for clang"
	echo "matrix: built by $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$OBJS/clang/.config")"
}

cell_i386() {
	need i686-linux-gnu-gcc qemu-system-x86_64
	local obj=$OBJS/i386 root
	export ARCH=i386 CROSS_COMPILE=i686-linux-gnu-
	# shellcheck disable=SC2046  # the fragments are words
	strict_build "$obj" tinyconfig $(guest_fragments i386)
	# With ARCH=i386, CONFIG_64BIT has no prompt and is not written at all.
	grep -qx 'CONFIG_X86_32=y' "$obj/.config" || die "the i386 kernel is not 32-bit"
	payload "$obj"
	root=$(guest_root i386)
	say "  booting the 32-bit kernel (qemu-system-x86_64)"
	locked with_progress "$CELL_DIR/guest/results.tap" "$TOP/scripts/boot.sh" --mode check --tests "$GUEST_TESTS" --smp 4 \
		--timeout 3000 --out "$CELL_DIR/guest" --root "$root" \
		--add "$CELL_DIR/payload" "$obj" ||
		say "  QEMU exited with status $?"
	judge
}

cell_arm64() {
	need aarch64-linux-gnu-gcc qemu-system-aarch64
	local obj=$OBJS/arm64 root
	export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	# shellcheck disable=SC2046  # the fragments are words
	strict_build "$obj" tinyconfig $(guest_fragments arm64)
	payload "$obj"
	root=$(guest_root arm64)
	boot_foreign "$obj" "$root" "console=ttyAMA0" \
		qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -accel tcg \
		-device virtio-serial-device -device virtconsole,chardev=results
	judge
}

cell_s390x() {
	need s390x-linux-gnu-gcc qemu-system-s390x
	local obj=$OBJS/s390x root
	export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
	# shellcheck disable=SC2046  # the fragments are words
	strict_build "$obj" tinyconfig $(guest_fragments s390x)
	payload "$obj"
	root=$(guest_root s390x)
	# QEMU's first serial device there is the SCLP VT220 console.
	boot_foreign "$obj" "$root" "console=ttysclp0" \
		qemu-system-s390x -M s390-ccw-virtio -cpu max -accel tcg \
		-device virtio-serial-ccw -device virtconsole,chardev=results
	judge
}

# ------------------------------------------------------------------- main

if [ -n "$src" ]; then
	SRC=$(cd "$src" && pwd)
else
	ensure_series_tree
	SRC=$SERIES_TREE
fi
[ -f "$SRC/drivers/misc/mentor.c" ] || die "$SRC has no series applied (no drivers/misc/mentor.c)"
need flock sparse qemu-system-x86_64 dpkg-deb readelf
series_table_check || die "matrix.sh's table of the series' objects is out of date (above)"
mkdir -p "$MATRIX" "$OBJS"
tap=$MATRIX/matrix.tap
: >"$tap"
results=()
say "the build and boot matrix of $SRC: ${only[*]}"
for cell in "${only[@]}"; do
	CELL_DIR=$MATRIX/$cell
	rm -rf "$CELL_DIR"
	mkdir -p "$CELL_DIR"
	say "[$cell] ($(date -u +%H:%M:%S) UTC)"
	start=$(now)
	set +e
	( set -e; "cell_${cell//-/_}" ) 2>&1 | tee "$CELL_DIR/log" | grep --line-buffered '^==>' >&2
	rc=${PIPESTATUS[0]}
	set -e
	secs=$(($(now) - start))
	if [ "$rc" -eq 0 ]; then
		line="ok - matrix: $cell (${secs} s)"
		results+=("$cell ok $secs")
		echo "$line" | tee -a "$tap"
	else
		line="not ok - matrix: $cell (${secs} s)"
		results+=("$cell FAIL $secs")
		{ echo "$line"; tail -n 25 "$CELL_DIR/log" | sed 's/^/#   /'; } | tee -a "$tap"
	fi
done
echo "1..${#results[@]}" >>"$tap"

failed=0
echo
printf '%-18s %-6s %9s\n' cell result "wall time"
for r in "${results[@]}"; do
	read -r cell res secs <<<"$r"
	printf '%-18s %-6s %6d:%02d\n' "$cell" "$res" $((secs / 60)) $((secs % 60))
	[ "$res" = ok ] || failed=$((failed + 1))
done
echo "$((${#results[@]} - failed)) passed, $failed failed (logs in $MATRIX/CELL/, TAP in $tap)"
[ "$failed" -eq 0 ]

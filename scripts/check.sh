#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check.sh [--quick | --stage NAME[,NAME...] | --guest-only SRC OBJ]

Everything that proves the series ("make check"), stage by stage, with
progress and the time of each stage:

  deps     install the Debian packages that are missing
  fetch    the pinned kernel v6.12.107 (scripts/fetch-kernel.sh), and the
           series applied to it in build/verify, the tree the later stages
           read
  build    the debug kernel the guest stages boot: the series tree with
           configs/{base,series,debug}.config, every option checked, with
           W=1; no W=1 or sparse warning in any kernel file the series
           touches; then the guest's payload (scripts/build-payload.sh)
  kunit    the KUnit suites under UML (scripts/kunit.sh)
  verify   per patch, in a tree of its own: Signed-off-by, checkpatch
           --strict, git am, kernel-doc, MAINTAINERS; then quilt push -a
           and the export round trip (scripts/verify.sh --no-build: the
           per-patch builds are "make verify", in make check-full)
  docs     the touched documentation builds without warnings
  abi      pahole: no hole or padding in any uapi structure, the same
           layout in 32- and 64-bit programs (scripts/check-abi.sh)
  readme   the README's commands for using the series in one's own tree,
           run as written on fresh clones (scripts/check-readme.sh), but
           its kunit.py command (readme-kunit)
  guest    the debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...) boots in
           QEMU on 4 vCPUs and runs the guest tests, but the sweeps, with no
           unexpected kernel report (build/guest)
  sweeps   the same kernel boots on one vCPU for the fault-injection sweeps
           and load cycles (guest tests $SWEEPS, build/guest-sweeps)
  provoke  the same kernel boots again and provokes one report of each kind
           (guest/provoke/): each must be seen exactly as declared in
           guest/expected-reports.txt, and nothing else (build/guest-provoke)
  import   "make import" puts an edit into the patch that added the lines
           (scripts/test-import.sh)
  mail     "make mail": re-signed with a test identity, get_maintainer's
           recipients per patch, linux-api on the uapi patches, git
           send-email --dry-run (scripts/test-mail.sh)
  readme-kunit
           the README's kunit.py command, run as written in the series
           tree, on the kunit stage's UML build (scripts/check-readme.sh
           --parts kunit)

Stages run side by side where the two cores allow, in this order: build
then kunit (both cores each), and beside them, niced so that they come
second, verify, docs, abi and readme (one core each); then guest alone (4
vCPUs on 2 cores suffer when anything preempts them); then sweeps (one
vCPU), and beside it provoke (one vCPU), import, mail and readme-kunit.
Each stage's time is its own, so that they add up to more than the run's.

Every result is one "ok"/"not ok" line, all of them kept in build/check.tap
(TAP, with its plan "1..N" at the end). "ok ... # SKIP ..." counts as
skipped, not passed. The last line is "N passed, N failed, N skipped".
Exits non-zero when anything failed.

--quick       verify without builds, docs, abi, import and mail only
--stage NAMES only these stages (comma-separated, in the order above; make
              check STAGE=NAMES). guest, sweeps and provoke bring build with them;
              deps and fetch always run.

Before anything, a pre-flight check stops the run if the disk is short:
a cold run (no build/verify yet) needs about ${COLD_RUN_GB} GB free for the
build trees under build/ and the download under ~/.cache/kseries; a warm
run about ${WARM_RUN_GB} GB.
--guest-only SRC OBJ
              only the guest and provoke stages, on the kernel already built
              in OBJ from the series tree SRC (for working on the guest tests)
USAGE
}

# The guest tests make check runs in a boot of their own (see sweeps()).
SWEEPS='6[24]-*'

# Measured on 2026-11-26 after a full run: the pinned tree in the cache
# 1.9 GB, build/verify, build/quilt and build/test-import 1.7 GB each,
# build/readme 3.3 GB, kernel objects, UML and ccache about 1 GB; since,
# build/per-patch, another 1.7 GB.
COLD_RUN_GB=${KSERIES_COLD_RUN_GB:-16} WARM_RUN_GB=${KSERIES_WARM_RUN_GB:-3}

quick=0 guest_only=0 stages=
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--quick) quick=1 ;;
--stage)
	[ $# -eq 2 ] || { usage >&2; exit 2; }
	stages=,$2, ;;
--guest-only)
	[ $# -eq 3 ] || { usage >&2; exit 2; }
	guest_only=1 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

for name in ${stages//,/ }; do
	case "$name" in
	deps|fetch|verify|build|docs|abi|kunit|readme|guest|sweeps|provoke|import|mail|readme-kunit) ;;
	*) die "no stage $name (see --help)" ;;
	esac
done

DEBUG_OBJ=$BUILD_DIR/obj/debug
if [ "$guest_only" -eq 1 ]; then
	SERIES_TREE=$(cd "$2" && pwd) || die "no series tree $2"
	DEBUG_OBJ=$(cd "$3" && pwd) || die "no kernel build directory $3"
fi

# The disk a run needs, free on the file systems of build/ and the cache.
preflight_disk() {
	local need=$WARM_RUN_GB dir free
	[ -d "$SERIES_TREE/.git" ] || need=$COLD_RUN_GB
	for dir in "$BUILD_DIR" "$CACHE_DIR"; do
		mkdir -p "$dir"
		free=$(df -P -BG "$dir" | awk 'NR == 2 { sub(/G$/, "", $4); print $4 }')
		[ "$free" -ge "$need" ] ||
			die "$dir has ${free} GB free; this run needs about $need GB (see --help). Free some space (make clean removes build/) and run again."
	done
}
preflight_disk

TAP=$BUILD_DIR/check.tap TIMES=$BUILD_DIR/check.times
mkdir -p "$BUILD_DIR"
: >"$TAP"
: >"$TIMES"
start_all=$(now)

# children_cpu PID: the CPU time (user and system, in whole seconds) of
# every process that the shell PID (this script, or the subshell of a lane
# of stages that run side by side) has waited for so far, all their
# descendants included (QEMU's too): fields 16 and 17 of /proc/PID/stat, in
# clock ticks.
children_cpu() {
	local stat
	read -r stat <"/proc/$1/stat"
	# The fields after the command's name, which is in parentheses.
	read -ra stat <<<"${stat##*) }"
	echo $(((stat[13] + stat[14]) / $(getconf CLK_TCK)))
}

# stage NAME COMMAND...: run a stage, show and keep its result lines as
# they come, time it (wall clock and CPU). A stage that fails without
# saying what failed still counts as a failure.
stage() {
	local name=$1 start cpu rc status line failed=0 shell=$BASHPID
	shift
	start=$(now) cpu=$(children_cpu "$shell")
	say "[$name] $*"
	status=$(mktemp)
	{ "$@" || echo "$?" >"$status"; } | while IFS= read -r line; do
		case "$line" in
		"ok - "*)
			echo "ok - [$name] ${line#ok - }" | tee -a "$TAP"
			;;
		"not ok - "*)
			echo "not ok - [$name] ${line#not ok - }" | tee -a "$TAP"
			;;
		"#"*)
			echo "$line"
			;;
		esac
	done
	rc=$(cat "$status")
	rm -f "$status"
	grep -q "^not ok - \[$name\]" "$TAP" && failed=1
	if [ -n "$rc" ] && [ "$failed" -eq 0 ]; then
		echo "not ok - [$name] the stage exited with status $rc" | tee -a "$TAP"
	fi
	cpu=$(($(children_cpu "$shell") - cpu))
	printf '%-12s %4d s  CPU %5d s\n' "$name" $(($(now) - start)) "$cpu" >>"$TIMES"
	say "[$name] done in $(($(now) - start)) s (CPU $cpu s)"
}

# The pinned kernel, and the series tree that the later stages read, made
# here before they start side by side (verify checks each patch in a
# tree of its own).
fetch() {
	"$TOP/scripts/fetch-kernel.sh" >/dev/null && echo "ok - kernel $BASE_TAG is available"
	ensure_series_tree >&2 && echo "ok - the series is applied in $SERIES_TREE"
}

deps() {
	"$TOP/scripts/install-deps.sh" && echo "ok - the Debian packages are installed"
}

# no_warnings SRC OBJ FILE...: kernel_warnings finds none.
no_warnings() {
	local n
	n=$(kernel_warnings "$@") || return
	echo "W=1 and sparse warnings: $n"
	[ "$n" -eq 0 ]
}

build() {
	local files f
	ensure_series_tree
	mapfile -t files < <(git -C "$SERIES_TREE" diff --name-only "$BASE_TAG..HEAD" |
		x86_kernel_files "$SERIES_TREE")
	# So that this build compiles them again, and its log has their W=1
	# warnings (see kernel_warnings).
	for f in "${files[@]}"; do
		case "$f" in *.c) rm -f "$DEBUG_OBJ/${f%.c}.o" ;; esac
	done
	if ! "$TOP/scripts/build-kernel.sh" --strict --warnings "$SERIES_TREE" "$DEBUG_OBJ" \
		"$TOP/configs/base.config" "$TOP/configs/series.config" \
		"$TOP/configs/debug.config" >&2; then
		echo "not ok - the debug kernel is built from the series tree ($DEBUG_OBJ)"
		return
	fi
	echo "ok - the debug kernel is built from the series tree ($DEBUG_OBJ)"
	check "no W=1 or sparse warning in the ${#files[@]} kernel files the series touches" \
		no_warnings "$SERIES_TREE" "$DEBUG_OBJ" "${files[@]}"
	check "the guest payload is built (rulectl, the kselftests, the provocation module)" \
		"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$DEBUG_OBJ" "$BUILD_DIR/payload"
}

# Never boot a kernel left over from an earlier run.
kernel_of_this_run() {
	[ "$guest_only" -eq 1 ] || grep -q '^ok - \[build\] ' "$TAP"
}

# selected NAME: NAME is to run (--stage), or every stage is.
selected() {
	[ -z "$stages" ] || [[ $stages == *",$1,"* ]] ||
		{ [ "$1" = build ] && [[ $stages == *,guest,* || $stages == *,sweeps,* || $stages == *,provoke,* ]]; }
}

# run_stage NAME COMMAND...: stage, if selected.
run_stage() {
	if selected "$1"; then stage "$@"; fi
}

# boot_tests OUT BOOT-OPTION...: boot the debug kernel with the payload,
# run guest tests (boot.sh --mode check), and judge the boot.
boot_tests() {
	local out=$1
	shift
	"$TOP/scripts/boot.sh" --mode check --timeout 900 --out "$out" "$@" \
		--add "$BUILD_DIR/payload" "$DEBUG_OBJ" ||
		echo "# QEMU exited with status $?"
	tr -d '\r' <"$out/results.tap" | sed -n 's/^# time: /# guest test /p' || true
	"$TOP/scripts/guest-report.sh" "$out/console.log" "$out/results.tap"
}

# Every guest test but the sweeps, on 4 vCPUs (the stress test wants them),
# and alone: 4 vCPUs on 2 cores suffer when another QEMU preempts them.
guest() {
	if ! kernel_of_this_run; then
		echo "not ok - the debug kernel of this run built, so the guest tests could run"
		return
	fi
	if [ "$guest_only" -eq 1 ]; then
		"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$DEBUG_OBJ" "$BUILD_DIR/payload"
	fi
	boot_tests "$BUILD_DIR/guest" --skip "$SWEEPS"
}

# The module-load fault-injection sweeps and the load cycles (tests
# $SWEEPS): minutes of one task at a time, so one vCPU, beside the
# provocation boot.
sweeps() {
	if ! kernel_of_this_run; then
		echo "not ok - the debug kernel of this run built, so the sweeps could run"
		return
	fi
	boot_tests "$BUILD_DIR/guest-sweeps" --tests "$SWEEPS" --smp 1
}

# A boot of its own: after the provoked reports nothing else is trusted.
provoke() {
	local out=$BUILD_DIR/guest-provoke
	if ! kernel_of_this_run ||
	   [ ! -f "$BUILD_DIR/payload/guest/modules/kseries_provoke.ko" ]; then
		echo "not ok - the debug kernel and the guest payload of this run built, so the provocations could run"
		return
	fi
	"$TOP/scripts/boot.sh" --mode provoke --timeout 900 --out "$out" --smp 1 \
		--add "$BUILD_DIR/payload" "$DEBUG_OBJ" ||
		echo "# QEMU exited with status $?"
	"$TOP/scripts/guest-report.sh" "$out/console.log" "$out/results.tap"
}

# boots [REST]: the last boots. The guest tests alone (4 vCPUs on 2 cores
# suffer when anything else preempts them: with the docs stage beside them
# at nice 19 a cold run's guest stage took 266 s instead of 160 s); then
# the sweeps, on one vCPU, and beside them the provocations, on one vCPU
# too, and then REST (a function: stages of one core), CPU time that the
# builds' lanes then need not share.
boots() {
	local pids=() rest=${1:-}
	run_stage guest guest
	( run_stage sweeps sweeps ) &
	pids+=($!)
	(
		run_stage provoke provoke
		[ -z "$rest" ] || "$rest"
	) &
	pids+=($!)
	wait "${pids[@]}" || true
}

# Beside the sweeps: stages of one core that need no build but KUnit's.
after_provoke() {
	run_stage import "$TOP/scripts/test-import.sh"
	run_stage mail "$TOP/scripts/test-mail.sh"
	run_stage readme-kunit "$TOP/scripts/check-readme.sh" --parts kunit
}

if [ "$guest_only" -eq 1 ]; then
	boots
elif [ "$quick" -eq 1 ]; then
	stage deps deps
	stage fetch fetch
	stage verify "$TOP/scripts/verify.sh" --no-build
	stage docs "$TOP/scripts/check-docs.sh"
	stage abi "$TOP/scripts/check-abi.sh"
	stage import "$TOP/scripts/test-import.sh"
	stage mail "$TOP/scripts/test-mail.sh"
else
	stage deps deps
	stage fetch fetch
	# The builds take both cores. Beside them, niced so that the builds
	# come first, the stages that use one core: their time is mostly
	# taken from the builds' idle moments (kconfig, linking).
	(
		run_stage build build
		run_stage kunit "$TOP/scripts/kunit.sh"
	) &
	lanes=($!)
	(
		renice -n 10 -p "$BASHPID" >/dev/null
		run_stage verify "$TOP/scripts/verify.sh" --no-build
		run_stage docs "$TOP/scripts/check-docs.sh"
		run_stage abi "$TOP/scripts/check-abi.sh"
		run_stage readme "$TOP/scripts/check-readme.sh" --parts am,quilt,kconfig,kselftest
	) &
	lanes+=($!)
	wait "${lanes[@]}" || true
	boots after_provoke
fi

# TAP: "ok ... # SKIP reason" is a skip (the directive is case-insensitive).
skip_re='^ok [^#]*#[[:space:]]*[Ss][Kk][Ii][Pp]'
total=$(grep -cE '^(ok|not ok) ' "$TAP" || true)
skipped=$(grep -cE "$skip_re" "$TAP" || true)
passed=$(($(grep -c '^ok ' "$TAP" || true) - skipped))
failed=$(grep -c '^not ok ' "$TAP" || true)
echo "1..$total" >>"$TAP"
echo
# The CPU time is that of user and system together, over every process of
# the stage: a run can take no less wall clock than the total CPU time
# divided by the number of cores.
echo "Time per stage (wall clock; CPU time of all its processes; stages that ran side"
echo "by side overlap):"
sed 's/^/  /' "$TIMES"
cpu=$(children_cpu $$)
printf '  %-12s %4d s  CPU %5d s (at least %d s of wall clock on %d cores)\n' total \
	$(($(now) - start_all)) "$cpu" $((cpu / $(nproc))) "$(nproc)"
if [ "$failed" -gt 0 ]; then
	echo "Failed:"
	grep '^not ok ' "$TAP" | sed 's/^/  /'
fi
if [ "$skipped" -gt 0 ]; then
	echo "Skipped:"
	grep -E "$skip_re" "$TAP" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

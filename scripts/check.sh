#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check.sh [--quick | --stage NAME[,NAME...] | --guest-only SRC OBJ]

Everything that proves the series ("make check"), stage by stage, with
progress and the time of each stage:

  deps     install the Debian packages that are missing
  fetch    the pinned kernel v6.12.107 (scripts/fetch-kernel.sh)
  verify   per patch: Signed-off-by, checkpatch --strict, git am, build
           (debug config), no new W=1/sparse warning, kernel-doc; then
           quilt push -a and the export round trip (scripts/verify.sh)
  docs     the touched documentation builds without warnings
  build    the debug kernel the guest stages boot: the series tree with
           configs/{base,series,debug}.config, every option checked
           (incremental: verify built it already, at its last patch)
  abi      pahole: no hole or padding in any uapi structure, the same
           layout in 32- and 64-bit programs (scripts/check-abi.sh)
  kunit    the KUnit suites under UML (scripts/kunit.sh)
  readme   the README's commands for using the series in one's own tree,
           run as written on fresh clones (kunit.py's in the series tree,
           on the kunit stage's UML build) (scripts/check-readme.sh)
  guest    the debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...) boots in
           QEMU and runs the guest tests with no unexpected kernel report
           (build/guest)
  provoke  the same kernel boots again and provokes one report of each kind
           (guest/provoke/): each must be seen exactly as declared in
           guest/expected-reports.txt, and nothing else (build/guest-provoke)
  import   "make import" puts an edit into the patch that added the lines
           (scripts/test-import.sh)
  mail     "make mail": re-signed with a test identity, get_maintainer's
           recipients per patch, linux-api on the uapi patches, git
           send-email --dry-run (scripts/test-mail.sh)

Every result is one "ok"/"not ok" line, all of them kept in build/check.tap
(TAP, with its plan "1..N" at the end). "ok ... # SKIP ..." counts as
skipped, not passed. The last line is "N passed, N failed, N skipped".
Exits non-zero when anything failed.

--quick       verify without builds, docs, abi, import and mail only
--stage NAMES only these stages (comma-separated, in the order above; make
              check STAGE=NAMES). guest and provoke bring build with them;
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

# Measured on 2026-11-26 after a full run: the pinned tree in the cache
# 1.9 GB, build/verify, build/quilt and build/test-import 1.7 GB each,
# build/readme 3.3 GB, kernel objects, UML and ccache about 1 GB.
COLD_RUN_GB=${KSERIES_COLD_RUN_GB:-14} WARM_RUN_GB=${KSERIES_WARM_RUN_GB:-3}

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
	deps|fetch|verify|build|docs|abi|kunit|readme|guest|provoke|import|mail) ;;
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

TAP=$BUILD_DIR/check.tap
mkdir -p "$BUILD_DIR"
: >"$TAP"
start_all=$(now)
timings=()

# The CPU time (user and system, in whole seconds) of every process this
# shell has waited for so far, all their descendants included (QEMU's
# too): fields 16 and 17 of /proc/PID/stat, in clock ticks.
children_cpu() {
	local stat
	read -r stat </proc/$$/stat
	# The fields after the command's name, which is in parentheses.
	read -ra stat <<<"${stat##*) }"
	echo $(((stat[13] + stat[14]) / $(getconf CLK_TCK)))
}

# stage NAME COMMAND...: run a stage, show and keep its result lines as
# they come, time it (wall clock and CPU). A stage that fails without
# saying what failed still counts as a failure.
stage() {
	local name=$1 start cpu rc status line failed=0
	shift
	start=$(now) cpu=$(children_cpu)
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
	cpu=$(($(children_cpu) - cpu))
	timings+=("$(printf '%-7s %4d s  CPU %5d s' "$name" $(($(now) - start)) "$cpu")")
	say "[$name] done in $(($(now) - start)) s (CPU $cpu s)"
}

fetch() {
	"$TOP/scripts/fetch-kernel.sh" >/dev/null && echo "ok - kernel $BASE_TAG is available"
}

deps() {
	"$TOP/scripts/install-deps.sh" && echo "ok - the Debian packages are installed"
}

build() {
	ensure_series_tree
	"$TOP/scripts/build-kernel.sh" --strict --warnings "$SERIES_TREE" "$DEBUG_OBJ" \
		"$TOP/configs/base.config" "$TOP/configs/series.config" \
		"$TOP/configs/debug.config" >&2 &&
		echo "ok - the debug kernel is built from the series tree ($DEBUG_OBJ)"
}

# Never boot a kernel left over from an earlier run.
kernel_of_this_run() {
	[ "$guest_only" -eq 1 ] || grep -q '^ok - \[build\] ' "$TAP"
}

# selected NAME: NAME is to run (--stage), or every stage is.
selected() {
	[ -z "$stages" ] || [[ $stages == *",$1,"* ]] ||
		{ [ "$1" = build ] && [[ $stages == *,guest,* || $stages == *,provoke,* ]]; }
}

# run_stage NAME COMMAND...: stage, if selected.
run_stage() {
	if selected "$1"; then stage "$@"; fi
}

guest() {
	local out=$BUILD_DIR/guest
	if ! kernel_of_this_run; then
		echo "not ok - the debug kernel of this run built, so the guest tests could run"
		return
	fi
	"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$DEBUG_OBJ" "$BUILD_DIR/payload"
	"$TOP/scripts/boot.sh" --mode check --timeout 900 --out "$out" \
		--add "$BUILD_DIR/payload" "$DEBUG_OBJ" ||
		echo "# QEMU exited with status $?"
	tr -d '\r' <"$out/results.tap" | sed -n 's/^# time: /# guest test /p' || true
	"$TOP/scripts/guest-report.sh" "$out/console.log" "$out/results.tap"
}

# A boot of its own: after the provoked reports nothing else is trusted.
provoke() {
	local out=$BUILD_DIR/guest-provoke
	if ! kernel_of_this_run ||
	   [ ! -f "$BUILD_DIR/payload/guest/modules/kseries_provoke.ko" ]; then
		echo "not ok - the debug kernel and the guest payload of this run built, so the provocations could run"
		return
	fi
	"$TOP/scripts/boot.sh" --mode provoke --timeout 900 --out "$out" \
		--add "$BUILD_DIR/payload" "$DEBUG_OBJ" ||
		echo "# QEMU exited with status $?"
	"$TOP/scripts/guest-report.sh" "$out/console.log" "$out/results.tap"
}

if [ "$guest_only" -eq 1 ]; then
	stage guest guest
	stage provoke provoke
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
	run_stage verify "$TOP/scripts/verify.sh"
	run_stage build build
	run_stage docs "$TOP/scripts/check-docs.sh"
	run_stage abi "$TOP/scripts/check-abi.sh"
	run_stage kunit "$TOP/scripts/kunit.sh"
	run_stage readme "$TOP/scripts/check-readme.sh"
	run_stage guest guest
	run_stage provoke provoke
	run_stage import "$TOP/scripts/test-import.sh"
	run_stage mail "$TOP/scripts/test-mail.sh"
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
echo "Time per stage (wall clock; CPU time of all its processes):"
printf '  %s\n' "${timings[@]}"
printf '  %-7s %4d s  CPU %5d s (at least %d s of wall clock on %d cores)\n' total \
	$(($(now) - start_all)) "$(children_cpu)" $(($(children_cpu) / $(nproc))) "$(nproc)"
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

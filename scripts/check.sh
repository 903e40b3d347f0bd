#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/check.sh [--quick]

Everything that proves the series ("make check"), stage by stage, with
progress and the time of each stage:

  deps     install the Debian packages that are missing
  fetch    the pinned kernel v6.12.107 (scripts/fetch-kernel.sh)
  verify   per patch: Signed-off-by, checkpatch --strict, git am, build
           (debug config), no new W=1/sparse warning, kernel-doc; then
           quilt push -a and the export round trip (scripts/verify.sh)
  docs     the touched documentation builds without warnings
  kunit    the KUnit suites under UML (scripts/kunit.sh)
  guest    the debug kernel (KASAN, UBSAN, lockdep, kmemleak, ...) boots in
           QEMU and runs the guest tests with no unexpected kernel report

Every result is one "ok"/"not ok" line, all of them kept in
build/check.tap; the last line says "N passed, N failed". Exits non-zero
when anything failed.

--quick  verify without builds, and skip kunit and guest
USAGE
}

quick=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--quick) quick=1 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

TAP=$BUILD_DIR/check.tap
mkdir -p "$BUILD_DIR"
: >"$TAP"
start_all=$(now)
timings=()

# stage NAME COMMAND...: run a stage, show and keep its result lines as
# they come, time it. A stage that fails without saying what failed still
# counts as a failure.
stage() {
	local name=$1 start rc status line failed=0
	shift
	start=$(now)
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
	timings+=("$(printf '%-7s %4d s' "$name" $(($(now) - start)))")
	say "[$name] done in $(($(now) - start)) s"
}

fetch() {
	"$TOP/scripts/fetch-kernel.sh" >/dev/null && echo "ok - kernel $BASE_TAG is available"
}

deps() {
	"$TOP/scripts/install-deps.sh" && echo "ok - the Debian packages are installed"
}

guest() {
	local out=$BUILD_DIR/guest
	# Never boot a kernel left over from an earlier run.
	if ! grep -q '^ok - \[verify\] patch \([0-9]*\)/\1 builds' "$TAP"; then
		echo "not ok - the debug kernel of this run built, so the guest tests could run"
		return
	fi
	"$TOP/scripts/build-payload.sh" "$SERIES_TREE" "$BUILD_DIR/obj/debug" "$BUILD_DIR/payload"
	"$TOP/scripts/boot.sh" --mode check --timeout 900 --out "$out" \
		--add "$BUILD_DIR/payload" "$BUILD_DIR/obj/debug" ||
		echo "# QEMU exited with status $?"
	"$TOP/scripts/guest-report.sh" "$out/console.log" "$out/results.tap"
}

stage deps deps
stage fetch fetch
if [ "$quick" -eq 1 ]; then
	stage verify "$TOP/scripts/verify.sh" --no-build
	stage docs "$TOP/scripts/check-docs.sh"
else
	stage verify "$TOP/scripts/verify.sh"
	stage docs "$TOP/scripts/check-docs.sh"
	stage kunit "$TOP/scripts/kunit.sh"
	stage guest guest
fi
[ "${guest_only:-0}" -eq 1 ] || stage import "$TOP/scripts/test-import.sh"

passed=$(grep -c '^ok ' "$TAP" || true)
failed=$(grep -c '^not ok ' "$TAP" || true)
echo
echo "Time per stage:"
printf '  %s\n' "${timings[@]}"
printf '  %-7s %4d s\n' total $(($(now) - start_all))
if [ "$failed" -gt 0 ]; then
	echo "Failed:"
	grep '^not ok ' "$TAP" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

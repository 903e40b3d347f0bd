# SPDX-License-Identifier: GPL-2.0
# Runs every guest test of a directory in order (default /guest/tests; the
# provocation boot passes /guest/provoke), then the kmemleak scan; TAP on
# stdout. "# test: NAME" before each test's results tells the host which
# tests ran (it applies guest/expected-reports.txt to these only).
# shellcheck shell=sh

dir=${1:-/guest/tests}
kmemleak=${KSERIES_KMEMLEAK:-/sys/kernel/debug/kmemleak}
# Forget what boot allocated: only leaks made by the tests count.
[ -w "$kmemleak" ] && echo clear 2>/dev/null >"$kmemleak"

# kseries_tests=GLOB on the kernel command line runs only matching tests,
# and kseries_skip=GLOB leaves out those that match it (make check runs the
# long sweeps of test 62 in a boot of their own, beside the others).
for test in "$dir"/${kseries_tests:-*}.sh; do
	[ -f "$test" ] || { echo "not ok - no guest test in $dir matches '$kseries_tests'"; continue; }
	name=${test##*/}
	name=${name%.sh}
	# shellcheck disable=SC2254  # a pattern, from the command line
	case "$name" in ${kseries_skip:-}) continue ;; esac
	echo "# test: $name"
	echo "kseries: running guest test $name" >/dev/kmsg
	start=$(date +%s)
	sh "$test"
	rc=$?
	[ $rc -eq 0 ] || echo "not ok - $name: the test script exited with $rc"
	# Where the guest stage's minutes go.
	echo "# time: $name took $(($(date +%s) - start)) s"
done

if [ -w "$kmemleak" ]; then
	# kmemleak reports objects older than 5 s only.
	sleep 6
	# With kmemleak=off (or after kmemleak switched itself off) the file
	# is there but refuses every command: that is a failure, not a pass.
	if echo scan 2>/tmp/kmemleak.err >"$kmemleak" &&
	   echo scan 2>>/tmp/kmemleak.err >"$kmemleak"; then
		# To the console, where the host looks for kernel reports.
		cat "$kmemleak" >/dev/console
		echo "ok - kmemleak scanned after the tests"
	else
		echo "not ok - kmemleak scanned after the tests ($kmemleak refused the scan)"
		sed 's/^/#   /' /tmp/kmemleak.err
	fi
elif zcat /proc/config.gz 2>/dev/null | grep -qx 'CONFIG_DEBUG_KMEMLEAK=y'; then
	# The kernel has kmemleak, so the scan must run: a skip would hide leaks.
	echo "not ok - kmemleak scanned after the tests ($kmemleak is missing or read-only)"
else
	echo "ok - kmemleak scanned after the tests # SKIP kmemleak is not in this kernel"
fi
echo "# kseries: all guest tests done"

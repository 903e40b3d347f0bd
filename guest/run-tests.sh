# SPDX-License-Identifier: GPL-2.0
# Runs every guest test in order, then the kmemleak scan; TAP on stdout.
# shellcheck shell=sh

kmemleak=/sys/kernel/debug/kmemleak
# Forget what boot allocated: only leaks made by the tests count.
[ -w $kmemleak ] && echo clear >$kmemleak

# kseries_tests=GLOB on the kernel command line runs only matching tests.
for test in /guest/tests/${kseries_tests:-*}.sh; do
	[ -f "$test" ] || { echo "not ok - no guest test matches '$kseries_tests'"; continue; }
	name=${test##*/}
	name=${name%.sh}
	echo "# test: $name"
	echo "kseries: running guest test $name" >/dev/kmsg
	sh "$test"
	rc=$?
	[ $rc -eq 0 ] || echo "not ok - $name: the test script exited with $rc"
done

if [ -w $kmemleak ]; then
	# kmemleak reports objects older than 5 s only.
	sleep 6
	echo scan >$kmemleak
	echo scan >$kmemleak
	# To the console, where the host looks for kernel reports.
	cat $kmemleak >/dev/console
	echo "ok - kmemleak scanned after the tests"
else
	echo "# SKIP kmemleak: not in this kernel"
fi
echo "# kseries: all guest tests done"

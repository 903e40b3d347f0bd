# SPDX-License-Identifier: GPL-2.0
# Fault injection (FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_USERCOPY with
# /proc/.../fail-nth) into rulestore and mentor:
# - the kselftest rulestore_fail_nth sweeps every ioctl and open+read(2)
#   (each harness test becomes one line here), then one kmemleak scan;
# - the loads of rulestore.ko and mentor.ko under the same sweep: fail-nth
#   N, N + 1, ... set in a shell that then execs insmod, until a load does
#   not reach the injection (N: the last $load_window points of a load,
#   see sweep_load); each load fails cleanly (module not loaded) or
#   succeeds fully (the device works; rmmod);
# - 100 load/unload cycles of each, rulestore with rules in its store;
# then one kmemleak scan for the loads and cycles. Kernel reports are the
# host's to find (guest/expected-reports.txt declares none for this test);
# the log is also checked here, so that a failure names its step.
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

kmemleak=/sys/kernel/debug/kmemleak
report='BUG:|WARNING:|Oops|general protection fault|KASAN:|UBSAN:|KFENCE:|ODEBUG:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|lock held when returning'
# A load sweep covers the last this many injection points of a load: the
# module's own init and what follows it come in the last 40 or so (see
# sweep_load), and 50 leaves a margin. (At 100 the sweeps took 121 s of
# make check under TCG, half of it in load_module() before the init.)
load_window=${KSERIES_LOAD_WINDOW:-50}
# It stops after this many runs even if it still reaches injection points.
max_load_nth=${KSERIES_LOAD_NTH_MAX:-$((load_window + 50))}
cycles=${KSERIES_LOAD_CYCLES:-100}
out=/tmp/rulestore_fail_nth.out

prog=
for bin in /guest/kselftest/drivers/misc/rulestore/rulestore_fail_nth \
	   /guest/bin/rulestore_fail_nth; do
	[ -x $bin ] && prog=$bin && break
done

# The kmemleak report, as a list of leaked objects ("unreferenced object
# 0x... (size N):"). kmemleak reports objects older than 5 s only.
leaks() { grep '^unreferenced object' $kmemleak 2>/dev/null | sort; }
kmemleak_scan() {
	sleep 6
	echo scan 2>/dev/null >$kmemleak && echo scan 2>/dev/null >$kmemleak
}
# t_no_new_leaks DESCRIPTION BEFORE_FILE: no leak beyond those in the file.
t_no_new_leaks() {
	if ! kmemleak_scan; then
		fail "$1 ($kmemleak refused the scan)"
		return
	fi
	# (busybox grep -v -f with an empty file prints nothing)
	if [ -s "$2" ]; then
		leaks | grep -vxF -f "$2" >/tmp/fn.new
	else
		leaks >/tmp/fn.new
	fi
	if [ -s /tmp/fn.new ]; then
		fail "$1"
		head -n 40 $kmemleak | sed 's/^/#   /'
		# To the console too, where the host looks for kernel reports.
		cat $kmemleak >/dev/console
	else
		pass "$1"
	fi
}

# The leaks found before this test are not its own.
have_kmemleak=0
if [ -w $kmemleak ]; then
	have_kmemleak=1
	echo scan 2>/dev/null >$kmemleak
	leaks >/tmp/fn.leaks.before
elif zcat /proc/config.gz 2>/dev/null | grep -qx 'CONFIG_DEBUG_KMEMLEAK=y'; then
	fail "rulestore-fail-nth: kmemleak can scan ($kmemleak is missing or read-only)"
fi

# 1. The ioctls and open+read(2).
[ -c /dev/rulestore ] || modprobe rulestore
if [ -z "$prog" ]; then
	fail "rulestore-fail-nth: rulestore_fail_nth is installed"
else
	log_mark
	start=$(date +%s)
	$prog >$out 2>&1
	rc=$?
	name="rulestore-fail-nth"
	sed -n "s/^\(not ok\|ok\) [0-9]* \(.*\)$/\1 - $name: \2/p" $out
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' $out)
	ran=$(grep -c '^\(not \)\{0,1\}ok [0-9]' $out)
	t_eq "$name: all ${planned:-?} planned tests reported" "$ran" "$planned"
	t_eq "$name: no test was skipped" \
		"$(grep -c '^ok [0-9]* .* # SKIP' $out)" 0
	t_eq "$name: the program exits 0" "$rc" 0
	# The injection points each operation hit, for the record.
	grep 'injection points' $out
	echo "# $name: the sweep took $(($(date +%s) - start)) s"
	[ $rc -eq 0 ] || grep -v '^\(not \)\{0,1\}ok [0-9]' $out | tail -n 40 |
		sed 's/^/#   /'
	t_eq "$name: no kernel report" "$(log_since_mark | grep -E "$report")" ""
	if [ $have_kmemleak = 1 ]; then
		t_no_new_leaks "$name: kmemleak finds no leak after the sweep" \
			/tmp/fn.leaks.before
		leaks >/tmp/fn.leaks.before
	fi
fi

# 2. Module loads under the sweep.
ko_path() { find /lib/modules -name "$1.ko*" | head -n 1; }

# works NAME: the loaded module does what it is there for.
works() {
	case $1 in
	rulestore)
		[ -c /dev/rulestore ] && cat /dev/rulestore >/dev/null ;;
	mentor)
		# Its only interface is debugfs, and a driver ignores the
		# errors of debugfs_create_*() by convention (see
		# Documentation/filesystems/debugfs.rst): an injected failure
		# there leaves mentor loaded and working without its files.
		grep -q '^mentor .* Live ' /proc/modules ;;
	esac
}

# The load of one sweep: fn-insmod.sh NTH KO arms fail-nth and becomes
# insmod, so that the task that armed it does the load. Its parent,
# fn-keeper.sh, writes its pid to /tmp/fn.pid and becomes a sleep that
# does not reap it: the task stays a zombie, whose fail-nth (how much of
# the injection it left; 0: it was consumed) and exit status (field 52 of
# its stat) can be read. No shell may be its parent once it may have
# exited: busybox sh reaps any child while it waits for one (even in
# read -t), hence no command but builtins in fn-keeper.sh.
cat >/tmp/fn-insmod.sh <<'EOF'
echo "$1" >/proc/self/task/$$/fail-nth && exec insmod "$2"
EOF
cat >/tmp/fn-keeper.sh <<'EOF'
sh /tmp/fn-insmod.sh "$1" "$2" >/tmp/fn.insmod 2>&1 &
echo $! >/tmp/fn.pid
exec sleep 600
EOF
# fd 3: a FIFO nobody writes to, for read's timeout.
rm -f /tmp/fn.fifo
mkfifo /tmp/fn.fifo
exec 3<>/tmp/fn.fifo
nap() {
	# shellcheck disable=SC3045 # busybox's read has -t
	read -r -t 0.05 _ <&3
}

# load_nth NTH KO sets $_left and $_status (0: insmod succeeded).
load_nth() {
	_left='' _status=''
	rm -f /tmp/fn.pid
	sh /tmp/fn-keeper.sh "$1" "$2" &
	_keeper=$!
	until [ -s /tmp/fn.pid ]; do nap; done
	read -r _pid </tmp/fn.pid
	while read -r _stat <"/proc/$_pid/stat"; do
		case $_stat in
		*") Z "*)
			read -r _left <"/proc/$_pid/task/$_pid/fail-nth"
			# shellcheck disable=SC2086 # the fields of stat
			set -- $_stat
			shift 51
			_status=$1
			break ;;
		esac
		nap
	done
	kill "$_keeper"
	wait "$_keeper" 2>/dev/null
}

# sweep_load NAME: insmod NAME with fail-nth N, N + 1, ... until a load
# does not reach the injection point; every load fails cleanly or works.
#
# Scope: a whole load reaches about 420 injection points (rulestore; 360
# for mentor), 40 of them in execve() and busybox's start, most of the
# rest in the kernel's generic load_module(); under TCG that is about
# 0.45 s a point, over 3 minutes a module. The module's own init (with
# do_init_module() and the exit of insmod after it) comes last, in about
# the last 40 points. So N is the count of a whole load (armed with
# 100000, what insmod leaves), less $load_window: the sweep covers the
# init and the end of load_module() (sysfs, ...), not execve(), the ELF
# copy or the relocations. And note: busybox's insmod retries a failed
# finit_module() with init_module(), so a load that failed in the kernel
# shows as one that succeeded (after a clean failure, or the retry would
# fail: EEXIST, a duplicate in sysfs); rulestore's init that failed says
# "cannot register", counted below.
sweep_load() {
	_name=$1 _ko=$(ko_path "$1")
	if [ -z "$_ko" ]; then
		fail "load-fail-nth: $_name.ko is installed"
		return
	fi
	# Unloaded first, with what holds it (the KUnit suites).
	for _holder in /sys/module/"$_name"/holders/*; do
		[ -e "$_holder" ] && rmmod "${_holder##*/}"
	done
	rmmod "$_name" 2>/dev/null
	if [ -e /sys/module/"$_name" ]; then
		fail "load-fail-nth: $_name can be unloaded"
		return
	fi
	load_nth 100000 "$_ko"
	[ "$_status" = 0 ] && rmmod "$_name"
	# Armed, and counting down: else every later "0" means nothing.
	if [ -z "$_left" ] || [ "$_left" -le 0 ] || [ "$_left" -ge 100000 ]; then
		fail "load-fail-nth: insmod $_name: fail-nth counts in the insmod task (it left '$_left' of 100000)"
		return
	fi
	_total=$((100000 - _left))
	_first=$((_total - load_window))
	[ $_first -ge 1 ] || _first=1
	_nth=$((_first - 1)) _points=0 _failed=0 _bad='' _start=$(date +%s)
	log_mark
	while [ $_nth -lt $((_first - 1 + max_load_nth)) ]; do
		_nth=$((_nth + 1))
		load_nth $_nth "$_ko"
		if [ -z "$_left" ]; then
			_bad="$_bad $_nth:no-status"
			break
		fi
		if [ "$_status" = 0 ]; then
			if ! works "$_name"; then
				_bad="$_bad $_nth:loaded-but-not-working"
			fi
			rmmod "$_name" || _bad="$_bad $_nth:rmmod-failed"
		else
			_failed=$((_failed + 1))
			[ -e /sys/module/"$_name" ] &&
				_bad="$_bad $_nth:failed-but-loaded" &&
				rmmod "$_name"
		fi
		[ -e /sys/module/"$_name" ] && _bad="$_bad $_nth:still-loaded"
		if [ "$_left" != 0 ]; then
			[ "$_status" = 0 ] ||
				_bad="$_bad $_nth:failed-without-injection($(cat /tmp/fn.insmod))"
			break
		fi
		_points=$((_points + 1))
	done
	_init_failed=$(log_since_mark | grep -c "$_name: cannot register")
	echo "# load-fail-nth: insmod $_name: $_points injection points from fail-nth $_first (a whole load: $_total), $_failed of them made insmod fail, $_init_failed made the init fail, $(($(date +%s) - _start)) s"
	# The sweep must reach the module's own init, where its error paths
	# are. rulestore says so when its init fails; mentor's init has no
	# allocation whose failure it reports (see works()).
	if [ "$_name" = rulestore ]; then
		t_eq "load-fail-nth: insmod $_name: the sweep reached its init (an injected failure made the init fail)" \
			"$([ "$_init_failed" -gt 0 ] && echo yes)" yes
	fi
	t_eq "load-fail-nth: insmod $_name: every load failed cleanly or worked" \
		"${_bad# }" ""
	if [ "$_left" = 0 ]; then
		fail "load-fail-nth: insmod $_name: the sweep ended (still reaching injection points after $max_load_nth)"
	else
		pass "load-fail-nth: insmod $_name: the sweep ended"
	fi
	t_eq "load-fail-nth: insmod $_name: injection points were hit" \
		"$([ $_points -gt 0 ] && echo yes)" yes
	t_eq "load-fail-nth: insmod $_name: no kernel report" \
		"$(log_since_mark | grep -E "$report")" ""
}

sweep_load rulestore
sweep_load mentor

# 3. Load cycles, rulestore with rules in its store each time.
cycle() {
	_name=$1 _i=0
	while [ $_i -lt "$cycles" ]; do
		_i=$((_i + 1))
		modprobe "$_name" || { echo "cycle $_i: modprobe failed"; return 1; }
		if [ "$_name" = rulestore ]; then
			rulectl restore /tmp/fn.rules ||
				{ echo "cycle $_i: rulectl restore failed"; return 1; }
			[ "$(rulectl list 62100 | grep -c '^Rule ')" = 3 ] ||
				{ echo "cycle $_i: the rules are not listed"; return 1; }
		else
			works "$_name" || { echo "cycle $_i: does not work"; return 1; }
		fi
		rmmod "$_name" || { echo "cycle $_i: rmmod failed"; return 1; }
	done
}
# Three rules of uid 62100, as "rulectl save" writes them.
printf '62100\tread /etc\n62100\twrite /tmp\n62100\texec /bin/sh\n' >/tmp/fn.rules
log_mark
start=$(date +%s)
t "load-cycles: $cycles loads and unloads of rulestore with rules" cycle rulestore
t "load-cycles: $cycles loads and unloads of mentor" cycle mentor
echo "# load-cycles: $(($(date +%s) - start)) s"
t_eq "load-cycles: no kernel report" "$(log_since_mark | grep -E "$report")" ""
if [ $have_kmemleak = 1 ]; then
	t_no_new_leaks "load-fail-nth: kmemleak finds no leak after the loads and cycles" \
		/tmp/fn.leaks.before
fi

# As the tests after this one expect.
modprobe rulestore
modprobe mentor

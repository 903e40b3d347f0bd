# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest tests; sourced. Each check prints one TAP line,
# "ok - what" or "not ok - what", which the host counts.
# shellcheck shell=sh

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }

# t DESCRIPTION COMMAND...: the command succeeds.
t() {
	_desc=$1
	shift
	if "$@" >/tmp/t.out 2>&1; then
		pass "$_desc"
	else
		fail "$_desc"
		sed 's/^/#   /' /tmp/t.out
	fi
}

# t_fails DESCRIPTION ERROR COMMAND...: the command fails and says ERROR
# (the text of strerror, e.g. "Invalid argument").
t_fails() {
	_desc=$1 _err=$2
	shift 2
	if "$@" >/tmp/t.out 2>&1; then
		fail "$_desc (it succeeded)"
	elif grep -q "$_err" /tmp/t.out; then
		pass "$_desc"
	else
		fail "$_desc (wanted '$_err')"
		sed 's/^/#   /' /tmp/t.out
	fi
}

# t_eq DESCRIPTION GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   got:  $2" | head -20
		echo "#   want: $3" | head -20
	fi
}

# Kernel log lines that appeared since the last call of log_mark, found by
# a marker line (kmsg_mark below): a line count goes wrong once the log
# buffer is full. If the marker itself was pushed out, say so, so that a
# test looking for "nothing new" fails instead of passing on an empty
# answer.
log_mark() { kmsg_mark; }
log_since_mark() {
	if dmesg | grep -q "kseries: mark $(cat /tmp/kmsg.mark)\$"; then
		since_kmsg_mark | tail -n +2
	else
		echo "kseries: the kernel log overflowed and lost the mark"
	fi
}

# write_to FILE TEXT: what "echo TEXT > FILE" does, as one command.
write_to() { echo "$2" >"$1"; }

# kmsg_mark writes a numbered marker line into the kernel log (log_mark
# above and the provocation boot's t_log use it); since_kmsg_mark prints
# the kernel log from the last marker on, the marker included.
kmsg_mark() {
	_mark=$(($(cat /tmp/kmsg.mark 2>/dev/null || echo 0) + 1))
	echo "$_mark" >/tmp/kmsg.mark
	echo "kseries: mark $_mark" >/dev/kmsg
}
since_kmsg_mark() {
	dmesg | sed -n "/kseries: mark $(cat /tmp/kmsg.mark)\$/,\$p"
}

# t_log DESCRIPTION PATTERN: the kernel log since kmsg_mark matches PATTERN
# (an extended regular expression); waits up to $T_LOG_WAIT seconds (default 1).
t_log() {
	_i=0
	while ! since_kmsg_mark | grep -qE -- "$2"; do
		_i=$((_i + 1))
		if [ "$_i" -ge "${T_LOG_WAIT:-1}" ]; then
			fail "$1"
			echo "#   wanted in the kernel log: $2"
			since_kmsg_mark | tail -n 15 | sed 's/^/#   /'
			return
		fi
		sleep 1
	done
	pass "$1"
}

# LKDTM's trigger, and the project's own module of provocations.
LKDTM=/sys/kernel/debug/provoke-crash/DIRECT
PROVOKE=/sys/kernel/debug/kseries_provoke/provoke
need_lkdtm() { [ -w $LKDTM ] || modprobe lkdtm; }
need_provoke() { [ -w $PROVOKE ] || insmod /guest/modules/kseries_provoke.ko; }

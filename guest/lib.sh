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

# Kernel log lines that appeared since the last call of log_mark.
log_mark() { dmesg | wc -l >/tmp/log.mark; }
log_since_mark() { dmesg | tail -n +$(($(cat /tmp/log.mark) + 1)); }

# write_to FILE TEXT: what "echo TEXT > FILE" does, as one command.
write_to() { echo "$2" >"$1"; }

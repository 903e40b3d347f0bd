# SPDX-License-Identifier: GPL-2.0
# The narrated tour that "make run" shows: every feature of the series,
# each command printed before it runs.
# shellcheck shell=sh

# Kernel messages are shown where they matter, not mixed into the tour.
dmesg -n 1

heading() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
say() { printf '%s\n' "$*" | fold -s -w 76; }
# run COMMAND: print it like a shell prompt, then run it.
run() {
	printf '\033[32m# %s\033[0m\n' "$*"
	sh -c "$*" 2>&1
}
# Kernel log lines that appeared since the last call of log_mark.
log_mark() { dmesg | wc -l >/tmp/log.mark; }
new_log() {
	printf '\033[32m# dmesg (new lines)\033[0m\n'
	dmesg | tail -n +$(($(cat /tmp/log.mark) + 1)) | sed 's/^\[[ 0-9.]*\] //'
}

heading "Linux $(uname -r) with the kseries patches"
say "A tour of what the series adds. Everything below runs live in this QEMU guest."

heading "mentor: a dummy register device (drivers/misc/mentor.c)"
say "Six 32-bit registers in memory: 0-4 start at 40-44, register 5 counts successful writes and is read-only. debugfs shows them."
run modprobe mentor
run cat /sys/kernel/debug/mentor/regs
say "Write 7 to register 0 and 1234 to register 3: the counter (register 5) goes to 2."
run 'echo "0 7" > /sys/kernel/debug/mentor/regs'
run 'echo "3 1234" > /sys/kernel/debug/mentor/regs'
run cat /sys/kernel/debug/mentor/regs
say "The counter is read-only, and register 0x42 does not exist: both writes are refused, nothing changes, and the driver reports the caller's bug in the log (ratelimited)."
log_mark
run 'echo "5 99" > /sys/kernel/debug/mentor/regs'
run 'echo "0x42 1" > /sys/kernel/debug/mentor/regs'
run cat /sys/kernel/debug/mentor/regs
new_log

heading "mentor: its KUnit suite"
say "Loading mentor_kunit runs the suite; its KTAP results are in debugfs."
run modprobe mentor_kunit
run "grep -E '^ *(not )?ok' /sys/kernel/debug/kunit/mentor/results"
run rmmod mentor_kunit
say "(The suite leaves the registers at their initial values.)"

heading "mentor: deliberate undefined behaviour, caught by UBSAN"
say "CONFIG_MENTOR_UB_TRIGGER adds an LKDTM-style trigger. Reading past the register array is undefined behaviour; UBSAN reports it and the kernel carries on."
run cat /sys/kernel/debug/mentor/provoke_ub
log_mark
run 'echo REG_INDEX_OUT_OF_BOUNDS > /sys/kernel/debug/mentor/provoke_ub'
new_log | grep -E 'mentor|UBSAN|index|out of range'
run cat /sys/kernel/debug/mentor/regs

heading "End of the tour"
say "'make shell' boots this kernel to a shell; 'make check' runs every test on a debug kernel."

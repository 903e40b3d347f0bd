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

heading "rulestore: access-control rules per uid (/dev/rulestore, rulectl)"
say "The rules live in the kernel; ioctls manage them. rulectl is the command-line tool (tools/rulestore). As root:"
run modprobe rulestore
run ls -l /dev/rulestore
run 'rulectl add 1000 "allow /srv/www"'
run 'rulectl add 1000 "deny /etc/shadow"'
run 'rulectl add root "allow everything"'
run rulectl list --all
say "A rule is stored once per uid; removing a rule that is not there is an error too (exit status 1):"
run 'rulectl add 1000 "allow /srv/www"; echo "exit status $?"'
run 'rulectl del 1000 "no such rule"; echo "exit status $?"'
say "read(2) gives the same rules as text, so cat works; info shows the limits (module parameters) and a generation number that changes on every change:"
run cat /dev/rulestore
run rulectl info
say "As an ordinary user (alice, uid 1000): she sees only her own rules, and may not change any."
grep -q '^alice:' /etc/passwd || echo 'alice:x:1000:1000:alice:/tmp:/bin/sh' >>/etc/passwd
run "su -s /bin/sh alice -c 'rulectl list'"
run "su -s /bin/sh alice -c 'cat /dev/rulestore'"
run "su -s /bin/sh alice -c 'rulectl list --all; echo exit status \$?'"
run "su -s /bin/sh alice -c 'rulectl add 1000 \"allow all\"; echo exit status \$?'"
say "save and restore keep every rule, whatever bytes it has:"
run 'rulectl save /tmp/rules && rulectl clear 1000 && rulectl clear 0 && rulectl restore /tmp/rules && rulectl list --all --json'

heading "samples: a kprobe on vfs_open that watches chosen uids"
say "samples/kprobes/kprobe_uid_watch.c reads the probed function's first argument portably (regs_get_kernel_argument()), logs the files that the watched uids open (ratelimited), and counts them per uid. Watch uid 1000 (alice):"
run modprobe kprobe_uid_watch uids=1000
log_mark
run "echo hello > /tmp/hello.txt && chmod 644 /tmp/hello.txt && ls -i /tmp/hello.txt"
run "su -s /bin/sh alice -c 'cat /tmp/hello.txt'"
run "cat /tmp/hello.txt"
new_log | grep kprobe_uid_watch
say "The counter per watched uid: alice's su session opened busybox twice and hello.txt once; root's own cat was not counted:"
run cat /sys/module/kprobe_uid_watch/parameters/hits
run rmmod kprobe_uid_watch
say "A probe that cannot be registered fails the load with its error (busybox's modprobe words it vaguely; the kernel log has the error, -ENOENT):"
log_mark
run 'modprobe kprobe_uid_watch uids=1000 symbol=no_such_function; echo "exit status $?"'
new_log | grep kprobe_uid_watch | sort -u

heading "samples: jiffies conversions"
say "samples/jiffies/ prints what the conversion helpers give at this kernel's HZ, where the unsigned int results wrap, what the 64-bit helpers give instead, and an interval measured with time_after_eq():"
log_mark
run modprobe jiffies_sample
new_log | sed -n 's/^jiffies_sample: //p' | head -n 40
run rmmod jiffies_sample

heading "End of the tour"
say "'make shell' boots this kernel to a shell; 'make check' runs every test on a debug kernel."

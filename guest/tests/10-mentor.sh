# SPDX-License-Identifier: GPL-2.0
# mentor through debugfs: initial values, writes, the counter, refusals
# (including numbers with a leading zero, which are neither octal nor
# decimal), and a clean unload and reload.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

regs=/sys/kernel/debug/mentor/regs
initial="0: 40
1: 41
2: 42
3: 43
4: 44
5: 0"

t "mentor: modprobe mentor" modprobe mentor
t "mentor: debugfs has $regs" test -f $regs
t_eq "mentor: registers start at 40 41 42 43 44 and a count of 0" "$(cat $regs)" "$initial"

t "mentor: write 7 to register 0" write_to $regs "0 7"
t "mentor: write 0xffffffff to register 4" write_to $regs "4 0xffffffff"
t "mentor: write 0 to register 1" write_to $regs "1 0"
t_eq "mentor: the writes landed and were counted" "$(cat $regs)" "0: 7
1: 0
2: 42
3: 43
4: 4294967295
5: 3"

log_mark
t_fails "mentor: writing the counter is refused with EPERM" \
	"Operation not permitted" write_to $regs "5 1"
t_fails "mentor: writing register 0x42 is refused with EINVAL" \
	"Invalid argument" write_to $regs "0x42 1"
t_fails "mentor: an address above 255 is refused with ERANGE" \
	"Result not representable\|out of range" write_to $regs "300 1"
t_fails "mentor: text that is not ADDRESS VALUE is refused" \
	"Invalid argument" write_to $regs "7"
t_fails "mentor: a value with a leading zero (0 010) is refused, not read as octal 8" \
	"Invalid argument" write_to $regs "0 010"
t_fails "mentor: an address with a leading zero (02 1) is refused" \
	"Invalid argument" write_to $regs "02 1"
t_eq "mentor: refused writes changed nothing and were not counted" \
	"$(grep -E '^(0|2|5):' $regs)" "0: 7
2: 42
5: 3"
log=$(log_since_mark)
t "mentor: the bad write to 0x42 is reported in the log" \
	grep -q "write to register 66, which does not exist" <<EOF2
$log
EOF2
t "mentor: the write to the counter is reported in the log" \
	grep -q "write to register 5, which is read-only" <<EOF2
$log
EOF2

t "mentor: rmmod mentor" rmmod mentor
t "mentor: debugfs files are gone after unload" test ! -e $regs
t "mentor: modprobe mentor again" modprobe mentor
t_eq "mentor: a reload starts from the initial values" "$(cat $regs)" "$initial"

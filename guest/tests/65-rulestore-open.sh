# SPDX-License-Identifier: GPL-2.0
# Opening /dev/rulestore, as root and as a plain user, must leave no
# report in the kernel log: every open once warned in seq_open(), because
# misc_open() had left private_data set, and any user could flood the log
# that way (or panic a kernel booted with panic_on_warn).
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

user=rsopen
user_uid=65002
report='WARNING:|BUG:|Call Trace:|cut here'

grep -q "^$user:" /etc/passwd ||
	echo "$user:x:$user_uid:$user_uid:rulestore open test:/tmp:/bin/sh" >>/etc/passwd
[ -c /dev/rulestore ] || modprobe rulestore

log_mark
t "rulestore-open: root opens and reads /dev/rulestore" \
	cat /dev/rulestore
t "rulestore-open: a plain user opens and reads /dev/rulestore" \
	su -s /bin/sh $user -c 'cat /dev/rulestore'
t "rulestore-open: a plain user opens it for writing" \
	su -s /bin/sh $user -c ': >>/dev/rulestore'
t_eq "rulestore-open: the opens left no report in the kernel log" \
	"$(log_since_mark | grep -E "$report")" ""

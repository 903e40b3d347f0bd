# SPDX-License-Identifier: GPL-2.0
# LKDTM's HUNG_TASK in a background process that stays in D state for
# good; the hung task detector, its timeout lowered to 2 s and its reports
# limited to one, reports it. Before the BUG: after an Oops (taint D) the
# detector reports nothing. The task never ends.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "hung-task: modprobe lkdtm" need_lkdtm
t "hung-task: hung_task_timeout_secs=2" write_to /proc/sys/kernel/hung_task_timeout_secs 2
t "hung-task: hung_task_warnings=1" write_to /proc/sys/kernel/hung_task_warnings 1
kmsg_mark
# The detector ignores a task that was never switched out: sleep first.
sh -c "sleep 1; echo HUNG_TASK >$LKDTM" &
T_LOG_WAIT=60 t_log "hung-task: the detector reports the task blocked in lkdtm_HUNG_TASK" \
	'INFO: task sh:[0-9]+ blocked for more than [0-9]+ seconds'
t_log "hung-task: the report's backtrace is lkdtm_HUNG_TASK's" 'lkdtm_HUNG_TASK\+'

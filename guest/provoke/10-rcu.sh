# SPDX-License-Identifier: GPL-2.0
# Provocation boot, in this order because detectors switch off after a
# report: PROVE_RCU needs lockdep on (debug_locks), so it comes first.
# rcu_dereference() outside rcu_read_lock(): "suspicious RCU usage".
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "rcu: load kseries_provoke" need_provoke
kmsg_mark
t "rcu: provoke RCU" write_to $PROVOKE RCU
t_log "rcu: lockdep reports suspicious RCU usage in kseries_provoke.c" \
	'kseries_provoke\.c:[0-9]+ suspicious rcu_dereference_check\(\) usage'

# SPDX-License-Identifier: GPL-2.0
# Two mutexes taken in both orders: lockdep's "possible circular locking
# dependency". Lockdep switches itself off after it (and after a KASAN
# report or an Oops), so it comes before those.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "lockdep: load kseries_provoke" need_provoke
kmsg_mark
t "lockdep: provoke ABBA" write_to $PROVOKE ABBA
t_log "lockdep: lockdep reports the AB-BA of kseries_provoke's locks" \
	'possible circular locking dependency detected'
t_log "lockdep: the report names kseries_provoke_lock_a" 'kseries_provoke_lock_a'

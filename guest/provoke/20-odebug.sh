# SPDX-License-Identifier: GPL-2.0
# Freeing an armed timer: debugobjects' "ODEBUG: free active" names the
# timer's function (kseries_provoke_timer_fn) as its hint.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "odebug: load kseries_provoke" need_provoke
kmsg_mark
t "odebug: provoke ODEBUG" write_to $PROVOKE ODEBUG
t_log "odebug: debugobjects reports the freed active timer of kseries_provoke" \
	'ODEBUG: free active .*timer_list hint: kseries_provoke_timer_fn'

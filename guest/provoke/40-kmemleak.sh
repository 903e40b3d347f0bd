# SPDX-License-Identifier: GPL-2.0
# An object kmalloc'ed in kseries_provoke_leak() and forgotten. The
# writer is a child shell that exits, so that no stale copy of the pointer
# stays on a live kernel stack; run-tests.sh's kmemleak scan at the end
# reports it, with kseries_provoke_leak in its backtrace.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "kmemleak: load kseries_provoke" need_provoke
kmsg_mark
t "kmemleak: provoke LEAK" sh -c "echo LEAK >$PROVOKE"
t_log "kmemleak: kseries_provoke leaked an object" 'kseries_provoke: leaked an object'

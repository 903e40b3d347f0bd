# SPDX-License-Identifier: GPL-2.0
# LKDTM's BUG in a child shell: BUG() in the module Oopses, the writing
# process dies, the kernel lives on.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "bug: modprobe lkdtm" need_lkdtm
kmsg_mark
if sh -c "echo BUG >$LKDTM" 2>/dev/null; then
	fail "bug: the process that provoked BUG died"
else
	pass "bug: the process that provoked BUG died"
fi
t_log "bug: kernel BUG at drivers/misc/lkdtm/bugs.c" 'kernel BUG at drivers/misc/lkdtm/bugs\.c:[0-9]+'
t_log "bug: the Oops is in lkdtm_BUG" 'RIP: [0-9]+:lkdtm_BUG\+'
t "bug: the kernel lives on: a new process runs" sh -c 'cat /proc/version'

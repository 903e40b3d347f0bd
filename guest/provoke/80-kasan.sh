# SPDX-License-Identifier: GPL-2.0
# LKDTM's READ_AFTER_FREE: KASAN's use-after-free. KASAN reports only
# its first bug (no kasan_multi_shot), and the taint turns lockdep off.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "kasan: modprobe lkdtm" need_lkdtm
kmsg_mark
t "kasan: provoke READ_AFTER_FREE" write_to $LKDTM READ_AFTER_FREE
t_log "kasan: KASAN reports the use-after-free in lkdtm_READ_AFTER_FREE" \
	'BUG: KASAN: .*use-after-free in lkdtm_READ_AFTER_FREE'

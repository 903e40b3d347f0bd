# SPDX-License-Identifier: GPL-2.0
# LKDTM's READ_AFTER_FREE: KASAN's use-after-free. KASAN reports only
# its first bug (no kasan_multi_shot), and the taint turns lockdep off.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "kasan: modprobe lkdtm" need_lkdtm
# KFENCE off first (its test ran before this one): a KFENCE-sampled
# allocation is KFENCE's to report, not KASAN's. Seen once on one vCPU:
# LKDTM's 1 kB buffer was the first allocation after a sample interval
# ran out, and KFENCE, not KASAN, reported the read after free.
t "kasan: KFENCE sampling off" write_to /sys/module/kfence/parameters/sample_interval 0
kmsg_mark
t "kasan: provoke READ_AFTER_FREE" write_to $LKDTM READ_AFTER_FREE
t_log "kasan: KASAN reports the use-after-free in lkdtm_READ_AFTER_FREE" \
	'BUG: KASAN: .*use-after-free in lkdtm_READ_AFTER_FREE'

# SPDX-License-Identifier: GPL-2.0
# LKDTM's KFENCE_READ_AFTER_FREE: allocates until KFENCE samples the
# allocation (up to 100 sample intervals), then reads it after kfree().
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "kfence: modprobe lkdtm" need_lkdtm
kmsg_mark
t "kfence: provoke KFENCE_READ_AFTER_FREE" write_to $LKDTM KFENCE_READ_AFTER_FREE
t_log "kfence: KFENCE reports the use-after-free in lkdtm_KFENCE_READ_AFTER_FREE" \
	'BUG: KFENCE: use-after-free read in lkdtm_KFENCE_READ_AFTER_FREE'

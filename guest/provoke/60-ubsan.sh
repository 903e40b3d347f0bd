# SPDX-License-Identifier: GPL-2.0
# LKDTM's ARRAY_BOUNDS: UBSAN's array-index-out-of-bounds.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "ubsan: modprobe lkdtm" need_lkdtm
kmsg_mark
t "ubsan: provoke ARRAY_BOUNDS" write_to $LKDTM ARRAY_BOUNDS
t_log "ubsan: UBSAN reports array-index-out-of-bounds in lkdtm's bugs.c" \
	'UBSAN: array-index-out-of-bounds in .*drivers/misc/lkdtm/bugs\.c:'

# SPDX-License-Identifier: GPL-2.0
# LKDTM's WARNING: WARN_ON() in lkdtm_WARNING.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

t "warning: modprobe lkdtm" need_lkdtm
kmsg_mark
t "warning: provoke WARNING" write_to $LKDTM WARNING
t_log "warning: WARNING at drivers/misc/lkdtm/bugs.c in lkdtm_WARNING" \
	'WARNING: CPU: .* at drivers/misc/lkdtm/bugs\.c:[0-9]+ lkdtm_WARNING'

# SPDX-License-Identifier: GPL-2.0
# The running kernel can report a bug readably: every option of the
# project's must-have list, configs/report.config (in the initramfs as
# /guest/report.config), is in its /proc/config.gz. Without CONFIG_BUG,
# WARN_ON() and BUG_ON() print nothing and the console check sees nothing.
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

zcat /proc/config.gz >/tmp/config
t "config: /proc/config.gz has the running kernel's configuration" \
	grep -q '^CONFIG_' /tmp/config
while read -r line; do
	case "$line" in
	CONFIG_*) t "config: $line" grep -qx "$line" /tmp/config ;;
	esac
done </guest/report.config

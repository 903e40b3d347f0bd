# SPDX-License-Identifier: GPL-2.0
# The deliberate undefined behaviour triggers: UBSAN must report each
# one, and the kernel must carry on. The reports are declared in
# guest/expected-reports.txt, so the host accepts them and only them.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

trigger=/sys/kernel/debug/mentor/provoke_ub
regs=/sys/kernel/debug/mentor/regs

t "mentor-ub: $trigger lists the triggers" grep -qx REG_INDEX_OUT_OF_BOUNDS $trigger

for name in REG_INDEX_OUT_OF_BOUNDS:array-index-out-of-bounds \
	    SHIFT_OUT_OF_BOUNDS:shift-out-of-bounds; do
	ub=${name%%:*}
	report=${name#*:}
	log_mark
	t "mentor-ub: provoke $ub" write_to $trigger "$ub"
	log=$(log_since_mark)
	t "mentor-ub: UBSAN reports $report in mentor.c for $ub" \
		grep -q "UBSAN: $report in .*drivers/misc/mentor.c" <<EOF2
$log
EOF2
done

t_fails "mentor-ub: an unknown trigger is refused with EINVAL" \
	"Invalid argument" write_to $trigger "NO_SUCH_TRIGGER"
t "mentor-ub: the kernel carries on: the registers still read" grep -q '^5: ' $regs

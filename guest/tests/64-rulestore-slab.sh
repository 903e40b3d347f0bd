# SPDX-License-Identifier: GPL-2.0
# Slab memory across 100 load/unload cycles of rulestore (with rules in its
# store each time) and of mentor: after the last cycle, with the caches
# shrunk and RCU callbacks run, the kernel's slab objects in use are
# within a few pages of what they were before the first (see slab_measure
# for why not whole slabs). Only on a kernel without KASAN,
# KFENCE or kmemleak, whose quarantine and metadata make slab figures
# meaningless (the debug kernel proves "no leak" with kmemleak instead,
# in 62-rulestore-fail-nth.sh).
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

cycles=${KSERIES_LOAD_CYCLES:-100}
# The first cycles grow slab once, as caches of the kernel's own (kernfs,
# devtmpfs, the loader) settle: 44 kB in the first 25 cycles of rulestore
# on the make-run kernel when it had SLUB_TINY, then flat for 175 more.
# The figure before is taken after these, so that it is the module's
# growth that is measured.
warmup=${KSERIES_SLAB_WARMUP:-10}
# "A few pages": what a quiet guest's own slab activity moves by.
slack_kb=${KSERIES_SLAB_SLACK_KB:-16}

debug_options() {
	zcat /proc/config.gz 2>/dev/null |
		grep -E '^CONFIG_(KASAN|KFENCE|DEBUG_KMEMLEAK)=y' | tr '\n' ' '
}

# slab_measure: "LIVE SLAB" in kB, once freed objects can be seen as
# free: the dentry and inode caches dropped first (the cycles look up and
# create files, and the figure must not depend on how many were cached
# since the last drop), then RCU callbacks run (those caches free through
# RCU, and kfree_rcu() batches for a few seconds), then every cache gives
# back its empty slabs (where SLUB has its sysfs files; not under
# SLUB_TINY).
# LIVE: the slab objects in use, their number times their size summed
# over the caches (/proc/slabinfo, which SLUB_DEBUG gives). SLAB: whole
# slabs, Slab: of /proc/meminfo, printed for the record only. A leak grows
# both; but SLAB also grows when the cycles' short-lived processes leave
# the caches they used fragmented (partly used slabs on several CPUs),
# which shrinking cannot undo: with no leak, 100 cycles of rulestore on 4
# vCPUs grew it by 316 kB, one 32 kB slab each of task_struct, mm_struct,
# sighand_cache and inode_cache among them. So LIVE is judged.
slab_measure() {
	echo 3 >/proc/sys/vm/drop_caches
	sleep 6
	if [ -d /sys/kernel/slab ]; then
		for c in /sys/kernel/slab/*/shrink; do echo 1 >"$c"; done
	fi
	# Each cache's bytes in use, for slab_growth.
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo >/tmp/slab.caches.now
	echo "$(awk '{ b += $2 } END { print int(b / 1024) }' /tmp/slab.caches.now)" \
		"$(awk '/^Slab:/ { print $2 }' /proc/meminfo)"
}

# slab_growth BEFORE AFTER: the caches whose objects in use grew most
# between two of slab_measure's snapshots, in kB, largest first.
slab_growth() {
	_grown=$(awk 'NR == FNR { b[$1] = $2; next }
	     $2 - b[$1] >= 512 { printf "%s %.1f\n", $1, ($2 - b[$1]) / 1024 }' "$1" "$2" |
		sort -k2,2nr | head -n 8 | tr '\n' ' ')
	echo "${_grown:-none}"
}

# Three rules of uid 64100, as "rulectl save" writes them.
printf '64100\tread /etc\n64100\twrite /tmp\n64100\texec /bin/sh\n' >/tmp/slab.rules

one_cycle() {
	modprobe "$1" || { echo "modprobe $1 failed"; return 1; }
	if [ "$1" = rulestore ]; then
		rulectl restore /tmp/slab.rules || return 1
		[ "$(rulectl list 64100 | grep -c '^Rule ')" = 3 ] ||
			{ echo "the rules are not listed"; return 1; }
	fi
	rmmod "$1" || { echo "rmmod $1 failed"; return 1; }
}

# t_slab_cycles MODULE: the cycles, then slab within $slack_kb of before.
t_slab_cycles() {
	_i=0
	while [ $_i -lt "$warmup" ]; do
		_i=$((_i + 1))
		one_cycle "$1" >/tmp/slab.out 2>&1
	done
	_i=0
	slab_measure >/tmp/slab.now
	read -r _live0 _slab0 </tmp/slab.now
	cp /tmp/slab.caches.now /tmp/slab.caches.before
	while [ $_i -lt "$cycles" ]; do
		_i=$((_i + 1))
		if ! one_cycle "$1" >/tmp/slab.out 2>&1; then
			fail "slab: $cycles load cycles of $1 (cycle $_i failed)"
			sed 's/^/#   /' /tmp/slab.out
			return
		fi
		[ $((_i % 50)) -ne 0 ] || [ $_i -eq "$cycles" ] ||
			echo "# slab: $1: after $_i cycles: $(slab_measure | sed 's/ / kB in use, slabs /') kB"
	done
	slab_measure >/tmp/slab.now
	read -r _live1 _slab1 </tmp/slab.now
	echo "# slab: $1: before $cycles cycles (after $warmup more) and after: objects in use $_live0 and $_live1 kB, whole slabs $_slab0 and $_slab1 kB"
	echo "# slab: $1: the caches whose objects in use grew by half a kB or more (kB): $(slab_growth /tmp/slab.caches.before /tmp/slab.caches.now)"
	if [ $((_live1 - _live0)) -le "$slack_kb" ]; then
		pass "slab: after $cycles load cycles of $1, the slab objects in use within $slack_kb kB of before"
	else
		fail "slab: after $cycles load cycles of $1, the slab objects in use grew by $((_live1 - _live0)) kB (more than $slack_kb)"
	fi
}

debug=$(debug_options)
if [ -n "$debug" ]; then
	pass "slab: load cycles measured on a kernel without debug allocators # SKIP this kernel has $debug"
	exit 0
fi
# On several CPUs each cache keeps per-CPU slabs, and the kernel's workers
# and the cycles' processes spread over them: with no leak, in one run on
# 4 vCPUs, the objects in use after 100 cycles were 23 kB below (rulestore)
# and 21 kB above (mentor) where they started, beyond the slack either
# way. scripts/slab-cycles.sh boots one vCPU for this test (two runs:
# 15 to 31 kB below, none above), and no other boot runs it on several.
cpus=$(grep -c '^processor' /proc/cpuinfo)
if [ "$cpus" -gt 1 ]; then
	pass "slab: load cycles measured on one CPU # SKIP this guest has $cpus (scripts/slab-cycles.sh boots one)"
	exit 0
fi
if [ ! -r /proc/slabinfo ]; then
	fail "slab: /proc/slabinfo counts the objects in use (CONFIG_SLUB_DEBUG, which configs/run.config asks for)"
	exit 0
fi
t_slab_cycles rulestore
t_slab_cycles mentor

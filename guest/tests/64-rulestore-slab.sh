# SPDX-License-Identifier: GPL-2.0
# Slab memory across 100 load/unload cycles of rulestore (with rules in its
# store each time) and of mentor: after the last cycle, with the caches
# shrunk and RCU callbacks run, the kernel's slab usage is within a few
# pages of what it was before the first. Only on a kernel without KASAN,
# KFENCE or kmemleak, whose quarantine and metadata make slab figures
# meaningless (the debug kernel proves "no leak" with kmemleak instead,
# in 62-rulestore-fail-nth.sh).
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

cycles=${KSERIES_LOAD_CYCLES:-100}
# The first cycles grow slab once, as caches of the kernel's own (kernfs,
# devtmpfs, the loader) settle: 44 kB in the first 25 cycles of rulestore
# on the make-run kernel, then flat for 175 more. The figure before is
# taken after these, so that it is the module's growth that is measured.
warmup=${KSERIES_SLAB_WARMUP:-10}
# "A few pages": what a quiet guest's own slab activity moves by.
slack_kb=${KSERIES_SLAB_SLACK_KB:-16}

debug_options() {
	zcat /proc/config.gz 2>/dev/null |
		grep -E '^CONFIG_(KASAN|KFENCE|DEBUG_KMEMLEAK)=y' | tr '\n' ' '
}

# Slab in use, in kB, once freed objects can be seen as free: RCU
# callbacks run (kfree_rcu() batches for a few seconds), then every cache
# gives back its empty slabs (where SLUB has its sysfs files; not under
# SLUB_TINY, which keeps no per-CPU partial slabs to give back).
slab_kb() {
	sleep 6
	if [ -d /sys/kernel/slab ]; then
		for c in /sys/kernel/slab/*/shrink; do echo 1 >"$c"; done
	fi
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^Slab:/ { print $2 }' /proc/meminfo
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
	_before=$(slab_kb)
	while [ $_i -lt "$cycles" ]; do
		_i=$((_i + 1))
		if ! one_cycle "$1" >/tmp/slab.out 2>&1; then
			fail "slab: $cycles load cycles of $1 (cycle $_i failed)"
			sed 's/^/#   /' /tmp/slab.out
			return
		fi
		[ $((_i % 50)) -ne 0 ] || [ $_i -eq "$cycles" ] ||
			echo "# slab: $1: after $_i cycles: $(slab_kb) kB"
	done
	_after=$(slab_kb)
	echo "# slab: $1: $_before kB before $cycles cycles (after $warmup more), $_after kB after"
	if [ $((_after - _before)) -le "$slack_kb" ]; then
		pass "slab: after $cycles load cycles of $1, slab is within $slack_kb kB of before"
	else
		fail "slab: after $cycles load cycles of $1, slab grew by $((_after - _before)) kB (more than $slack_kb)"
	fi
}

debug=$(debug_options)
if [ -n "$debug" ]; then
	pass "slab: load cycles measured on a kernel without debug allocators # SKIP this kernel has $debug"
	exit 0
fi
t_slab_cycles rulestore
t_slab_cycles mentor

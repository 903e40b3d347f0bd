#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/boot.sh [--mode tour|check|provoke|bench|shell]
                       [--timeout SECONDS] [--add DIR]... [--tests GLOB] [--skip GLOB]
                       [--append ARGS] [--smp N] [--mem MB] [--out DIR]
                       [--root ROOT] OBJ

Boot the kernel built in OBJ in QEMU (x86_64, TCG: no KVM needed) with an
initramfs from scripts/mkinitramfs.sh, and power it off when done (a
kernel without ACPI cannot: its guest reboots, and QEMU exits).

--mode tour     run guest/tour.sh on the console (default)
--mode check    run the guest tests; the console goes to OUT/console.log and
                the tests' TAP to OUT/results.tap
--mode provoke  like check, but run guest/provoke/*.sh: kernel reports on
                purpose (WARNING, BUG, KASAN, UBSAN, KFENCE, lockdep, RCU,
                ODEBUG, kmemleak, hung task), so that scripts/guest-report.sh
                can be shown to see each; needs the payload's kseries_provoke.ko
--mode bench    like check, but run guest/bench.sh, the rulestore benchmark
                (scripts/bench.sh); its output goes to OUT/results.tap
--mode shell    an interactive shell on the console
--timeout S     kill QEMU after S seconds (default 900; none for shell)
--add DIR       copy DIR's contents into the guest's root (repeatable)
--tests GLOB    in check (provoke) mode, run only guest/tests/GLOB.sh
                (guest/provoke/GLOB.sh), e.g. '40-*'
--skip GLOB     leave out the tests whose name (without .sh) matches GLOB
--append ARGS   add ARGS to the kernel command line (e.g. kmemleak=off)
--smp N         virtual CPUs (default 4: the stress test wants at least 4;
                TCG runs them on however many host cores there are)
--mem MB        guest memory in MiB (default 1024)
--out DIR       where logs go (default build/guest)
--root ROOT     busybox and timeout from ROOT (scripts/mkinitramfs.sh --root),
                for a 32-bit kernel (built with ARCH=i386, which must be in
                the environment for the modules' install)
USAGE
}

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mode=tour timeout=900 out=$BUILD_DIR/guest adds=() tests='*' skip='' append='' smp=4
mem=1024 froot=()
while [ $# -gt 1 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--mode) mode=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--skip) skip=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--root) froot=(--root "$2"); shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case "${1:-}" in -h|--help|"") usage; [ -n "${1:-}" ]; exit ;; esac
obj=$1
case "$mode" in
tour|check|provoke|bench|shell) ;;
*) echo "error: unknown mode '$mode'" >&2; usage >&2; exit 2 ;;
esac

kernel=$obj/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: build it first (make run builds it)"
# A kernel without ACPI (configs/debug.config leaves it out):
# - cannot power the machine off: its guest reboots instead, which
#   -no-reboot makes QEMU's exit;
# - finds the other CPUs in SeaBIOS's MP table, which lists one CPU per
#   socket: so one socket per vCPU;
# - has no HPET or ACPI PM timer to judge the TSC by, so judges it by
#   jiffies, finds it skewed under TCG and keeps time by jiffies, on which
#   the guest's clock ran slow: tsc=reliable keeps the TSC, which TCG
#   derives from the host's clock and the ACPI kernels find stable.
stop=poweroff cpus=$smp tsc=
grep -qx 'CONFIG_ACPI=y' "$obj/.config" ||
	stop=reboot cpus=$smp,sockets=$smp tsc=tsc=reliable
mkdir -p "$out"
say "making the initramfs"
"$TOP/scripts/mkinitramfs.sh" "${froot[@]}" "$obj" "$out/initramfs.cpio.gz" "${adds[@]}"

# KVM where it works; here (nested virtualisation) only TCG does.
accel=(-accel tcg)
if [ "${KSERIES_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then accel=(-enable-kvm -cpu host); fi

# The tour and the shell are for people: boot quietly. The tests want
# every kernel message on the console.
quiet=quiet
case "$mode" in check|provoke|bench) quiet= ;; esac
qemu=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$cpus" -no-reboot -nic none
      -kernel "$kernel" -initrd "$out/initramfs.cpio.gz" -nographic
      -append "console=ttyS0 panic=-1${tsc:+ $tsc} $quiet kseries_mode=$mode kseries_stop=$stop kseries_tests=$tests${skip:+ kseries_skip=$skip} $append")

case "$mode" in
shell)
	exec "${qemu[@]}"
	;;
tour)
	timeout --foreground "$timeout" "${qemu[@]}" | tee "$out/tour.log"
	;;
check|provoke|bench)
	rm -f "$out/console.log" "$out/results.tap"
	say "booting the kernel ($mode); console in $out/console.log (timeout ${timeout}s)"
	rc=0
	timeout "$timeout" "${qemu[@]}" -monitor none -serial "file:$out/console.log" \
		-serial "file:$out/results.tap" </dev/null >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 124 ] || say "QEMU did not finish within ${timeout}s and was killed"
	exit "$rc"
	;;
esac

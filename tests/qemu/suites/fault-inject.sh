# SPDX-License-Identifier: GPL-2.0
# fault-inject: fail, one at a time, every allocation that the driver's
# probe, open (SVA bind), release (unbind) and remove make, directly or
# through UIO, the IOMMU core and the PASID allocator. The kernel's per-task
# fail-nth (tests/qemu/guest/fault-nth.c) fails the Nth check of failslab
# and fail_page_alloc whose stack passes through module text (the only
# modules loaded are uio.ko and ours). Each injected failure must give a
# documented errno (Documentation/uio-pci-sva.rst), and afterwards the
# device must work again: the next open binds, unbind and rmmod are clean,
# and /init's kmemleak scan finds nothing of ours. Needs a kernel with
# CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, FAILSLAB and FAIL_PAGE_ALLOC
# (the debug kernel); elsewhere the suite is skipped.
# fail_function has no target here: neither the driver nor the kernel
# functions on these paths are marked ALLOW_ERROR_INJECTION.
#
#@ kernels: 7.2-debug
# Only in make test-debug for now: injected failures inside the kernel's
# own code on these paths end in kernel reports the driver cannot prevent
# (7.2.13: the IOMMU core WARNs when re-attaching the domain after a
# function reset fails with ENOMEM, pci_dev_reset_iommu_done(); ACPICA
# reads a freed object after AE_NO_MEMORY in _PRT evaluation, a KASAN
# use-after-free; remove_proc_entry() warnings for IRQ proc entries).
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 1200

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

MOD=uio_pci_generic_sva
DRV=/sys/bus/pci/drivers/uio_pci_sva
DBG=/sys/kernel/debug
MAXN=300
# x86-64 module space, MODULES_VADDR .. MODULES_END: MODULES_VADDR is
# 0xffffffffc0000000 with KASLR and 0xffffffffa0000000 without; take it
# from where uio.ko was loaded (rounded down to 256 MiB).
MOD_END=0xffffffffff000000
uio_text=$(cat /sys/module/uio/sections/.text 2>/dev/null)
MOD_START=$(printf '0x%x' $((${uio_text:-0xffffffffc0000000} & 0xfffffffff0000000)))

ktap_print_header
if [ ! -f "$DBG/failslab/require-start" ] || [ ! -f "$DBG/fail_page_alloc/require-start" ] ||
   [ ! -e /proc/thread-self/fail-nth ]; then
	ktap_skip_all "kernel $(uname -r) has no failslab/fail_page_alloc with a stack filter"
fi
ktap_set_plan 9
ktap_print_msg "kernel $(uname -r); module space from $MOD_START (uio.ko text at ${uio_text:-unknown})"
need_testdev

for a in failslab fail_page_alloc; do
	echo N > "$DBG/$a/ignore-gfp-wait"
	echo 0 > "$DBG/$a/verbose"
	echo 32 > "$DBG/$a/stacktrace-depth"
	echo "$MOD_START" > "$DBG/$a/require-start"
	echo "$MOD_END" > "$DBG/$a/require-end"
done
echo N > "$DBG/fail_page_alloc/ignore-gfp-highmem"
echo 0 > "$DBG/fail_page_alloc/min-order"

echo uio_pci_sva > "/sys/bus/pci/devices/$BDF/driver_override"
[ "$(driver_of "$BDF")" = uio_pci_sva ] || echo "$BDF" > "$DRV/bind" 2>/dev/null

POINTS=0
# sweep NAME MIN ERRNOS CHECK OP ARGS...: for N = 1, 2, ... run "fault-nth
# N OP ARGS" until nothing is injected any more; there must be at least MIN
# failure points. Each injected failure must report one of ERRNOS ("any"
# for any errno; "0": the operation succeeded, the failure was absorbed by
# a fallback or the operation has no error to report), then CHECK must
# succeed. Adds the points to POINTS.
sweep() {
	name=$1 min=$2 errnos=$3 check=$4
	shift 4
	n=1 bad=0 seen=
	while [ $n -le $MAXN ]; do
		k0=$(dmesg | wc -l)
		out=$(fault-nth "$n" "$@" 2>&1) || { ktap_print_msg "$name: fault-nth $n: $out"; bad=1; break; }
		case "$out" in *injected=no*) break ;; esac
		e=${out##*errno=}
		lines=$(($(dmesg | wc -l) - k0))
		case " $errnos " in
		*" $e "*) ;;
		*)
			if [ "$errnos" = "${errnos%any*}" ] || [ "$e" = 0 ]; then
				ktap_print_msg "$name: failure $n: $e, expected one of: $errnos"
				bad=1
			fi
			;;
		esac
		case " $seen " in *" $e "*) ;; *) seen="$seen $e" ;; esac
		[ "$lines" -le 1 ] || { ktap_print_msg "$name: failure $n: $lines kernel log lines:"; dmesg | tail -n "$lines" | sed 's/^/#   /'; }
		$check || { ktap_print_msg "$name: after failure $n ($e) the device does not recover"; bad=1; break; }
		n=$((n + 1))
	done
	n=$((n - 1))
	POINTS=$((POINTS + n))
	ktap_print_msg "$name: $n injected failure points, errnos:${seen:- none}"
	[ $bad = 0 ] && [ $n -ge "$min" ] && [ $n -lt $MAXN ]
}

dev() { echo "/dev/$(uio_of "$BDF")"; }
unbind_dev() { echo "$BDF" > "$DRV/unbind"; }
# open_ok: a plain open binds and shows a PASID.
open_ok() {
	[ "$(driver_of "$BDF")" = uio_pci_sva ] || return 1
	u=$(dev)
	(exec 3<"$u" && grep -q '^[0-9]' "/sys/bus/pci/devices/$BDF/pasid")
}
# rebind_ok: after a failed probe the device has no driver and binding
# works; after a probe that absorbed the failure (a fallback), it works.
rebind_ok() {
	case "$(driver_of "$BDF")" in
	"") echo "$BDF" > "$DRV/bind" || return 1 ;;
	uio_pci_sva) ;;
	*) return 1 ;;
	esac
	open_ok && echo "$BDF" > "$DRV/unbind"
}
# unbound_ok: after a failed remove (remove cannot fail) the device is
# unbound; bind it again for the next round.
unbound_ok() {
	[ "$(driver_of "$BDF")" = "" ] && echo "$BDF" > "$DRV/bind" && open_ok
}

sweep open 1 "ENOMEM ENOSPC ENXIO 0" open_ok open "$(dev)"
verdict "open: every injected failure gives ENOMEM, ENOSPC or ENXIO (or is absorbed), then open works" $?

sweep release 0 "0" open_ok close "$(dev)"
verdict "release: injected failures are absorbed, then open works" $?

echo "$BDF" > "$DRV/unbind"
sweep probe 1 "any 0" rebind_ok write "$DRV/bind" "$BDF"
verdict "probe: every injected failure fails the bind (or is absorbed), then a bind works" $?

echo "$BDF" > "$DRV/bind"
sweep remove 0 "0" unbound_ok write "$DRV/unbind" "$BDF"
verdict "remove: injected failures leave the device unbound and bindable" $?

ktap_print_msg "distinct injected failure points: $POINTS"
[ "$POINTS" -gt 0 ]
verdict "failure points were exercised" $?

for a in failslab fail_page_alloc; do
	echo 0 > "$DBG/$a/require-end"
	echo 0 > "$DBG/$a/require-start"
done

open_ok
verdict "after the sweeps the device opens and binds" $?
unbind_dev
verdict "unbind" $?
rmmod "$MOD"
verdict "rmmod" $?
echo > "/sys/bus/pci/devices/$BDF/driver_override"
[ ! -d "/sys/module/$MOD" ]
verdict "the module is gone" $?

ktap_finished

# SPDX-License-Identifier: GPL-2.0
# Smoke suite: proves the platform end to end. The driver loads, the test
# device is visible and its BAR0 ID register reads back (through sysfs,
# tests/qemu/guest/pcibar.c), new_id binds it, /dev/uio0 appears, and unbind and
# rmmod are clean (the runner fails the suite on any kernel warning).
#
#@ kernels: 6.1 6.12 7.2 7.3 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 300

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

DRV=/sys/bus/pci/drivers/uio_pci_sva

ktap_print_header
ktap_set_plan 8
ktap_print_msg "kernel $(uname -r)"

if [ "$UIO_SVA_LOAD_RC" = 0 ] && [ -d /sys/module/uio_pci_generic_sva ]; then
	ktap_test_pass "module loads"
else
	ktap_print_msg "insmod exit status: ${UIO_SVA_LOAD_RC:-not loaded}"
	sed 's/^/# /' "$UIO_SVA_LOAD_LOG"
	ktap_test_fail "module loads"
fi

if [ -d "$DRV" ]; then
	ktap_test_pass "driver uio_pci_sva is registered"
else
	ktap_test_fail "driver uio_pci_sva is registered"
fi

bdf=$(find_dev 1234 5356) || bdf=
if [ -n "$bdf" ]; then
	ktap_print_msg "test device at $bdf"
	ktap_test_pass "test device 1234:5356 is visible"
else
	for d in /sys/bus/pci/devices/*; do
		ktap_print_msg "$(basename "$d") $(cat "$d/vendor"):$(cat "$d/device")"
	done
	ktap_test_fail "test device 1234:5356 is visible"
fi

# Before any driver owns it, BAR0 can be mapped through sysfs.
if [ -n "$bdf" ]; then
	id=$(pcibar "$bdf" 0 0 r32 2>&1)
	if [ "$id" = 0x53564131 ]; then
		ktap_test_pass "BAR0 ID register reads 0x53564131"
	else
		ktap_print_msg "pcibar: $id"
		ktap_test_fail "BAR0 ID register reads 0x53564131"
	fi
else
	ktap_print_msg "not run: no test device"
	ktap_test_fail "BAR0 ID register reads 0x53564131"
fi

bound=
if [ -n "$bdf" ] && [ -d "$DRV" ]; then
	echo 1234 5356 > "$DRV/new_id" 2>/dev/null
	if ktap_sysfs_wait 5 "$DRV/$bdf"; then
		bound=1
		ktap_test_pass "new_id binds the test device"
	else
		ktap_test_fail "new_id binds the test device"
	fi
else
	ktap_print_msg "not run: no driver or no device"
	ktap_test_fail "new_id binds the test device"
fi

if [ -n "$bound" ]; then
	if ktap_sysfs_wait 5 /dev/uio0; then
		ktap_print_msg "sva_status: $(cat "$DRV/$bdf/sva_status" 2>&1)"
		ktap_test_pass "/dev/uio0 appears"
	else
		ls /sys/class/uio 2>&1 | sed 's/^/# /'
		ktap_test_fail "/dev/uio0 appears"
	fi
	echo "$bdf" > "$DRV/unbind" 2>/dev/null
	if ktap_sysfs_gone 5 "$DRV/$bdf" && ktap_sysfs_gone 5 /dev/uio0; then
		ktap_test_pass "unbind removes /dev/uio0"
	else
		ktap_test_fail "unbind removes /dev/uio0"
	fi
else
	ktap_print_msg "not run: the device is not bound"
	ktap_test_fail "/dev/uio0 appears"
	ktap_print_msg "not run: the device is not bound"
	ktap_test_fail "unbind removes /dev/uio0"
fi

if [ -d /sys/module/uio_pci_generic_sva ]; then
	ktap_run "rmmod uio_pci_generic_sva" rmmod uio_pci_generic_sva
else
	ktap_print_msg "not run: the module is not loaded"
	ktap_test_fail "rmmod uio_pci_generic_sva"
fi

ktap_finished

# SPDX-License-Identifier: GPL-2.0
# debug-reload: load and unload the driver 100 times with the test device
# bound and /dev/uioN opened (an SVA bind and unbind) and closed each time.
# Meant for the debug kernel (tests/qemu/debug-kernel/), where /init scans
# for leaks after the suite and KASAN, lockdep and DEBUG_OBJECTS watch every
# cycle; on any kernel the cycles must all succeed.
#
#@ kernels: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 1200

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

MOD=uio_pci_generic_sva
DRV=/sys/bus/pci/drivers/uio_pci_sva
# uio_sva_test.cycles=N on the kernel command line (plant.sh) sets fewer.
CYCLES=$(sed -n 's/.*uio_sva_test\.cycles=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
CYCLES=${CYCLES:-100}

ktap_print_header
ktap_set_plan 5
ktap_print_msg "kernel $(uname -r)"

need_testdev
# The override survives the driver: every insmod binds the device again.
echo uio_pci_sva > "/sys/bus/pci/devices/$BDF/driver_override"
[ "$(driver_of "$BDF")" = uio_pci_sva ] || echo "$BDF" > "$DRV/bind" 2>/dev/null

# cycle: the device is bound; open, check the PASID, close, unbind, rmmod,
# insmod. Prints what failed and returns 1 on the first failure.
cycle() {
	ktap_wait 10 test -e "/sys/bus/pci/devices/$BDF/uio" || { echo "no uio node after insmod"; return 1; }
	u=$(uio_of "$BDF")
	ktap_wait 10 test -c "/dev/$u" || { echo "/dev/$u did not appear"; return 1; }
	# The open, the read and the close happen in one subshell (one mm).
	p=$( (exec 3<"/dev/$u" && cat "/sys/bus/pci/devices/$BDF/pasid") 2>&1) ||
		{ echo "open /dev/$u or reading pasid failed: $p"; return 1; }
	case "$p" in [0-9]*) ;; *) echo "pasid while open: '$p'"; return 1 ;; esac
	echo "$BDF" > "$DRV/unbind" || { echo "unbind failed"; return 1; }
	rmmod "$MOD" || { echo "rmmod failed"; return 1; }
	insmod "$UIO_SVA_KO" || { echo "insmod failed"; return 1; }
	ktap_sysfs_wait 10 "$DRV/$BDF" || { echo "the device did not bind after insmod"; return 1; }
	return 0
}

t0=$(cut -d. -f1 /proc/uptime)
i=0 why=
while [ $i -lt $CYCLES ]; do
	why=$(cycle) || break
	i=$((i + 1))
done
t1=$(cut -d. -f1 /proc/uptime)
ktap_print_msg "$i of $CYCLES cycles in $((t1 - t0)) s${why:+; cycle $((i + 1)): $why}"
[ $i -eq $CYCLES ]
verdict "$CYCLES cycles of insmod, bind, open (SVA bind), close, unbind, rmmod" $?

u=$(uio_of "$BDF")
cli sh -c "exec 3<'/dev/$u' && cat /sys/bus/pci/devices/$BDF/pasid"
rc 0
verdict "after the cycles the device opens and reports a PASID" $?

# Every cycle's opener has exited, so every PASID must be free again: an
# mm frees its PASID when its last reference goes (__mmdrop), so a leaked
# mm reference keeps it. kmemleak cannot see such a leak on x86 (the pgd's
# struct page points back to the mm). The IOMMU's own mm reference goes
# with the SVA domain, after an SRCU grace period: allow 10 s.
p= n=0
while [ $n -lt 20 ]; do
	p=$( (exec 3<"/dev/$u" && cat "/sys/bus/pci/devices/$BDF/pasid") 2>&1)
	[ "$p" = 1 ] && break
	sleep 0.5
	n=$((n + 1))
done
ktap_print_msg "a new opener's PASID after $CYCLES exited openers: $p"
[ "$p" = 1 ]
verdict "every exited opener's PASID is free again: a new opener gets PASID 1" $?

echo "$BDF" > "$DRV/unbind" 2>/dev/null
rmmod "$MOD"
verdict "rmmod at the end" $?
[ ! -d /sys/module/$MOD ] && [ "$(driver_of "$BDF")" = "" ]
verdict "the module is gone and the device has no driver" $?
echo > "/sys/bus/pci/devices/$BDF/driver_override"

ktap_finished

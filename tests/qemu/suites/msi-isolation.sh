# SPDX-License-Identifier: GPL-2.0
# msi-isolation: the test device behind an IOMMU without interrupt
# remapping (intremap=off). Every memory BAR is mappable, the MSI-X table
# included, and the device masters the bus while bound, so its user could
# raise any interrupt: probe refuses it (one log line saying what to do);
# reloaded with allow_unsafe_interrupts=1 it binds, warns, taints the
# kernel (TAINT_USER) and works.
#
#@ kernels: 7.2 7.3
#@ qemu: -device uio-sva-testdev,id=dev0
#@ iommu: intremap=off,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on,x-flts=on,device-iotlb=on,svm=on
#@ timeout: 300

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

MOD=uio_pci_generic_sva
REFUSED='MSIs of the device are not isolated (no interrupt remapping): its user could raise any interrupt'
ALLOWED='binding anyway (allow_unsafe_interrupts=1)'

ktap_print_header
ktap_set_plan 4
need_testdev

tainted_user() { [ $(($(cat /proc/sys/kernel/tainted) >> 6 & 1)) = 1 ]; }

echo uio_pci_sva > "/sys/bus/pci/devices/$BDF/driver_override"
echo "$BDF" > /sys/bus/pci/drivers_probe 2>/dev/null
line=$(dmesg | grep -F "$REFUSED" | tail -n 1)
ktap_print_msg "driver: '$(driver_of "$BDF")'; log: $line"
[ -z "$(driver_of "$BDF")" ] && case $line in *"$BDF"*allow_unsafe_interrupts=1*) true ;; *) false ;; esac &&
	! tainted_user
verdict "without interrupt remapping probe refuses the device, one log line names it and the parameter" $?

rmmod "$MOD"
insmod "$UIO_SVA_KO" allow_unsafe_interrupts=1
param=$(cat "/sys/module/$MOD/parameters/allow_unsafe_interrupts")
echo "$BDF" > /sys/bus/pci/drivers_probe 2>/dev/null
line=$(dmesg | grep -F "$ALLOWED" | tail -n 1)
ktap_print_msg "allow_unsafe_interrupts=$param; driver: '$(driver_of "$BDF")'; log: $line"
[ "$param" = Y ] && [ "$(driver_of "$BDF")" = uio_pci_sva ] && case $line in *"$BDF"*) true ;; *) false ;; esac
verdict "with allow_unsafe_interrupts=1 the device binds and the warning names it" $?

tainted_user
verdict "the kernel is tainted (TAINT_USER)" $?

cli uio-sva dma "$BDF" -s 64K
rc 0
verdict "an SVA DMA works on the unsafely bound device" $?

ktap_finished

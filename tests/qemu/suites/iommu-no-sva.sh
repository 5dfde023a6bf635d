# SPDX-License-Identifier: GPL-2.0
# iommu-no-sva: an IOMMU in scalable mode with PASID, but without SVA
# (no svm=on: no page requests, no device-TLB). The device is isolated, so
# it binds; open() fails with ENXIO, sva_status says iommu-no-sva, and one
# log line per refused open gives the IOMMU's error and the advice. Driven
# through the uio-sva command, as a user would meet it.
#
#@ kernels: 7.2 7.3
#@ qemu: -device uio-sva-testdev,id=dev0
#@ iommu: intremap=on,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on,x-flts=on
#@ timeout: 300

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

ADVICE='the IOMMU refused SVA for this device'

ktap_print_header
ktap_set_plan 5

BDF=$(find_dev 1234 5356) || BDF=
cli uio-sva bind "$BDF"
rc 0 && [ "$(driver_of "$BDF")" = uio_pci_sva ] &&
	[ "$(cat "/sys/bus/pci/devices/$BDF/sva_status")" = ready ]
verdict "the device binds (it is isolated by the IOMMU); sva_status ready" $?

before=$(drv_log "$ADVICE" | wc -l)
cli uio-sva dma "$BDF"
rc 4 && has "No such device or address" "iommu-no-sva"
verdict "dma: open() fails with ENXIO, exit 4, the hint names iommu-no-sva" $?

[ "$(cat "/sys/bus/pci/devices/$BDF/sva_status")" = iommu-no-sva ]
verdict "sva_status is iommu-no-sva after the refused open" $?

after=$(drv_log "$ADVICE" | wc -l)
ktap_print_msg "advice lines: $before before, $after after"
line=$(drv_log "$ADVICE" | tail -n 1)
ktap_print_msg "$line"
[ $((after - before)) -eq 1 ] && printf '%s\n' "$line" | grep "$BDF" | grep -q "cannot bind (error -[0-9]*)"
verdict "one log line names the device, the IOMMU's error and the advice" $?

cli cat "/sys/bus/pci/devices/$BDF/pasid"
[ "$CLI_RC" != 0 ] && has "No data available"
verdict "pasid fails with ENODATA" $?

ktap_finished

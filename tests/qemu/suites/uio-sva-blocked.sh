# SPDX-License-Identifier: GPL-2.0
# uio-sva-blocked: the command line tool on a Debian stable kernel that
# blocks SVA on x86 (6.12, also 6.1): bind works; list shows sva_status
# ready, then blocked-by-kernel with its hint; dma prints the documented
# message (EOPNOTSUPP: "Operation not supported", the kernel page-table IOTLB invalidation that Linux 7.2 has)
# and exits 4, every time; unbind leaves the device without a driver
# (tools/man/uio-sva.1, DIAGNOSTICS and EXIT STATUS).
#
#@ kernels: 6.1 6.12
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 300

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

MOD=uio_pci_generic_sva
PROFILE=uio-sva-testdev

ktap_print_header
ktap_set_plan 7
ktap_print_msg "kernel $(uname -r), $(uio-sva --version 2>&1)"

need_testdev

cli uio-sva bind "$BDF"
rc 0 && has "$BDF: bound to uio_pci_sva as uio" && [ "$(driver_of "$BDF")" = uio_pci_sva ]
verdict "bind BDF: exit 0, the device is bound" $?

cli uio-sva list "$BDF"
rc 0 && has "$BDF" "sva: ready" "pasid - (nothing bound)" "BAR0  map0"
verdict "list before any open: sva_status ready, no PASID (nothing bound)" $?

cli uio-sva dma "$BDF" -p "$PROFILE"
rc 4 && has "Operation not supported" "Linux 7.2 has"
verdict "dma: exit 4, open() refused with EOPNOTSUPP, the hint names the kernel fix (Linux 7.2 has it)" $?

cli uio-sva list
rc 0 && has "$BDF" "sva: blocked-by-kernel" "pasid - (nothing bound)" \
	"this kernel blocks SVA on x86; open() fails with EOPNOTSUPP; boot a kernel with the kernel page-table IOTLB invalidation (iommu_sva_invalidate_kva_range(), Linux 7.2 has it)"
verdict "list after the refusal: sva_status blocked-by-kernel with its explanation" $?

cli uio-sva dma "$BDF" -p "$PROFILE" -o copy -b mmap --no-touch
rc 4 && has "Operation not supported" "Linux 7.2 has"
verdict "dma again: exit 4 with the same message (the driver remembers the block)" $?

cli uio-sva unbind "$BDF"
rc 0 && has "left without a driver, as before" && [ -z "$(driver_of "$BDF")" ]
verdict "unbind: exit 0, the device is left without a driver" $?

ktap_run "rmmod $MOD" rmmod "$MOD"

ktap_finished

# SPDX-License-Identifier: GPL-2.0
# irq: the driver's interrupts with MSI-X (default), MSI (msix=off) and
# INTx (msix=off,msi=off), one test device each in the same guest: wake-up
# of read() and poll(), one count per completion, none without IRQ_EN,
# irqcontrol masking and what the handler masks between interrupts
# (tests/qemu/guest/irq.c). Needs a kernel that binds SVA (7.x): the
# device's interrupt is a DMA write, sent only with bus mastering on.
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ qemu: -device uio-sva-testdev,id=dev1,msix=off
#@ qemu: -device uio-sva-testdev,id=dev2,msix=off,msi=off
#@ timeout: 600

exec irq

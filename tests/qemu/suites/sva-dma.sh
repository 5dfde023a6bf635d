# SPDX-License-Identifier: GPL-2.0
# sva-dma: a process hands malloc(), mmap(), stack and file-mapped pointers
# to the test device under its PASID; the CPU checks every byte
# (tests/qemu/guest/sva-dma.c). Needs a kernel that binds SVA (7.x).
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ mem: 1G
#@ timeout: 1200
# The wrong-PASID case on purpose: the device's page request for the
# unbound PASID is refused (-EINVAL), and intel-iommu may find the fault
# register still busy with the same fault.
#@ qemu-require: ^uio-sva-testdev: page request for 0x[0-9a-f]+ not sent \(-22\)$
#@ qemu-expect: ^qemu-system-x86_64: New fault is not recorded due to compression of faults$

exec sva-dma

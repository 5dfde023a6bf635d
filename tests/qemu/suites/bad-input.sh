# SPDX-License-Identifier: GPL-2.0
# bad-input: malformed new_id/remove_id, writes to the read-only SVA
# attributes, mmap() beyond a BAR or of a missing map, read()/write() of
# the wrong size, bad irqcontrol values, and test devices without PASID,
# ATS or PRI (bound, open() -> ENODEV with one advice line); then the good
# device still does a verified SVA DMA (tests/qemu/guest/bad-input.c).
# Needs a kernel that binds SVA (7.x).
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ qemu: -device uio-sva-testdev,id=dev1,pasid=off
#@ qemu: -device uio-sva-testdev,id=dev2,ats=off
#@ qemu: -device uio-sva-testdev,id=dev3,pri=off
#@ timeout: 600

exec bad-input

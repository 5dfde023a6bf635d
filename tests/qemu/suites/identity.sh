# SPDX-License-Identifier: GPL-2.0
# identity: the test device in an identity (passthrough) IOMMU domain.
# The runner's command line has iommu.passthrough=0; the suite's append
# comes after it and the last one wins. The driver refuses the device
# (EPERM, a log line naming the identity domain); reloaded with
# allow_unsafe_no_isolation=1 it binds, warns and taints (TAINT_USER);
# then open() either binds SVA with a verified DMA or fails with a
# documented errno (tests/qemu/guest/isolation.c).
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ append: iommu.passthrough=1
#@ timeout: 300

exec isolation identity

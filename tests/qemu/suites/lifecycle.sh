# SPDX-License-Identifier: GPL-2.0
# lifecycle: open/close cycles, shared and refused opens, fork, SIGKILL
# during DMA, and unbind, rmmod and hot unplug while a process holds the
# fd and the device is busy (tests/qemu/guest/lifecycle.c). The device
# sits behind a PCIe root port so that it can be unplugged and replugged.
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device pcie-root-port,id=rp1,chassis=1,slot=1 -device uio-sva-testdev,id=dev0,bus=rp1
#@ mem: 1G
# The fork and SIGKILL cases on purpose: DMA under a PASID whose mm is
# gone; the device's page requests are refused (-EINVAL) and intel-iommu
# may find its fault register still busy.
#@ qemu-expect: ^uio-sva-testdev: page request for 0x[0-9a-f]+ not sent \(-22\)$
#@ qemu-expect: ^qemu-system-x86_64: New fault is not recorded due to compression of faults$
#@ timeout: 900

LIFECYCLE_QMP_ID=dev0 LIFECYCLE_QMP_BUS=rp1 exec lifecycle

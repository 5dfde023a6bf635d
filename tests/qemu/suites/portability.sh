# SPDX-License-Identifier: GPL-2.0
# portability: the driver on Debian's stable x86 kernels (6.1, 6.12),
# which block SVA (iommu_sva_bind_device() returns -EOPNOTSUPP): the
# module loads, the device binds with sva_status ready, open() fails with
# EOPNOTSUPP and the advice to boot 7.2, sva_status turns
# blocked-by-kernel, a second open() fails without asking the IOMMU core
# again (function tracer), unbind and rmmod are clean
# (tests/qemu/guest/portability.c).
#
#@ kernels: 6.1 6.12
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 300

exec portability

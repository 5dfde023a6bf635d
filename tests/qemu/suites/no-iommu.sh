# SPDX-License-Identifier: GPL-2.0
# no-iommu: the test device on a machine without an IOMMU. The driver
# refuses it (EPERM, a log line saying it is not behind an IOMMU);
# reloaded with allow_unsafe_no_isolation=1 it binds, warns and taints
# (TAINT_USER); open() fails with ENXIO and sva_status no-iommu without
# calling into the IOMMU core, where 6.1 would dereference the missing
# IOMMU (tests/qemu/guest/isolation.c).
#
#@ kernels: 6.1 7.2 7.3
#@ qemu: -device uio-sva-testdev,id=dev0
#@ iommu: none
#@ timeout: 300

exec isolation no-iommu

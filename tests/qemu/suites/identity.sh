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
#@ qemu: -device uio-sva-testdev,id=dev0
#@ append: iommu.passthrough=1
#@ timeout: 300

exec isolation identity

# SPDX-License-Identifier: GPL-2.0
# tcg-mmio-race: the reproducer of our QEMU patch 0005. One vCPU reads a
# test device's ID register while the other maps and unmaps another test
# device's BARs (Memory Space Enable); every read must return the ID.
# Stock QEMU 10.2.2 under TCG resolves the reader's stale TLB entry in the
# new memory map: wrong values, or an abort in iotlb_to_section(). That is
# what stalled vCPUs and aborted QEMU during PCI function resets
# (tests/qemu/guest/tcg-mmio-race.c).
#
#@ kernels: 7.2
#@ qemu: -device uio-sva-testdev,id=dev0,addr=0x10
#@ qemu: -device uio-sva-testdev,id=dev1,addr=0x11
#@ timeout: 600

exec tcg-mmio-race

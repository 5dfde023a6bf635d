# SPDX-License-Identifier: GPL-2.0
# isolation: what one owner of the device leaves to the next, and what a
# process that inherited the fd can do to the owner: reset values for the
# next owner, a pausing engine (bm-pause=on) that must not resume a
# SIGKILLed owner's DMA under the recycled PASID, interrupts unmasked for
# the next owner (MSI-X and INTx), EPERM for mmap and write() from another
# address space, no BAR mappings across fork(), sva_pid/sva_comm once the
# opener is gone, reset_method and the cost of close() with a reset, and
# iommu-group-shared for a multifunction slot
# (tests/qemu/guest/isolation-owners.c).
#
# Function resets change the CPU's memory map while the other vCPU runs:
# stock QEMU 10.2.2 stalled or aborted here under TCG until our patch 0005
# (see suites/tcg-mmio-race.sh).
#@ kernels: 7.2 7.3
#@ qemu: -device uio-sva-testdev,id=dev0,addr=0x10,bm-pause=on
#@ qemu: -device uio-sva-testdev,id=dev1,addr=0x11,msix=off,msi=off
#@ qemu: -device uio-sva-testdev,id=mf0,addr=0x12.0,multifunction=on
#@ qemu: -device uio-sva-testdev,id=mf1,addr=0x12.1
# Owner A is SIGKILLed while its DMA runs: until bus mastering is off the
# device may still ask for pages of the address space being torn down, and
# the vIOMMU reports those (as in lifecycle's SIGKILL case).
#@ qemu-expect: ^uio-sva-testdev: page request for 0x[0-9a-f]+ not sent \(-22\)$
#@ qemu-expect: ^qemu-system-x86_64: New fault is not recorded due to compression of faults$
#@ mem: 1G
#@ timeout: 900

exec isolation-owners

# SPDX-License-Identifier: GPL-2.0
# sva-dma: a process hands malloc(), mmap(), stack and file-mapped pointers
# to the test device under its PASID; the CPU checks every byte
# (tests/qemu/guest/sva-dma.c). Needs a kernel that binds SVA (7.x).
#
#@ kernels: 7.2 7.3
#@ qemu: -device uio-sva-testdev,id=dev0
#@ mem: 1G
#@ timeout: 1200

exec sva-dma

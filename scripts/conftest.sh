#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# conftest.sh - probe the target kernel's API by compiling small programs
# against its headers, the way out-of-tree modules such as ZFS and NVIDIA's
# open kernel modules do, and print a header of HAVE_* macros on stdout.
#
# Usage: conftest.sh CC "CFLAGS"
#   CC and CFLAGS are the compiler and the flags Kbuild compiles modules
#   with, as make has them: shell words with their quoting, which the
#   probes evaluate as make's recipes do (arm64 has
#   -DARM64_ASM_ARCH='"armv8.5-a"'). A probe that compiles defines its
#   macro.
#
# Every kernel API difference the driver depends on is detected here and
# nowhere else; compat.h turns the results into wrappers.

set -u
CC=$1
CFLAGS=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uio-sva-conftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# probe NAME INCLUDES BODY: define NAME if BODY compiles as a function body.
probe() {
	printf '%s\n' "$2" > "$tmp/$1.c"
	printf 'void conftest_%s(void);\nvoid conftest_%s(void)\n{\n%s\n}\n' \
		"$1" "$1" "$3" >> "$tmp/$1.c"
	if eval "$CC $CFLAGS" -Werror=implicit-function-declaration \
		-Werror=incompatible-pointer-types -Werror=int-conversion \
		'-c "$tmp/$1.c" -o "$tmp/$1.o"' 2>"$tmp/$1.log"; then
		printf '#define %s 1\n' "$1"
	else
		printf '/* %s is not defined: the probe did not compile */\n' "$1"
	fi
}

cat <<'HDR'
/* Generated at build time from the target kernel's headers: do not edit. */
#ifndef UIO_PCI_SVA_CONFTEST_H
#define UIO_PCI_SVA_CONFTEST_H
HDR

# A probe that must compile: if it does not, the flags are wrong and every
# other answer would be a lie.
if [ "$(probe CONFTEST_BASELINE '#include <linux/module.h>' '')" != \
     '#define CONFTEST_BASELINE 1' ]; then
	echo "conftest.sh: cannot compile against the kernel headers:" >&2
	cat "$tmp/CONFTEST_BASELINE.log" >&2
	exit 1
fi

# Up to 6.1: iommu_sva_bind_device(dev, mm, drvdata); 6.2 on: (dev, mm).
probe HAVE_IOMMU_SVA_BIND_DRVDATA '#include <linux/iommu.h>' '
	struct iommu_sva *h = iommu_sva_bind_device(NULL, NULL, NULL);
	(void)h;'

# Up to 6.15: drivers enable IOMMU_DEV_FEAT_IOPF and IOMMU_DEV_FEAT_SVA.
probe HAVE_IOMMU_DEV_FEAT_SVA '#include <linux/iommu.h>' '
	enum iommu_dev_features f = IOMMU_DEV_FEAT_SVA;
	int r = iommu_dev_enable_feature(NULL, f) +
		iommu_dev_disable_feature(NULL, IOMMU_DEV_FEAT_IOPF);
	(void)r;'

# 6.13 on: pcim_request_all_regions(); before, pci_request_regions() on a
# pcim-enabled device is managed.
probe HAVE_PCIM_REQUEST_ALL_REGIONS '#include <linux/pci.h>' '
	int r = pcim_request_all_regions(NULL, "x");
	(void)r;'

# 6.3 on: iommu_group_has_isolated_msi() (what VFIO checks); before,
# irq_domain_check_msi_remap() or IOMMU_CAP_INTR_REMAP of the device.
probe HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI '#include <linux/iommu.h>' '
	bool b = iommu_group_has_isolated_msi(NULL);
	(void)b;'

# 7.x: UIO drivers map through uio_info.mmap_prepare (a struct
# vm_area_desc and an mmap action) instead of uio_info.mmap (the VMA).
probe HAVE_UIO_INFO_MMAP_PREPARE '#include <linux/uio_driver.h>' '
	struct uio_info info = { .mmap_prepare = NULL };
	(void)info;'

# 6.3 on: VMA flags change through vm_flags_set(); before, by hand.
probe HAVE_VM_FLAGS_SET '#include <linux/mm.h>' '
	vm_flags_set(NULL, VM_DONTCOPY);'

# The IOTLB invalidation for the kernel address space
# (iommu_sva_invalidate_kva_range(), with CONFIG_ASYNC_KERNEL_PGTABLE_FREE):
# the series that adds it also lifts the x86 SVA block, which stable
# kernels without it carry ("iommu: disable SVA when CONFIG_X86 is set").
probe HAVE_IOMMU_SVA_INVALIDATE_KVA_RANGE '#include <linux/iommu.h>' '
	iommu_sva_invalidate_kva_range(0, 0);'

printf '#endif /* UIO_PCI_SVA_CONFTEST_H */\n'

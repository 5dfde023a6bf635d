/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows about kernel API differences.
 *
 * scripts/conftest.sh probes the target kernel's headers at build time and
 * generates conftest.h; the wrappers below turn its HAVE_* macros into one
 * API for the driver. Nothing here tests a version number.
 */
#ifndef UIO_PCI_SVA_COMPAT_H
#define UIO_PCI_SVA_COMPAT_H

#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/uio_driver.h>

#include "conftest.h"

static inline struct iommu_sva *compat_sva_bind(struct device *dev,
						struct mm_struct *mm)
{
#ifdef HAVE_IOMMU_SVA_BIND_DRVDATA
	return iommu_sva_bind_device(dev, mm, NULL);
#else
	return iommu_sva_bind_device(dev, mm);
#endif
}

/*
 * Kernels with IOMMU_DEV_FEAT_SVA need the driver to enable I/O page
 * faults (when the device has PRI) and then SVA before binding; newer
 * kernels enable what a domain needs when it is attached.
 */
#ifdef HAVE_IOMMU_DEV_FEAT_SVA
#define COMPAT_NEEDS_SVA_FEATURES true

static inline int compat_enable_iopf(struct device *dev)
{
	return iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF);
}

static inline void compat_disable_iopf(struct device *dev)
{
	iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF);
}

static inline int compat_enable_sva(struct device *dev)
{
	return iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA);
}

static inline void compat_disable_sva(struct device *dev)
{
	iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_SVA);
}
#else
#define COMPAT_NEEDS_SVA_FEATURES false

static inline int compat_enable_iopf(struct device *dev) { return 0; }
static inline void compat_disable_iopf(struct device *dev) { }
static inline int compat_enable_sva(struct device *dev) { return 0; }
static inline void compat_disable_sva(struct device *dev) { }
#endif

static inline int compat_request_regions(struct pci_dev *pdev,
					 const char *name)
{
#ifdef HAVE_PCIM_REQUEST_ALL_REGIONS
	return pcim_request_all_regions(pdev, name);
#else
	/* Managed: the device was enabled with pcim_enable_device(). */
	return pci_request_regions(pdev, name);
#endif
}

/*
 * Are the device's MSIs isolated (interrupt remapping), so that a write
 * to the MSI window cannot raise another device's interrupt? As VFIO asks.
 */
static inline bool compat_msi_isolated(struct device *dev,
				       struct iommu_group *group)
{
#ifdef HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI
	return iommu_group_has_isolated_msi(group);
#else
	return irq_domain_check_msi_remap() ||
	       device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP);
#endif
}

/*
 * UIO's mmap hook. Up to 7.0 (or so) the driver maps the VMA itself in
 * uio_info.mmap; later kernels call uio_info.mmap_prepare with a VMA
 * descriptor and perform the remap the driver asks for. struct
 * compat_mmap_req is the one or the other; the helpers below give the
 * map index (the page offset of the mmap() call) and length, and map
 * physical memory uncached and not inherited by fork() (VM_DONTCOPY).
 */
#ifdef HAVE_UIO_INFO_MMAP_PREPARE
#define compat_mmap_req		vm_area_desc
#define COMPAT_UIO_MMAP_HOOK	mmap_prepare

static inline unsigned long compat_mmap_index(struct compat_mmap_req *req)
{
	return req->pgoff;
}

static inline unsigned long compat_mmap_len(struct compat_mmap_req *req)
{
	return vma_desc_size(req);
}

static inline int compat_mmap_phys_nocopy(struct compat_mmap_req *req,
					  const struct vm_operations_struct *ops,
					  phys_addr_t addr)
{
	req->vm_ops = ops;
	req->page_prot = pgprot_noncached(req->page_prot);
	vma_desc_set_flags(req, VMA_DONTCOPY_BIT);
	mmap_action_remap_full(req, addr >> PAGE_SHIFT);
	return 0;
}
#else
#define compat_mmap_req		vm_area_struct
#define COMPAT_UIO_MMAP_HOOK	mmap

static inline unsigned long compat_mmap_index(struct compat_mmap_req *req)
{
	return req->vm_pgoff;
}

static inline unsigned long compat_mmap_len(struct compat_mmap_req *req)
{
	return req->vm_end - req->vm_start;
}

static inline int compat_mmap_phys_nocopy(struct compat_mmap_req *req,
					  const struct vm_operations_struct *ops,
					  phys_addr_t addr)
{
	req->vm_ops = ops;
	req->vm_page_prot = pgprot_noncached(req->vm_page_prot);
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_set(req, VM_DONTCOPY);
#else
	req->vm_flags |= VM_DONTCOPY;
#endif
	return remap_pfn_range(req, req->vm_start, addr >> PAGE_SHIFT,
			       req->vm_end - req->vm_start, req->vm_page_prot);
}
#endif

/*
 * Kernels with the IOTLB invalidation for kernel page tables never block
 * SVA on x86; stable kernels without it may carry the block.
 */
#ifdef HAVE_IOMMU_SVA_INVALIDATE_KVA_RANGE
#define COMPAT_HAS_KVA_INVALIDATION true
#else
#define COMPAT_HAS_KVA_INVALIDATION false
#endif

#endif /* UIO_PCI_SVA_COMPAT_H */

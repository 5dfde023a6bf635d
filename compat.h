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
#include <linux/pci.h>

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

#endif /* UIO_PCI_SVA_COMPAT_H */

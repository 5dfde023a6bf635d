// SPDX-License-Identifier: GPL-2.0
/*
 * uio_pci_generic_sva - UIO driver for PCI devices with Shared Virtual
 * Addressing.
 *
 * The first open of /dev/uioX binds the opener's address space (mm) to
 * the device with iommu_sva_bind_device() and enables bus mastering; the
 * PASID the IOMMU allocated is shown in /sys/bus/pci/devices/<bdf>/pasid.
 * User space writes it into the device, which then DMAs to the process's
 * virtual addresses, page faults served by PRI. One address space per
 * device at a time: only that address space may map the BARs or control
 * the interrupt, and the mappings are not inherited by fork(). The last
 * close stops the device (bus mastering off), unbinds, resets the function
 * and unmasks its interrupt, so that the next owner starts from reset
 * values; probe resets it too. See Documentation/uio-pci-sva.rst.
 */

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/uio_driver.h>

#include "compat.h"

#define DRV_NAME	"uio_pci_sva"
#define DRV_VERSION	"0.1.0"

static bool allow_unsafe_no_isolation;
module_param(allow_unsafe_no_isolation, bool, 0444);
MODULE_PARM_DESC(allow_unsafe_no_isolation,
		 "Bind devices without IOMMU isolation (no IOMMU group or identity domain); taints the kernel (default: 0)");

static bool allow_unsafe_interrupts;
module_param(allow_unsafe_interrupts, bool, 0444);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Bind devices whose MSIs are not isolated (no interrupt remapping); taints the kernel (default: 0)");

/* Why SVA is, or is not, available: the sva_status keywords. */
enum sva_state {
	SVA_READY,
	SVA_BOUND,
	SVA_NO_KERNEL_SVA,
	SVA_BLOCKED_BY_KERNEL,
	SVA_NO_IOMMU,
	SVA_DEV_NO_PASID,
	SVA_DEV_NO_ATS,
	SVA_DEV_NO_PRI,
	SVA_IOMMU_NO_SVA,
	SVA_IOMMU_GROUP_SHARED,
	SVA_PASID_EXHAUSTED,
};

/* For each state: its sva_status keyword, what open() returns, the advice. */
static const struct {
	const char *name;
	int err;
	const char *advice;
} sva_states[] = {
	[SVA_READY] = { "ready", 0, "" },
	[SVA_BOUND] = { "bound", 0, "" },
	[SVA_NO_KERNEL_SVA] = { "no-kernel-sva", -EPROTONOSUPPORT,
		"the kernel was built without CONFIG_IOMMU_SVA; use a kernel with IOMMU SVA support"
	},
	[SVA_BLOCKED_BY_KERNEL] = { "blocked-by-kernel", -EOPNOTSUPP,
		"this kernel disables SVA on x86: it has the stable-kernel block \"iommu: disable SVA when CONFIG_X86 is set\" but not the IOTLB invalidation for kernel page tables that lifts it; boot a kernel that has iommu_sva_invalidate_kva_range() (CONFIG_ASYNC_KERNEL_PGTABLE_FREE)"
	},
	[SVA_NO_IOMMU] = { "no-iommu", -ENXIO,
		"the device is not behind an IOMMU; enable it (intel_iommu=on,sm_on or amd_iommu=on)"
	},
	[SVA_DEV_NO_PASID] = { "device-no-pasid", -ENODEV,
		"the device has no PASID capability; SVA needs PASID, ATS and PRI"
	},
	[SVA_DEV_NO_ATS] = { "device-no-ats", -ENODEV,
		"the device has no ATS capability; SVA needs PASID, ATS and PRI"
	},
	[SVA_DEV_NO_PRI] = { "device-no-pri", -ENODEV,
		"the device has no PRI capability, so device page faults cannot be served; SVA needs PASID, ATS and PRI"
	},
	[SVA_IOMMU_NO_SVA] = { "iommu-no-sva", -ENXIO,
		"the IOMMU refused SVA for this device; it needs scalable mode with PASID and page requests (intel_iommu=on,sm_on)"
	},
	[SVA_IOMMU_GROUP_SHARED] = { "iommu-group-shared", -ENXIO,
		"the device shares its IOMMU group with other devices (a multifunction device, or a bridge without ACS), and the IOMMU attaches a PASID only to a device alone in its group; put the device in a slot of its own"
	},
	[SVA_PASID_EXHAUSTED] = { "pasid-exhausted", -ENOSPC,
		"no free PASID; close other SVA users and retry"
	},
};

static const char * const bar_names[PCI_STD_NUM_BARS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
};

/* An address_space through which user space has /dev/uioX open. */
struct sva_mapping {
	struct list_head node;
	struct address_space *mapping;
	unsigned int users;
};

enum sva_irq_mode { SVA_IRQ_NONE, SVA_IRQ_MSI, SVA_IRQ_INTX };

struct uio_pci_sva {
	struct uio_info info;
	struct pci_dev *pdev;
	enum sva_irq_mode irq_mode;
	spinlock_t intx_lock;		/* INTx mask bit vs. irqcontrol */
	bool msi_masked;		/* serialized by the UIO core */

	struct mutex lock;		/* protects all below */
	enum sva_state blocker;		/* READY, or why binding cannot work */
	enum sva_state state;		/* what sva_status shows */
	unsigned int opens;
	struct iommu_sva *bond;
	struct mm_struct *mm;		/* mmgrab()ed while bound */
	u32 pasid;
	struct pid *pid;
	char comm[TASK_COMM_LEN];
	struct list_head mappings;	/* of struct sva_mapping */
	bool removed;
	bool needs_reset;		/* the reset after the last owner failed */
};

static struct uio_pci_sva *to_sva(struct uio_info *info)
{
	return container_of(info, struct uio_pci_sva, info);
}

/* Checks that need no bond: kernel, IOMMU presence, device capabilities. */
static enum sva_state sva_static_check(struct pci_dev *pdev)
{
	if (!IS_ENABLED(CONFIG_IOMMU_SVA))
		return SVA_NO_KERNEL_SVA;
	if (!device_iommu_mapped(&pdev->dev))
		return SVA_NO_IOMMU;
	/* The PCI core's view: a VF's PASID and PRI are the PF's; none for untrusted devices. */
	if (pci_pasid_features(pdev) < 0)
		return SVA_DEV_NO_PASID;
	if (!pci_ats_supported(pdev))
		return SVA_DEV_NO_ATS;
	if (!pci_pri_supported(pdev))
		return SVA_DEV_NO_PRI;
	return SVA_READY;
}

static int sva_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* Does @pdev share its IOMMU group with other devices? */
static bool sva_group_shared(struct pci_dev *pdev)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);
	unsigned int n = 0;

	if (!group)
		return false;
	iommu_group_for_each_dev(group, &n, sva_count_dev);
	iommu_group_put(group);
	return n > 1;
}

/* Map a bind error to the state it reveals; *sticky if retrying is futile. */
static enum sva_state sva_bind_error_state(struct pci_dev *pdev, int err,
					   bool *sticky)
{
	*sticky = false;
	switch (err) {
	case -ENOSPC:
		return SVA_PASID_EXHAUSTED;
	case -EOPNOTSUPP:
		/*
		 * On x86 a kernel without the IOTLB invalidation for kernel
		 * page tables may carry the stable-kernel block, which
		 * returns this before anything else. It is sticky: 6.1's
		 * block leaks an IOMMU group reference per call, so never
		 * ask again.
		 */
		if (IS_ENABLED(CONFIG_X86) && !COMPAT_HAS_KVA_INVALIDATION) {
			*sticky = true;
			return SVA_BLOCKED_BY_KERNEL;
		}
		break;
	}
	if (sva_group_shared(pdev))
		return SVA_IOMMU_GROUP_SHARED;
	return SVA_IOMMU_NO_SVA;
}

static int sva_refuse(struct uio_pci_sva *sva, enum sva_state state, int err)
{
	dev_err_ratelimited(&sva->pdev->dev,
			    "open by pid %d (%s): cannot bind (error %d): %s\n",
			    task_tgid_vnr(current), current->comm, err,
			    sva_states[state].advice);
	return sva_states[state].err;
}

/* The driver of the IOMMU instance that translates for @dev, or "". */
static const char *sva_iommu_driver(struct device *dev)
{
	struct iommu_device *iommu = dev->iommu ? dev->iommu->iommu_dev : NULL;
	struct device *idev = iommu && iommu->dev ? iommu->dev->parent : NULL;

	return idev && idev->driver ? idev->driver->name : "";
}

/*
 * arm-smmu-v3 binds PCI devices but serves I/O page faults only for
 * stall-capable platform devices: it drops PCIe page requests.
 */
static void sva_warn_no_page_requests(struct uio_pci_sva *sva)
{
	if (!strcmp(sva_iommu_driver(&sva->pdev->dev), "arm-smmu-v3"))
		dev_warn_once(&sva->pdev->dev,
			      "bound, but this IOMMU (arm-smmu-v3) does not serve PCI page requests: the device may only touch memory that is resident (touch every page of a buffer first)\n");
}

static int sva_bind(struct uio_pci_sva *sva)
{
	struct iommu_sva *bond;
	enum sva_state state;
	bool sticky;

	if (sva->blocker != SVA_READY)
		return sva_refuse(sva, sva->blocker, sva_states[sva->blocker].err);
	if (!current->mm)
		return -EINVAL;

	bond = compat_sva_bind(&sva->pdev->dev, current->mm);
	if (IS_ERR(bond)) {
		/* Failures of this one process leave sva_status alone. */
		if (PTR_ERR(bond) == -ENOMEM)
			return -ENOMEM;
		if (PTR_ERR(bond) == -EBUSY) {
			dev_warn_ratelimited(&sva->pdev->dev,
					     "open by pid %d (%s): cannot bind (error -16): the IOMMU cannot share this address space (on x86: the process enabled linear address masking, LAM); open before enabling it\n",
					     task_tgid_vnr(current), current->comm);
			return -EBUSY;
		}
		state = sva_bind_error_state(sva->pdev, PTR_ERR(bond), &sticky);
		sva->state = state;
		if (sticky)
			sva->blocker = state;
		return sva_refuse(sva, state, PTR_ERR(bond));
	}

	sva->bond = bond;
	sva->pasid = iommu_sva_get_pasid(bond);
	sva->mm = current->mm;
	mmgrab(sva->mm);
	sva->pid = get_task_pid(current, PIDTYPE_TGID);
	get_task_comm(sva->comm, current);
	sva->state = SVA_BOUND;
	sva_warn_no_page_requests(sva);
	pci_set_master(sva->pdev);
	dev_dbg(&sva->pdev->dev, "bound pid %d (%s) with PASID %u\n",
		task_tgid_vnr(current), sva->comm, sva->pasid);
	return 0;
}

/*
 * Stop the device before its PASID goes away: with bus mastering off it
 * issues no new requests, then wait for outstanding non-posted ones.
 */
static void sva_unbind(struct uio_pci_sva *sva)
{
	pci_clear_master(sva->pdev);
	if (!pci_dev_is_disconnected(sva->pdev) &&
	    !pci_wait_for_pending_transaction(sva->pdev))
		dev_warn(&sva->pdev->dev,
			 "transactions still pending after bus mastering was disabled\n");
	iommu_sva_unbind_device(sva->bond);
	sva->bond = NULL;
	mmdrop(sva->mm);
	sva->mm = NULL;
	put_pid(sva->pid);
	sva->pid = NULL;
	sva->state = sva->blocker;
}

/* Does the function have a reset method (the admin may clear them)? */
static bool sva_can_reset(struct pci_dev *pdev)
{
	return pdev->reset_methods[0] != 0;
}

/*
 * Reset the function after its owner is gone (bus mastering off, PASID
 * unbound), so that the next owner meets reset values and no queued work
 * of the last one. Called from release() with UIO's info_lock held: only
 * a trylock of the device is safe here (remove() holds the device lock
 * and then takes info_lock), so a contended reset is retried by the next
 * open().
 */
static int sva_reset(struct uio_pci_sva *sva)
{
	struct pci_dev *pdev = sva->pdev;
	int ret;

	if (!sva_can_reset(pdev) || pci_dev_is_disconnected(pdev)) {
		sva->needs_reset = false;
		return 0;
	}
	ret = pci_try_reset_function(pdev);
	sva->needs_reset = ret == -EAGAIN;
	if (ret)
		dev_warn_ratelimited(&pdev->dev, "function reset failed (error %d)%s\n",
				     ret, sva->needs_reset ?
				     ": the device is busy, the next open() retries" : "");
	return ret;
}

/* The next owner's read() must not wait on a mask the last one left. */
static void sva_unmask_irq(struct uio_pci_sva *sva)
{
	unsigned long flags;

	if (sva->irq_mode == SVA_IRQ_MSI) {
		if (sva->msi_masked)
			enable_irq(sva->info.irq);
		sva->msi_masked = false;
	} else if (sva->irq_mode == SVA_IRQ_INTX) {
		spin_lock_irqsave(&sva->intx_lock, flags);
		pci_intx(sva->pdev, 1);
		spin_unlock_irqrestore(&sva->intx_lock, flags);
	}
}

static int sva_mapping_get(struct uio_pci_sva *sva, struct address_space *m)
{
	struct sva_mapping *sm;

	list_for_each_entry(sm, &sva->mappings, node) {
		if (sm->mapping == m) {
			sm->users++;
			return 0;
		}
	}
	sm = kzalloc(sizeof(*sm), GFP_KERNEL);
	if (!sm)
		return -ENOMEM;
	sm->mapping = m;
	sm->users = 1;
	list_add(&sm->node, &sva->mappings);
	return 0;
}

static void sva_mapping_put(struct uio_pci_sva *sva, struct address_space *m)
{
	struct sva_mapping *sm;

	list_for_each_entry(sm, &sva->mappings, node) {
		if (sm->mapping == m) {
			if (!--sm->users) {
				list_del(&sm->node);
				kfree(sm);
			}
			return;
		}
	}
}

static int uio_pci_sva_open(struct uio_info *info, struct inode *inode)
{
	struct uio_pci_sva *sva = to_sva(info);
	int ret;

	mutex_lock(&sva->lock);
	if (sva->removed) {
		ret = -ENODEV;
		goto out;
	}
	if (sva->bond && sva->mm != current->mm) {
		dev_warn_ratelimited(&sva->pdev->dev,
				     "open by pid %d (%s) refused: bound to the address space of pid %d (%s); one address space per device, close the other process's /dev/uio fd first\n",
				     task_tgid_vnr(current), current->comm,
				     pid_vnr(sva->pid), sva->comm);
		ret = -EBUSY;
		goto out;
	}
	if (!sva->bond && sva->needs_reset && sva_reset(sva) == -EAGAIN) {
		dev_warn_ratelimited(&sva->pdev->dev,
				     "open by pid %d (%s) refused: the device could not be reset after its last owner; retry\n",
				     task_tgid_vnr(current), current->comm);
		ret = -EAGAIN;
		goto out;
	}
	ret = sva_mapping_get(sva, inode->i_mapping);
	if (ret)
		goto out;
	if (!sva->bond) {
		ret = sva_bind(sva);
		if (ret) {
			sva_mapping_put(sva, inode->i_mapping);
			goto out;
		}
	}
	sva->opens++;
out:
	mutex_unlock(&sva->lock);
	return ret;
}

/*
 * May run in another process than open() (an inherited or passed fd) or
 * at exit, after the mm is gone: never look at current->mm here.
 */
static int uio_pci_sva_release(struct uio_info *info, struct inode *inode)
{
	struct uio_pci_sva *sva = to_sva(info);

	mutex_lock(&sva->lock);
	if (!sva->removed) {
		sva_mapping_put(sva, inode->i_mapping);
		if (!--sva->opens) {
			sva_unbind(sva);
			sva_reset(sva);
			sva_unmask_irq(sva);
		}
	}
	mutex_unlock(&sva->lock);
	return 0;
}

static void uio_pci_sva_unregister(void *data)
{
	struct uio_pci_sva *sva = data;

	uio_unregister_device(&sva->info);
}

/*
 * The device leaves the driver (unbind, rmmod, hot unplug). This cannot
 * wait for devres: the driver core drops the device's DMA ownership, and
 * checks that no PASID is attached, after remove() but before it releases
 * devres. So, here: unregister the UIO device first, after which no open,
 * release or mmap can reach us; then stop the device, drop a bond that a
 * process still holds, and revoke the BAR mappings it still has.
 */
static void uio_pci_sva_remove(struct pci_dev *pdev)
{
	struct uio_pci_sva *sva = pci_get_drvdata(pdev);
	struct sva_mapping *sm, *tmp;

	devm_release_action(&pdev->dev, uio_pci_sva_unregister, sva);

	mutex_lock(&sva->lock);
	sva->removed = true;
	if (sva->bond) {
		dev_info(&pdev->dev,
			 "unbinding PASID %u of pid %d (%s) while /dev/uio is still open\n",
			 sva->pasid, pid_vnr(sva->pid), sva->comm);
		sva_unbind(sva);
	}
	pci_clear_master(pdev);
	list_for_each_entry_safe(sm, tmp, &sva->mappings, node) {
		unmap_mapping_range(sm->mapping, 0, 0, 1);
		list_del(&sm->node);
		kfree(sm);
	}
	mutex_unlock(&sva->lock);
}

static irqreturn_t uio_pci_sva_msi_handler(int irq, struct uio_info *info)
{
	return IRQ_HANDLED;
}

/*
 * Is current in the bound address space? For the hooks that UIO calls
 * with its info_lock held (mmap, irqcontrol): open() and release() change
 * sva->mm only under that lock too, so sva->lock is not needed (and must
 * not be taken under the mmap lock: open() holds it while binding, which
 * takes the mmap lock).
 */
static int uio_pci_sva_check_owner(struct uio_pci_sva *sva, const char *what)
{
	if (sva->mm && current->mm == sva->mm)
		return 0;
	dev_warn_ratelimited(&sva->pdev->dev,
			     "%s by pid %d (%s) refused: only the address space that opened /dev/uio (pid %d) may; do not pass or inherit the fd, open it in the process that uses it\n",
			     what, task_tgid_vnr(current), current->comm,
			     sva->pid ? pid_vnr(sva->pid) : 0);
	return -EPERM;
}

static int uio_pci_sva_check_irq_on(struct uio_info *info, s32 irq_on)
{
	int ret = uio_pci_sva_check_owner(to_sva(info), "interrupt control");

	if (ret)
		return ret;
	if (irq_on == 0 || irq_on == 1)
		return 0;
	dev_info_ratelimited(&to_sva(info)->pdev->dev,
			     "irqcontrol: write 1 to unmask or 0 to mask the interrupt, not %d\n",
			     irq_on);
	return -EINVAL;
}

static int uio_pci_sva_msi_irqcontrol(struct uio_info *info, s32 irq_on)
{
	struct uio_pci_sva *sva = to_sva(info);
	int ret = uio_pci_sva_check_irq_on(info, irq_on);

	if (ret)
		return ret;
	if (irq_on && sva->msi_masked)
		enable_irq(info->irq);
	else if (!irq_on && !sva->msi_masked)
		disable_irq(info->irq);
	sva->msi_masked = !irq_on;
	return 0;
}

static irqreturn_t uio_pci_sva_intx_handler(int irq, struct uio_info *info)
{
	struct uio_pci_sva *sva = to_sva(info);
	unsigned long flags;
	bool ours;

	spin_lock_irqsave(&sva->intx_lock, flags);
	ours = pci_check_and_mask_intx(sva->pdev);
	spin_unlock_irqrestore(&sva->intx_lock, flags);
	return ours ? IRQ_HANDLED : IRQ_NONE;
}

static int uio_pci_sva_intx_irqcontrol(struct uio_info *info, s32 irq_on)
{
	struct uio_pci_sva *sva = to_sva(info);
	unsigned long flags;
	int ret = uio_pci_sva_check_irq_on(info, irq_on);

	if (ret)
		return ret;
	spin_lock_irqsave(&sva->intx_lock, flags);
	pci_intx(sva->pdev, irq_on);
	spin_unlock_irqrestore(&sva->intx_lock, flags);
	return 0;
}

/* One MSI-X or MSI vector, else maskable INTx, else polling. */
static void uio_pci_sva_setup_irq(struct uio_pci_sva *sva)
{
	struct pci_dev *pdev = sva->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_MSI);
	if (ret > 0) {
		sva->info.irq = pci_irq_vector(pdev, 0);
		sva->info.handler = uio_pci_sva_msi_handler;
		sva->info.irqcontrol = uio_pci_sva_msi_irqcontrol;
		sva->irq_mode = SVA_IRQ_MSI;
		return;
	}
	if (pdev->irq && pdev->irq != IRQ_NOTCONNECTED &&
	    pci_intx_mask_supported(pdev)) {
		sva->info.irq = pdev->irq;
		sva->info.irq_flags = IRQF_SHARED;
		sva->info.handler = uio_pci_sva_intx_handler;
		sva->info.irqcontrol = uio_pci_sva_intx_irqcontrol;
		sva->irq_mode = SVA_IRQ_INTX;
		return;
	}
	dev_info(&pdev->dev,
		 "no MSI-X, MSI or maskable INTx: no interrupts, user space must poll the device\n");
}

static const struct vm_operations_struct uio_pci_sva_vm_ops = {
#ifdef CONFIG_HAVE_IOREMAP_PROT
	.access = generic_access_phys,
#endif
};

/*
 * UIO's physical mapping, for the bound address space only, and not
 * inherited by fork(): a child or a process that received the fd could
 * otherwise program the device to DMA into the opener's memory. UIO has
 * checked the map index and the length against the map's pages.
 */
static int uio_pci_sva_mmap(struct uio_info *info, struct compat_mmap_req *req)
{
	struct uio_pci_sva *sva = to_sva(info);
	struct uio_mem *mem = info->mem + compat_mmap_index(req);
	int ret = uio_pci_sva_check_owner(sva, "mmap");

	if (ret)
		return ret;
	if (compat_mmap_len(req) > mem->size)
		return -EINVAL;
	return compat_mmap_phys_nocopy(req, &uio_pci_sva_vm_ops, mem->addr);
}

/* Every BAR becomes a UIO map (memory) or port region (I/O), no holes. */
static void uio_pci_sva_setup_bars(struct uio_pci_sva *sva)
{
	struct pci_dev *pdev = sva->pdev;
	struct uio_mem *mem = sva->info.mem;
	struct uio_port *port = sva->info.port;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		unsigned long flags = pci_resource_flags(pdev, bar);
		resource_size_t start = pci_resource_start(pdev, bar);
		resource_size_t len = pci_resource_len(pdev, bar);

		if (!len || (flags & IORESOURCE_UNSET))
			continue;
		if (flags & IORESOURCE_MEM) {
			if (mem == sva->info.mem + MAX_UIO_MAPS) {
				dev_warn(&pdev->dev, "%s not exposed: UIO has at most %d maps\n",
					 bar_names[bar], MAX_UIO_MAPS);
				continue;
			}
			mem->name = bar_names[bar];
			mem->memtype = UIO_MEM_PHYS;
			mem->addr = start & PAGE_MASK;
			mem->offs = start & ~PAGE_MASK;
			mem->size = PAGE_ALIGN(mem->offs + len);
			mem++;
		} else if (flags & IORESOURCE_IO) {
			if (port == sva->info.port + MAX_UIO_PORT_REGIONS) {
				dev_warn(&pdev->dev, "%s not exposed: UIO has at most %d port regions\n",
					 bar_names[bar], MAX_UIO_PORT_REGIONS);
				continue;
			}
			port->name = bar_names[bar];
			port->start = start;
			port->size = len;
			port->porttype = IS_ENABLED(CONFIG_X86) ? UIO_PORT_X86 :
								  UIO_PORT_OTHER;
			port++;
		}
	}
}

/*
 * A device that DMAs untranslated, or through an identity domain, can
 * reach all memory: a PASID would isolate nothing. Refuse it unless the
 * administrator asked for it, and then taint like VFIO's no-IOMMU mode.
 */
static int uio_pci_sva_check_isolation(struct pci_dev *pdev)
{
	struct iommu_domain *domain;
	const char *why = NULL;

	if (!device_iommu_mapped(&pdev->dev)) {
		why = "is not behind an IOMMU (no IOMMU group)";
	} else {
		domain = iommu_get_domain_for_dev(&pdev->dev);
		if (domain && domain->type == IOMMU_DOMAIN_IDENTITY)
			why = "is in an identity (passthrough) IOMMU domain";
	}
	if (!why)
		return 0;
	if (!allow_unsafe_no_isolation) {
		dev_err(&pdev->dev,
			"device %s: it could DMA anywhere; enable the IOMMU in translated mode (e.g. iommu.passthrough=0) or load with allow_unsafe_no_isolation=1\n",
			why);
		return -EPERM;
	}
	dev_warn(&pdev->dev,
		 "device %s: binding anyway (allow_unsafe_no_isolation=1), user space can DMA to any memory; tainting kernel\n",
		 why);
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	return 0;
}

/*
 * Every memory BAR is mappable, the MSI-X table included, and the device
 * masters the bus while bound: without interrupt remapping its owner
 * could raise any interrupt in the system. Refuse, as VFIO does, unless
 * the administrator allows it.
 */
static int uio_pci_sva_check_msi_isolation(struct pci_dev *pdev)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);
	bool isolated;

	if (!group)	/* no IOMMU: allowed only with allow_unsafe_no_isolation */
		return 0;
	isolated = compat_msi_isolated(&pdev->dev, group);
	iommu_group_put(group);
	if (isolated)
		return 0;
	if (!allow_unsafe_interrupts) {
		dev_err(&pdev->dev,
			"MSIs of the device are not isolated (no interrupt remapping): its user could raise any interrupt; enable interrupt remapping (e.g. intremap on) or load with allow_unsafe_interrupts=1\n");
		return -EPERM;
	}
	dev_warn(&pdev->dev,
		 "MSIs of the device are not isolated (no interrupt remapping): binding anyway (allow_unsafe_interrupts=1), its user can raise any interrupt; tainting kernel\n");
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	return 0;
}

static void uio_pci_sva_disable_iopf(void *dev)
{
	compat_disable_iopf(dev);
}

static void uio_pci_sva_disable_sva(void *dev)
{
	compat_disable_sva(dev);
}

/* Kernels with IOMMU_DEV_FEAT_* need IOPF, then SVA, enabled before bind. */
static int uio_pci_sva_enable_features(struct uio_pci_sva *sva)
{
	struct device *dev = &sva->pdev->dev;
	int ret;

	if (!COMPAT_NEEDS_SVA_FEATURES || sva->blocker != SVA_READY)
		return 0;

	ret = compat_enable_iopf(dev);
	if (ret)
		goto refused;
	ret = devm_add_action_or_reset(dev, uio_pci_sva_disable_iopf, dev);
	if (ret)
		return ret;
	ret = compat_enable_sva(dev);
	if (ret)
		goto refused;
	return devm_add_action_or_reset(dev, uio_pci_sva_disable_sva, dev);

refused:
	sva->blocker = SVA_IOMMU_NO_SVA;
	dev_warn(dev, "IOMMU refused to enable I/O page faults or SVA (error %d): %s\n",
		 ret, sva_states[SVA_IOMMU_NO_SVA].advice);
	return 0;
}

static int uio_pci_sva_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct uio_pci_sva *sva;
	int ret;

	sva = devm_kzalloc(dev, sizeof(*sva), GFP_KERNEL);
	if (!sva)
		return -ENOMEM;
	sva->pdev = pdev;
	spin_lock_init(&sva->intx_lock);
	mutex_init(&sva->lock);
	INIT_LIST_HEAD(&sva->mappings);
	pci_set_drvdata(pdev, sva);

	ret = uio_pci_sva_check_isolation(pdev);
	if (ret)
		return ret;
	ret = uio_pci_sva_check_msi_isolation(pdev);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable the device\n");
	ret = compat_request_regions(pdev, DRV_NAME);
	if (ret)
		return dev_err_probe(dev, ret,
				     "BARs are in use by another driver; unbind it first\n");
	/* No DMA until a process is bound; the first owner meets reset values. */
	pci_clear_master(pdev);
	if (!sva_can_reset(pdev)) {
		dev_warn(dev, "the function has no reset method (see reset_method): state the last owner leaves in the device reaches the next one\n");
	} else {
		/* The driver core holds the device lock during probe. */
		ret = pci_reset_function_locked(pdev);
		if (ret)
			dev_warn(dev, "function reset failed (error %d)\n", ret);
	}

	sva->blocker = sva_static_check(pdev);
	ret = uio_pci_sva_enable_features(sva);
	if (ret)
		return ret;
	sva->state = sva->blocker;
	if (sva->blocker != SVA_READY)
		dev_info(dev, "SVA not available (%s): %s\n",
			 sva_states[sva->blocker].name,
			 sva_states[sva->blocker].advice);

	uio_pci_sva_setup_irq(sva);
	uio_pci_sva_setup_bars(sva);
	sva->info.name = DRV_NAME;
	sva->info.version = DRV_VERSION;
	sva->info.open = uio_pci_sva_open;
	sva->info.release = uio_pci_sva_release;
	sva->info.COMPAT_UIO_MMAP_HOOK = uio_pci_sva_mmap;

	ret = uio_register_device(dev, &sva->info);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the UIO device\n");
	/* Released early by remove(), which must unregister before unbinding. */
	return devm_add_action_or_reset(dev, uio_pci_sva_unregister, sva);
}

static ssize_t pasid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct uio_pci_sva *sva = dev_get_drvdata(dev);
	ssize_t ret = -ENODATA;

	mutex_lock(&sva->lock);
	if (sva->bond)
		ret = sysfs_emit(buf, "%u\n", sva->pasid);
	mutex_unlock(&sva->lock);
	return ret;
}
static DEVICE_ATTR_RO(pasid);

static ssize_t sva_status_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct uio_pci_sva *sva = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&sva->lock);
	ret = sysfs_emit(buf, "%s\n", sva_states[sva->state].name);
	mutex_unlock(&sva->lock);
	return ret;
}
static DEVICE_ATTR_RO(sva_status);

/*
 * Does the opener still live in the bound address space? Its pid number
 * alone could name an unrelated process once the opener has exited (or
 * exec()ed) while a child still holds the fd.
 */
static bool sva_opener_alive(struct uio_pci_sva *sva)
{
	struct task_struct *task = get_pid_task(sva->pid, PIDTYPE_TGID);
	bool alive = false;

	if (task) {
		task_lock(task);
		alive = task->mm == sva->mm;
		task_unlock(task);
		put_task_struct(task);
	}
	return alive;
}

static ssize_t sva_pid_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct uio_pci_sva *sva = dev_get_drvdata(dev);
	ssize_t ret = -ENODATA;

	mutex_lock(&sva->lock);
	if (sva->bond && sva_opener_alive(sva))
		ret = sysfs_emit(buf, "%d\n", pid_vnr(sva->pid));
	mutex_unlock(&sva->lock);
	return ret;
}
static DEVICE_ATTR_RO(sva_pid);

static ssize_t sva_comm_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct uio_pci_sva *sva = dev_get_drvdata(dev);
	ssize_t ret = -ENODATA;

	mutex_lock(&sva->lock);
	if (sva->bond)
		ret = sysfs_emit(buf, "%s\n", sva_opener_alive(sva) ?
				 sva->comm : "exited");
	mutex_unlock(&sva->lock);
	return ret;
}
static DEVICE_ATTR_RO(sva_comm);

/* Not "reset": the PCI core has that attribute (write 1 to reset). */
static ssize_t sva_reset_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", sva_can_reset(to_pci_dev(dev)) ?
			  "function" : "none");
}
static DEVICE_ATTR_RO(sva_reset);

static struct attribute *uio_pci_sva_attrs[] = {
	&dev_attr_pasid.attr,
	&dev_attr_sva_status.attr,
	&dev_attr_sva_pid.attr,
	&dev_attr_sva_comm.attr,
	&dev_attr_sva_reset.attr,
	NULL
};
ATTRIBUTE_GROUPS(uio_pci_sva);

/*
 * The driver resets the function itself (probe, after the last owner),
 * and an administrator may reset it through sysfs. Either way the PCI
 * core saves and restores the config space around the reset, and the
 * driver keeps no state in the device that it must rebuild: an owner
 * that is bound during an administrator's reset loses its device state,
 * not its bond. Having these hooks tells the PCI core that the driver
 * expects resets (without them each one logs "resetting" as a warning).
 */
static void uio_pci_sva_reset_prepare(struct pci_dev *pdev)
{
	pci_dbg(pdev, "function reset\n");
}

static void uio_pci_sva_reset_done(struct pci_dev *pdev)
{
	pci_dbg(pdev, "function reset done\n");
}

static const struct pci_error_handlers uio_pci_sva_err_handlers = {
	.reset_prepare	= uio_pci_sva_reset_prepare,
	.reset_done	= uio_pci_sva_reset_done,
};

static struct pci_driver uio_pci_sva_driver = {
	.name		= DRV_NAME,
	.id_table	= NULL,	/* new_id, driver_override or driverctl */
	.probe		= uio_pci_sva_probe,
	.remove		= uio_pci_sva_remove,
	.err_handler	= &uio_pci_sva_err_handlers,
	.dev_groups	= uio_pci_sva_groups,
};
module_pci_driver(uio_pci_sva_driver);

/*
 * The PCI driver's name differs from the module's. driverctl(8) loads the
 * driver of an override with "modprobe DRIVER" unless /sys/module/DRIVER
 * exists, at every boot (its udev rule): without the alias that fails.
 */
MODULE_ALIAS(DRV_NAME);

MODULE_VERSION(DRV_VERSION);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("uio-pci-sva developers");
MODULE_DESCRIPTION("Generic UIO driver for PCI devices with Shared Virtual Addressing");

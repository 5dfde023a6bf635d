// SPDX-License-Identifier: GPL-2.0
/*
 * vfio.c - the VFIO type1 path a user would take instead of SVA: group,
 * container, VFIO_IOMMU_MAP_DMA/UNMAP_DMA of each buffer (pins its pages and
 * programs the IOMMU), untagged DMA to the IOVA, MSI-X or INTx eventfds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "pcicfg.h"

#define VFIO_CONTAINER "/dev/vfio/vfio"

static int vfio_ioctl_fail(const char *req, const char *path)
{
	return sys_fail(req, path);
}

static int vfio_container_open(struct vfio *v)
{
	v->container = open(VFIO_CONTAINER, O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return sys_fail("open", VFIO_CONTAINER);
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		ktest_diag("error: %s: unexpected VFIO API version",
			   VFIO_CONTAINER);
		return -EINVAL;
	}
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		ktest_diag("error: %s: no VFIO_TYPE1v2_IOMMU (vfio_iommu_type1 not loaded?)",
			   VFIO_CONTAINER);
		return -ENODEV;
	}
	return 0;
}

static int vfio_group_open(struct vfio *v, const char *bdf)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int group, ret;

	ret = drv_group(bdf, &group);
	if (ret)
		return ret;
	snprintf(v->group_path, sizeof(v->group_path), "/dev/vfio/%d", group);
	v->group = open(v->group_path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return sys_fail("open", v->group_path);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &st))
		return vfio_ioctl_fail("VFIO_GROUP_GET_STATUS", v->group_path);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		ktest_diag("error: %s: group not viable (another device of the group is not bound to vfio-pci)",
			   v->group_path);
		return -EBUSY;
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return vfio_ioctl_fail("VFIO_GROUP_SET_CONTAINER", v->group_path);
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return vfio_ioctl_fail("VFIO_SET_IOMMU", VFIO_CONTAINER);
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (v->device < 0)
		return vfio_ioctl_fail("VFIO_GROUP_GET_DEVICE_FD", v->group_path);
	return 0;
}

static int vfio_region(const struct vfio *v, unsigned int index,
		       struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, ri))
		return vfio_ioctl_fail("VFIO_DEVICE_GET_REGION_INFO", v->group_path);
	return 0;
}

static int vfio_map_bar0(struct vfio *v, const char *bdf)
{
	struct vfio_region_info ri;
	int ret = vfio_region(v, VFIO_PCI_BAR0_REGION_INDEX, &ri);

	if (ret)
		return ret;
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		ktest_diag("error: %s: VFIO does not allow mmap of BAR0", bdf);
		return -EINVAL;
	}
	v->bar0_map = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   v->device, (off_t)ri.offset);
	if (v->bar0_map == MAP_FAILED) {
		v->bar0_map = NULL;
		return sys_fail("mmap BAR0 of", v->group_path);
	}
	v->bar0_size = ri.size;
	v->regs.bar0 = v->bar0_map;
	v->regs.name = bdf;
	return td_check_id(&v->regs);
}

/* Bus mastering through the config region, as QEMU or DPDK would. */
static int vfio_set_master(struct vfio *v)
{
	struct vfio_region_info ri;
	int ret = vfio_region(v, VFIO_PCI_CONFIG_REGION_INDEX, &ri);

	if (ret)
		return ret;
	v->cfg_off = ri.offset;
	ret = pcicfg_update16(v->device, (off_t)(ri.offset + PCICFG_COMMAND),
			      PCICFG_CMD_MASTER, 0);
	if (ret)
		ktest_diag("error: config of %s: %s", v->group_path,
			   strerror(-ret));
	return ret;
}

/* Open @bdf (bound to vfio-pci) in a type1 container of its own. */
int vfio_open(struct vfio *v, const char *bdf)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->container = v->group = v->device = v->efd = v->irq_index = -1;
	snprintf(v->group_path, sizeof(v->group_path), "%s", bdf);
	ret = vfio_container_open(v);
	if (!ret)
		ret = vfio_group_open(v, bdf);
	if (!ret)
		ret = vfio_map_bar0(v, bdf);
	if (!ret)
		ret = vfio_set_master(v);
	if (ret)
		vfio_close(v);
	return ret;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vfio_close(struct vfio *v)
{
	if (v->device >= 0)
		vfio_irq_off(v);
	if (v->bar0_map)
		munmap(v->bar0_map, v->bar0_size);
	v->bar0_map = NULL;
	close_fd(&v->efd);
	close_fd(&v->device);
	close_fd(&v->group);
	close_fd(&v->container);
}

int vfio_map(const struct vfio *v, void *va, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = len,
	};

	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &m))
		return vfio_ioctl_fail("VFIO_IOMMU_MAP_DMA", VFIO_CONTAINER);
	return 0;
}

int vfio_unmap(const struct vfio *v, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = len,
	};

	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &u))
		return vfio_ioctl_fail("VFIO_IOMMU_UNMAP_DMA", VFIO_CONTAINER);
	if (u.size != len) {
		ktest_diag("error: VFIO_IOMMU_UNMAP_DMA unmapped %llu of %llu bytes",
			   (unsigned long long)u.size, (unsigned long long)len);
		return -EIO;
	}
	return 0;
}

/* struct vfio_irq_set with room for one eventfd in its data[] */
union irq_set_buf {
	struct vfio_irq_set set;
	/* cppcheck-suppress unusedStructMember */
	char room[sizeof(struct vfio_irq_set) + sizeof(int)];
};

static int vfio_set_irqs(const struct vfio *v, unsigned int index,
			 unsigned int flags, unsigned int count, int efd)
{
	union irq_set_buf b;

	memset(&b, 0, sizeof(b));
	b.set.argsz = sizeof(b);
	b.set.flags = flags;
	b.set.index = index;
	b.set.start = 0;
	b.set.count = count;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		memcpy(b.set.data, &efd, sizeof(efd));
	if (ioctl(v->device, VFIO_DEVICE_SET_IRQS, &b.set))
		return vfio_ioctl_fail("VFIO_DEVICE_SET_IRQS", v->group_path);
	return 0;
}

/* Switch the device's interrupt to an eventfd on @index. */
static int vfio_irq_on(struct vfio *v, unsigned int index, struct irq_path *p,
		       enum irq_mode mode)
{
	int ret = vfio_irq_off(v);

	if (ret)
		return ret;
	v->efd = eventfd(0, EFD_CLOEXEC);
	if (v->efd < 0)
		return sys_fail("eventfd", "for VFIO");
	ret = vfio_set_irqs(v, index, VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER, 1, v->efd);
	if (ret)
		return ret;
	v->irq_index = (int)index;
	p->mode = mode;
	p->wait_fd = v->efd;
	p->ctl_fd = v->device;
	p->path = mode == IRQ_VFIO_MSIX ? "VFIO MSI-X eventfd" : "VFIO INTx eventfd";
	return 0;
}

int vfio_irq_msix(struct vfio *v, struct irq_path *p)
{
	return vfio_irq_on(v, VFIO_PCI_MSIX_IRQ_INDEX, p, IRQ_VFIO_MSIX);
}

int vfio_irq_intx(struct vfio *v, struct irq_path *p)
{
	return vfio_irq_on(v, VFIO_PCI_INTX_IRQ_INDEX, p, IRQ_VFIO_INTX);
}

/* Disable the interrupt index that is on (count 0 = disable). */
int vfio_irq_off(struct vfio *v)
{
	int ret = 0;

	if (v->irq_index >= 0)
		ret = vfio_set_irqs(v, (unsigned int)v->irq_index,
				    VFIO_IRQ_SET_DATA_NONE |
				    VFIO_IRQ_SET_ACTION_TRIGGER, 0, -1);
	v->irq_index = -1;
	close_fd(&v->efd);
	return ret;
}

int vfio_intx_unmask(int device_fd)
{
	union irq_set_buf b;

	memset(&b, 0, sizeof(b));
	b.set.argsz = sizeof(struct vfio_irq_set);
	b.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK;
	b.set.index = VFIO_PCI_INTX_IRQ_INDEX;
	b.set.count = 1;
	if (ioctl(device_fd, VFIO_DEVICE_SET_IRQS, &b.set))
		return sys_fail("VFIO_DEVICE_SET_IRQS (unmask)", "INTx");
	return 0;
}

bool iommufd_available(void)
{
	return access("/dev/iommu", F_OK) == 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * drv.c - move a test device between drivers (driver_override), find its
 * /dev/uioX or IOMMU group, and touch its command register through sysfs:
 * the guest tests' helpers (sysfs.h, pcicfg.h) with the benchmark's
 * messages.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "pcicfg.h"
#include "sysfs.h"

/* Report a failed step of a driver move; return @ret. */
static int step_fail(int ret, const char *what, const char *bdf,
		     const char *driver)
{
	if (ret)
		ktest_diag("error: %s %s (%s): %s", what, bdf, driver,
			   strerror(-ret));
	return ret;
}

/* Bind @bdf to @driver (driver_override, then a probe); wait for it. */
int drv_bind(const char *bdf, const char *driver)
{
	char cur[64], path[BENCH_PATH_MAX];
	int ret;

	ret = step_fail(pci_driver_of(bdf, cur, sizeof(cur)), "driver of", bdf, "");
	if (ret || !strcmp(cur, driver))
		return ret;
	ret = step_fail(pci_set_override(bdf, driver), "driver_override of", bdf,
			driver);
	if (!ret && cur[0])
		ret = step_fail(pci_unbind(bdf, cur), "unbind", bdf, cur);
	if (!ret)
		ret = step_fail(pci_probe(bdf), "drivers_probe", bdf, driver);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), PCI_DRIVERS_DIR "/%s/%s", driver, bdf);
	ret = wait_path(path, 1, 10000);
	if (ret)
		ktest_diag("error: %s did not bind to %s within 10 s", bdf,
			   driver);
	return ret;
}

/* "/dev/uioN" of a device bound to a UIO driver; waits for the node. */
int drv_uio_path(const char *bdf, char *path, size_t size)
{
	char dir[BENCH_PATH_MAX];
	int ret;

	snprintf(dir, sizeof(dir), PCI_DEVICES_DIR "/%s/uio", bdf);
	ret = wait_path(dir, 1, 5000);
	ret = ret ? ret : pci_uio_node(bdf, path, size);
	if (ret) {
		ktest_diag("error: %s: no uio device: %s", bdf, strerror(-ret));
		return ret;
	}
	ret = wait_path(path, 1, 5000);
	if (ret)
		ktest_diag("error: %s did not appear", path);
	return ret;
}

/* The IOMMU group number of @bdf. */
int drv_group(const char *bdf, int *group)
{
	return step_fail(pci_iommu_group(bdf, group), "IOMMU group of", bdf, "");
}

int cfg_open(const char *bdf)
{
	int fd = pcicfg_open(bdf, O_RDWR);

	return fd < 0 ? step_fail(fd, "open config of", bdf, "") : fd;
}

int cfg_set_master(int cfg_fd, const char *bdf)
{
	int ret = pcicfg_update16(cfg_fd, PCICFG_COMMAND, PCICFG_CMD_MASTER, 0);

	if (ret)
		ktest_diag("error: %s: cannot enable bus mastering: %s", bdf,
			   strerror(-ret));
	return ret;
}

/* uio_pci_generic masked INTx in its handler: clear Interrupt Disable. */
int cfg_intx_unmask(int cfg_fd)
{
	int ret = pcicfg_update16(cfg_fd, PCICFG_COMMAND, 0,
				  PCICFG_CMD_INTX_DISABLE);

	if (ret)
		ktest_diag("error: PCI config (command): %s", strerror(-ret));
	return ret;
}

static int irq_set_cpu(const char *irq, int cpu)
{
	char path[BENCH_PATH_MAX], val[16];

	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", atoi(irq));
	snprintf(val, sizeof(val), "%d", cpu);
	return sysfs_write(path, val);
}

static int is_number(const struct dirent *d)
{
	return d->d_name[0] >= '0' && d->d_name[0] <= '9';
}

/*
 * Route the interrupts of @bdf (its INTx line and any MSI/MSI-X vectors)
 * to @cpu. Lines the kernel cannot move are skipped; at least one must.
 */
int drv_irq_route(const char *bdf, int cpu)
{
	char path[BENCH_PATH_MAX], irq[16];
	struct dirent **list;
	int i, n, moved = 0;

	snprintf(path, sizeof(path), PCI_DEVICES_DIR "/%s/irq", bdf);
	if (!sysfs_read(path, irq, sizeof(irq)) && strcmp(irq, "0"))
		moved += irq_set_cpu(irq, cpu) == 0;
	snprintf(path, sizeof(path), PCI_DEVICES_DIR "/%s/msi_irqs", bdf);
	n = scandir(path, &list, is_number, alphasort);
	for (i = 0; i < n; i++) {
		moved += irq_set_cpu(list[i]->d_name, cpu) == 0;
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	if (moved)
		return 0;
	ktest_diag("error: %s: no interrupt could be routed to CPU %d", bdf, cpu);
	return -EIO;
}

/**
 * pair_open() - bind a pair (@pr->sva to uio_pci_sva, @pr->alt to
 * vfio-pci) and open both paths
 * @pr: the pair of this run
 * @s: the SVA path to open on @pr->sva
 * @v: the VFIO type1 path to open on @pr->alt
 *
 * Return: 0, or a negative errno with nothing left open.
 */
int pair_open(const struct pair *pr, struct sva *s, struct vfio *v)
{
	int ret = drv_bind(pr->sva, DRV_SVA);

	ret = ret ? ret : drv_bind(pr->alt, DRV_VFIO);
	ret = ret ? ret : sva_open(s, pr->sva);
	if (ret)
		return ret;
	ret = vfio_open(v, pr->alt);
	if (ret)
		sva_close(s);
	return ret;
}

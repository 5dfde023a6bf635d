// SPDX-License-Identifier: GPL-2.0
/*
 * drv.c - move a test device between drivers (driver_override), find its
 * /dev/uioX or IOMMU group, and touch its command register through sysfs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "sysfs.h"

#define PCI_DEVS "/sys/bus/pci/devices"
#define PCI_DRVS "/sys/bus/pci/drivers"
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400

/* The driver @bdf is bound to, "" when none. */
static int drv_current(const char *bdf, char *drv, size_t size)
{
	char path[BENCH_PATH_MAX], link[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), PCI_DEVS "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		drv[0] = 0;
		return errno == ENOENT ? 0 : sys_fail("readlink", path);
	}
	link[n] = 0;
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	memcpy(drv, base, strlen(base) + 1);
	return 0;
}

static int write_attr(const char *path, const char *val)
{
	int ret = sysfs_write(path, val);

	if (ret)
		ktest_diag("error: write \"%s\" to %s: %s", val, path,
			   strerror(-ret));
	return ret;
}

static int drv_unbind(const char *bdf, const char *drv)
{
	char path[BENCH_PATH_MAX];

	snprintf(path, sizeof(path), PCI_DRVS "/%s/unbind", drv);
	return write_attr(path, bdf);
}

/* Bind @bdf to @driver (driver_override, then a probe); wait for it. */
int drv_bind(const char *bdf, const char *driver)
{
	char cur[64], path[BENCH_PATH_MAX];
	int ret;

	ret = drv_current(bdf, cur, sizeof(cur));
	if (ret || !strcmp(cur, driver))
		return ret;
	snprintf(path, sizeof(path), PCI_DEVS "/%s/driver_override", bdf);
	ret = write_attr(path, driver);
	if (!ret && cur[0])
		ret = drv_unbind(bdf, cur);
	if (!ret)
		ret = write_attr("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), PCI_DRVS "/%s/%s", driver, bdf);
	ret = wait_path(path, 1, 10000);
	if (ret)
		ktest_diag("error: %s did not bind to %s within 10 s", bdf,
			   driver);
	return ret;
}

static int is_uio_name(const struct dirent *d)
{
	return !strncmp(d->d_name, "uio", 3) && d->d_name[3] >= '0' &&
	       d->d_name[3] <= '9';
}

/* "/dev/uioN" of a device bound to a UIO driver; waits for the node. */
int drv_uio_path(const char *bdf, char *path, size_t size)
{
	char dir[BENCH_PATH_MAX];
	struct dirent **list;
	int n, i, ret;

	snprintf(dir, sizeof(dir), PCI_DEVS "/%s/uio", bdf);
	ret = wait_path(dir, 1, 5000);
	n = ret ? -1 : scandir(dir, &list, is_uio_name, alphasort);
	if (n <= 0)
		return n < 0 ? sys_fail("scandir", dir) : -ENOENT;
	snprintf(path, size, "/dev/%s", list[0]->d_name);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	ret = wait_path(path, 1, 5000);
	if (ret)
		ktest_diag("error: %s did not appear", path);
	return ret;
}

/* The IOMMU group number of @bdf. */
int drv_group(const char *bdf, int *group)
{
	char path[BENCH_PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVS "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return sys_fail("readlink", path);
	link[n] = 0;
	base = strrchr(link, '/');
	*group = atoi(base ? base + 1 : link);
	return 0;
}

int cfg_open(const char *bdf)
{
	char path[BENCH_PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), PCI_DEVS "/%s/config", bdf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? sys_fail("open", path) : fd;
}

static int cfg_update_command(int fd, uint16_t set, uint16_t clear)
{
	uint16_t cmd;

	if (pread(fd, &cmd, sizeof(cmd), PCI_COMMAND) != (ssize_t)sizeof(cmd))
		return sys_fail("pread", "PCI config (command)");
	cmd = (uint16_t)((cmd | set) & ~clear);
	if (pwrite(fd, &cmd, sizeof(cmd), PCI_COMMAND) != (ssize_t)sizeof(cmd))
		return sys_fail("pwrite", "PCI config (command)");
	return 0;
}

int cfg_set_master(int cfg_fd, const char *bdf)
{
	int ret = cfg_update_command(cfg_fd, PCI_COMMAND_MASTER, 0);

	if (ret)
		ktest_diag("error: %s: cannot enable bus mastering", bdf);
	return ret;
}

/* uio_pci_generic masked INTx in its handler: clear Interrupt Disable. */
int cfg_intx_unmask(int cfg_fd)
{
	return cfg_update_command(cfg_fd, 0, PCI_COMMAND_INTX_DISABLE);
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

	snprintf(path, sizeof(path), PCI_DEVS "/%s/irq", bdf);
	if (!sysfs_read(path, irq, sizeof(irq)) && strcmp(irq, "0"))
		moved += irq_set_cpu(irq, cpu) == 0;
	snprintf(path, sizeof(path), PCI_DEVS "/%s/msi_irqs", bdf);
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs helpers for the guest test programs and the benchmark: read and
 * write attributes with the errno the kernel returned, move a PCI device
 * between drivers (driver_override), find its uio node and IOMMU group,
 * bind a device to uio_pci_sva. Header-only: each guest program is one .c
 * file.
 */
#ifndef UIO_SVA_SYSFS_H
#define UIO_SVA_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"

#define PCI_DEVICES_DIR "/sys/bus/pci/devices"
#define PCI_DRIVERS_DIR "/sys/bus/pci/drivers"
#define SVA_DRV PCI_DRIVERS_DIR "/uio_pci_sva"

/* sysfs_read() - read @path into @buf without the newline; -errno. */
static inline int sysfs_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

/* sysfs_write() - write @val to @path in one write(); -errno. */
static inline int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

/* dev_attr() - read attribute @attr of PCI device @bdf; -errno. */
static inline int dev_attr(const char *bdf, const char *attr, char *buf,
			   size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	return sysfs_read(path, buf, size);
}

static inline int path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* wait_path() - wait up to @ms for @path to exist (@want 1) or not (0). */
static inline int wait_path(const char *path, int want, int ms)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (; ms > 0; ms -= 10) {
		if (path_exists(path) == want)
			return 0;
		nanosleep(&pause, NULL);
	}
	return path_exists(path) == want ? 0 : -ETIMEDOUT;
}

/* readlink_base() - the last component of symlink @path; -errno. */
static inline int readlink_base(const char *path, char *buf, size_t size)
{
	char link[512];
	const char *base;
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	if (n < 0)
		return -errno;
	link[n] = 0;
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

/* pci_driver_of() - the driver @bdf is bound to, "" when none; -errno. */
static inline int pci_driver_of(const char *bdf, char *drv, size_t size)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), PCI_DEVICES_DIR "/%s/driver", bdf);
	ret = readlink_base(path, drv, size);
	if (ret == -ENOENT) {
		drv[0] = 0;
		return 0;
	}
	return ret;
}

/* pci_iommu_group() - the IOMMU group number of @bdf; -errno. */
static inline int pci_iommu_group(const char *bdf, int *group)
{
	char path[256], name[32];
	int ret;

	snprintf(path, sizeof(path), PCI_DEVICES_DIR "/%s/iommu_group", bdf);
	ret = readlink_base(path, name, sizeof(name));
	if (!ret)
		*group = atoi(name);
	return ret;
}

/* pci_set_override() - write @driver to @bdf's driver_override; -errno. */
static inline int pci_set_override(const char *bdf, const char *driver)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVICES_DIR "/%s/driver_override", bdf);
	return sysfs_write(path, driver);
}

/* pci_unbind() - unbind @bdf from @driver; -errno. */
static inline int pci_unbind(const char *bdf, const char *driver)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DRIVERS_DIR "/%s/unbind", driver);
	return sysfs_write(path, bdf);
}

/* pci_probe() - ask the bus to bind @bdf (drivers_probe); -errno. */
static inline int pci_probe(const char *bdf)
{
	return sysfs_write("/sys/bus/pci/drivers_probe", bdf);
}

/*
 * pci_uio_node() - "/dev/uioN" of @bdf's uio device (a UIO driver's probe
 * registers it); -ENOENT when there is none (yet). The node may not
 * exist yet: devtmpfs makes it a little later.
 */
static inline int pci_uio_node(const char *bdf, char *path, size_t size)
{
	char dir_path[256];
	struct dirent *d;
	int ret = -ENOENT;
	DIR *dir;

	snprintf(dir_path, sizeof(dir_path), PCI_DEVICES_DIR "/%s/uio", bdf);
	dir = opendir(dir_path);
	if (!dir)
		return -ENOENT;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "uio", 3) || d->d_name[3] < '0' ||
		    d->d_name[3] > '9')
			continue;
		ret = (size_t)snprintf(path, size, "/dev/%s", d->d_name) < size ?
		      0 : -ENAMETOOLONG;
		break;
	}
	closedir(dir);
	return ret;
}

/*
 * sva_has_uio() - true once the driver's probe has registered @bdf's uio
 * device and devtmpfs has its /dev/uioN.
 */
static inline bool sva_has_uio(const char *bdf)
{
	char path[sizeof("/dev/") + sizeof(((struct dirent *)0)->d_name)];

	return !pci_uio_node(bdf, path, sizeof(path)) && path_exists(path);
}

/*
 * sva_wait_bound() - wait up to @ms until @bdf is bound to uio_pci_sva and
 * its probe is over: the driver link appears before probe() runs, the
 * uio node during it, /dev/uioN with it. 0, -ENODEV (the driver link went
 * away: probe failed), or -ETIMEDOUT.
 */
static inline int sva_wait_bound(const char *bdf, int ms)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	char link[256];

	snprintf(link, sizeof(link), SVA_DRV "/%s", bdf);
	if (wait_path(link, 1, ms))
		return -ETIMEDOUT;
	for (; ms > 0; ms -= 10) {
		if (sva_has_uio(bdf))
			return 0;
		if (!path_exists(link))
			return -ENODEV;
		nanosleep(&pause, NULL);
	}
	return sva_has_uio(bdf) ? 0 : -ETIMEDOUT;
}

/*
 * sva_bind_dev() - bind @bdf to uio_pci_sva via driver_override and wait
 * (5 s at most) until the probe is over and /dev/uioN exists; -errno.
 */
static inline int sva_bind_dev(const char *bdf)
{
	char path[256];
	int ret = pci_set_override(bdf, "uio_pci_sva");

	if (ret)
		return ret;
	snprintf(path, sizeof(path), SVA_DRV "/%s", bdf);
	if (!path_exists(path)) {
		ret = pci_probe(bdf);
		if (ret)
			return ret;
	}
	return sva_wait_bound(bdf, 5000);
}

/* sva_unbind_dev() - unbind @bdf from uio_pci_sva; -errno. */
static inline int sva_unbind_dev(const char *bdf)
{
	char path[256];

	snprintf(path, sizeof(path), SVA_DRV "/%s", bdf);
	if (!path_exists(path))
		return 0;
	return pci_unbind(bdf, "uio_pci_sva");
}

#endif /* UIO_SVA_SYSFS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs helpers for the guest test programs: read and write attributes
 * with the errno the kernel returned, bind a device to uio_pci_sva.
 * Header-only: each guest program is one .c file.
 */
#ifndef UIO_SVA_SYSFS_H
#define UIO_SVA_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"

#define SVA_DRV "/sys/bus/pci/drivers/uio_pci_sva"

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

/*
 * sva_has_uio() - true once the driver's probe has registered @bdf's uio
 * device and devtmpfs has its /dev/uioN.
 */
static inline bool sva_has_uio(const char *bdf)
{
	char path[sizeof("/dev/") + sizeof(((struct dirent *)0)->d_name)];
	struct dirent *d;
	bool ret = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", d->d_name);
		ret = path_exists(path);
		break;
	}
	closedir(dir);
	return ret;
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
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = sysfs_write(path, "uio_pci_sva");
	if (ret)
		return ret;
	snprintf(path, sizeof(path), SVA_DRV "/%s", bdf);
	if (!path_exists(path)) {
		ret = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
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
	return sysfs_write(SVA_DRV "/unbind", bdf);
}

#endif /* UIO_SVA_SYSFS_H */

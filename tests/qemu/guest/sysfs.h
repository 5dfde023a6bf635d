/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs helpers for the guest test programs: read and write attributes
 * with the errno the kernel returned, bind a device to uio_pci_sva.
 * Header-only: each guest program is one .c file.
 */
#ifndef UIO_SVA_SYSFS_H
#define UIO_SVA_SYSFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* sva_bind_dev() - bind @bdf to uio_pci_sva via driver_override; -errno. */
static inline int sva_bind_dev(const char *bdf)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = sysfs_write(path, "uio_pci_sva");
	if (ret)
		return ret;
	snprintf(path, sizeof(path), SVA_DRV "/%s", bdf);
	if (path_exists(path))
		return 0;
	ret = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return ret;
	return wait_path(path, 1, 5000);
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

/*
 * kmsg() - write a line into the kernel log (for @@EXPECT / @@QMP). One
 * write() per record: /dev/kmsg rejects what glibc's dprintf() does.
 */
static inline int kmsg(const char *line)
{
	char rec[1024];
	int fd, len, ret = 0;

	len = snprintf(rec, sizeof(rec), "<5>%s\n", line);
	if (len < 0 || len >= (int)sizeof(rec))
		return -EINVAL;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, rec, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

#endif /* UIO_SVA_SYSFS_H */

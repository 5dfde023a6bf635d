// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * device.c - opening and closing a device, and the handle's accessors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

const char *uiosva_version(void)
{
	return UIOSVA_VERSION_STRING;
}

static int open_node(struct uiosva_dev *dev, struct uiosva_error *err)
{
	const char *reason;
	int e;

	dev->fd = open(dev->dev_path, O_RDWR | O_CLOEXEC);
	if (dev->fd >= 0)
		return 0;
	e = errno;
	reason = uiosva_open_reason(e);
	if (e == ENOENT)
		return uiosva__fail(err, UIOSVA_ERR_NO_UIO, e, dev->dev_path,
				    "open %s: %s (sysfs has %s but the "
				    "device node is missing)",
				    dev->dev_path, strerror(e), dev->info.uio);
	if (reason)
		return uiosva__fail(err, UIOSVA_ERR_OPEN, e, dev->dev_path,
				    "open %s: %s: %s", dev->dev_path,
				    strerror(e), reason);
	return uiosva__fail(err, UIOSVA_ERR_OPEN, e, dev->dev_path,
			    "open %s: %s", dev->dev_path, strerror(e));
}

static int init_paths(struct uiosva_dev *dev, const struct uiosva_config *cfg,
		      struct uiosva_error *err)
{
	int ret;

	ret = uiosva__path(dev->sysfs_root, sizeof(dev->sysfs_root), err,
			   "%s", uiosva__sysfs_root(cfg));
	if (!ret)
		ret = uiosva__path(dev->dev_root, sizeof(dev->dev_root), err,
				   "%s", uiosva__dev_root(cfg));
	if (!ret)
		ret = uiosva__path(dev->dev_path, sizeof(dev->dev_path), err,
				   "%s/%s", dev->dev_root, dev->info.uio);
	if (!ret)
		ret = uiosva__path(dev->sysfs_path, sizeof(dev->sysfs_path),
				   err, "%s/bus/pci/devices/%s",
				   dev->sysfs_root, dev->info.bdf);
	return ret;
}

int uiosva_open(const struct uiosva_config *cfg, const char *name,
		unsigned int flags, struct uiosva_dev **devp,
		struct uiosva_error *err)
{
	struct uiosva_dev *dev;
	int ret;

	if (!uiosva__err_usable(err))
		return -EINVAL;
	uiosva__clear(err);
	if (!devp)
		return uiosva__fail(err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "uiosva_open: devp is NULL");
	*devp = NULL;
	if (flags)
		return uiosva__fail(err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "uiosva_open: unknown flags 0x%x", flags);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return uiosva__fail(err, UIOSVA_ERR_SYS, ENOMEM, NULL,
				    "out of memory");
	dev->fd = -1;
	dev->err.size = sizeof(dev->err);
	dev->info.size = sizeof(dev->info);
	ret = uiosva_lookup(cfg, name, &dev->info, err);
	if (!ret)
		ret = init_paths(dev, cfg, err);
	if (!ret)
		ret = open_node(dev, err);
	if (ret) {
		free(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

void uiosva_close(struct uiosva_dev *dev)
{
	if (!dev)
		return;
	uiosva__unmap_all(dev);
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev);
}

const struct uiosva_error *uiosva_last_error(const struct uiosva_dev *dev)
{
	return &dev->err;
}

const struct uiosva_info *uiosva_info(const struct uiosva_dev *dev)
{
	return &dev->info;
}

int uiosva_fd(const struct uiosva_dev *dev)
{
	return dev->fd;
}

const char *uiosva_dev_path(const struct uiosva_dev *dev)
{
	return dev->dev_path;
}

const char *uiosva_sysfs_path(const struct uiosva_dev *dev)
{
	return dev->sysfs_path;
}

int uiosva_pasid(struct uiosva_dev *dev, uint32_t *pasid)
{
	char path[UIOSVA_PATH_MAX];
	uint64_t v;
	int ret;

	uiosva__clear(&dev->err);
	ret = uiosva__path(path, sizeof(path), &dev->err, "%s/pasid",
			   dev->sysfs_path);
	if (!ret)
		ret = uiosva__read_u64(path, &v, &dev->err);
	if (ret == -ENODATA)
		return uiosva__fail(&dev->err, UIOSVA_ERR_NO_PASID, ENODATA,
				    path, "read %s: no address space is bound "
				    "(see sva_status)", path);
	if (!ret && v >= UIOSVA_NO_PASID)
		ret = uiosva__fail(&dev->err, UIOSVA_ERR_SYS, ERANGE, path,
				   "%s: %llu is not a PASID", path,
				   (unsigned long long)v);
	if (!ret)
		*pasid = (uint32_t)v;
	return ret;
}

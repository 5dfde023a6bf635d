// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lookup.c - finding a device by PCI address or UIO name: its driver, its
 * uio node, its IDs and its maps, all from sysfs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Parse up to @max hex digits ending at @stop; advance *@s past them. */
static int hex_field(const char **s, int max, char stop, unsigned long *v)
{
	const char *p = *s;
	int n = 0;

	*v = 0;
	while (isxdigit((unsigned char)*p) && n < max) {
		*v = *v * 16 + (unsigned long)(isdigit((unsigned char)*p) ?
				*p - '0' : tolower((unsigned char)*p) - 'a' + 10);
		p++;
		n++;
	}
	if (n == 0 || *p != stop)
		return -EINVAL;
	*s = p + (stop ? 1 : 0);
	return 0;
}

int uiosva_parse_bdf(const char *name, char *bdf, size_t size)
{
	unsigned long dom = 0, bus, dev, fn;
	const char *s = name;
	const char *colon;
	int n;

	if (!name || !bdf)
		return -EINVAL;
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {
		if (hex_field(&s, 8, ':', &dom))
			return -EINVAL;
	}
	if (hex_field(&s, 2, ':', &bus) || hex_field(&s, 2, '.', &dev) ||
	    hex_field(&s, 1, '\0', &fn) || dev > 0x1f || fn > 7)
		return -EINVAL;
	n = snprintf(bdf, size, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* "uio12" (also as "/dev/uio12") -> true, with the bare name in @uio. */
static bool uio_name(const char *name, char *uio, size_t size)
{
	const char *base = strrchr(name, '/');
	const char *p;

	base = base ? base + 1 : name;
	if (strncmp(base, "uio", 3) != 0 || !base[3])
		return false;
	for (p = base + 3; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (strlen(base) >= size)
		return false;
	memcpy(uio, base, strlen(base) + 1);
	return true;
}

/* The first "uioN" entry of the device's uio/ directory, "" when none. */
static int find_uio(const char *devdir, char *uio, size_t size,
		    struct uiosva_error *err)
{
	char path[UIOSVA_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret;

	uio[0] = '\0';
	ret = uiosva__path(path, sizeof(path), err, "%s/uio", devdir);
	if (ret)
		return ret;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 :
			uiosva__sysfail(err, errno, "opendir", path);
	while ((de = readdir(d))) {
		char tmp[UIOSVA_NAME_MAX];

		if (uio_name(de->d_name, tmp, sizeof(tmp)) &&
		    strlen(tmp) < size) {
			memcpy(uio, tmp, strlen(tmp) + 1);
			break;
		}
	}
	closedir(d);
	return 0;
}

static int read_id(const char *devdir, const char *attr, uint16_t *id,
		   struct uiosva_error *err)
{
	char path[UIOSVA_PATH_MAX];
	uint64_t v;
	int ret;

	ret = uiosva__path(path, sizeof(path), err, "%s/%s", devdir, attr);
	if (!ret)
		ret = uiosva__read_u64(path, &v, err);
	if (!ret && v > 0xffff)
		ret = uiosva__fail(err, UIOSVA_ERR_SYS, ERANGE, path,
				   "%s: not a PCI ID", path);
	if (!ret)
		*id = (uint16_t)v;
	return ret;
}

/* The PCI address of a UIO device, from the uioN/device link. */
static int bdf_of_uio(const char *sysfs, const char *uio, char *bdf,
		      size_t size, struct uiosva_error *err)
{
	char path[UIOSVA_PATH_MAX];
	char name[UIOSVA_NAME_MAX];
	int ret;

	ret = uiosva__path(path, sizeof(path), err, "%s/class/uio/%s", sysfs,
			   uio);
	if (ret)
		return ret;
	if (!uiosva__exists(path))
		return uiosva__fail(err, UIOSVA_ERR_NO_DEVICE, ENOENT, path,
				    "no UIO device %s (%s does not exist)", uio,
				    path);
	ret = uiosva__path(path, sizeof(path), err,
			   "%s/class/uio/%s/device", sysfs, uio);
	if (!ret)
		ret = uiosva__link_name(path, name, sizeof(name), err);
	if (!ret && uiosva_parse_bdf(name, bdf, size))
		ret = uiosva__fail(err, UIOSVA_ERR_NOT_BOUND, ENODEV, path,
				   "%s is not a PCI device (%s -> %s)", uio,
				   path, name);
	return ret;
}

static int read_device(const char *sysfs, struct uiosva_info *info,
		       struct uiosva_error *err)
{
	char devdir[UIOSVA_PATH_MAX];
	char path[UIOSVA_PATH_MAX];
	int ret;

	ret = uiosva__path(devdir, sizeof(devdir), err,
			   "%s/bus/pci/devices/%s", sysfs, info->bdf);
	if (ret)
		return ret;
	if (!uiosva__exists(devdir))
		return uiosva__fail(err, UIOSVA_ERR_NO_DEVICE, ENOENT, devdir,
				    "no PCI device %s (%s does not exist)",
				    info->bdf, devdir);
	ret = read_id(devdir, "vendor", &info->vendor, err);
	if (!ret)
		ret = read_id(devdir, "device", &info->device, err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/driver",
				   devdir);
	if (ret)
		return ret;
	if (uiosva__exists(path)) {
		ret = uiosva__link_name(path, info->driver,
					sizeof(info->driver), err);
		if (ret)
			return ret;
	}
	return find_uio(devdir, info->uio, sizeof(info->uio), err);
}

/*
 * Fill @info for @name whatever its driver. Fails only when the device
 * does not exist or sysfs cannot be read.
 */
int uiosva__resolve(const struct uiosva_config *cfg, const char *name,
		    struct uiosva_info *info, struct uiosva_error *err)
{
	const char *sysfs = uiosva__sysfs_root(cfg);
	char uio[UIOSVA_NAME_MAX];
	char path[UIOSVA_PATH_MAX];
	size_t size = info->size;
	int ret;

	/* Members beyond the caller's @size are not the caller's memory. */
	memset(info, 0, size < sizeof(*info) ? size : sizeof(*info));
	info->size = size;
	uiosva__clear(err);
	if (!name || !*name)
		return uiosva__fail(err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "no device name given");
	if (uio_name(name, uio, sizeof(uio)))
		ret = bdf_of_uio(sysfs, uio, info->bdf, sizeof(info->bdf),
				 err);
	else if (uiosva_parse_bdf(name, info->bdf, sizeof(info->bdf)))
		ret = uiosva__fail(err, UIOSVA_ERR_ARG, EINVAL, NULL,
				   "\"%s\" is neither a PCI address "
				   "(0000:00:03.0) nor a UIO device (uio0)",
				   name);
	else
		ret = 0;
	if (!ret)
		ret = read_device(sysfs, info, err);
	if (ret || !info->uio[0])
		return ret;
	ret = uiosva__path(path, sizeof(path), err, "%s/class/uio/%s/name",
			   sysfs, info->uio);
	if (!ret)
		ret = uiosva__read_line(path, info->uio_name,
					sizeof(info->uio_name), err);
	if (!ret)
		ret = uiosva__read_maps(sysfs, info, err);
	return ret;
}

int uiosva_lookup(const struct uiosva_config *cfg, const char *name,
		  struct uiosva_info *info, struct uiosva_error *err)
{
	int ret;

	if (!uiosva__err_usable(err))
		return -EINVAL;
	if (!info || info->size < UIOSVA__INFO_SIZE_1_0)
		return uiosva__fail(err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "uiosva_lookup: info->size is %zu; set it "
				    "with UIOSVA_INFO_INIT",
				    info ? info->size : (size_t)0);
	ret = uiosva__resolve(cfg, name, info, err);
	if (ret)
		return ret;
	if (strcmp(info->driver, UIOSVA_DRIVER) != 0) {
		if (info->driver[0])
			return uiosva__fail(err, UIOSVA_ERR_NOT_BOUND, ENODEV,
					    NULL, "%s is bound to %s, not to "
					    UIOSVA_DRIVER, info->bdf,
					    info->driver);
		return uiosva__fail(err, UIOSVA_ERR_NOT_BOUND, ENODEV, NULL,
				    "%s is not bound to any driver",
				    info->bdf);
	}
	if (!info->uio[0])
		return uiosva__fail(err, UIOSVA_ERR_NO_UIO, ENOENT, NULL,
				    "%s is bound to " UIOSVA_DRIVER
				    " but has no uio node", info->bdf);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * list.c - enumerating the devices bound to uio_pci_sva.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct bdf_list {
	char (*names)[UIOSVA_BDF_MAX];
	size_t count;
	size_t cap;
};

static int add_bdf(struct bdf_list *l, const char *bdf)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->names, cap * sizeof(*l->names));

		if (!p)
			return -ENOMEM;
		l->names = p;
		l->cap = cap;
	}
	memcpy(l->names[l->count++], bdf, UIOSVA_BDF_MAX);
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of the driver directory that are PCI addresses, sorted. */
static int read_bdfs(const char *dir, struct bdf_list *l,
		     struct uiosva_error *err)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return uiosva__fail(err, UIOSVA_ERR_NO_DEVICE, ENOENT,
					    dir, "driver " UIOSVA_DRIVER
					    " is not registered (%s does not "
					    "exist): module " UIOSVA_MODULE
					    " is not loaded", dir);
		return uiosva__sysfail(err, errno, "opendir", dir);
	}
	while (!ret && (de = readdir(d))) {
		char bdf[UIOSVA_BDF_MAX];

		if (!strchr(de->d_name, ':') ||
		    uiosva_parse_bdf(de->d_name, bdf, sizeof(bdf)))
			continue;
		ret = add_bdf(l, bdf);
	}
	closedir(d);
	if (ret)
		return uiosva__fail(err, UIOSVA_ERR_SYS, -ret, dir,
				    "out of memory");
	/* qsort() with a NULL array is undefined even for 0 elements. */
	if (l->count > 1)
		qsort(l->names, l->count, sizeof(*l->names), cmp_bdf);
	return 0;
}

int uiosva_driver_loaded(const struct uiosva_config *cfg)
{
	char dir[UIOSVA_PATH_MAX];

	if (uiosva__path(dir, sizeof(dir), NULL, "%s/bus/pci/drivers/"
			 UIOSVA_DRIVER, uiosva__sysfs_root(cfg)))
		return 0;
	return uiosva__exists(dir);
}

int uiosva_list(const struct uiosva_config *cfg, uiosva_list_fn fn, void *arg,
		struct uiosva_error *err)
{
	struct bdf_list l = { NULL, 0, 0 };
	char dir[UIOSVA_PATH_MAX];
	struct uiosva_info *info;
	size_t i;
	int ret;

	if (!uiosva__err_usable(err))
		return -EINVAL;
	uiosva__clear(err);
	ret = uiosva__path(dir, sizeof(dir), err,
			   "%s/bus/pci/drivers/" UIOSVA_DRIVER,
			   uiosva__sysfs_root(cfg));
	if (!ret)
		ret = read_bdfs(dir, &l, err);
	info = ret ? NULL : malloc(sizeof(*info));
	if (!ret && !info)
		ret = uiosva__fail(err, UIOSVA_ERR_SYS, ENOMEM, NULL,
				   "out of memory");
	if (info)
		info->size = sizeof(*info);
	for (i = 0; !ret && i < l.count; i++) {
		/* A device unbound meanwhile is skipped, not an error. */
		if (uiosva__resolve(cfg, l.names[i], info, NULL))
			continue;
		ret = fn(info, arg);
	}
	free(info);
	free(l.names);
	return ret;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * maps.c - the UIO memory maps and port regions of a device, read from
 * /sys/class/uio/uioX/{maps,portio}. uio_pci_sva names each one "BARn".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* "BAR2" -> 2; -1 for anything else. */
int uiosva__parse_bar_name(const char *name)
{
	if (strncmp(name, "BAR", 3) != 0 || name[3] < '0' ||
	    name[3] >= '0' + UIOSVA_MAX_BARS || name[4] != '\0')
		return -1;
	return name[3] - '0';
}

static int read_map(const char *dir, int index, struct uiosva_map *map,
		    struct uiosva_error *err)
{
	char path[UIOSVA_PATH_MAX];
	int ret;

	map->index = index;
	ret = uiosva__path(path, sizeof(path), err, "%s/name", dir);
	if (!ret)
		ret = uiosva__read_line(path, map->name, sizeof(map->name),
					err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/addr", dir);
	if (!ret)
		ret = uiosva__read_u64(path, &map->addr, err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/size", dir);
	if (!ret)
		ret = uiosva__read_u64(path, &map->size, err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/offset", dir);
	if (!ret)
		ret = uiosva__read_u64(path, &map->offset, err);
	map->bar = uiosva__parse_bar_name(map->name);
	return ret;
}

static int read_port(const char *dir, int index, struct uiosva_port *port,
		     struct uiosva_error *err)
{
	char path[UIOSVA_PATH_MAX];
	int ret;

	port->index = index;
	ret = uiosva__path(path, sizeof(path), err, "%s/name", dir);
	if (!ret)
		ret = uiosva__read_line(path, port->name, sizeof(port->name),
					err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/start", dir);
	if (!ret)
		ret = uiosva__read_u64(path, &port->start, err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/size", dir);
	if (!ret)
		ret = uiosva__read_u64(path, &port->size, err);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/porttype",
				   dir);
	if (!ret)
		ret = uiosva__read_line(path, port->porttype,
					sizeof(port->porttype), err);
	port->bar = uiosva__parse_bar_name(port->name);
	return ret;
}

/* Maps and ports are numbered without holes: stop at the first missing. */
int uiosva__read_maps(const char *sysfs, struct uiosva_info *info,
		      struct uiosva_error *err)
{
	char dir[UIOSVA_PATH_MAX];
	int ret;

	info->nmaps = 0;
	info->nports = 0;
	while (info->nmaps < UIOSVA_MAX_MAPS) {
		ret = uiosva__path(dir, sizeof(dir), err,
				   "%s/class/uio/%s/maps/map%d", sysfs,
				   info->uio, info->nmaps);
		if (ret)
			return ret;
		if (!uiosva__exists(dir))
			break;
		ret = read_map(dir, info->nmaps, &info->maps[info->nmaps],
			       err);
		if (ret)
			return ret;
		info->nmaps++;
	}
	while (info->nports < UIOSVA_MAX_PORTS) {
		ret = uiosva__path(dir, sizeof(dir), err,
				   "%s/class/uio/%s/portio/port%d", sysfs,
				   info->uio, info->nports);
		if (ret)
			return ret;
		if (!uiosva__exists(dir))
			break;
		ret = read_port(dir, info->nports,
				&info->ports[info->nports], err);
		if (ret)
			return ret;
		info->nports++;
	}
	return 0;
}

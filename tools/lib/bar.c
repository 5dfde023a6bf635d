// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bar.c - mapping memory BARs by PCI BAR number. The driver names UIO map
 * K "BARn"; mmap() of /dev/uioX at offset K * page size maps it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

const struct uiosva_map *uiosva_find_map(struct uiosva_dev *dev, int bar)
{
	int i;

	uiosva__clear(&dev->err);
	if (bar < 0 || bar >= UIOSVA_MAX_BARS) {
		uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
			     "BAR %d: BAR numbers are 0 to %d", bar,
			     UIOSVA_MAX_BARS - 1);
		return NULL;
	}
	for (i = 0; i < dev->info.nmaps; i++)
		if (dev->info.maps[i].bar == bar)
			return &dev->info.maps[i];
	uiosva__fail(&dev->err, UIOSVA_ERR_ARG, ENOENT, NULL,
		     "%s has no memory BAR %d (the driver exposes %d map%s)",
		     dev->info.bdf, bar, dev->info.nmaps,
		     dev->info.nmaps == 1 ? "" : "s");
	return NULL;
}

static int map_bar(struct uiosva_dev *dev, const struct uiosva_map *map,
		   struct uiosva__bar *b)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t len;
	void *p;

	if (page <= 0 || map->size == 0 || map->offset >= (uint64_t)page ||
	    map->size > SIZE_MAX - (uint64_t)page)
		return uiosva__fail(&dev->err, UIOSVA_ERR_SYS, EINVAL,
				    dev->dev_path, "%s: map%d (%s) has size "
				    "%llu and offset %llu, cannot map it",
				    dev->dev_path, map->index, map->name,
				    (unsigned long long)map->size,
				    (unsigned long long)map->offset);
	len = (map->offset + map->size + (uint64_t)page - 1) &
	      ~((uint64_t)page - 1);
	p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev->fd, (off_t)map->index * page);
	if (p == MAP_FAILED)
		return uiosva__fail(&dev->err, UIOSVA_ERR_SYS, errno,
				    dev->dev_path, "mmap %s map%d (%s): %s",
				    dev->dev_path, map->index, map->name,
				    strerror(errno));
	b->base = p;
	b->len = (size_t)len;
	b->regs = (volatile uint8_t *)p + map->offset;
	b->size = map->size;
	return 0;
}

/* The mapping of @bar, made on first use. */
int uiosva__bar_regs(struct uiosva_dev *dev, int bar,
		     struct uiosva__bar **out)
{
	const struct uiosva_map *map;
	struct uiosva__bar *b;

	map = uiosva_find_map(dev, bar);
	if (!map)
		return -dev->err.errnum;
	b = &dev->bars[bar];
	if (!b->base) {
		int ret = map_bar(dev, map, b);

		if (ret)
			return ret;
	}
	*out = b;
	return 0;
}

int uiosva_bar_map(struct uiosva_dev *dev, int bar, void **addr,
		   uint64_t *size)
{
	struct uiosva__bar *b;
	int ret;

	ret = uiosva__bar_regs(dev, bar, &b);
	if (ret)
		return ret;
	*addr = (void *)b->regs;
	if (size)
		*size = b->size;
	return 0;
}

int uiosva_bar_unmap(struct uiosva_dev *dev, int bar)
{
	struct uiosva__bar *b;

	uiosva__clear(&dev->err);
	if (bar < 0 || bar >= UIOSVA_MAX_BARS)
		return uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "BAR %d: BAR numbers are 0 to %d", bar,
				    UIOSVA_MAX_BARS - 1);
	b = &dev->bars[bar];
	if (b->base)
		munmap(b->base, b->len);
	memset(b, 0, sizeof(*b));
	return 0;
}

void uiosva__unmap_all(struct uiosva_dev *dev)
{
	int bar;

	for (bar = 0; bar < UIOSVA_MAX_BARS; bar++)
		uiosva_bar_unmap(dev, bar);
}

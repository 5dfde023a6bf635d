// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * regs.c - register access: one volatile access of exactly the requested
 * width, with the ordering of the kernel's readl()/writel() (mmio.h).
 */
#include <errno.h>

#include "internal.h"
#include "mmio.h"

static int check_access(struct uiosva_dev *dev, int bar, uint64_t offset,
			unsigned int width, volatile uint8_t **p)
{
	struct uiosva__bar *b;
	int ret;

	if (width != 1 && width != 2 && width != 4 && width != 8)
		return uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "register width %u: use 1, 2, 4 or 8 "
				    "bytes", width);
	if (offset % width)
		return uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "BAR%d offset 0x%llx is not aligned to "
				    "its width (%u bytes)", bar,
				    (unsigned long long)offset, width);
	ret = uiosva__bar_regs(dev, bar, &b);
	if (ret)
		return ret;
	if (offset >= b->size || b->size - offset < width)
		return uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "BAR%d offset 0x%llx (%u bytes) is "
				    "beyond the BAR's %llu bytes", bar,
				    (unsigned long long)offset, width,
				    (unsigned long long)b->size);
	*p = b->regs + offset;
	return 0;
}

int uiosva_read(struct uiosva_dev *dev, int bar, uint64_t offset,
		unsigned int width, uint64_t *value)
{
	volatile uint8_t *p;
	int ret;

	uiosva__clear(&dev->err);
	ret = check_access(dev, bar, offset, width, &p);
	if (ret)
		return ret;
	switch (width) {
	case 1:
		*value = mmio_read8(p);
		break;
	case 2:
		*value = mmio_read16(p);
		break;
	case 4:
		*value = mmio_read32(p);
		break;
	default:
		*value = mmio_read64(p);
		break;
	}
	return 0;
}

int uiosva_write(struct uiosva_dev *dev, int bar, uint64_t offset,
		 unsigned int width, uint64_t value)
{
	volatile uint8_t *p;
	int ret;

	uiosva__clear(&dev->err);
	ret = check_access(dev, bar, offset, width, &p);
	if (ret)
		return ret;
	if (width < 8 && value >> (width * 8))
		return uiosva__fail(&dev->err, UIOSVA_ERR_ARG, EINVAL, NULL,
				    "value 0x%llx does not fit in %u bytes",
				    (unsigned long long)value, width);
	switch (width) {
	case 1:
		mmio_write8(p, (uint8_t)value);
		break;
	case 2:
		mmio_write16(p, (uint16_t)value);
		break;
	case 4:
		mmio_write32(p, (uint32_t)value);
		break;
	default:
		mmio_write64(p, value);
		break;
	}
	return 0;
}

#define DEFINE_ACCESSORS(bits)                                               \
	int uiosva_read##bits(struct uiosva_dev *dev, int bar,               \
			      uint64_t offset, uint##bits##_t *value)        \
	{                                                                    \
		uint64_t v;                                                  \
		int ret = uiosva_read(dev, bar, offset, (bits) / 8, &v);     \
		if (!ret)                                                    \
			*value = (uint##bits##_t)v;                          \
		return ret;                                                  \
	}                                                                    \
	int uiosva_write##bits(struct uiosva_dev *dev, int bar,              \
			       uint64_t offset, uint##bits##_t value)        \
	{                                                                    \
		return uiosva_write(dev, bar, offset, (bits) / 8, value);    \
	}

DEFINE_ACCESSORS(8)
DEFINE_ACCESSORS(16)
DEFINE_ACCESSORS(32)
DEFINE_ACCESSORS(64)

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * regs.c - register access: one volatile access of exactly the requested
 * width, with the ordering of the kernel's readl()/writel().
 */
#include <errno.h>

#include "internal.h"

/* Earlier memory writes reach the device before the next MMIO write. */
static inline void io_wmb(void)
{
#if defined(__aarch64__)
	__asm__ __volatile__("dmb oshst" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Later memory reads happen after the previous MMIO read. */
static inline void io_rmb(void)
{
#if defined(__aarch64__)
	__asm__ __volatile__("dmb oshld" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

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
		*value = *(volatile uint8_t *)p;
		break;
	case 2:
		*value = *(volatile uint16_t *)(volatile void *)p;
		break;
	case 4:
		*value = *(volatile uint32_t *)(volatile void *)p;
		break;
	default:
		*value = *(volatile uint64_t *)(volatile void *)p;
		break;
	}
	io_rmb();
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
	io_wmb();
	switch (width) {
	case 1:
		*(volatile uint8_t *)p = (uint8_t)value;
		break;
	case 2:
		*(volatile uint16_t *)(volatile void *)p = (uint16_t)value;
		break;
	case 4:
		*(volatile uint32_t *)(volatile void *)p = (uint32_t)value;
		break;
	default:
		*(volatile uint64_t *)(volatile void *)p = value;
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

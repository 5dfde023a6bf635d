// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * prefault.c - make the pages of a buffer present in the process's page
 * tables before a device uses it, so that its DMA needs no page request.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uiosva.h"

/* Linux 5.14; older C libraries lack the names. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * The page-aligned range [*start, *end) that covers @len bytes at @buf;
 * -EINVAL when it does not fit in the address space.
 */
static int page_range(const void *buf, size_t len, uintptr_t page,
		      uintptr_t *start, uintptr_t *end)
{
	uintptr_t a = (uintptr_t)buf;

	if (!buf || len > UINTPTR_MAX - a)
		return -EINVAL;
	if (a + len > UINTPTR_MAX - (page - 1))
		return -EINVAL;	/* the last page would end past the top */
	*start = a & ~(page - 1);
	*end = (a + len + page - 1) & ~(page - 1);
	return 0;
}

/*
 * Kernels before 5.14 reject the advice itself: madvise() of an empty
 * range checks nothing else, so EINVAL there means "advice unknown" and
 * not "this mapping cannot be populated" (VM_IO, VM_PFNMAP).
 */
static int advice_unknown(uintptr_t start, int advice)
{
	return madvise((void *)start, 0, advice) && errno == EINVAL;
}

/*
 * One access per page. For @write, an atomic add of 0: a write access
 * (an untouched anonymous page read first would map the shared zero
 * page, which is not writable) that keeps the value even if another
 * thread or the device writes the byte at the same time.
 */
static void touch_pages(uintptr_t start, uintptr_t end, uintptr_t page,
			int write)
{
	uintptr_t a;

	for (a = start; a < end; a += page) {
		if (write)	/* 4 bytes: riscv64 has no native 1-byte atomics */
			__atomic_fetch_add((uint32_t *)a, 0, __ATOMIC_RELAXED);
		else
			(void)*(volatile const unsigned char *)a;
	}
}

int uiosva_prefault(void *buf, size_t len, int write)
{
	int advice = write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t start, end;
	int ret;

	if (!len)
		return 0;
	if (ps <= 0 || (ps & (ps - 1)))
		return -EINVAL;
	ret = page_range(buf, len, (uintptr_t)ps, &start, &end);
	if (ret)
		return ret;
	if (!madvise((void *)start, end - start, advice))
		return 0;
	ret = -errno;
	if (ret != -EINVAL || !advice_unknown(start, advice))
		return ret;
	touch_pages(start, end, (uintptr_t)ps, write);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * buf.c - buffers for the DMA figures: fresh anonymous mappings (what
 * malloc() returns from 128 KiB up), untouched or written by the CPU,
 * with 4 KiB pages only or 2 MiB aligned for transparent huge pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

int buf_get(struct buf *b, uint64_t len, enum buf_kind kind,
	    enum buf_pages pages)
{
	uintptr_t p;

	memset(b, 0, sizeof(*b));
	b->len = len;
	b->map_len = pages == PAGES_THP ? len + PMD_2M : len;
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return sys_fail("mmap", "anonymous buffer");
	}
	p = (uintptr_t)b->map;
	if (pages == PAGES_THP)
		p = (p + PMD_2M - 1) & ~(uintptr_t)(PMD_2M - 1);
	b->p = (void *)p;
	if (pages == PAGES_4K && madvise(b->p, len, MADV_NOHUGEPAGE))
		return sys_fail("madvise MADV_NOHUGEPAGE", "anonymous buffer");
	if (kind == BUF_TOUCHED)
		memset(b->p, 0x5a, len);
	return 0;
}

void buf_put(struct buf *b)
{
	if (b->map)
		munmap(b->map, b->map_len);
	b->map = NULL;
}

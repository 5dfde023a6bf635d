// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_buf.c - the buffers handed to the device. Stack buffers are made by
 * the caller (a variable-length array in a frame that outlives the
 * operation); the rest here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dma.h"

static size_t page_round(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (len + page - 1) & ~(page - 1);
}

static int alloc_mmap(struct dma_buf *b, size_t total)
{
	void *p;

	b->mem_len = page_round(total);
	p = mmap(NULL, b->mem_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	b->mem = p;
	return 0;
}

/*
 * Allocate @len bytes at @offset into a new buffer of @kind. A read-only
 * buffer stays writable until buf_seal(); an unmapped one is an address
 * range that was mapped and then unmapped.
 */
int buf_alloc(struct dma_buf *b, enum buf_kind kind, size_t len,
	      size_t offset)
{
	int ret = 0;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->len = len;
	switch (kind) {
	case BUF_MALLOC:
		b->mem = malloc(len + offset);
		b->mem_len = len + offset;
		if (!b->mem)
			return -ENOMEM;
		break;
	case BUF_MMAP:
	case BUF_READONLY:
	case BUF_UNMAPPED:
		ret = alloc_mmap(b, len + offset);
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	b->data = (uint8_t *)b->mem + offset;
	if (kind == BUF_UNMAPPED) {
		munmap(b->mem, b->mem_len);
		b->mem = NULL;
	}
	return 0;
}

/* Make a read-only buffer read-only, once its data are written. */
int buf_seal(struct dma_buf *b)
{
	if (b->kind != BUF_READONLY || !b->mem)
		return 0;
	return mprotect(b->mem, b->mem_len, PROT_READ) ? -errno : 0;
}

void buf_free(struct dma_buf *b)
{
	if (b->mem && b->kind == BUF_MALLOC)
		free(b->mem);
	else if (b->mem && b->kind != BUF_STACK)
		munmap(b->mem, b->mem_len);
	memset(b, 0, sizeof(*b));
}

/* A stack buffer of @need bytes fits in half of the stack limit. */
int stack_limit_ok(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl))
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY)
		return need <= 64u << 20;
	return need <= rl.rlim_cur / 2;
}

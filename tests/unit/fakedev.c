// SPDX-License-Identifier: GPL-2.0-only
/*
 * fakedev.c - a fake uio-sva-testdev for host tests: BAR0 is the first
 * page of the fake /dev/uio0, and emu_step(), called while uio-sva polls,
 * does the DMA on this process's memory through process_vm_readv/writev
 * (or a pipe under qemu-user), which fail like an IOMMU on unmapped or
 * read-only pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fakedev.h"

/* Memory the fake device writes is defined, as after real DMA. */
#ifdef UIOSVA_HAVE_MEMCHECK_H /* set by tools/Makefile */
#include <valgrind/memcheck.h>
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

static uint32_t r32(struct emu *e, unsigned off)
{
	return *(volatile uint32_t *)(volatile void *)(e->bar0 + off);
}

static uint64_t r64(struct emu *e, unsigned off)
{
	return *(volatile uint64_t *)(volatile void *)(e->bar0 + off);
}

static void w32(struct emu *e, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(volatile void *)(e->bar0 + off) = v;
}

static void w64(struct emu *e, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(volatile void *)(e->bar0 + off) = v;
}

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);

/*
 * Under qemu-user (tests/cross-check.sh) process_vm_readv/writev see host
 * addresses, or are not implemented; there the fake device copies through
 * a pipe instead, whose read()/write() fail with EFAULT like the IOMMU on
 * an unmapped or read-only page. Native runs keep process_vm_*, which
 * valgrind does not flag for the unmapped remote side.
 */
static bool vm_rw_works(void)
{
	uint8_t src = 0x5a, dst = 0;
	struct iovec local = { &dst, 1 };
	struct iovec remote = { &src, 1 };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 &&
	       dst == 0x5a;
}

/* Copy @len bytes from @from to @to through a pipe, a page at a time;
 * the number of bytes copied before the first fault. */
static size_t pipe_copy(void *to, const void *from, size_t len)
{
	size_t off = 0;
	int p[2];

	if (pipe(p))
		return 0;
	while (off < len) {
		size_t n = 4096 - (((uintptr_t)from + off) % 4096);
		if (4096 - (((uintptr_t)to + off) % 4096) < n)
			n = 4096 - (((uintptr_t)to + off) % 4096);
		if (n > len - off)
			n = len - off;
		if (__real_write(p[1], (const uint8_t *)from + off, n) !=
		    (ssize_t)n)
			break;
		if (__real_read(p[0], (uint8_t *)to + off, n) != (ssize_t)n)
			break;
		off += n;
	}
	close(p[0]);
	close(p[1]);
	return off;
}

/* The IOMMU's verdict on a failed access at @a: unmapped or read-only. */
static uint32_t fault_code(uint64_t a)
{
	uint8_t byte;
	struct iovec local = { &byte, 1 };
	struct iovec remote = { (void *)(uintptr_t)a, 1 };
	bool readable = vm_rw_works() ?
		process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 :
		pipe_copy(&byte, (void *)(uintptr_t)a, 1) == 1;

	return readable ? 7 /* PERMISSION */ : 5 /* TRANSLATION */;
}

static int dma(bool write, uint64_t addr, uint8_t *buf, size_t len,
	       uint64_t *fault)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	void *a = (void *)(uintptr_t)addr;
	ssize_t n;

	if (!vm_rw_works())
		n = (ssize_t)(write ? pipe_copy(a, buf, len) :
				      pipe_copy(buf, a, len));
	else
		n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len) {
		if (write)
			VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)addr, len);
		return 0;
	}
	*fault = addr + (n > 0 ? (uint64_t)n : 0);
	return -1;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* The operation in 4 KiB chunks; the error code, 0 on success. */
static uint32_t run_op(struct emu *e, uint64_t *fault, uint64_t *result)
{
	uint64_t src = r64(e, 0x18), dst = r64(e, 0x20), len = r64(e, 0x28);
	uint64_t pat = r64(e, 0x30), off, h = 0xcbf29ce484222325ull;
	uint32_t op = r32(e, 0x38), pasid = r32(e, 0x10);
	uint8_t buf[4096];
	size_t n, i;

	if (pasid == 0xffffffff)
		return *fault = dst ? dst : src, 9; /* DMA_ERROR */
	if (pasid > 0xfffff)
		return 2; /* BAD_PASID */
	if (op < 1 || op > 3)
		return 1; /* BAD_OP */
	for (off = 0; off < len; off += n) {
		n = len - off < sizeof(buf) ? (size_t)(len - off) : sizeof(buf);
		if (pasid != PASID) {
			*fault = (op == 1 ? dst : src) + off;
			return 5;
		}
		if (op == 1)
			for (i = 0; i < n; i++)
				buf[i] = (uint8_t)(pat >> (8 * ((off + i) % 8)));
		else if (dma(false, src + off, buf, n, fault))
			return fault_code(*fault);
		if (op == 3)
			h = fnv(h, buf, n);
		else if (dma(true, dst + off, buf, n, fault))
			return fault_code(*fault);
	}
	*result = h;
	return 0;
}

static void emu_abort(struct emu *e)
{
	w32(e, 0x64, 0);
	if (!(r32(e, 0x44) & 1))
		return;
	w32(e, 0x44, 4);
	w32(e, 0x48, 8); /* ABORTED */
	w32(e, 0x60, ++e->completions);
}

void emu_step(void *arg)
{
	struct emu *e = arg;
	uint64_t fault = 0, result = 0;
	uint32_t err;

	if (r32(e, 0x64) & 1)
		emu_abort(e);
	if (!r32(e, 0x40))
		return;
	w32(e, 0x40, 0);
	w32(e, 0x44, 1); /* BUSY */
	e->ops++;
	if (e->mode == EMU_NEVER)
		return;
	err = run_op(e, &fault, &result);
	if (!err && e->mode == EMU_CORRUPT && r32(e, 0x38) != 3) {
		uint8_t *p = (uint8_t *)(uintptr_t)(r64(e, 0x20) + 7);

		*p ^= 0xff;
	}
	w32(e, 0x48, err);
	w64(e, 0x50, err ? fault : 0);
	w64(e, 0x58, result);
	w32(e, 0x44, err ? 4 : 2);
	if (e->mode == EMU_NOT_BUSY_CLEAR)
		w32(e, 0x44, 0);
	w32(e, 0x60, ++e->completions);
}

int emu_init(struct emu *e, struct fake *f)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	memset(e, 0, sizeof(*e));
	snprintf(path, sizeof(path), "%s/uio0", f->dev);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	e->bar0 = p;
	w32(e, 0x00, 0x53564131);
	w32(e, 0x04, 0x00010000);
	w32(e, 0x10, 0xffffffff);
	return 0;
}


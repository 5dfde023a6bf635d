// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_prefault.c - uiosva_prefault() on real mappings of this process:
 * mincore() says every page is resident afterwards, write=1 leaves private
 * (writable) pages whose content did not change, bad ranges fail with
 * -EINVAL, and the fallback for kernels before 5.14 (madvise() answering
 * EINVAL, see wrap.c) does the same by touching the pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fakesys.h"
#include "tap.h"
#include "uiosva.h"

#define NPAGES 32
#define PM_EXCLUSIVE (1ull << 56)	/* /proc/PID/pagemap: mapped once */
#define PM_PRESENT (1ull << 63)

struct area {
	unsigned char *p;
	size_t page;
	size_t len;
};

static int area_get(struct area *a, size_t npages, int prot)
{
	a->page = (size_t)sysconf(_SC_PAGESIZE);
	a->len = npages * a->page;
	a->p = mmap(NULL, a->len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->p == MAP_FAILED)
		return -errno;
	/* 4 KiB pages: one resident bit per page, no huge zero page */
	madvise(a->p, a->len, MADV_NOHUGEPAGE);
	return 0;
}

static void area_put(struct area *a)
{
	munmap(a->p, a->len);
}

/* Pages of [off, off + n pages) that mincore() reports resident. */
static size_t resident(const struct area *a, size_t first, size_t n)
{
	unsigned char vec[NPAGES];
	size_t i, count = 0;

	if (n > NPAGES || mincore(a->p + first * a->page, n * a->page, vec))
		return (size_t)-1;
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

/*
 * Pages whose pagemap entry is present and exclusive: a private page of
 * this process, so writable without a fault. A read fault of an untouched
 * anonymous page maps the shared zero page, which is neither.
 */
static size_t private_pages(const struct area *a)
{
	uint64_t ent[NPAGES];
	off_t off = (off_t)((uintptr_t)a->p / a->page * sizeof(uint64_t));
	size_t i, n = a->len / a->page, count = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return (size_t)-1;
	got = pread(fd, ent, n * sizeof(uint64_t), off);
	close(fd);
	if (got != (ssize_t)(n * sizeof(uint64_t)))
		return (size_t)-1;
	for (i = 0; i < n; i++)
		count += (ent[i] & (PM_PRESENT | PM_EXCLUSIVE)) ==
			 (PM_PRESENT | PM_EXCLUSIVE);
	return count;
}

static void test_bad_input(void)
{
	char c = 0;
	void *top = (void *)(UINTPTR_MAX - 10);

	wrap_madvise_old_kernel(0);
	tap_is_int(uiosva_prefault(NULL, 0, 0), 0, "len 0, NULL: no-op");
	tap_is_int(uiosva_prefault(NULL, 0, 1), 0, "len 0, NULL, write: no-op");
	tap_is_int(uiosva_prefault(&c, 0, 1), 0, "len 0: no-op");
	tap_is_int(wrap_madvise_calls(), 0, "len 0: no madvise()");
	tap_is_int(uiosva_prefault(NULL, 1, 0), -EINVAL, "NULL with len 1");
	tap_is_int(uiosva_prefault(NULL, 4096, 1), -EINVAL, "NULL with len, write");
	tap_is_int(uiosva_prefault(&c, SIZE_MAX, 0), -EINVAL,
		   "buf + len overflows");
	tap_is_int(uiosva_prefault(top, 100, 1), -EINVAL,
		   "range past the end of the address space");
	tap_is_int(uiosva_prefault(top, 5, 0), -EINVAL,
		   "last page would end past the top");
	tap_is_int(wrap_madvise_calls(), 0, "bad input: no madvise()");
}

static void test_read(bool old_kernel)
{
	const char *how = old_kernel ? "fallback" : "madvise";
	struct area a;

	if (area_get(&a, NPAGES, PROT_READ | PROT_WRITE)) {
		tap_ok(0, "%s: mmap", how);
		return;
	}
	wrap_madvise_old_kernel(old_kernel);
	tap_is_int((long long)resident(&a, 0, NPAGES), 0,
		   "fresh mapping: no page resident");
	tap_is_int(uiosva_prefault(a.p, a.len, 0), 0, "prefault read");
	tap_ok(resident(&a, 0, NPAGES) == NPAGES, "%s: read: all %d pages resident",
	       how, NPAGES);
	tap_ok(a.p[0] == 0 && a.p[a.len - 1] == 0, "%s: read: still zero", how);
	if (old_kernel)
		tap_is_int(wrap_madvise_calls(), 2,
			   "fallback: madvise() refused, the advice probed");
	else
		tap_is_int(wrap_madvise_calls(), 1, "madvise: one call");
	wrap_madvise_old_kernel(0);
	area_put(&a);
}

/* Unaligned start and length: the pages they touch, and no other. */
static void test_unaligned(bool old_kernel)
{
	const char *how = old_kernel ? "fallback" : "madvise";
	struct area a;

	if (area_get(&a, 4, PROT_READ | PROT_WRITE)) {
		tap_ok(0, "%s: mmap", how);
		return;
	}
	wrap_madvise_old_kernel(old_kernel);
	tap_is_int(uiosva_prefault(a.p + a.page + 100, a.page, 1), 0,
		   "prefault 1 page at offset 100 into page 1");
	tap_ok(resident(&a, 0, 1) == 0 && resident(&a, 1, 2) == 2 &&
	       resident(&a, 3, 1) == 0,
	       "%s: exactly pages 1 and 2 resident", how);
	wrap_madvise_old_kernel(0);
	area_put(&a);
}

/* Fill every other page with a pattern; check all pages. */
static void pattern_set(const struct area *a)
{
	size_t i;

	for (i = 0; i < a->len / a->page; i += 2)
		memset(a->p + i * a->page, (int)(0x40 + i), a->page);
}

static bool pattern_ok(const struct area *a)
{
	size_t i, j;

	for (i = 0; i < a->len / a->page; i++)
		for (j = 0; j < a->page; j++)
			if (a->p[i * a->page + j] != (i % 2 ? 0 : 0x40 + i))
				return false;
	return true;
}

static void test_write(bool old_kernel)
{
	const char *how = old_kernel ? "fallback" : "madvise";
	struct area a;

	if (area_get(&a, NPAGES, PROT_READ | PROT_WRITE)) {
		tap_ok(0, "%s: mmap", how);
		return;
	}
	pattern_set(&a);
	/* the untouched pages become the zero page: present, not writable */
	tap_is_int(uiosva_prefault(a.p, a.len, 0), 0, "prefault read first");
	tap_ok(private_pages(&a) == NPAGES / 2,
	       "%s: after read, only the written half is private", how);
	wrap_madvise_old_kernel(old_kernel);
	tap_is_int(uiosva_prefault(a.p, a.len, 1), 0, "prefault write");
	wrap_madvise_old_kernel(0);
	tap_ok(resident(&a, 0, NPAGES) == NPAGES, "%s: write: all pages resident",
	       how);
	tap_ok(private_pages(&a) == NPAGES,
	       "%s: write: every page private (writable, no zero page)", how);
	tap_ok(pattern_ok(&a), "%s: write: content unchanged", how);
	area_put(&a);
}

/*
 * madvise() that knows the advice but refuses the mapping must not send
 * the library to its fallback: that would write to a read-only page.
 */
static void test_refused(void)
{
	struct area a;

	wrap_madvise_old_kernel(0);
	if (area_get(&a, 4, PROT_READ)) {
		tap_ok(0, "mmap read-only");
		return;
	}
	tap_is_int(uiosva_prefault(a.p, a.len, 1), -EINVAL,
		   "write prefault of a read-only mapping: -EINVAL, no fallback");
	tap_is_int(uiosva_prefault(a.p, a.len, 0), 0,
		   "read prefault of a read-only mapping");
	munmap(a.p + a.page, a.page);
	tap_is_int(uiosva_prefault(a.p, a.len, 0), -ENOMEM,
		   "range with a hole: -ENOMEM");
	munmap(a.p, a.len);
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

/*
 * Does madvise(MADV_POPULATE_READ) populate here? Linux does from 5.14
 * (older ones refuse it with EINVAL: the fallback). qemu-user, which runs
 * the cross-built tests, accepts advice it does not implement and does
 * nothing: there only the fallback's results mean anything.
 */
static bool populate_is_emulated_away(void)
{
	struct area a;
	bool away;

	if (area_get(&a, 1, PROT_READ | PROT_WRITE))
		return false;
	away = !madvise(a.p, a.len, MADV_POPULATE_READ) && !resident(&a, 0, 1);
	area_put(&a);
	wrap_madvise_old_kernel(0);	/* resets the call count */
	return away;
}

int main(void)
{
	const char *why = "madvise(MADV_POPULATE_*) is accepted but does "
			  "nothing here (qemu-user); the native run checks it";
	bool away = populate_is_emulated_away();

	test_bad_input();
	if (away)
		tap_skip(why, "madvise: read");
	else
		test_read(false);
	test_read(true);
	if (away)
		tap_skip(why, "madvise: unaligned range");
	else
		test_unaligned(false);
	test_unaligned(true);
	if (away) {
		tap_skip(why, "madvise: write");
		tap_skip(why, "madvise: refused mappings and holes");
	} else {
		test_write(false);
		test_refused();
	}
	test_write(true);
	return tap_done();
}

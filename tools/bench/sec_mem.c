// SPDX-License-Identifier: GPL-2.0
/*
 * sec_mem.c - the memory a device's use of a buffer costs, in pages the
 * kernel counts (deterministic: no timing).
 *
 * VFIO type1 pins every page of a mapped buffer (charged to the process's
 * locked memory, VmLck in /proc/self/status, and counted by the kernel's
 * FOLL_PIN statistics) and builds an IOMMU page table for the IOVA range.
 * SVA pins nothing (the device faults pages in through PRI) and its IOMMU
 * walks the process's own page tables: its extra should be zero, which
 * the same counters show. The counters, read before and after:
 *
 *   locked          VmLck of /proc/self/status (mm->locked_vm; VFIO type1
 *                   charges its pins here), in pages
 *   pinned-vm       VmPin of /proc/self/status (mm->pinned_vm; RDMA and
 *                   io_uring charge theirs here), in pages
 *   foll-pin        nr_foll_pin_acquired - nr_foll_pin_released of
 *                   /proc/vmstat (every FOLL_PIN page pin, system-wide)
 *   iommu-pages     nr_iommu_pages of /proc/vmstat: every page the IOMMU
 *                   drivers allocate through iommu_alloc_pages (page
 *                   tables, and context and PASID tables)
 *   sec-pagetables  SecPageTables of /proc/meminfo (KiB): secondary page
 *                   tables, i.e. KVM's and the IOMMU's (iommu-pages again)
 *   cpu-pagetables  VmPTE of /proc/self/status (KiB): the process's own
 *                   page tables, the ones SVA's IOMMU walks
 *
 * The vmstat counters are per-CPU deltas folded now and then: every
 * reading first folds them (a write to /proc/sys/vm/stat_refresh).
 * Each buffer is written by the CPU first (4 KiB pages, MADV_NOHUGEPAGE),
 * so its CPU page tables exist before the first reading. VFIO maps size
 * i at an IOVA region of its own (1 GiB, untouched before in the
 * container; the levels above it are built by a one-page map right
 * after the open). VFIO: readings
 * around MAP_DMA plus one untagged fill ("vfio-type1"), and after
 * UNMAP_DMA ("vfio-type1-unmapped", what stays). SVA: around one fill of
 * the same buffer ("sva"). Parameter "open": around the device open
 * (vfio_open: container, group, SET_IOMMU, device fd; sva_open: bind).
 * The SVA and VFIO phases alternate their order run by run.
 *
 * Rows: mem,<counter>,<sva|vfio-type1|vfio-type1-unmapped>,<size|open>,
 *       run,value,<pages|KiB>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sysfs.h"
#include "testdev.h"

/*
 * VFIO: one page mapped at MEM_IOVA_PRIME after the open builds the
 * upper levels of the IOVA table; then size i gets the 1 GiB region at
 * MEM_IOVA_SLOT(i) to itself, so that its count is the tables it alone
 * needs: the directory of its 1 GiB region and one table per 2 MiB.
 */
#define MEM_IOVA_PRIME 0x40000000ull
#define MEM_IOVA_SLOT(i) (0x100000000ull + (uint64_t)(i) * 1024 * MiB)
#define STAT_REFRESH "/proc/sys/vm/stat_refresh"

enum mem_ctr { MC_LOCKED, MC_PINNED_VM, MC_FOLL_PIN, MC_IOMMU, MC_SECPT,
	       MC_CPUPT, MC_N };

struct mem_ctr_def {
	const char *metric;
	const char *file;
	const char *key;
	const char *minus;	/* a second key to subtract, or NULL */
	int kib_per_unit;	/* 4: the file has KiB, the row pages */
	const char *unit;
};

static const struct mem_ctr_def ctr_def[MC_N] = {
	{ "locked", "/proc/self/status", "VmLck", NULL, 4, "pages" },
	{ "pinned-vm", "/proc/self/status", "VmPin", NULL, 4, "pages" },
	{ "foll-pin", "/proc/vmstat", "nr_foll_pin_acquired",
	  "nr_foll_pin_released", 1, "pages" },
	{ "iommu-pages", "/proc/vmstat", "nr_iommu_pages", NULL, 1, "pages" },
	{ "sec-pagetables", "/proc/meminfo", "SecPageTables", NULL, 1, "KiB" },
	{ "cpu-pagetables", "/proc/self/status", "VmPTE", NULL, 1, "KiB" },
};

struct mem_read {
	bool have[MC_N];
	long long v[MC_N];
};

struct mem_vfio {
	struct vfio vfio;
	struct irq_path irq;
};

/* The value of "@key:" or "@key " in @file; -ENOENT when it has none. */
static int read_key(const char *file, const char *key, long long *v)
{
	size_t len = strlen(key);
	char line[256];
	int ret = -ENOENT;
	FILE *f = fopen(file, "re");

	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len) ||
		    (line[len] != ':' && line[len] != ' '))
			continue;
		*v = strtoll(line + len + 1, NULL, 10);
		ret = 0;
	}
	fclose(f);
	return ret;
}

static void mem_read(struct mem_read *m)
{
	long long minus;
	int i;

	sysfs_write(STAT_REFRESH, "1");
	for (i = 0; i < MC_N; i++) {
		const struct mem_ctr_def *d = &ctr_def[i];

		m->have[i] = !read_key(d->file, d->key, &m->v[i]);
		if (m->have[i] && d->minus) {
			m->have[i] = !read_key(d->file, d->minus, &minus);
			m->v[i] -= minus;
		}
	}
}

/* One row per counter that both readings have: @b - @a. */
static void mem_emit(const char *variant, const char *param, int run,
		     const struct mem_read *a, const struct mem_read *b)
{
	int i;

	for (i = 0; i < MC_N; i++) {
		if (!a->have[i] || !b->have[i])
			continue;
		out_row("mem", ctr_def[i].metric, variant, param, run,
			(double)(b->v[i] - a->v[i]) / ctr_def[i].kib_per_unit,
			ctr_def[i].unit, NULL);
	}
}

/* Tell once which counters this kernel lacks. */
static void mem_info(void)
{
	struct mem_read m;
	int i;

	mem_read(&m);
	out_info("mem-stat-refresh", "%s", sysfs_write(STAT_REFRESH, "1") ?
		 "n/a: vmstat counters may lag by per-CPU deltas" : "yes");
	for (i = 0; i < MC_N; i++)
		out_info("mem-counter", "%s %s:%s %s", ctr_def[i].metric,
			 ctr_def[i].file, ctr_def[i].key,
			 m.have[i] ? "present" : "n/a (not in this kernel)");
}

/* ------------------------------------------------------------------ VFIO */

static int mem_vfio_size(struct mem_vfio *v, uint64_t len, uint64_t iova,
			 int run)
{
	struct dma_job job = { .pasid = TD_NO_PASID, .dst = iova,
			       .len = len, .irq = true };
	struct mem_read r0, r1, r2;
	uint64_t ns;
	struct buf buf;
	char size[16];
	int ret = buf_get(&buf, len, BUF_TOUCHED, PAGES_4K);

	if (ret)
		return ret;
	mem_read(&r0);
	ret = vfio_map(&v->vfio, buf.p, iova, len);
	if (!ret) {
		ret = dma_run(&v->vfio.regs, &v->irq, &job, &ns);
		mem_read(&r1);
		ret |= vfio_unmap(&v->vfio, iova, len);
		mem_read(&r2);
	}
	buf_put(&buf);
	if (ret)
		return ret;
	size_name(len, size, sizeof(size));
	mem_emit("vfio-type1", size, run, &r0, &r1);
	mem_emit("vfio-type1-unmapped", size, run, &r0, &r2);
	return 0;
}

/* Build the upper levels of the IOVA table (see MEM_IOVA_PRIME). */
static int mem_vfio_prime(struct mem_vfio *v)
{
	struct buf buf;
	int ret = buf_get(&buf, PAGE_4K, BUF_TOUCHED, PAGES_4K);

	ret = ret ? ret : vfio_map(&v->vfio, buf.p, MEM_IOVA_PRIME, PAGE_4K);
	ret = ret ? ret : vfio_unmap(&v->vfio, MEM_IOVA_PRIME, PAGE_4K);
	buf_put(&buf);
	return ret;
}

static int mem_vfio_phase(const struct bench *b, const char *bdf, int run)
{
	struct mem_read r0, r1;
	struct mem_vfio v;
	int i, ret = drv_bind(bdf, DRV_VFIO);

	if (ret)
		return ret;
	mem_read(&r0);
	ret = vfio_open(&v.vfio, bdf);
	if (ret)
		return ret;
	mem_read(&r1);
	mem_emit("vfio-type1", "open", run, &r0, &r1);
	ret = vfio_irq_msix(&v.vfio, &v.irq);
	ret = ret ? ret : mem_vfio_prime(&v);
	for (i = 0; i < b->opt.mem_sizes.n && !ret; i++)
		ret = mem_vfio_size(&v, b->opt.mem_sizes.v[i], MEM_IOVA_SLOT(i),
				    run);
	vfio_close(&v.vfio);
	return ret;
}

/* ------------------------------------------------------------------- SVA */

static int mem_sva_size(struct sva *s, uint64_t len, int run)
{
	struct dma_job job = { .pasid = s->pasid, .len = len, .irq = true };
	struct mem_read r0, r1;
	uint64_t ns;
	struct buf buf;
	int ret = buf_get(&buf, len, BUF_TOUCHED, PAGES_4K);

	if (ret)
		return ret;
	job.dst = (uintptr_t)buf.p;
	mem_read(&r0);
	ret = dma_run(&s->regs, &s->irq, &job, &ns);
	mem_read(&r1);
	buf_put(&buf);
	if (!ret) {
		char size[16];

		mem_emit("sva", size_name(len, size, sizeof(size)), run, &r0, &r1);
	}
	return ret;
}

static int mem_sva_phase(const struct bench *b, const char *bdf, int run)
{
	struct mem_read r0, r1;
	struct sva s;
	int i, ret = drv_bind(bdf, DRV_SVA);

	if (ret)
		return ret;
	mem_read(&r0);
	ret = sva_open(&s, bdf);
	if (ret)
		return ret;
	mem_read(&r1);
	mem_emit("sva", "open", run, &r0, &r1);
	for (i = 0; i < b->opt.mem_sizes.n && !ret; i++)
		ret = mem_sva_size(&s, b->opt.mem_sizes.v[i], run);
	sva_close(&s);
	return ret;
}

static int mem_run(const struct bench *b, int run)
{
	struct pair pr = pair_for_run(b, run);
	int ret;

	if (run % 2) {
		ret = mem_vfio_phase(b, pr.alt, run);
		return ret ? ret : mem_sva_phase(b, pr.sva, run);
	}
	ret = mem_sva_phase(b, pr.sva, run);
	return ret ? ret : mem_vfio_phase(b, pr.alt, run);
}

int sec_mem(struct bench *b)
{
	int run, ret = b->ndev < 2 ? -ENODEV : 0;

	mem_info();
	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = mem_run(b, run);
	if (ret)
		ktest_diag("error: mem, run %d failed", run - 1);
	ktest_result(&b->t, !ret,
		     "memory: pinned/locked pages and IOMMU page-table pages per buffer, SVA vs VFIO type1, %d runs",
		     b->opt.runs);
	return 0;
}

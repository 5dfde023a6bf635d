// SPDX-License-Identifier: GPL-2.0
/*
 * sec_inval.c - what it costs to take memory away from a device.
 *
 * With SVA the device translates the process's own page tables through
 * ATS and keeps the translations in its ATC (64 entries in the test
 * device); every change of those page tables (munmap, mprotect,
 * MADV_DONTNEED; also free() of a large malloc(), which is a munmap) makes
 * the IOMMU driver's MMU notifier invalidate the IOMMU's TLB and the
 * device's ATC for the range. The buffer is written by the CPU (4 KiB
 * pages, MADV_NOHUGEPAGE: the same page count every run), filled by the
 * device (so its ATC holds translations of it) and then unmapped,
 * write-protected or zapped, timed. The device counts the ATC
 * invalidations it receives (INVALIDATIONS register), read before and
 * after the call.
 *
 * VFIO type1: the buffer is mapped (VFIO_IOMMU_MAP_DMA), filled by
 * untagged DMA at its IOVA, then VFIO_IOMMU_UNMAP_DMA (unpin, IOMMU unmap
 * and flush) and munmap(), timed separately. mprotect() and MADV_DONTNEED
 * have no VFIO equivalent: the pages are pinned and the IOMMU mapping does
 * not follow the CPU's page tables (the device keeps writing the old
 * pages), so those rows are SVA's alone. "no-device" is the same call on
 * the same kind of buffer in a process that no device is bound to (the
 * VFIO phase, after the SVA device was closed): the CPU's own cost.
 *
 * The SVA and VFIO phases alternate their order run by run, and the two
 * devices swap roles. The SVA device is closed during the VFIO phase,
 * since a bound address space invalidates on every munmap.
 *
 * When tracefs has the intel_iommu:qi_submit event, one extra untimed
 * call per figure is traced and the invalidation descriptors the guest's
 * IOMMU driver queued are counted by type (iotlb_inv, p_iotlb_inv,
 * dev_tlb_inv, p_dev_tlb_inv).
 *
 * Rows: inval,<munmap|mprotect|dontneed>,<variant>,<size>,run,value,unit
 *   variants sva, no-device, vfio-type1 (UNMAP_DMA + munmap),
 *   vfio-unmap-dma, vfio-munmap (us); <variant>-dev-inval (count: the
 *   device's counter); <variant>-qi-<type> (count: descriptors);
 *   ratio-vfio/sva (x, munmap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include "bench.h"
#include "sysfs.h"
#include "testdev.h"

#define INVAL_IOVA 0x40000000ull
#define INVAL_MAX_REPS 5
#define QI_EVENT "events/intel_iommu/qi_submit/enable"
#define QI_TYPES 4

enum inval_op { INV_MUNMAP, INV_MPROTECT, INV_DONTNEED, INV_NOPS };

static const char *const op_name[INV_NOPS] = { "munmap", "mprotect", "dontneed" };

/* The descriptor types counted, as intel_iommu:qi_submit prints them. */
static const char *const qi_type[QI_TYPES] = {
	"iotlb_inv", "p_iotlb_inv", "dev_tlb_inv", "p_dev_tlb_inv",
};

struct tracer {
	const char *dir;	/* tracefs, NULL without the event */
};

struct inval_sample {
	uint64_t ns;		/* the call; VFIO: UNMAP_DMA */
	uint64_t ns2;		/* VFIO: the munmap() after it */
	uint64_t dev_inv;	/* the device's INVALIDATIONS counter, delta */
	uint64_t qi[QI_TYPES];	/* traced: descriptors by type */
};

struct inval_vfio {
	struct vfio vfio;
	struct irq_path irq;
};

/* The munmap figures of one run, for the ratio (medians, ns). */
struct inval_run {
	int run;
	uint64_t sva[BENCH_MAX_SIZES];
	uint64_t vfio[BENCH_MAX_SIZES];
};

/* ---------------------------------------------------------------- tracer */

static int tracer_write(const struct tracer *tr, const char *file,
			const char *val)
{
	char path[BENCH_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tr->dir, file);
	return sysfs_write(path, val);
}

/* Find intel_iommu:qi_submit; 0, or -ENOENT (tr->dir stays NULL). */
static int tracer_init(struct tracer *tr)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	char path[BENCH_PATH_MAX];
	size_t i;

	tr->dir = NULL;
	mount("nodev", dirs[0], "tracefs", 0, NULL);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/" QI_EVENT, dirs[i]);
		if (access(path, W_OK))
			continue;
		tr->dir = dirs[i];
		if (!tracer_write(tr, "tracing_on", "1"))
			return 0;
	}
	tr->dir = NULL;
	return -ENOENT;
}

/* Empty the ring buffer, enable the event. */
static int tracer_begin(const struct tracer *tr)
{
	char path[BENCH_PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tr->dir);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return sys_fail("open", path);
	close(fd);
	return tracer_write(tr, QI_EVENT, "1");
}

/*
 * The descriptor type of one trace line, or -1. The event prints
 * "qi_submit: <type> <iommu>: <qw0> ..." (7.2; the type came second in
 * older kernels): either of the first two words.
 */
static int qi_line_type(const char *line)
{
	const char *p = strstr(line, "qi_submit:");
	char w[2][32];
	int i, j, n;

	if (line[0] == '#' || !p)
		return -1;
	n = sscanf(p + strlen("qi_submit:"), "%31s %31s", w[0], w[1]);
	for (j = 0; j < n; j++) {
		w[j][strcspn(w[j], ":")] = 0;
		for (i = 0; i < QI_TYPES; i++)
			if (!strcmp(w[j], qi_type[i]))
				return i;
	}
	return -1;
}

/* Disable the event and count what it recorded by type. */
static int tracer_end(const struct tracer *tr, uint64_t qi[QI_TYPES])
{
	char path[BENCH_PATH_MAX], line[512];
	int ret = tracer_write(tr, QI_EVENT, "0");
	FILE *f;

	memset(qi, 0, QI_TYPES * sizeof(qi[0]));
	snprintf(path, sizeof(path), "%s/trace", tr->dir);
	f = fopen(path, "re");
	if (!f)
		return sys_fail("open", path);
	while (fgets(line, sizeof(line), f)) {
		int type = qi_line_type(line);

		if (type >= 0)
			qi[type]++;
	}
	fclose(f);
	return ret;
}

/* --------------------------------------------------------------- samples */

static int inval_call(enum inval_op op, struct buf *buf)
{
	int ret;

	if (op == INV_MUNMAP) {
		ret = munmap(buf->map, buf->map_len);
		buf->map = NULL;
	} else if (op == INV_MPROTECT) {
		ret = mprotect(buf->p, buf->len, PROT_READ);
	} else {
		ret = madvise(buf->p, buf->len, MADV_DONTNEED);
	}
	return ret ? sys_fail(op_name[op], "of a DMA buffer") : 0;
}

/*
 * Time @op on @buf; the device counter of @regs (may be NULL) before and
 * after; traced when @tr is not NULL.
 */
static int inval_timed(struct buf *buf, enum inval_op op,
		       const struct tdev *regs, const struct tracer *tr,
		       struct inval_sample *r)
{
	uint64_t inv0 = regs ? td_r64(regs, TD_INVALIDATIONS) : 0, t0;
	int ret = tr ? tracer_begin(tr) : 0;

	if (ret)
		return ret;
	t0 = now_ns();
	ret = inval_call(op, buf);
	r->ns = now_ns() - t0;
	if (tr)
		ret |= tracer_end(tr, r->qi);
	r->dev_inv = regs ? td_r64(regs, TD_INVALIDATIONS) - inv0 : 0;
	return ret;
}

/* SVA: the device fills a buffer the CPU wrote, then @op. */
static int inval_sva_one(struct sva *s, uint64_t len, enum inval_op op,
			 const struct tracer *tr, struct inval_sample *r)
{
	struct dma_job job = { .pasid = s->pasid, .len = len, .irq = true };
	uint64_t dma_ns;
	struct buf buf;
	int ret = buf_get(&buf, len, BUF_TOUCHED, PAGES_4K);

	if (ret)
		return ret;
	job.dst = (uintptr_t)buf.p;
	ret = dma_run(&s->regs, &s->irq, &job, &dma_ns);
	if (!ret)
		ret = inval_timed(&buf, op, &s->regs, tr, r);
	buf_put(&buf);
	return ret;
}

/* No device: @op on a buffer the CPU wrote. */
static int inval_none_one(uint64_t len, enum inval_op op,
			  const struct tracer *tr, struct inval_sample *r)
{
	struct buf buf;
	int ret = buf_get(&buf, len, BUF_TOUCHED, PAGES_4K);

	if (!ret)
		ret = inval_timed(&buf, op, NULL, tr, r);
	buf_put(&buf);
	return ret;
}

/* UNMAP_DMA then munmap() of a mapped buffer, timed; r->ns, r->ns2. */
static int inval_vfio_unmap(struct inval_vfio *v, struct buf *buf,
			    const struct tracer *tr, struct inval_sample *r)
{
	const struct tdev *regs = &v->vfio.regs;
	uint64_t inv0 = td_r64(regs, TD_INVALIDATIONS), t0, t1;
	int ret = tr ? tracer_begin(tr) : 0;

	if (ret)
		return ret;
	t0 = now_ns();
	ret = vfio_unmap(&v->vfio, INVAL_IOVA, buf->len);
	t1 = now_ns();
	ret |= inval_call(INV_MUNMAP, buf);
	r->ns2 = now_ns() - t1;
	r->ns = t1 - t0;
	if (tr)
		ret |= tracer_end(tr, r->qi);
	r->dev_inv = td_r64(regs, TD_INVALIDATIONS) - inv0;
	return ret;
}

/* VFIO: map, untagged fill at the IOVA, then UNMAP_DMA + munmap(). */
static int inval_vfio_one(struct inval_vfio *v, uint64_t len,
			  const struct tracer *tr, struct inval_sample *r)
{
	struct dma_job job = { .pasid = TD_NO_PASID, .dst = INVAL_IOVA,
			       .len = len, .irq = true };
	uint64_t dma_ns;
	struct buf buf;
	int ret = buf_get(&buf, len, BUF_TOUCHED, PAGES_4K);

	ret = ret ? ret : vfio_map(&v->vfio, buf.p, INVAL_IOVA, len);
	if (ret) {
		buf_put(&buf);
		return ret;
	}
	ret = dma_run(&v->vfio.regs, &v->irq, &job, &dma_ns);
	if (ret)
		vfio_unmap(&v->vfio, INVAL_IOVA, len);
	else
		ret = inval_vfio_unmap(v, &buf, tr, r);
	buf_put(&buf);
	return ret;
}

/* ------------------------------------------------------------------ rows */

/* Repetitions per run: more where a call is cheap (and noisy). */
static int inval_reps(uint64_t len)
{
	uint64_t r = 4 * MiB / len;

	return r < 1 ? 1 : r > INVAL_MAX_REPS ? INVAL_MAX_REPS : (int)r;
}

static uint64_t med_ns(const struct inval_sample *s, int n, bool second)
{
	uint64_t v[INVAL_MAX_REPS];
	int i;

	for (i = 0; i < n; i++)
		v[i] = second ? s[i].ns2 : s[i].ns;
	return (uint64_t)median_u64(v, n);
}

static void emit_counts(const char *op, const char *variant, const char *size,
			int run, const struct inval_sample *s, int n,
			const struct inval_sample *traced)
{
	uint64_t inv[INVAL_MAX_REPS];
	char name[64];
	int i;

	for (i = 0; i < n; i++)
		inv[i] = s[i].dev_inv;
	snprintf(name, sizeof(name), "%s-dev-inval", variant);
	out_row("inval", op, name, size, run, median_u64(inv, n), "count", NULL);
	for (i = 0; traced && i < QI_TYPES; i++) {
		snprintf(name, sizeof(name), "%s-qi-%s", variant, qi_type[i]);
		out_row("inval", op, name, size, run, (double)traced->qi[i],
			"count", NULL);
	}
}

/* ---------------------------------------------------------------- phases */

typedef int (*inval_fn)(void *ctx, uint64_t len, enum inval_op op,
			const struct tracer *tr, struct inval_sample *r);

static int sva_fn(void *ctx, uint64_t len, enum inval_op op,
		  const struct tracer *tr, struct inval_sample *r)
{
	return inval_sva_one(ctx, len, op, tr, r);
}

static int none_fn(void *ctx, uint64_t len, enum inval_op op,
		   const struct tracer *tr, struct inval_sample *r)
{
	(void)ctx;
	return inval_none_one(len, op, tr, r);
}

static int vfio_fn(void *ctx, uint64_t len, enum inval_op op,
		   const struct tracer *tr, struct inval_sample *r)
{
	(void)op;
	return inval_vfio_one(ctx, len, tr, r);
}

/*
 * One figure: *@reps timed calls of @fn in @s[0..], then, with @tr, one
 * traced call in @s[INVAL_MAX_REPS].
 */
static int inval_figure(inval_fn fn, void *ctx, uint64_t len, enum inval_op op,
			const struct tracer *tr, struct inval_sample *s,
			int *reps)
{
	int i, ret = 0;

	*reps = inval_reps(len);
	memset(s, 0, (INVAL_MAX_REPS + 1) * sizeof(*s));
	for (i = 0; i < *reps && !ret; i++)
		ret = fn(ctx, len, op, NULL, &s[i]);
	if (!ret && tr)
		ret = fn(ctx, len, op, tr, &s[INVAL_MAX_REPS]);
	if (ret)
		ktest_diag("error: inval %s of %llu bytes failed", op_name[op],
			   (unsigned long long)len);
	return ret;
}

/* Every size and call with @fn under @variant (SVA or no device). */
static int inval_calls(const struct bench *b, inval_fn fn, void *ctx,
		       const char *variant, const struct tracer *tr,
		       struct inval_run *ir)
{
	struct inval_sample s[INVAL_MAX_REPS + 1];
	int i, op, reps, ret = 0;
	char size[16];
	const char *note;

	for (i = 0; i < b->opt.inval_sizes.n && !ret; i++) {
		size_name(b->opt.inval_sizes.v[i], size, sizeof(size));
		for (op = 0; op < INV_NOPS && !ret; op++) {
			ret = inval_figure(fn, ctx, b->opt.inval_sizes.v[i],
					   (enum inval_op)op, tr, s, &reps);
			if (ret)
				break;
			note = op != INV_MUNMAP ? "no VFIO equivalent: pinned pages" : NULL;
			if (op == INV_MUNMAP && fn == sva_fn)
				ir->sva[i] = med_ns(s, reps, false);
			out_row("inval", op_name[op], variant, size, ir->run,
				med_ns(s, reps, false) / 1e3, "us", note);
			emit_counts(op_name[op], variant, size, ir->run, s, reps,
				    tr ? &s[INVAL_MAX_REPS] : NULL);
		}
	}
	return ret;
}

static int inval_vfio_sizes(const struct bench *b, struct inval_vfio *v,
			    const struct tracer *tr, struct inval_run *ir)
{
	struct inval_sample s[INVAL_MAX_REPS + 1];
	int i, j, reps, ret = 0;
	uint64_t tot[INVAL_MAX_REPS];
	char size[16];

	for (i = 0; i < b->opt.inval_sizes.n && !ret; i++) {
		size_name(b->opt.inval_sizes.v[i], size, sizeof(size));
		ret = inval_figure(vfio_fn, v, b->opt.inval_sizes.v[i],
				   INV_MUNMAP, tr, s, &reps);
		if (ret)
			break;
		for (j = 0; j < reps; j++)
			tot[j] = s[j].ns + s[j].ns2;
		ir->vfio[i] = (uint64_t)median_u64(tot, reps);
		out_row("inval", "munmap", "vfio-type1", size, ir->run,
			ir->vfio[i] / 1e3, "us", NULL);
		out_row("inval", "munmap", "vfio-unmap-dma", size, ir->run,
			med_ns(s, reps, false) / 1e3, "us", NULL);
		out_row("inval", "munmap", "vfio-munmap", size, ir->run,
			med_ns(s, reps, true) / 1e3, "us", NULL);
		emit_counts("munmap", "vfio-type1", size, ir->run, s, reps,
			    tr ? &s[INVAL_MAX_REPS] : NULL);
	}
	return ret;
}

/* SVA phase: only the SVA device is open. */
static int inval_sva_phase(const struct bench *b, const char *bdf,
			   const struct tracer *tr, struct inval_run *ir)
{
	struct inval_sample warm;
	struct sva s;
	int ret = drv_bind(bdf, DRV_SVA);

	ret = ret ? ret : sva_open(&s, bdf);
	if (ret)
		return ret;
	/* warm-up, not reported */
	ret = inval_sva_one(&s, 64 * KiB, INV_MUNMAP, NULL, &warm);
	ret = ret ? ret : inval_calls(b, sva_fn, &s, "sva", tr, ir);
	sva_close(&s);
	return ret;
}

/* VFIO phase: the VFIO device alone; no address space is bound. */
static int inval_vfio_phase(const struct bench *b, const char *bdf,
			    const struct tracer *tr, struct inval_run *ir)
{
	struct inval_sample warm;
	struct inval_vfio v;
	int ret = drv_bind(bdf, DRV_VFIO);

	ret = ret ? ret : vfio_open(&v.vfio, bdf);
	if (ret)
		return ret;
	ret = vfio_irq_msix(&v.vfio, &v.irq);
	ret = ret ? ret : inval_vfio_one(&v, 64 * KiB, NULL, &warm);
	ret = ret ? ret : inval_vfio_sizes(b, &v, tr, ir);
	ret = ret ? ret : inval_calls(b, none_fn, NULL, "no-device", tr, ir);
	vfio_close(&v.vfio);
	return ret;
}

static int inval_run(const struct bench *b, int run, const struct tracer *tr)
{
	struct pair pr = pair_for_run(b, run);
	struct inval_run ir = { .run = run };
	char size[16];
	int i, ret;

	if (run % 2) {
		ret = inval_vfio_phase(b, pr.alt, tr, &ir);
		ret = ret ? ret : inval_sva_phase(b, pr.sva, tr, &ir);
	} else {
		ret = inval_sva_phase(b, pr.sva, tr, &ir);
		ret = ret ? ret : inval_vfio_phase(b, pr.alt, tr, &ir);
	}
	for (i = 0; i < b->opt.inval_sizes.n && !ret; i++)
		out_row("inval", "munmap", "ratio-vfio/sva",
			size_name(b->opt.inval_sizes.v[i], size, sizeof(size)),
			run, (double)ir.vfio[i] / (double)(ir.sva[i] ? ir.sva[i] : 1),
			"x", NULL);
	return ret;
}

int sec_inval(struct bench *b)
{
	struct tracer tr;
	bool traced = tracer_init(&tr) == 0;
	int run, ret = b->ndev < 2 ? -ENODEV : 0;

	out_info("inval-trace", "%s", traced ? "intel_iommu:qi_submit" :
		 "n/a (no intel_iommu:qi_submit event in tracefs)");
	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = inval_run(b, run, traced ? &tr : NULL);
	ktest_result(&b->t, !ret,
		     "invalidation: munmap/mprotect/MADV_DONTNEED of a buffer the device translated, SVA vs VFIO UNMAP_DMA+munmap, %d runs",
		     b->opt.runs);
	if (!traced)
		ktest_skip(&b->t, "no intel_iommu:qi_submit event in tracefs",
			   "invalidation: IOMMU invalidation descriptors by type");
	else
		ktest_result(&b->t, !ret,
			     "invalidation: IOMMU invalidation descriptors by type (intel_iommu:qi_submit)");
	return 0;
}

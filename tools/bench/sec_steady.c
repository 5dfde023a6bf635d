// SPDX-License-Identifier: GPL-2.0
/*
 * sec_steady.c - the steady state of a poll-mode (DPDK-like) application:
 * a working set of buffers reused for many operations, nothing set up per
 * operation.
 *
 * SVA: the buffers are prefaulted once (uiosva_prefault()), the device gets
 * their virtual addresses tagged with the process's PASID. VFIO type1: the
 * buffers are mapped once (VFIO_IOMMU_MAP_DMA outside the timed loop), the
 * device gets their IOVAs, untagged. Both paths program the operation once
 * (FILL, length, pattern, IRQ_EN 0) and then, per operation, write DST and
 * the doorbell and poll STATUS until the device is not busy: no interrupt,
 * no read() of /dev/uioX, no eventfd.
 *
 * Operation i fills STEADY_OP_LEN bytes at the start of page i % N of a
 * working set of N 4 KiB pages (MADV_NOHUGEPAGE: one translation per
 * page). The test device's ATC holds 64 translations, one per page here,
 * replaced first-in first-out: up to 64 pages every operation after a
 * warm-up pass hits the ATC; cycling over more pages than that, every
 * operation misses and sends a translation request to the IOMMU. The VFIO
 * path's untagged DMA is translated by the IOMMU (its IOTLB) and has no
 * ATC. Each working set runs STEADY_REPS pairs of timed loops, SVA and
 * VFIO back to back in alternating order (the cycle over the pages goes on
 * from loop to loop); a run reports the medians of its loops and the
 * median of the per-pair ratios. The devices swap roles every other run.
 * Between two reads of STATUS the poll spins about a microsecond without
 * touching the device (as rte_pause() does in DPDK's loops): under TCG
 * every register read takes QEMU's big lock, which the device's worker
 * needs to make progress. After STEADY_SPIN_NS of spinning it naps
 * STEADY_NAP_NS between reads instead (as DPDK's power management does
 * after empty polls; the timer slack is 1 ns meanwhile): the idle vCPU
 * then halts and gives its host CPU to the device's worker thread. On a
 * loaded 2-CPU host the vCPU and the worker often share a host CPU, for
 * whole loops at a time; a pure spin then holds it for a time slice per
 * operation (about 1.8 ms instead of 40 us here), a 200 us spin for the
 * spin and a nap (about 320 us): that measured the host's scheduler, not
 * the paths. With 60 us such an operation costs about 100 us. The
 * spin-out rows count, per path, the operations that outlasted the spin.
 *
 * Rows: steady,<metric>,<variant>,<N>p,run,value,unit
 *   op: sva, vfio-type1 (us, the median operation of a loop: doorbell
 *       to STATUS not busy);
 *   ops: sva, vfio-type1 (operations per second over a whole loop,
 *       everything included);
 *   op: ratio-vfio/sva (x, of the median operations; above 1: SVA is
 *       faster);
 *   translation: sva-ats, sva-atc-hits, sva-pri (per operation);
 *   spin-out: sva, vfio-type1 (fraction of the operations that outlasted
 *       the spin: the device's worker did not run while the vCPU spun).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "bench.h"
#include "testdev.h"
#include "uiosva.h"

#define STEADY_IOVA 0x40000000ull
#define STEADY_OP_LEN (2 * KiB)		/* an mbuf's data room */
#define STEADY_POLL_LIMIT_NS (10ull * 1000000000ull)
#define STEADY_POLL_GAP_NS 1000ull
#define STEADY_SPIN_NS (60ull * 1000)
#define STEADY_NAP_NS (10 * 1000)
#define STEADY_REPS 5
#define STEADY_MAX_OPS 1024

/* Working sets, in 4 KiB pages: below, at and beyond the 64-entry ATC. */
static const int steady_pages[] = { 16, 64, 256 };
#define STEADY_NSETS ((int)(sizeof(steady_pages) / sizeof(steady_pages[0])))

struct steady_paths {
	struct sva sva;
	struct vfio vfio;
};

/* One working set as one path's device sees it. */
struct steady_set {
	const struct tdev *d;
	uint32_t pasid;		/* TD_NO_PASID for VFIO */
	uint64_t base;		/* virtual address or IOVA of page 0 */
	int pages;
	int next;		/* the page of the next operation */
};

struct steady_sample {
	uint64_t ns;		/* the whole loop */
	uint64_t op_ns;		/* the median operation */
	uint64_t napped;	/* operations that outlasted the spin */
	uint64_t ats;
	uint64_t atc_hits;
	uint64_t pri;
};

/* Operations per timed loop: a few seconds in all with --smoke. */
static int steady_ops(const struct bench *b)
{
	return b->opt.smoke ? 128 : STEADY_MAX_OPS;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Spin for @ns without touching the device. */
static void poll_gap(uint64_t ns)
{
	uint64_t t0 = now_ns();

	while (now_ns() - t0 < ns)
		cpu_relax();
}

/*
 * Poll STATUS until the operation is over: spin first, then nap between
 * reads (see the top of the file); 0, or -errno. *@napped is set when the
 * spin ran out.
 */
static int steady_poll(const struct tdev *d, bool *napped)
{
	const struct timespec nap = { 0, STEADY_NAP_NS };
	uint64_t t0 = now_ns();

	for (;;) {
		uint32_t status = td_r32(d, TD_STATUS);
		uint64_t waited;

		if (!(status & TD_STATUS_BUSY))
			return status & TD_STATUS_DONE ? 0 : td_result(d, "steady DMA");
		waited = now_ns() - t0;
		if (waited < STEADY_SPIN_NS) {
			poll_gap(STEADY_POLL_GAP_NS);
			continue;
		}
		if (waited > STEADY_POLL_LIMIT_NS) {
			ktest_diag("error: %s: DMA still busy after 10 s", d->name);
			return -ETIMEDOUT;
		}
		*napped = true;
		nanosleep(&nap, NULL);
	}
}

/* The registers that stay the same for every operation of a loop. */
static void steady_program(const struct steady_set *w)
{
	struct dma_job job = { .pasid = w->pasid, .dst = w->base,
			       .len = STEADY_OP_LEN, .irq = false };

	td_program(w->d, &job);
}

/* One operation on the next page of the working set. */
static int steady_op(struct steady_set *w, bool *napped)
{
	td_w64(w->d, TD_DST, w->base + (uint64_t)w->next * PAGE_4K);
	w->next = (w->next + 1) % w->pages;
	td_doorbell(w->d);
	return steady_poll(w->d, napped);
}

/*
 * @ops (at most STEADY_MAX_OPS) operations cycling over the working set:
 * the loop's time, the median operation's and the device's counters.
 */
static int steady_loop(struct steady_set *w, int ops, struct steady_sample *r)
{
	uint64_t each[STEADY_MAX_OPS], t0, t1;
	struct td_stats a, z;
	int i, ret = 0;

	steady_program(w);
	td_mmio_stats(w->d->bar0, &a);
	r->napped = 0;
	t0 = t1 = now_ns();
	for (i = 0; i < ops && !ret; i++) {
		uint64_t t = t1;
		bool napped = false;

		ret = steady_op(w, &napped);
		t1 = now_ns();
		each[i] = t1 - t;
		r->napped += napped;
	}
	r->ns = t1 - t0;
	r->op_ns = (uint64_t)median_u64(each, i);
	td_mmio_stats(w->d->bar0, &z);
	r->atc_hits = z.atc_hits - a.atc_hits;
	r->ats = z.ats - a.ats;
	r->pri = z.pri - a.pri;
	return ret;
}

/* One pair of timed loops, the order given by @flip. */
static int steady_pair(struct steady_set *ws, struct steady_set *wv, int ops,
		       bool flip, struct steady_sample *s,
		       struct steady_sample *v)
{
	int ret;

	if (flip) {
		ret = steady_loop(wv, ops, v);
		return ret ? ret : steady_loop(ws, ops, s);
	}
	ret = steady_loop(ws, ops, s);
	return ret ? ret : steady_loop(wv, ops, v);
}

/*
 * One run's figures for a working set: medians over the pairs of the
 * per-operation times, and the median of the per-pair ratios.
 */
static void steady_emit(int pages, int run, int ops,
			const struct steady_sample *s,
			const struct steady_sample *v)
{
	uint64_t sn[STEADY_REPS], vn[STEADY_REPS], so[STEADY_REPS], vo[STEADY_REPS];
	uint64_t ratio[STEADY_REPS], ats = 0, hits = 0, pri = 0, sn_nap = 0, vn_nap = 0;
	double sva_loop, vfio_loop;
	char p[16];
	int i;

	for (i = 0; i < STEADY_REPS; i++) {
		sn[i] = s[i].ns;
		vn[i] = v[i].ns;
		so[i] = s[i].op_ns;
		vo[i] = v[i].op_ns;
		ratio[i] = v[i].op_ns * 1000000ull / (s[i].op_ns ? s[i].op_ns : 1);
		sn_nap += s[i].napped;
		vn_nap += v[i].napped;
		ats += s[i].ats;
		hits += s[i].atc_hits;
		pri += s[i].pri;
	}
	sva_loop = median_u64(sn, STEADY_REPS);
	vfio_loop = median_u64(vn, STEADY_REPS);
	snprintf(p, sizeof(p), "%dp", pages);
	out_row("steady", "op", "sva", p, run, median_u64(so, STEADY_REPS) / 1e3,
		"us", NULL);
	out_row("steady", "op", "vfio-type1", p, run,
		median_u64(vo, STEADY_REPS) / 1e3, "us", NULL);
	out_row("steady", "op", "ratio-vfio/sva", p, run,
		median_u64(ratio, STEADY_REPS) / 1e6, "x", NULL);
	out_row("steady", "ops", "sva", p, run,
		sva_loop > 0 ? 1e9 * ops / sva_loop : 0, "ops/s", NULL);
	out_row("steady", "ops", "vfio-type1", p, run,
		vfio_loop > 0 ? 1e9 * ops / vfio_loop : 0, "ops/s", NULL);
	ops *= STEADY_REPS;
	out_row("steady", "spin-out", "sva", p, run, (double)sn_nap / ops,
		"fraction", "operations that outlasted the spin");
	out_row("steady", "spin-out", "vfio-type1", p, run, (double)vn_nap / ops,
		"fraction", "operations that outlasted the spin");
	out_row("steady", "translation", "sva-ats", p, run,
		(double)ats / ops, "count", "per operation");
	out_row("steady", "translation", "sva-atc-hits", p, run,
		(double)hits / ops, "count", "per operation");
	out_row("steady", "translation", "sva-pri", p, run,
		(double)pri / ops, "count", "per operation");
}

/* Both paths' buffers for a working set: prefaulted, and mapped once. */
static int steady_bufs(struct steady_paths *p, int pages, struct buf *sb,
		       struct buf *vb)
{
	uint64_t len = (uint64_t)pages * PAGE_4K;
	int ret = buf_get(sb, len, BUF_FRESH, PAGES_4K);

	if (ret)
		return ret;
	ret = uiosva_prefault(sb->p, len, 1);
	if (ret) {
		ktest_diag("error: uiosva_prefault: %s", strerror(-ret));
		buf_put(sb);
		return ret;
	}
	ret = buf_get(vb, len, BUF_FRESH, PAGES_4K);
	ret = ret ? ret : vfio_map(&p->vfio, vb->p, STEADY_IOVA, len);
	if (ret) {
		buf_put(vb);
		buf_put(sb);
	}
	return ret;
}

/* One working set in one run: SVA and VFIO, the order given by @flip. */
static int steady_set_run(struct steady_paths *p, int pages, int ops,
			  int run, bool flip)
{
	struct steady_set ws = { &p->sva.regs, p->sva.pasid, 0, pages, 0 };
	struct steady_set wv = { &p->vfio.regs, TD_NO_PASID, STEADY_IOVA, pages, 0 };
	struct steady_sample s[STEADY_REPS], v[STEADY_REPS];
	struct buf sb, vb;
	int i, uret, ret = steady_bufs(p, pages, &sb, &vb);

	if (ret)
		return ret;
	ws.base = (uintptr_t)sb.p;
	/* warm-up, not reported: one pass over the working set each */
	ret = steady_pair(&ws, &wv, pages, false, &s[0], &v[0]);
	for (i = 0; i < STEADY_REPS && !ret; i++)
		ret = steady_pair(&ws, &wv, ops, (flip + i) % 2, &s[i], &v[i]);
	uret = vfio_unmap(&p->vfio, STEADY_IOVA, vb.len);
	ret = ret ? ret : uret;
	buf_put(&vb);
	buf_put(&sb);
	if (!ret)
		steady_emit(pages, run, ops, s, v);
	return ret;
}

static int steady_open(struct steady_paths *p, const struct pair *pr)
{
	return pair_open(pr, &p->sva, &p->vfio);
}

static int steady_run(struct bench *b, int run)
{
	struct pair pr = pair_for_run(b, run);
	struct steady_paths p;
	int i, ret = steady_open(&p, &pr);

	if (ret)
		return ret;
	for (i = 0; i < STEADY_NSETS && !ret; i++) {
		ret = steady_set_run(&p, steady_pages[i], steady_ops(b), run,
				     (run + i) % 2);
		if (ret)
			ktest_diag("error: steady %d pages, run %d failed",
				   steady_pages[i], run);
	}
	vfio_close(&p.vfio);
	sva_close(&p.sva);
	return ret;
}

int sec_steady(struct bench *b)
{
	int run, ret = b->ndev < 2 ? -ENODEV : 0;

	/* naps as short as asked: no 50 us timer slack */
	long slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = steady_run(b, run);
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	ktest_result(&b->t, !ret,
		     "steady state, %dx%d ops per path, polled: SVA prefaulted vs VFIO type1 mapped once, working sets 16/64/256 pages (ATC 64), %d runs",
		     STEADY_REPS, steady_ops(b), b->opt.runs);
	return 0;
}

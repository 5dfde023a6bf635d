// SPDX-License-Identifier: GPL-2.0
/*
 * sec_setup.c - setup cost per buffer, first DMA included.
 *
 * SVA: the device FILLs a new buffer at its virtual address; nothing else
 * (pages the buffer lacks arrive through PRI). VFIO type1: the same buffer
 * is mapped with VFIO_IOMMU_MAP_DMA (pins, programs the IOMMU), filled by
 * untagged DMA at its IOVA, and unmapped. Both wait for the completion
 * interrupt (MSI-X). Two buffer kinds: fresh (never touched) and touched
 * (the CPU wrote it before; what an application that already uses the
 * buffer has). A third kind, fresh-prefault, is the fresh buffer that the
 * application hands to uiosva_prefault() before the DMA: the SVA time
 * includes that call (what a careful SVA user pays instead of device
 * page faults); VFIO is the same as for fresh buffers.
 * Each size runs SVA and VFIO back to back, in alternating
 * order, several times per run where that is cheap (setup_reps()); a run
 * reports the medians of its repetitions and the median of its per-pair
 * ratios VFIO / SVA. Each run starts with an unreported warm-up pair.
 *
 * Rows: setup,<fresh|touched|fresh-prefault>,<variant>,<size>,run,value,unit
 *   variants sva, vfio-type1 (map + DMA + unmap), vfio-map, vfio-dma,
 *   vfio-unmap (us); sva-pri, sva-ats (count); ratio-vfio/sva (x);
 *   fresh-prefault only: sva-prefault (us, the uiosva_prefault() part of sva).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "testdev.h"
#include "uiosva.h"

/* Below the interrupt window (0xfee00000), above 1 GiB buffers' worth. */
#define VFIO_IOVA 0x40000000ull
#define SETUP_MAX_REPS 7

struct setup_paths {
	struct sva sva;
	struct vfio vfio;
	struct irq_path vfio_irq;
};

struct vfio_sample {
	uint64_t map;
	uint64_t dma;
	uint64_t unmap;
};

/* The buffers a size is measured with. */
enum setup_kind {
	SETUP_FRESH,		/* never touched */
	SETUP_TOUCHED,		/* the CPU wrote it */
	SETUP_PREFAULT,		/* never touched; SVA: uiosva_prefault() first */
};

static const char *kind_name(enum setup_kind kind)
{
	static const char *const names[] = { "fresh", "touched", "fresh-prefault" };

	return names[kind];
}

/* For VFIO a prefaulted buffer is a fresh one: it pins what it maps. */
static enum buf_kind buf_kind_of(enum setup_kind kind)
{
	static const enum buf_kind kinds[] = {
		[SETUP_FRESH] = BUF_FRESH,
		[SETUP_TOUCHED] = BUF_TOUCHED,
		[SETUP_PREFAULT] = BUF_PREFAULTED,
	};

	return kinds[kind];
}

static int setup_sva_one(struct setup_paths *p, uint64_t len,
			 enum setup_kind kind, struct sva_sample *r)
{
	return sva_fill_sample(&p->sva, len, buf_kind_of(kind), PAGES_DEFAULT,
			       r);
}

static int setup_vfio_one(struct setup_paths *p, uint64_t len,
			  enum setup_kind kind, struct vfio_sample *r)
{
	struct dma_job job = { .pasid = TD_NO_PASID, .dst = VFIO_IOVA,
			       .len = len, .irq = true };
	uint64_t t0;
	struct buf buf;
	int ret = buf_get(&buf, len, buf_kind_of(kind), PAGES_DEFAULT);

	if (ret)
		return ret;
	t0 = now_ns();
	ret = vfio_map(&p->vfio, buf.p, VFIO_IOVA, len);
	r->map = now_ns() - t0;
	if (!ret) {
		uint64_t t1;

		ret = dma_run(&p->vfio.regs, &p->vfio_irq, &job, &r->dma);
		t1 = now_ns();
		ret |= vfio_unmap(&p->vfio, VFIO_IOVA, len);
		r->unmap = now_ns() - t1;
	}
	buf_put(&buf);
	return ret;
}

static uint64_t med_of(uint64_t *v, int n)
{
	return (uint64_t)median_u64(v, n);
}

/*
 * One run's figures: the medians of its repetitions, and the median of
 * the per-repetition ratios (each repetition is one SVA/VFIO pair).
 */
static void setup_emit(enum setup_kind k, const char *size, int run, int reps,
		       const struct sva_sample *sr, const struct vfio_sample *v)
{
	uint64_t a[SETUP_MAX_REPS], m[SETUP_MAX_REPS], d[SETUP_MAX_REPS];
	uint64_t u[SETUP_MAX_REPS], pri[SETUP_MAX_REPS], ats[SETUP_MAX_REPS];
	uint64_t tot[SETUP_MAX_REPS], ratio[SETUP_MAX_REPS], pf[SETUP_MAX_REPS];
	const struct sva_sample *s;
	const char *kind = kind_name(k);
	int i;

	for (i = 0; i < reps; i++) {
		s = &sr[i];
		pf[i] = s->prefault;
		a[i] = s->ns;
		pri[i] = s->pri;
		ats[i] = s->ats;
		m[i] = v[i].map;
		d[i] = v[i].dma;
		u[i] = v[i].unmap;
		tot[i] = v[i].map + v[i].dma + v[i].unmap;
		ratio[i] = tot[i] * 1000000ull / (s->ns ? s->ns : 1);
	}
	out_row("setup", kind, "sva", size, run, med_of(a, reps) / 1e3, "us", NULL);
	if (k == SETUP_PREFAULT)
		out_row("setup", kind, "sva-prefault", size, run,
			med_of(pf, reps) / 1e3, "us", NULL);
	out_row("setup", kind, "sva-pri", size, run, median_u64(pri, reps), "count", NULL);
	out_row("setup", kind, "sva-ats", size, run, median_u64(ats, reps), "count", NULL);
	out_row("setup", kind, "vfio-type1", size, run, med_of(tot, reps) / 1e3, "us", NULL);
	out_row("setup", kind, "vfio-map", size, run, med_of(m, reps) / 1e3, "us", NULL);
	out_row("setup", kind, "vfio-dma", size, run, med_of(d, reps) / 1e3, "us", NULL);
	out_row("setup", kind, "vfio-unmap", size, run, med_of(u, reps) / 1e3, "us", NULL);
	out_row("setup", kind, "ratio-vfio/sva", size, run,
		median_u64(ratio, reps) / 1e6, "x", NULL);
}

/* One SVA/VFIO pair, the order alternating with @flip. */
static int setup_rep(struct setup_paths *p, uint64_t len, enum setup_kind kind,
		     bool flip, struct sva_sample *s, struct vfio_sample *v)
{
	int ret;

	if (!flip) {
		ret = setup_sva_one(p, len, kind, s);
		return ret ? ret : setup_vfio_one(p, len, kind, v);
	}
	ret = setup_vfio_one(p, len, kind, v);
	return ret ? ret : setup_sva_one(p, len, kind, s);
}

/* Repetitions for a size: more where a pair is cheap (and noisy). */
static int setup_reps(uint64_t len)
{
	uint64_t r = 16 * MiB / len;

	return r < 1 ? 1 : r > SETUP_MAX_REPS ? SETUP_MAX_REPS : (int)r;
}

/* One size in one run: @reps pairs, then the run's figures. */
static int setup_pair(struct setup_paths *p, uint64_t len, enum setup_kind kind,
		      int run, int idx)
{
	struct sva_sample s[SETUP_MAX_REPS];
	struct vfio_sample v[SETUP_MAX_REPS];
	int i, reps = setup_reps(len), ret = 0;
	char size[16];

	size_name(len, size, sizeof(size));
	for (i = 0; i < reps && !ret; i++)
		ret = setup_rep(p, len, kind, (run + idx + i) % 2, &s[i], &v[i]);
	if (ret) {
		ktest_diag("error: setup %s %s, run %d failed", kind_name(kind),
			   size, run);
		return ret;
	}
	setup_emit(kind, size, run, reps, s, v);
	return 0;
}

static int setup_open(struct setup_paths *p, const struct pair *pr)
{
	int ret = pair_open(pr, &p->sva, &p->vfio);

	if (ret)
		return ret;
	ret = vfio_irq_msix(&p->vfio, &p->vfio_irq);
	if (ret) {
		vfio_close(&p->vfio);
		sva_close(&p->sva);
	}
	return ret;
}

static void setup_close(struct setup_paths *p)
{
	vfio_close(&p->vfio);
	sva_close(&p->sva);
}

static int setup_run(struct bench *b, int run, enum setup_kind kind)
{
	struct pair pr = pair_for_run(b, run);
	struct setup_paths p;
	struct sva_sample ws;
	struct vfio_sample wv;
	int i, ret = setup_open(&p, &pr);

	if (ret)
		return ret;
	/* warm-up, not reported: first use of both paths in this binding */
	ret = setup_rep(&p, 64 * KiB, kind, false, &ws, &wv);
	for (i = 0; i < b->opt.setup_sizes.n && !ret; i++)
		ret = setup_pair(&p, b->opt.setup_sizes.v[i], kind, run, i);
	setup_close(&p);
	return ret;
}

static void setup_kind(struct bench *b, enum setup_kind kind)
{
	int run, ret = b->ndev < 2 ? -ENODEV : 0;

	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = setup_run(b, run, kind);
	ktest_result(&b->t, !ret,
		     "setup per buffer, %s buffers: SVA%s vs VFIO type1 map+DMA+unmap, %d runs",
		     kind == SETUP_PREFAULT ? "fresh" : kind_name(kind),
		     kind == SETUP_PREFAULT ? " with uiosva_prefault()" : "",
		     b->opt.runs);
}

int sec_setup(struct bench *b)
{
	setup_kind(b, SETUP_FRESH);
	setup_kind(b, SETUP_PREFAULT);
	setup_kind(b, SETUP_TOUCHED);
	if (iommufd_available()) {
		out_info("iommufd", "n/a (iommufd path not implemented)");
		ktest_skip(&b->t, "iommufd path not implemented",
			   "setup per buffer: iommufd");
	} else {
		out_info("iommufd", "n/a (kernel without IOMMUFD)");
		ktest_skip(&b->t, "kernel without IOMMUFD",
			   "setup per buffer: iommufd");
	}
	return 0;
}

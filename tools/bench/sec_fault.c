// SPDX-License-Identifier: GPL-2.0
/*
 * sec_fault.c - what one device page fault costs.
 *
 * For each size, a first-touch DMA (a fresh buffer: every page arrives by
 * a PRI page request) and a DMA into a prefaulted buffer (the CPU wrote
 * it: ATS translations only) run back to back, in alternating order,
 * several times per run for the smaller sizes (fault_reps()); a run reports
 * the medians of its repetitions. Each run starts with a warm-up pair.
 * (first-touch - prefaulted) / page requests is the cost of one device
 * fault; / (size / 4 KiB) the cost per 4 KiB of buffer. Two page sizes:
 * MADV_NOHUGEPAGE (one fault per 4 KiB page) and THP (2 MiB aligned, the
 * guest's "always" policy: one fault per 2 MiB).
 *
 * Rows: fault,<metric>,<4k|thp>,<size>,run,value,unit
 *   first-touch, prefaulted (us); first-touch-pri, prefaulted-pri,
 *   first-touch-ats (count); per-fault, per-4k-page (us);
 *   ratio-first/prefaulted (x).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "bench.h"

static const char *pages_name(enum buf_pages pages)
{
	return pages == PAGES_4K ? "4k" : "thp";
}

#define FAULT_MAX_REPS 7

/* Repetitions for a size: about 1 MiB (4 KiB pages) or 64 MiB (THP) a run. */
static int fault_reps(uint64_t len, enum buf_pages pages)
{
	uint64_t r = (pages == PAGES_4K ? 1 * MiB : 64 * MiB) / len;

	return r < 1 ? 1 : r > FAULT_MAX_REPS ? FAULT_MAX_REPS : (int)r;
}

struct fault_meds {
	double first, pre;		/* us */
	double first_pri, pre_pri, first_ats, pre_ats;
	double per_fault, per_page;	/* us */
	double ratio;
	bool faults;			/* page requests happened */
};

/* The run's figures: medians over the repetitions (per pair for ratios). */
static void fault_medians(const struct sva_sample *f, const struct sva_sample *p,
			  int reps, uint64_t len, struct fault_meds *m)
{
	uint64_t v[6][FAULT_MAX_REPS], pf[FAULT_MAX_REPS], pp[FAULT_MAX_REPS];
	uint64_t ratio[FAULT_MAX_REPS];
	int i, nf = 0;

	for (i = 0; i < reps; i++) {
		int64_t extra = (int64_t)f[i].ns - (int64_t)p[i].ns;
		uint64_t faults = f[i].pri - p[i].pri;

		v[0][i] = f[i].ns;
		v[1][i] = p[i].ns;
		v[2][i] = f[i].pri;
		v[3][i] = p[i].pri;
		v[4][i] = f[i].ats;
		v[5][i] = p[i].ats;
		/* negative differences count as 0 (noise larger than the faults) */
		pp[i] = extra > 0 ? (uint64_t)extra * 1000 / (len / PAGE_4K) : 0;
		if (faults)
			pf[nf++] = extra > 0 ? (uint64_t)extra * 1000 / faults : 0;
		ratio[i] = f[i].ns * 1000000ull / (p[i].ns ? p[i].ns : 1);
	}
	m->first = median_u64(v[0], reps) / 1e3;
	m->pre = median_u64(v[1], reps) / 1e3;
	m->first_pri = median_u64(v[2], reps);
	m->pre_pri = median_u64(v[3], reps);
	m->first_ats = median_u64(v[4], reps);
	m->pre_ats = median_u64(v[5], reps);
	m->faults = nf > 0;
	m->per_fault = median_u64(pf, nf) / 1e6;
	m->per_page = median_u64(pp, reps) / 1e6;
	m->ratio = median_u64(ratio, reps) / 1e6;
}

static void fault_emit(const char *pg, const char *size, int run,
		       const struct fault_meds *m)
{
	out_row("fault", "first-touch", pg, size, run, m->first, "us", NULL);
	out_row("fault", "prefaulted", pg, size, run, m->pre, "us", NULL);
	out_row("fault", "first-touch-pri", pg, size, run, m->first_pri, "count", NULL);
	out_row("fault", "prefaulted-pri", pg, size, run, m->pre_pri, "count", NULL);
	out_row("fault", "first-touch-ats", pg, size, run, m->first_ats, "count", NULL);
	out_row("fault", "prefaulted-ats", pg, size, run, m->pre_ats, "count", NULL);
	if (m->faults)
		out_row("fault", "per-fault", pg, size, run, m->per_fault, "us", NULL);
	out_row("fault", "per-4k-page", pg, size, run, m->per_page, "us", NULL);
	out_row("fault", "ratio-first/prefaulted", pg, size, run, m->ratio, "x", NULL);
}

/* One first-touch / prefaulted pair, the order alternating with @flip. */
static int fault_rep(struct sva *s, uint64_t len, enum buf_pages pages,
		     bool flip, struct sva_sample *first,
		     struct sva_sample *pre)
{
	int ret;

	if (!flip) {
		ret = sva_fill_sample(s, len, BUF_FRESH, pages, first);
		return ret ? ret : sva_fill_sample(s, len, BUF_TOUCHED, pages, pre);
	}
	ret = sva_fill_sample(s, len, BUF_TOUCHED, pages, pre);
	return ret ? ret : sva_fill_sample(s, len, BUF_FRESH, pages, first);
}

static int fault_pair(struct sva *s, uint64_t len, enum buf_pages pages,
		      int run, int idx)
{
	struct sva_sample first[FAULT_MAX_REPS], pre[FAULT_MAX_REPS];
	int i, reps = fault_reps(len, pages), ret = 0;
	struct fault_meds m;
	char size[16];

	size_name(len, size, sizeof(size));
	for (i = 0; i < reps && !ret; i++)
		ret = fault_rep(s, len, pages, (run + idx + i) % 2, &first[i],
				&pre[i]);
	if (ret) {
		ktest_diag("error: fault %s %s, run %d failed", pages_name(pages),
			   size, run);
		return ret;
	}
	fault_medians(first, pre, reps, len, &m);
	fault_emit(pages_name(pages), size, run, &m);
	return 0;
}

static int fault_run(struct bench *b, int run, enum buf_pages pages,
		     const struct size_list *sizes)
{
	struct pair pr = pair_for_run(b, run);
	struct sva_sample wf, wp;
	struct sva s;
	int i, ret = drv_bind(pr.sva, DRV_SVA);

	ret = ret ? ret : sva_open(&s, pr.sva);
	if (ret)
		return ret;
	/* warm-up, not reported */
	ret = fault_rep(&s, 64 * KiB, pages, false, &wf, &wp);
	for (i = 0; i < sizes->n && !ret; i++)
		ret = fault_pair(&s, sizes->v[i], pages, run, i);
	sva_close(&s);
	return ret;
}

static void fault_pages(struct bench *b, enum buf_pages pages,
			const struct size_list *sizes)
{
	int run, ret = b->ndev < 2 ? -ENODEV : 0;

	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = fault_run(b, run, pages, sizes);
	ktest_result(&b->t, !ret,
		     "device page faults (%s pages): first-touch vs prefaulted DMA, %d runs",
		     pages == PAGES_4K ? "4 KiB" : "2 MiB THP", b->opt.runs);
}

int sec_fault(struct bench *b)
{
	fault_pages(b, PAGES_4K, &b->opt.fault_4k);
	fault_pages(b, PAGES_THP, &b->opt.fault_thp);
	return 0;
}

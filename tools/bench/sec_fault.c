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
 * Pipelined page requests: the device keeps up to PRI_DEPTH page requests
 * in flight (Documentation/uio-sva-testdev.rst; its default, 16, is the
 * PRI allocation Linux enables). The same first-touch / prefaulted pairs
 * run at PRI_DEPTH 1, 4 and 16 on one buffer size (256 KiB with --smoke,
 * else 1 MiB; 4 KiB pages) and on 4 MiB of THP, the depths in rotating
 * order; the figures above run at the device's default depth.
 *
 * Kernel share of a fault: after the timed pairs of a run, first-touch DMAs
 * at each depth run again with the guest's tracepoints on
 * (intel_iommu:prq_report, intel_iommu:qi_submit, and irq:irq_handler_entry
 * of the page-request interrupt, when it can be filtered). Per page request
 * (matched by PASID and page request group index) the kernel's part runs
 * from prq_report (the PRQ thread has read the descriptor and queued the
 * fault) to the qi_submit of its page group response (after the I/O
 * page-fault handler: handle_mm_fault). The time during which at least one
 * fault is in that part, per fault, is the kernel's share; the rest of the
 * traced per-fault time is the transport (the device worker, the vIOMMU's
 * queues and registers, interrupt injection, the PRQ thread's wake-up,
 * vCPU scheduling). The interrupt's entry to the next prq_report is
 * reported on its own (irq-to-report) and counts in the rest. The traced
 * DMA repeats like the timed pairs; a run reports medians.
 *
 * Rows: fault,<metric>,<4k|thp|4k-depthN|thp-depthN>,<size>,run,value,unit
 *   first-touch, prefaulted (us); first-touch-pri, prefaulted-pri,
 *   first-touch-ats (count); per-fault, per-4k-page (us);
 *   ratio-first/prefaulted (x).
 * and for the depth variants only (the traced DMAs):
 *   kernel-latency (us: prq_report to page group response, mean per
 *   request), kernel-per-fault (us: kernel busy time / faults),
 *   handler-per-fault (us: run time of the IOPF queue's work items, which
 *   call handle_mm_fault and send the response, / faults),
 *   rest-per-fault (us), traced-per-fault (us), kernel-share (%),
 *   irq-to-report (us: PRQ interrupt entry to the next prq_report, mean),
 *   traced-requests (count: requests matched to their response),
 *   traced-early-responses (count: responses traced before the report).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "bench.h"
#include "pcicfg.h"
#include "testdev.h"

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

/* ------------------------------------------------ pipelined page requests */

/* PRI_DEPTH values: one request at a time, 4, Linux's allocation (16). */
static const uint32_t fault_depths[] = { 1, 4, 16 };
#define FAULT_NDEPTHS 3
#define FAULT_DEPTH_DEFAULT 16	/* the device's reset value */

/* 64 (smoke) or 256 faults per DMA */
static uint64_t depth_len(const struct bench *b)
{
	return b->opt.smoke ? 256 * KiB : 1 * MiB;
}

/* THP: two 2 MiB pages; a batch asks for up to 16 of their 4 KiB pages */
#define DEPTH_THP_LEN (4 * MiB)

static int depth_set(struct sva *s, uint32_t depth)
{
	uint32_t got;

	td_w32(&s->regs, TD_PRI_DEPTH, depth);
	got = td_r32(&s->regs, TD_PRI_DEPTH);
	if (got == depth)
		return 0;
	ktest_diag("error: %s: PRI_DEPTH reads %u after writing %u (a device without pipelined page requests?)",
		   s->regs.name, got, depth);
	return -EIO;
}

/* What the OS allocated in the PRI capability (bounds the depth). */
static void depth_info(const char *bdf)
{
	int pri = pcicfg_find_ext_cap(bdf, PCICFG_EXT_PRI);
	uint32_t cap = 0, alloc = 0;

	if (pri < 0 || pcicfg_read(bdf, (unsigned int)pri + 0x08, 4, &cap) ||
	    pcicfg_read(bdf, (unsigned int)pri + 0x0c, 4, &alloc))
		out_info("pri-outstanding", "%s: PRI capability not readable", bdf);
	else
		out_info("pri-outstanding", "%s: allocation %u of capacity %u",
			 bdf, alloc, cap);
}

/* ------------------------------------------------------- ftrace */

#define TRACEFS "/sys/kernel/tracing"
#define PRGI_N 512

static int trace_write(const char *file, const char *val)
{
	char path[BENCH_PATH_MAX];
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	err = n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

static void trace_fini(void)
{
	trace_write("tracing_on", "0");
	trace_write("events/intel_iommu/prq_report/enable", "0");
	trace_write("events/intel_iommu/qi_submit/enable", "0");
	trace_write("events/irq/irq_handler_entry/enable", "0");
	trace_write("events/irq/irq_handler_entry/filter", "0");
	trace_write("events/workqueue/workqueue_execute_start/enable", "0");
	trace_write("events/workqueue/workqueue_execute_end/enable", "0");
	trace_write("trace_clock", "local");
	trace_write("trace", "");
}

/* tracefs, the two intel_iommu tracepoints, the PRQ interrupt if it can. */
static int trace_init(void)
{
	int ret;

	if (access(TRACEFS "/trace", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return sys_fail("mount tracefs on", TRACEFS);
	ret = trace_write("tracing_on", "0");
	ret = ret ? ret : trace_write("current_tracer", "nop");
	ret = ret ? ret : trace_write("buffer_size_kb", "4096");
	/* one clock for every CPU: a request and its response may be on two */
	if (trace_write("trace_clock", "mono") && trace_write("trace_clock", "global"))
		out_info("fault-trace", "trace_clock: neither mono nor global, per-CPU local");
	if (ret) {
		ktest_diag("error: %s: cannot set up the trace buffer: %s",
			   TRACEFS, strerror(-ret));
		return ret;
	}
	ret = trace_write("events/intel_iommu/prq_report/enable", "1");
	ret = ret ? ret : trace_write("events/intel_iommu/qi_submit/enable", "1");
	if (ret) {
		ktest_diag("error: no tracepoints intel_iommu:prq_report and qi_submit: %s",
			   strerror(-ret));
		trace_fini();
		return ret;
	}
	/* optional: the IOPF queue's work items */
	if (trace_write("events/workqueue/workqueue_execute_start/enable", "1") ||
	    trace_write("events/workqueue/workqueue_execute_end/enable", "1"))
		out_info("fault-trace", "workqueue events: IOPF work items not traced");
	/* optional: the page-request interrupt ("dmarN-prq") */
	if (trace_write("events/irq/irq_handler_entry/filter", "name ~ \"*prq*\"") ||
	    trace_write("events/irq/irq_handler_entry/enable", "1"))
		out_info("fault-trace", "irq:irq_handler_entry not filtered: interrupt entry not traced");
	trace_write("trace", "");
	return 0;
}

/* The kernel's part of the faults of one traced DMA (seconds). */
struct kshare {
	uint64_t reports, matched, irqs;
	uint64_t early;		/* responses traced before their report */
	uint64_t handlers;	/* IOPF work items traced */
	double handler;		/* sum: their run time */
	double lat;		/* sum over requests: prq_report to response */
	double busy;		/* some fault between report and response */
	double irq_lead;	/* sum: interrupt entry to the next prq_report */
};

/* The timestamp of the trace line @line whose event name starts at @ev. */
static double trace_time(const char *line, const char *ev)
{
	const char *p = ev;

	while (p > line && p[-1] != ' ')
		p--;
	return strtod(p, NULL);
}

enum kev { KEV_NONE, KEV_IRQ, KEV_REPORT, KEV_RESP, KEV_WQ_START, KEV_WQ_END };

#define WQ_START ": workqueue_execute_start: work struct "
#define WQ_END ": workqueue_execute_end: work struct "

/* A work item of the IOPF queue (iommu_sva_handle_iopf in 7.x) starts or ends. */
static enum kev trace_work(const char *line, unsigned long long *work, double *t)
{
	const char *ev = strstr(line, WQ_START);
	enum kev kind = KEV_WQ_START;
	char fn[64];

	if (!ev) {
		ev = strstr(line, WQ_END);
		kind = KEV_WQ_END;
	}
	if (!ev || sscanf(ev + strlen(kind == KEV_WQ_START ? WQ_START : WQ_END),
			  "%llx: function %63s", work, fn) != 2 ||
	    !strstr(fn, "iopf"))
		return KEV_NONE;
	*t = trace_time(line, ev);
	return kind;
}

/*
 * One trace line: its kind, and the request's group index for PASID @pasid
 * or the work item.
 */
static enum kev trace_event(const char *line, uint32_t pasid, unsigned int *idx,
			    unsigned long long *work, double *t)
{
	unsigned long long qw0, qw1;
	unsigned int pas;
	const char *ev;

	if ((ev = strstr(line, ": prq_report: "))) {
		const char *p = strstr(ev, " pasid=");

		if (!p || sscanf(p, " pasid=%x index=%x", &pas, idx) != 2 ||
		    pas != pasid)
			return KEV_NONE;
		*t = trace_time(line, ev);
		return KEV_REPORT;
	}
	if ((ev = strstr(line, ": qi_submit: page_grp_resp "))) {
		if (sscanf(ev, ": qi_submit: page_grp_resp %*s %llx %llx", &qw0,
			   &qw1) != 2 || ((qw0 >> 32) & 0xfffff) != pasid)
			return KEV_NONE;
		*idx = (qw1 >> 3) & (PRGI_N - 1);
		*t = trace_time(line, ev);
		return KEV_RESP;
	}
	if ((ev = strstr(line, ": irq_handler_entry: ")) && strstr(ev, "prq")) {
		*t = trace_time(line, ev);
		return KEV_IRQ;
	}
	return trace_work(line, work, t);
}

#define WORK_OPEN 64

/* Work items running: the start of each, by address. */
struct work_open {
	unsigned long long work[WORK_OPEN];
	double t[WORK_OPEN];
	int n;
};

static void work_event(struct work_open *w, enum kev kind,
		       unsigned long long work, double t, struct kshare *k)
{
	int i;

	for (i = 0; i < w->n && w->work[i] != work; i++)
		;
	if (kind == KEV_WQ_START) {
		if (i == w->n && w->n < WORK_OPEN)
			w->n++;
		if (i < WORK_OPEN) {
			w->work[i] = work;
			w->t[i] = t;
		}
	} else if (i < w->n) {
		if (t > w->t[i])
			k->handler += t - w->t[i];
		k->handlers++;
		w->n--;
		w->work[i] = w->work[w->n];
		w->t[i] = w->t[w->n];
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Time covered by at least one of the @n intervals [@from[i], @to[i]]
 * (@to[i] >= @from[i]); sorts @from and @to independently: the union's
 * length is a sweep over the start and end points.
 */
static double union_length(double *from, double *to, int n)
{
	double total = 0, start = 0;
	int i = 0, j = 0, open_n = 0;

	qsort(from, (size_t)n, sizeof(*from), cmp_double);
	qsort(to, (size_t)n, sizeof(*to), cmp_double);
	while (j < n) {
		if (i < n && from[i] <= to[j]) {
			if (open_n++ == 0)
				start = from[i];
			i++;
		} else {
			if (--open_n == 0)
				total += to[j] - start;
			j++;
		}
	}
	return total;
}

/*
 * Read the trace buffer. A request and its response pair by group index
 * (each used once per DMA: the device counts them up modulo 512), in
 * whatever order the lines come: the IOPF worker may answer on the other
 * CPU before the PRQ thread reaches its tracepoint, and then the fault
 * counts as 0 in the kernel (its true start is not traced).
 */
static int trace_parse(uint32_t pasid, struct kshare *k)
{
	static double rep_t[PRGI_N], resp_t[PRGI_N], from[PRGI_N], to[PRGI_N];
	static bool has_rep[PRGI_N], has_resp[PRGI_N];
	struct work_open wo = { .n = 0 };
	unsigned long long work = 0;
	double t = 0, irq_t = 0;
	bool irq_pending = false;
	char *line = NULL;
	size_t cap = 0;
	unsigned int idx = 0;
	int i, n = 0;
	FILE *f;

	memset(k, 0, sizeof(*k));
	memset(has_rep, 0, sizeof(has_rep));
	memset(has_resp, 0, sizeof(has_resp));
	f = fopen(TRACEFS "/trace", "re");
	if (!f)
		return sys_fail("fopen", TRACEFS "/trace");
	while (getline(&line, &cap, f) > 0) {
		enum kev kind = trace_event(line, pasid, &idx, &work, &t);

		if (kind == KEV_WQ_START || kind == KEV_WQ_END) {
			work_event(&wo, kind, work, t, k);
		} else if (kind == KEV_IRQ) {
			irq_t = t;
			irq_pending = true;
		} else if (kind == KEV_REPORT) {
			if (irq_pending && t >= irq_t) {
				k->irqs++;
				k->irq_lead += t - irq_t;
			}
			irq_pending = false;
			k->reports++;
			has_rep[idx] = true;
			rep_t[idx] = t;
		} else if (kind == KEV_RESP) {
			has_resp[idx] = true;
			resp_t[idx] = t;
		}
	}
	free(line);
	fclose(f);
	for (i = 0; i < PRGI_N; i++) {
		if (!has_rep[i] || !has_resp[i])
			continue;
		from[n] = rep_t[i];
		to[n] = resp_t[i] > rep_t[i] ? resp_t[i] : rep_t[i];
		k->early += resp_t[i] < rep_t[i];
		k->lat += to[n] - from[n];
		n++;
	}
	k->matched = (uint64_t)n;
	k->busy = union_length(from, to, n);
	return 0;
}

/* One first-touch DMA with the tracepoints on. */
static int traced_fill(struct sva *s, uint64_t len, enum buf_pages pages,
		       struct sva_sample *r, struct kshare *k)
{
	int ret = trace_write("trace", "");

	ret = ret ? ret : trace_write("tracing_on", "1");
	if (ret)
		return ret;
	ret = sva_fill_sample(s, len, BUF_FRESH, pages, r);
	trace_write("tracing_on", "0");
	return ret ? ret : trace_parse(s->pasid, k);
}

/* The figures of one traced DMA, in kshare_names order. */
enum {
	KS_LAT, KS_KERN, KS_HANDLER, KS_REST, KS_PER, KS_SHARE, KS_IRQ,
	KS_MATCHED, KS_EARLY, KS_N
};

static const char *const kshare_names[KS_N] = {
	"kernel-latency", "kernel-per-fault", "handler-per-fault", "rest-per-fault",
	"traced-per-fault", "kernel-share", "irq-to-report", "traced-requests",
	"traced-early-responses",
};

static const char *const kshare_units[KS_N] = {
	"us", "us", "us", "us", "us", "%", "us", "count", "count",
};

/* @pre_us: the run's prefaulted median at this depth; @v in thousandths. */
static void kshare_figures(const struct sva_sample *r, double pre_us,
			   const struct kshare *k, uint64_t v[KS_N])
{
	double extra = r->ns / 1e3 - pre_us;	/* us the faults cost */
	double faults = r->pri ? (double)r->pri : 1;
	double kern = k->busy * 1e6 / faults;
	double per = extra > 0 ? extra / faults : 0;

	v[KS_LAT] = k->matched ? k->lat * 1e9 / k->matched : 0;
	v[KS_KERN] = kern * 1e3;
	v[KS_HANDLER] = k->handler * 1e9 / faults;
	v[KS_REST] = per > kern ? (per - kern) * 1e3 : 0;
	v[KS_PER] = per * 1e3;
	v[KS_SHARE] = extra > 0 ? 1e3 * 100 * k->busy * 1e6 / extra : 0;
	v[KS_IRQ] = k->irqs ? k->irq_lead * 1e9 / k->irqs : 0;
	v[KS_MATCHED] = k->matched * 1000;
	v[KS_EARLY] = k->early * 1000;
}

/* The traced DMAs of one run at one depth; *@traced false: not all traced. */
static int kshare_depth(struct sva *s, uint64_t len, enum buf_pages pages,
			int reps, int run, uint32_t depth, double pre_us,
			bool *traced)
{
	uint64_t v[KS_N][FAULT_MAX_REPS], one[KS_N];
	char variant[32], size[16];
	bool irqs = true, handlers = true;
	int i, j, ret = depth_set(s, depth);

	for (i = 0; i < reps && !ret; i++) {
		struct sva_sample r;
		struct kshare k;

		ret = traced_fill(s, len, pages, &r, &k);
		if (ret)
			break;
		kshare_figures(&r, pre_us, &k, one);
		for (j = 0; j < KS_N; j++)
			v[j][i] = one[j];
		irqs = irqs && k.irqs;
		handlers = handlers && k.handlers;
		if (!k.matched || k.matched + k.matched / 10 < r.pri) {
			ktest_diag("error: depth %u: %llu of %llu page requests traced to their response",
				   depth, (unsigned long long)k.matched,
				   (unsigned long long)r.pri);
			*traced = false;
		}
	}
	if (ret)
		return ret;
	snprintf(variant, sizeof(variant), "%s-depth%u",
		 pages == PAGES_THP ? "thp" : "4k", depth);
	size_name(len, size, sizeof(size));
	for (j = 0; j < KS_N; j++)
		if ((j != KS_IRQ || irqs) && (j != KS_HANDLER || handlers))
			out_row("fault", kshare_names[j], variant, size, run,
				median_u64(v[j], reps) / 1e3, kshare_units[j],
				NULL);
	return 0;
}

struct depth_samples {
	struct sva_sample first[FAULT_NDEPTHS][FAULT_MAX_REPS];
	struct sva_sample pre[FAULT_NDEPTHS][FAULT_MAX_REPS];
};

/* The timed pairs of one run, each repetition at every depth. */
static int depth_pairs(struct sva *s, uint64_t len, enum buf_pages pages,
		       int reps, int run, struct depth_samples *d)
{
	int i, j, ret = 0;

	for (i = 0; i < reps && !ret; i++) {
		for (j = 0; j < FAULT_NDEPTHS && !ret; j++) {
			int k = (run + i + j) % FAULT_NDEPTHS;

			ret = depth_set(s, fault_depths[k]);
			ret = ret ? ret : fault_rep(s, len, pages,
						    (run + i + j) % 2,
						    &d->first[k][i], &d->pre[k][i]);
		}
	}
	return ret;
}

/* *@traced: the kernel share was measured at every depth. */
static int depth_run(struct bench *b, int run, bool trace, bool *traced)
{
	struct pair pr = pair_for_run(b, run);
	uint64_t len = depth_len(b);
	int k, reps = fault_reps(len, PAGES_4K);
	struct depth_samples d;
	double pre_us[FAULT_NDEPTHS], thp_pre_us[FAULT_NDEPTHS];
	struct sva_sample wf, wp;
	char size[16], thp_size[16], variant[32];
	struct fault_meds m;
	struct sva s;
	int thp_reps, ret = drv_bind(pr.sva, DRV_SVA);

	ret = ret ? ret : sva_open(&s, pr.sva);
	if (ret)
		return ret;
	if (run == 0)
		depth_info(pr.sva);
	size_name(len, size, sizeof(size));
	/* warm-up, not reported */
	ret = depth_set(&s, FAULT_DEPTH_DEFAULT);
	ret = ret ? ret : fault_rep(&s, 64 * KiB, PAGES_4K, false, &wf, &wp);
	ret = ret ? ret : depth_pairs(&s, len, PAGES_4K, reps, run, &d);
	for (k = 0; k < FAULT_NDEPTHS && !ret; k++) {
		fault_medians(d.first[k], d.pre[k], reps, len, &m);
		snprintf(variant, sizeof(variant), "4k-depth%u", fault_depths[k]);
		fault_emit(variant, size, run, &m);
		pre_us[k] = m.pre;
	}
	/* THP: the look-ahead asks for 4 KiB pages of one 2 MiB page */
	thp_reps = fault_reps(DEPTH_THP_LEN, PAGES_THP);
	ret = ret ? ret : depth_pairs(&s, DEPTH_THP_LEN, PAGES_THP, thp_reps,
				      run, &d);
	for (k = 0; k < FAULT_NDEPTHS && !ret; k++) {
		fault_medians(d.first[k], d.pre[k], thp_reps, DEPTH_THP_LEN, &m);
		snprintf(variant, sizeof(variant), "thp-depth%u", fault_depths[k]);
		fault_emit(variant, size_name(DEPTH_THP_LEN, thp_size,
					      sizeof(thp_size)), run, &m);
		thp_pre_us[k] = m.pre;
	}
	*traced = trace && !ret;
	if (*traced) {
		/* warm-up, not reported: the trace buffer's first use */
		struct sva_sample r;
		struct kshare ks;

		ret = traced_fill(&s, 64 * KiB, PAGES_4K, &r, &ks);
	}
	for (k = 0; k < FAULT_NDEPTHS && *traced && !ret; k++)
		ret = kshare_depth(&s, len, PAGES_4K, reps, run,
				   fault_depths[k], pre_us[k], traced);
	for (k = 0; k < FAULT_NDEPTHS && *traced && !ret; k++)
		ret = kshare_depth(&s, DEPTH_THP_LEN, PAGES_THP, thp_reps, run,
				   fault_depths[k], thp_pre_us[k], traced);
	if (ret) {
		ktest_diag("error: fault depths, run %d failed", run);
		*traced = false;
	}
	depth_set(&s, FAULT_DEPTH_DEFAULT);
	sva_close(&s);
	return ret;
}

static void fault_depths_section(struct bench *b)
{
	int run, ret = b->ndev < 2 ? -ENODEV : 0;
	bool trace = !ret && !trace_init(), traced = trace;

	for (run = 0; run < b->opt.runs && !ret; run++) {
		bool ok = false;

		ret = depth_run(b, run, trace, &ok);
		traced = traced && ok;
	}
	if (trace)
		trace_fini();
	ktest_result(&b->t, !ret,
		     "device page faults (4 KiB pages and THP): first-touch at 1, 4 and 16 outstanding page requests, %d runs",
		     b->opt.runs);
	ktest_result(&b->t, !ret && traced,
		     "kernel share of a device page fault (ftrace: prq_report to page group response), %d runs",
		     b->opt.runs);
}

int sec_fault(struct bench *b)
{
	fault_pages(b, PAGES_4K, &b->opt.fault_4k);
	fault_pages(b, PAGES_THP, &b->opt.fault_thp);
	fault_depths_section(b);
	return 0;
}

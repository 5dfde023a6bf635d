// SPDX-License-Identifier: GPL-2.0
/*
 * sec_scale.c - N processes, each with its own test device and PASID,
 * each running back-to-back DMA (a FILL of a buffer it wrote before,
 * completion by interrupt) for a fixed time; aggregate completions per
 * second. All processes bind (PASID allocation) before any starts, and
 * start together. N runs through 1, 2, 4, ... up to the devices present
 * (ascending in even runs, descending in odd ones); efficiency is
 * aggregate(N) / (N * aggregate(1)) of the same run.
 *
 * Rows: scale,<ops-per-s|efficiency|pasids>,<aggregate|per-process|distinct>,
 *       N=<n>,run,value,unit
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

struct scale_ready {
	int32_t err;
	uint32_t pasid;
};

struct scale_result {
	int32_t err;
	uint32_t completions;	/* the device's COMPLETIONS delta */
	uint64_t ops;
	uint64_t ns;
};

struct scale_pipes {
	int ready[2];
	int go[2];
	int result[2];
};

struct scale_job {
	const char *bdf;
	uint64_t len;
	int ms;
};

static int scale_loop(struct sva *s, const struct scale_job *j,
		      struct scale_result *r)
{
	struct dma_job job = { .pasid = s->pasid, .len = j->len, .irq = true };
	struct dev_stats a, z;
	uint64_t t0, end, ns;
	struct buf buf;
	int ret = buf_get(&buf, j->len, BUF_TOUCHED, PAGES_DEFAULT);

	if (ret)
		return ret;
	job.dst = (uintptr_t)buf.p;
	td_get_stats(&s->regs, &a);
	t0 = now_ns();
	end = t0 + (uint64_t)j->ms * 1000000ull;
	while (!ret && now_ns() < end) {
		ret = dma_run(&s->regs, &s->irq, &job, &ns);
		r->ops += !ret;
	}
	r->ns = now_ns() - t0;
	td_get_stats(&s->regs, &z);
	r->completions = z.completions - a.completions;
	buf_put(&buf);
	return ret;
}

/* The child: bind, say so, wait for the start, work, report. */
static int scale_child(const struct scale_job *j, struct scale_pipes *p)
{
	struct scale_ready rd = { 0 };
	struct scale_result r = { 0 };
	struct sva s;
	char c;

	close(p->go[1]);
	close(p->ready[0]);
	close(p->result[0]);
	rd.err = sva_open(&s, j->bdf);
	rd.pasid = rd.err ? 0 : s.pasid;
	if (write(p->ready[1], &rd, sizeof(rd)) != (ssize_t)sizeof(rd) || rd.err)
		return 1;
	if (read(p->go[0], &c, 1) < 0)
		r.err = -errno;
	if (!r.err)
		r.err = scale_loop(&s, j, &r);
	sva_close(&s);
	if (write(p->result[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
		return 1;
	return r.err ? 1 : 0;
}

static int scale_pipes_open(struct scale_pipes *p)
{
	if (pipe(p->ready) || pipe(p->go) || pipe(p->result))
		return sys_fail("pipe", "scale");
	return 0;
}

static void scale_pipes_close(struct scale_pipes *p)
{
	int *fds[] = { p->ready, p->go, p->result };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (fds[i][0] >= 0)
			close(fds[i][0]);
		if (fds[i][1] >= 0)
			close(fds[i][1]);
		fds[i][0] = fds[i][1] = -1;
	}
}

static int scale_spawn(struct bench *b, int n, struct scale_pipes *p,
		       pid_t *pids)
{
	struct scale_job j = { .len = b->opt.scale_len, .ms = b->opt.scale_ms };
	int i;

	fflush(stdout);
	for (i = 0; i < n; i++) {
		j.bdf = b->bdf[i];
		pids[i] = fork();
		if (pids[i] < 0)
			return sys_fail("fork", j.bdf);
		if (pids[i] == 0) {
			int rc = scale_child(&j, p);

			fflush(stdout);
			_exit(rc);
		}
	}
	return 0;
}

/* Read @n ready records; all must have bound, with distinct PASIDs. */
static int scale_collect_ready(int fd, int n, int *distinct)
{
	uint32_t seen[BENCH_MAX_DEVS];
	struct scale_ready rd;
	int i, k, ret = 0;

	*distinct = 0;
	for (i = 0; i < n; i++) {
		if (read(fd, &rd, sizeof(rd)) != (ssize_t)sizeof(rd))
			return -EIO;
		ret = ret ? ret : rd.err;
		for (k = 0; k < *distinct && seen[k] != rd.pasid; k++)
			;
		if (k == *distinct)
			seen[(*distinct)++] = rd.pasid;
	}
	if (!ret && *distinct != n) {
		ktest_diag("error: %d processes got %d distinct PASIDs", n,
			   *distinct);
		ret = -EINVAL;
	}
	return ret;
}

static int scale_collect(int fd, int n, double *agg)
{
	struct scale_result r;
	int i, ret = 0;

	*agg = 0;
	for (i = 0; i < n; i++) {
		if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			return -EIO;
		ret = ret ? ret : r.err;
		if (!r.err && r.completions != (uint32_t)r.ops) {
			ktest_diag("error: %llu DMAs done, device counted %u",
				   (unsigned long long)r.ops, r.completions);
			ret = -EIO;
		}
		*agg += (double)r.ops * 1e9 / (double)r.ns;
	}
	return ret;
}

static int scale_reap(pid_t *pids, int n)
{
	int i, status, ret = 0;

	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ret = -EIO;
	}
	return ret;
}

/* One measurement with @n processes: aggregate DMA completions/s. */
static int scale_once(struct bench *b, int n, int run, double *agg)
{
	struct scale_pipes p = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	pid_t pids[BENCH_MAX_DEVS] = { 0 };
	int distinct = 0, ret = scale_pipes_open(&p);
	char param[16];

	ret = ret ? ret : scale_spawn(b, n, &p, pids);
	close(p.ready[1]);
	close(p.result[1]);
	p.ready[1] = p.result[1] = -1;
	ret = ret ? ret : scale_collect_ready(p.ready[0], n, &distinct);
	close(p.go[1]);			/* start: every child reads EOF */
	p.go[1] = -1;
	ret = ret ? ret : scale_collect(p.result[0], n, agg);
	ret |= scale_reap(pids, n);
	scale_pipes_close(&p);
	if (ret) {
		ktest_diag("error: scale with %d processes, run %d failed", n, run);
		return ret;
	}
	snprintf(param, sizeof(param), "N=%d", n);
	out_row("scale", "ops-per-s", "aggregate", param, run, *agg, "ops/s", NULL);
	out_row("scale", "ops-per-s", "per-process", param, run, *agg / n, "ops/s", NULL);
	out_row("scale", "pasids", "distinct", param, run, distinct, "count", NULL);
	return 0;
}

static int scale_ns(const struct bench *b, int *ns)
{
	int max = b->ndev < b->opt.scale_max ? b->ndev : b->opt.scale_max;
	int n, k = 0;

	for (n = 1; n <= max; n *= 2)
		ns[k++] = n;
	return k;
}

static int scale_run(struct bench *b, int run)
{
	int ns[8], k = scale_ns(b, ns), i, ret = 0;
	double agg[8] = { 0 };
	char param[16];

	for (i = 0; i < k && !ret; i++) {
		int idx = run % 2 ? k - 1 - i : i;

		ret = scale_once(b, ns[idx], run, &agg[idx]);
	}
	for (i = 0; i < k && !ret; i++) {
		snprintf(param, sizeof(param), "N=%d", ns[i]);
		out_row("scale", "efficiency", "aggregate", param, run,
			agg[i] / (ns[i] * agg[0]), "x", NULL);
	}
	return ret;
}

int sec_scale(struct bench *b)
{
	int i, run, ret = b->ndev < 1 ? -ENODEV : 0;
	int max = b->ndev < b->opt.scale_max ? b->ndev : b->opt.scale_max;

	for (i = 0; i < max && !ret; i++)
		ret = drv_bind(b->bdf[i], DRV_SVA);
	for (run = 0; run < b->opt.runs && !ret; run++)
		ret = scale_run(b, run);
	ktest_result(&b->t, !ret,
		     "scale: up to %d processes, one device and PASID each, %d runs of %d ms",
		     max, b->opt.runs, b->opt.scale_ms);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_run.c - one operation: program the registers the profile names,
 * ring the doorbell, wait for completion by interrupt or by polling.
 */
#include <errno.h>
#include <time.h>

#include "dma.h"

#define SPIN_READS 200
#define MAX_SLEEP_US 1000
#define ABORT_WAIT_MS 1000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Finished: not busy, done or error set, and a new completion counted. */
static int finished(struct dma_dev *d, uint64_t base, bool *fin)
{
	const struct profile *p = d->prof;
	uint64_t st, n;
	int rc;

	rc = reg_read_quiet(d, REG_STATUS, &st);
	if (rc)
		return rc;
	*fin = (!p->status[ST_BUSY].line || !(st & p->status[ST_BUSY].value))
	       && (st & (p->status[ST_DONE].value | p->status[ST_ERROR].value));
	if (*fin && reg_has(d, REG_COMPLETIONS)) {
		rc = reg_read_quiet(d, REG_COMPLETIONS, &n);
		*fin = !rc && n != base;
	}
	return rc;
}

static int wait_poll(struct dma_dev *d, uint64_t base, uint64_t deadline,
		     bool *fin)
{
	unsigned sleep_us = 10;

	for (int i = 0;; i++) {
		int rc = finished(d, base, fin);

		if (rc || *fin || now_ns() >= deadline)
			return rc;
		if (i < SPIN_READS)
			continue;
		d->cli->sys->sleep_us(d->cli->sys->arg, sleep_us);
		if (sleep_us < MAX_SLEEP_US)
			sleep_us *= 2;
	}
}

static int ack_irq(struct dma_dev *d)
{
	if (!reg_has(d, REG_IRQ_STATUS))
		return 0;
	return reg_write(d, REG_IRQ_STATUS, d->prof->irq_ack_value.value);
}

static int wait_irq(struct dma_job *job, uint64_t base, uint64_t deadline,
		    bool *fin)
{
	struct dma_dev *d = job->d;
	bool got_irq;

	for (;;) {
		uint64_t now = now_ns();
		int rc = uiosva_irq_wait(d->dev, now >= deadline ? 0 :
				     (int)((deadline - now + 999999) / 1000000),
				     NULL);
		if (rc == -EINTR)
			continue;
		if (rc && rc != -ETIMEDOUT) {
			cli_errorf(d->cli, "%s",
				   uiosva_last_error(d->dev)->msg);
			return RC_FAIL;
		}
		got_irq = !rc;
		if (finished(d, base, fin))
			return RC_FAIL;
		if (*fin && got_irq) {
			job->res.by_irq = true;
			return ack_irq(d);
		}
		if (*fin || !got_irq) {
			/* Done without an interrupt, or not done at all. */
			job->res.irq_missing = *fin;
			return 0;
		}
		/* Shared or stale interrupt: acknowledge, re-enable, wait. */
		if (ack_irq(d) || uiosva_irq_unmask(d->dev))
			return RC_FAIL;
	}
}

/* Enable the completion interrupt, or make sure it is off. */
static int setup_irq(struct dma_job *job)
{
	struct dma_dev *d = job->d;
	int rc;

	if (!job->use_irq)
		return reg_has(d, REG_IRQ_ENABLE) ?
			reg_write(d, REG_IRQ_ENABLE, 0) : 0;
	rc = ack_irq(d);
	if (!rc)
		rc = reg_write(d, REG_IRQ_ENABLE,
			       d->prof->irq_enable_value.value);
	if (!rc && uiosva_irq_unmask(d->dev)) {
		cli_errorf(d->cli, "%s", uiosva_last_error(d->dev)->msg);
		rc = RC_FAIL;
	}
	return rc;
}

static int program(struct dma_job *job)
{
	struct dma_dev *d = job->d;
	enum prof_op op = job->o->op;
	int rc;

	rc = reg_write(d, REG_PASID, job->pasid);
	if (!rc && op != OP_FILL)
		rc = reg_write(d, REG_SRC, (uint64_t)(uintptr_t)job->src.data);
	if (!rc && op != OP_CHECKSUM)
		rc = reg_write(d, REG_DST, (uint64_t)(uintptr_t)job->dst.data);
	if (!rc)
		rc = reg_write(d, REG_LEN, job->o->size);
	if (!rc && op == OP_FILL)
		rc = reg_write(d, REG_PATTERN, job->pattern);
	if (!rc)
		rc = reg_write(d, REG_OP, d->prof->ops[op].value);
	return rc;
}

/* After a timeout: abort if the profile says how, wait a little. */
static void try_abort(struct dma_job *job, uint64_t base)
{
	struct dma_dev *d = job->d;
	bool fin = false;

	if (!reg_has(d, REG_CTRL) || !d->prof->abort_value.line)
		return;
	if (reg_write(d, REG_CTRL, d->prof->abort_value.value))
		return;
	if (!wait_poll(d, base, now_ns() + ABORT_WAIT_MS * 1000000ull, &fin))
		job->res.aborted = fin;
}

static int read_results(struct dma_job *job)
{
	struct dma_dev *d = job->d;
	struct dma_result *r = &job->res;
	int rc;

	rc = reg_read(d, REG_STATUS, &r->status);
	if (!rc && reg_has(d, REG_ERROR))
		rc = reg_read(d, REG_ERROR, &r->error);
	if (!rc && reg_has(d, REG_FAULT_ADDR))
		rc = reg_read(d, REG_FAULT_ADDR, &r->fault_addr);
	if (!rc && job->o->op == OP_CHECKSUM)
		rc = reg_read(d, REG_RESULT, &r->result);
	if (!rc && reg_has(d, REG_PAGE_REQUESTS)) {
		uint64_t now;

		/* page_requests holds the count before the doorbell */
		rc = reg_read(d, REG_PAGE_REQUESTS, &now);
		r->page_requests = now - r->page_requests;
	}
	return rc;
}

int dma_execute(struct dma_job *job)
{
	struct dma_dev *d = job->d;
	uint64_t base = 0, t0, deadline;
	bool fin = false;
	int rc;

	rc = setup_irq(job);
	if (!rc && reg_has(d, REG_COMPLETIONS))
		rc = reg_read(d, REG_COMPLETIONS, &base);
	if (!rc && reg_has(d, REG_PAGE_REQUESTS))
		rc = reg_read(d, REG_PAGE_REQUESTS, &job->res.page_requests);
	if (!rc)
		rc = program(job);
	if (rc)
		return rc;
	t0 = now_ns();
	deadline = t0 + (uint64_t)job->o->timeout_ms * 1000000ull;
	rc = reg_write(d, REG_DOORBELL, d->prof->doorbell_value.value);
	if (!rc)
		rc = job->use_irq ? wait_irq(job, base, deadline, &fin) :
				    wait_poll(d, base, deadline, &fin);
	job->res.elapsed_ns = now_ns() - t0;
	if (rc)
		return rc;
	if (!fin) {
		job->res.timed_out = true;
		reg_read(d, REG_STATUS, &job->res.stuck_status);
		try_abort(job, base);
	}
	return read_results(job);
}

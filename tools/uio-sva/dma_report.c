// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_report.c - judging one operation: timeout, device error, data
 * mismatch or success, each with its message and exit status.
 */
#include <stdio.h>
#include <strings.h>

#include "dma.h"

/* "#1 copy 64 KiB 0x7f0000001000 -> 0x7f0000011000" */
static void describe(const struct dma_job *job, char *buf, size_t size)
{
	char len[32];

	format_size(job->o->size, len, sizeof(len));
	switch (job->o->op) {
	case OP_FILL:
		snprintf(buf, size, "#%lu fill %s at %p", job->iter + 1, len,
			 (void *)job->dst.data);
		break;
	case OP_COPY:
		snprintf(buf, size, "#%lu copy %s %p -> %p", job->iter + 1,
			 len, (void *)job->src.data, (void *)job->dst.data);
		break;
	default:
		snprintf(buf, size, "#%lu checksum %s at %p", job->iter + 1,
			 len, (void *)job->src.data);
		break;
	}
}

/* " (offset 4096 in the destination)" when the fault is in a buffer. */
static void fault_place(const struct dma_job *job, char *buf, size_t size)
{
	uint64_t a = job->res.fault_addr;
	uint64_t s = (uint64_t)(uintptr_t)job->src.data;
	uint64_t d = (uint64_t)(uintptr_t)job->dst.data;

	buf[0] = '\0';
	if (job->dst.data && a >= d && a - d < job->o->size)
		snprintf(buf, size, " (offset %llu in the destination)",
			 (unsigned long long)(a - d));
	else if (job->src.data && a >= s && a - s < job->o->size)
		snprintf(buf, size, " (offset %llu in the source)",
			 (unsigned long long)(a - s));
}

static int device_error(struct dma_job *job, const char *what)
{
	const struct prof_error *e = prof_find_error(job->d->prof,
						     job->res.error);
	const char *name = e ? e->name : "UNKNOWN";
	char fault[128] = "";

	if (reg_has(job->d, REG_FAULT_ADDR)) {
		char place[64];

		fault_place(job, place, sizeof(place));
		snprintf(fault, sizeof(fault), " at fault address 0x%llx%s",
			 (unsigned long long)job->res.fault_addr, place);
	}
	if (job->o->expect_error && !strcasecmp(name, job->o->expect_error)) {
		if (!job->o->quiet)
			fprintf(job->d->cli->out, "%s: failed as expected: "
				"device error %llu %s%s\n", what,
				(unsigned long long)job->res.error, name,
				fault);
		return RC_OK;
	}
	cli_errorf(job->d->cli, "%s: device error %llu %s%s%s%s%s", what,
		   (unsigned long long)job->res.error, name,
		   e && e->desc[0] ? " (" : "", e && e->desc[0] ? e->desc : "",
		   e && e->desc[0] ? ")" : "", fault);
	if (job->o->expect_error)
		cli_hintf(job->d->cli, "expected error %s",
			  job->o->expect_error);
	return RC_DEVERR;
}

static int timed_out(struct dma_job *job, const char *what)
{
	cli_errorf(job->d->cli, "%s: no completion within %ld ms (status "
		   "0x%llx)%s", what, job->o->timeout_ms,
		   (unsigned long long)job->res.stuck_status,
		   job->res.aborted ? "; the operation was aborted" : "");
	cli_hintf(job->d->cli, "raise --timeout; 'dmesg' shows I/O page "
		  "faults the IOMMU could not serve");
	return RC_TIMEOUT;
}

static int no_interrupt(struct dma_job *job, const char *what)
{
	cli_errorf(job->d->cli, "%s: the device completed, but no interrupt "
		   "arrived within %ld ms", what, job->o->timeout_ms);
	cli_hintf(job->d->cli, "check the device's interrupt (dmesg, "
		  "/proc/interrupts); --poll does without it");
	return RC_TIMEOUT;
}

static void success(struct dma_job *job, const char *what)
{
	FILE *out = job->d->cli->out;

	if (job->o->quiet)
		return;
	fprintf(out, "%s: done in %.3f ms (%s)", what,
		(double)job->res.elapsed_ns / 1e6,
		job->res.by_irq ? "interrupt" : "polling");
	if (job->o->op == OP_CHECKSUM)
		fprintf(out, ", result 0x%016llx",
			(unsigned long long)job->res.result);
	if (reg_has(job->d, REG_PAGE_REQUESTS))
		fprintf(out, ", %llu page requests served",
			(unsigned long long)job->res.page_requests);
	fprintf(out, ", %llu bytes verified\n",
		(unsigned long long)job->o->size);
}

int dma_report(struct dma_job *job)
{
	const struct profile *p = job->d->prof;
	char what[160], msg[256];

	describe(job, what, sizeof(what));
	if (job->res.timed_out)
		return timed_out(job, what);
	if (job->res.irq_missing)
		return no_interrupt(job, what);
	if (job->res.status & p->status[ST_ERROR].value)
		return device_error(job, what);
	if (!(job->res.status & p->status[ST_DONE].value)) {
		cli_errorf(job->d->cli, "%s: status 0x%llx says neither done "
			   "nor error", what,
			   (unsigned long long)job->res.status);
		return RC_FAIL;
	}
	if (job->o->expect_error) {
		cli_errorf(job->d->cli, "%s: succeeded, but error %s was "
			   "expected", what, job->o->expect_error);
		return RC_MISMATCH;
	}
	if (job->src.kind == BUF_UNMAPPED || job->dst.kind == BUF_UNMAPPED) {
		cli_errorf(job->d->cli, "%s: the device reported success on "
			   "an unmapped buffer", what);
		return RC_MISMATCH;
	}
	if (verify_data(job, msg, sizeof(msg))) {
		cli_errorf(job->d->cli, "%s: data mismatch: %s", what, msg);
		return RC_MISMATCH;
	}
	success(job, what);
	return RC_OK;
}

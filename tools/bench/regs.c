// SPDX-License-Identifier: GPL-2.0
/*
 * regs.c - the test device's BAR0 registers (Documentation/uio-sva-testdev.rst)
 * through a plain mapping, the same accessors for every driver, so that
 * register access costs the same on every path. The accessors and the
 * programming sequence are the guest tests' (testdev.h, td_mmio_*); this
 * file adapts them to the benchmark's struct tdev, dma_job and dev_stats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "bench.h"
#include "testdev.h"

uint32_t td_r32(const struct tdev *d, unsigned int off)
{
	return td_mmio_r32(d->bar0, off);
}

uint64_t td_r64(const struct tdev *d, unsigned int off)
{
	return td_mmio_r64(d->bar0, off);
}

void td_w32(const struct tdev *d, unsigned int off, uint32_t v)
{
	td_mmio_w32(d->bar0, off, v);
}

void td_w64(const struct tdev *d, unsigned int off, uint64_t v)
{
	td_mmio_w64(d->bar0, off, v);
}

int td_check_id(const struct tdev *d)
{
	uint32_t id = td_r32(d, TD_ID);

	if (id == TD_ID_VALUE)
		return 0;
	ktest_diag("error: %s: BAR0 ID reads 0x%08x, not 0x%08x", d->name, id,
		   TD_ID_VALUE);
	return -ENODEV;
}

/* Program a FILL of @job; the doorbell is separate, for timing. */
void td_program(const struct tdev *d, const struct dma_job *job)
{
	struct td_job j = {
		.pasid = job->pasid,
		.op = TD_OP_FILL,
		.dst = job->dst,
		.len = job->len,
		.pattern = 0x0123456789abcdefull,
		.irq = job->irq,
	};

	td_mmio_program(d->bar0, &j);
}

void td_doorbell(const struct tdev *d)
{
	td_mmio_doorbell(d->bar0);
}

/* After completion: 0 if the last operation succeeded, else -EIO. */
int td_result(const struct tdev *d, const char *what)
{
	uint32_t status = td_r32(d, TD_STATUS);
	uint32_t error = td_r32(d, TD_ERROR);

	if (td_status_ok(status, error))
		return 0;
	ktest_diag("error: %s on %s: status 0x%x error %u fault 0x%llx", what,
		   d->name, status, error,
		   (unsigned long long)td_r64(d, TD_FAULT_ADDR));
	return -EIO;
}

void td_get_stats(const struct tdev *d, struct dev_stats *s)
{
	struct td_stats t;

	td_mmio_stats(d->bar0, &t);
	s->ats = t.ats;
	s->pri = t.pri;
	s->completions = td_r32(d, TD_COMPLETIONS);
}

/*
 * Run @job to its completion interrupt on @irq; *@ns is the time from the
 * first register write to the return of read(). The interrupt is
 * acknowledged in the device (and unmasked) before returning.
 */
int dma_run(const struct tdev *d, const struct irq_path *irq,
	    const struct dma_job *job, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	int ret;

	td_program(d, job);
	td_doorbell(d);
	ret = irq_wait_timeout(irq, 300000);
	*ns = now_ns() - t0;
	if (!ret)
		ret = td_result(d, "DMA");
	if (!ret)
		ret = irq_rearm(irq, d);
	return ret;
}

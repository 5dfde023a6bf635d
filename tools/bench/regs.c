// SPDX-License-Identifier: GPL-2.0
/*
 * regs.c - the test device's BAR0 registers (Documentation/uio-sva-testdev.rst)
 * through a plain mapping, the same accessors for every driver, so that
 * register access costs the same on every path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "bench.h"
#include "testdev.h"

static void mmio_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

uint32_t td_r32(const struct tdev *d, unsigned int off)
{
	uint32_t v = *(volatile uint32_t *)(d->bar0 + off);

	mmio_barrier();
	return v;
}

uint64_t td_r64(const struct tdev *d, unsigned int off)
{
	uint64_t v = *(volatile uint64_t *)(d->bar0 + off);

	mmio_barrier();
	return v;
}

void td_w32(const struct tdev *d, unsigned int off, uint32_t v)
{
	mmio_barrier();
	*(volatile uint32_t *)(d->bar0 + off) = v;
}

void td_w64(const struct tdev *d, unsigned int off, uint64_t v)
{
	mmio_barrier();
	*(volatile uint64_t *)(d->bar0 + off) = v;
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
	td_w32(d, TD_PASID, job->pasid);
	td_w64(d, TD_DST, job->dst);
	td_w64(d, TD_LEN, job->len);
	td_w64(d, TD_PATTERN, 0x0123456789abcdefull);
	td_w32(d, TD_OP, TD_OP_FILL);
	td_w32(d, TD_IRQ_EN, job->irq ? 1 : 0);
}

void td_doorbell(const struct tdev *d)
{
	td_w32(d, TD_DOORBELL, 1);
}

/* After completion: 0 if the last operation succeeded, else -EIO. */
int td_result(const struct tdev *d, const char *what)
{
	uint32_t status = td_r32(d, TD_STATUS);
	uint32_t error = td_r32(d, TD_ERROR);

	if ((status & TD_STATUS_DONE) && !(status & TD_STATUS_ERROR) && !error)
		return 0;
	ktest_diag("error: %s on %s: status 0x%x error %u fault 0x%llx", what,
		   d->name, status, error,
		   (unsigned long long)td_r64(d, TD_FAULT_ADDR));
	return -EIO;
}

void td_get_stats(const struct tdev *d, struct dev_stats *s)
{
	s->ats = td_r64(d, TD_ATS_REQUESTS);
	s->pri = td_r64(d, TD_PRI_REQUESTS);
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

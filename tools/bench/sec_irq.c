// SPDX-License-Identifier: GPL-2.0
/*
 * sec_irq.c - interrupt to user space: doorbell write to the return of
 * read(), with a zero-length operation (the device completes it at once
 * and raises its interrupt).
 *
 * Paths: uio_pci_sva (MSI-X, read() of /dev/uioX), uio_pci_generic
 * (INTx, read() of /dev/uioX; it has no MSI support), VFIO MSI-X eventfd
 * and VFIO INTx eventfd (VFIO_DEVICE_SET_IRQS), each on the same kind of
 * device. Each alternative runs interleaved with uio_pci_sva, iteration
 * by iteration, on the other device of the pair; ratios use the
 * uio_pci_sva median of the same block. "cycle" adds what the path needs
 * before the next interrupt: acknowledge in the device and, for INTx,
 * unmask (a config space write for uio_pci_generic, an ioctl for VFIO).
 *
 * The process runs on CPU 0. The zero-length operation completes inside
 * the doorbell write, so where the interrupt goes decides what is
 * measured: "same-cpu" (both devices' interrupts routed to CPU 0: the
 * interrupt is taken right after the doorbell, read() finds it counted)
 * and "other-cpu" (routed to CPU 1: the reader blocks in read() and is
 * woken from the other CPU). Both run in every run, in alternating order,
 * after a few unrecorded warm-up iterations.
 *
 * Rows: irq,<latency|cycle>,<path>,<same-cpu|other-cpu>,run,us and
 *       irq,<latency|cycle>,ratio-<path>/uio_pci_sva-msix,<cpu>,run,x
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "testdev.h"

#define SVA_PATH "uio_pci_sva-msix"
#define IRQ_WARMUP 5
#define BENCH_CPU 0		/* where the process runs */

struct irq_dev {
	const char *name;	/* the path's name in the rows */
	const struct tdev *regs;
	const struct irq_path *irq;
	uint64_t *lat;
	uint64_t *cycle;
};

/* A zero-length FILL with the completion interrupt, programmed once. */
static void irq_prepare(const struct tdev *d, uint32_t pasid)
{
	struct dma_job job = { .pasid = pasid, .len = 0, .irq = true };

	td_program(d, &job);
	td_w32(d, TD_IRQ_STATUS, 1);
}

static int irq_once(struct irq_dev *dv, int i)
{
	uint64_t t0 = now_ns(), t1;
	int ret;

	td_doorbell(dv->regs);
	ret = irq_wait(dv->irq);
	t1 = now_ns();
	ret = ret ? ret : irq_rearm(dv->irq, dv->regs);
	if (i >= 0) {		/* negative: warm-up */
		dv->lat[i] = t1 - t0;
		dv->cycle[i] = now_ns() - t0;
	}
	return ret;
}

static void irq_emit(const struct irq_dev *sva, const struct irq_dev *alt,
		     int n, int run, const char *cpu)
{
	double sl = median_u64(sva->lat, n) / 1e3;
	double sc = median_u64(sva->cycle, n) / 1e3;
	double al = median_u64(alt->lat, n) / 1e3;
	double ac = median_u64(alt->cycle, n) / 1e3;
	char ratio[96];

	snprintf(ratio, sizeof(ratio), "ratio-%s/%s", alt->name, SVA_PATH);
	out_row("irq", "latency", alt->name, cpu, run, al, "us", NULL);
	out_row("irq", "cycle", alt->name, cpu, run, ac, "us", NULL);
	out_row("irq", "latency", ratio, cpu, run, al / sl, "x", NULL);
	out_row("irq", "cycle", ratio, cpu, run, ac / sc, "x", NULL);
	/* the SVA row of this block, paired with @alt */
	snprintf(ratio, sizeof(ratio), "%s(vs-%s)", SVA_PATH, alt->name);
	out_row("irq", "latency", ratio, cpu, run, sl, "us", NULL);
	out_row("irq", "cycle", ratio, cpu, run, sc, "us", NULL);
}

static int irq_alloc(struct irq_dev *dv, int n)
{
	dv->lat = calloc((size_t)n, sizeof(uint64_t));
	dv->cycle = calloc((size_t)n, sizeof(uint64_t));
	return dv->lat && dv->cycle ? 0 : -ENOMEM;
}

static void irq_free(struct irq_dev *dv)
{
	free(dv->lat);
	free(dv->cycle);
}

/* @n iterations, SVA and @alt interleaved; one row set per run. */
static int irq_block(struct irq_dev *sva, struct irq_dev *alt, int n, int run,
		     const char *cpu)
{
	int i, ret = irq_alloc(sva, n) | irq_alloc(alt, n);

	ret = ret ? ret : watchdog_arm(60);
	for (i = -IRQ_WARMUP; i < n && !ret; i++) {
		if (i % 2 == 0) {
			ret = irq_once(sva, i);
			ret = ret ? ret : irq_once(alt, i);
		} else {
			ret = irq_once(alt, i);
			ret = ret ? ret : irq_once(sva, i);
		}
	}
	watchdog_disarm();
	if (!ret)
		irq_emit(sva, alt, n, run, cpu);
	else
		ktest_diag("error: interrupts %s vs %s (%s), run %d, iteration %d",
			   SVA_PATH, alt->name, cpu, run, i);
	irq_free(sva);
	irq_free(alt);
	return ret;
}

/* One run's SVA side and where the pair sits. */
struct irq_run {
	struct bench *b;
	struct irq_dev sva;
	struct pair pr;
	int run;
	int ncpu;		/* CPU placements measured: 1 or 2 */
};

static const char *cpu_name(int placement)
{
	return placement ? "other-cpu" : "same-cpu";
}

/* @alt against SVA with the interrupts on CPU 0, then on CPU 1. */
static int irq_placements(struct irq_run *r, struct irq_dev *alt)
{
	int k, ret = 0;

	for (k = 0; k < r->ncpu && !ret; k++) {
		int placement = (r->run + k) % r->ncpu;
		int cpu = placement ? BENCH_CPU + 1 : BENCH_CPU;

		ret = drv_irq_route(r->pr.sva, cpu);
		ret = ret ? ret : drv_irq_route(r->pr.alt, cpu);
		ret = ret ? ret : irq_block(&r->sva, alt, r->b->opt.irq_iters,
					    r->run, cpu_name(placement));
	}
	return ret;
}

static int irq_vs_generic(struct irq_run *r)
{
	struct irq_dev alt = { .name = "uio_pci_generic-intx" };
	struct generic g;
	int ret = drv_bind(r->pr.alt, DRV_GENERIC);

	ret = ret ? ret : generic_open(&g, r->pr.alt);
	if (ret)
		return ret;
	irq_prepare(&g.regs, TD_NO_PASID);
	alt.regs = &g.regs;
	alt.irq = &g.irq;
	ret = irq_placements(r, &alt);
	generic_close(&g);
	return ret;
}

static int irq_vs_vfio(struct irq_run *r)
{
	struct irq_dev msix = { .name = "vfio-msix-eventfd" };
	struct irq_dev intx = { .name = "vfio-intx-eventfd" };
	struct irq_path p;
	struct vfio v;
	int ret = drv_bind(r->pr.alt, DRV_VFIO);

	ret = ret ? ret : vfio_open(&v, r->pr.alt);
	if (ret)
		return ret;
	irq_prepare(&v.regs, TD_NO_PASID);
	msix.regs = intx.regs = &v.regs;
	msix.irq = intx.irq = &p;
	ret = vfio_irq_msix(&v, &p);
	ret = ret ? ret : irq_placements(r, &msix);
	ret = ret ? ret : vfio_irq_intx(&v, &p);
	ret = ret ? ret : irq_placements(r, &intx);
	vfio_close(&v);
	return ret;
}

static int irq_run(struct bench *b, int run, bool *fail)
{
	struct irq_run r = { .b = b, .sva = { .name = SVA_PATH }, .run = run,
			     .pr = pair_for_run(b, run),
			     .ncpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1 };
	struct sva s;
	int ret = drv_bind(r.pr.sva, DRV_SVA);

	ret = ret ? ret : sva_open(&s, r.pr.sva);
	if (ret)
		return ret;
	irq_prepare(&s.regs, s.pasid);
	r.sva.regs = &s.regs;
	r.sva.irq = &s.irq;
	fail[0] |= irq_vs_generic(&r) != 0;
	fail[1] |= irq_vs_vfio(&r) != 0;
	sva_close(&s);
	return 0;
}

/* Run on @cpu only (< 0: on every CPU). */
static int pin_cpu(int cpu)
{
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		if (cpu < 0 || i == cpu)
			CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return sys_fail("sched_setaffinity", "self");
	return 0;
}

int sec_irq(struct bench *b)
{
	bool fail[2] = { b->ndev < 2, b->ndev < 2 };
	int run;

	fail[0] |= pin_cpu(BENCH_CPU) != 0;
	for (run = 0; run < b->opt.runs && !fail[0] && !fail[1]; run++)
		fail[0] |= irq_run(b, run, fail) != 0;
	pin_cpu(-1);
	ktest_result(&b->t, !fail[0],
		     "interrupt latency: uio_pci_sva MSI-X vs uio_pci_generic INTx, %d x %d",
		     b->opt.runs, b->opt.irq_iters);
	ktest_result(&b->t, !fail[1],
		     "interrupt latency: uio_pci_sva MSI-X vs VFIO MSI-X and INTx eventfds, %d x %d",
		     b->opt.runs, b->opt.irq_iters);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * uio-sva-bench - what SVA costs and saves, against the paths a user would
 * pick instead, in one boot of a QEMU guest with uio-sva-testdev devices.
 *
 * Usage: uio-sva-bench [--smoke] [--runs N] [--only SECTION[+SECTION...]]
 *
 *   --smoke    small sizes, few runs, two devices (CI)
 *   --runs N   runs per figure (default 7; 3 with --smoke)
 *   --only     setup, fault, irq, open, scale, steady, inval, mem (default: all)
 *
 * It moves the test devices between uio_pci_sva, vfio-pci and
 * uio_pci_generic (driver_override); vfio-pci, vfio_iommu_type1 and
 * uio_pci_generic must be loaded. Output: KTAP, with one BENCHCSV row per
 * run of every figure and BENCHINFO lines (see bench.h). Exit status 0
 * when every measurement ran, 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "calib.h"
#include "sysfs.h"
#include "testdev.h"

struct section {
	const char *name;
	unsigned int bit;
	int cases;		/* KTAP cases the section reports */
	int (*run)(struct bench *b);
};

/* The sections in the order they run; *@n gets their number. */
static const struct section *section_table(int *n)
{
	static const struct section table[] = {
		{ "setup", SEC_SETUP, 4, sec_setup },
		{ "fault", SEC_FAULT, 4, sec_fault },
		{ "irq", SEC_IRQ, 2, sec_irq },
		{ "open", SEC_OPEN, 3, sec_open },
		{ "scale", SEC_SCALE, 1, sec_scale },
		{ "steady", SEC_STEADY, 1, sec_steady },
		{ "inval", SEC_INVAL, 2, sec_inval },
		{ "mem", SEC_MEM, 1, sec_mem },
	};

	*n = (int)(sizeof(table) / sizeof(table[0]));
	return table;
}

static void sizes_set(struct size_list *l, int n, const uint64_t *v)
{
	l->n = n;
	memcpy(l->v, v, (size_t)n * sizeof(*v));
}

static void opts_full(struct bench_opts *o)
{
	static const uint64_t setup[] = { 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 256 * MiB };
	static const uint64_t f4k[] = { 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 16 * MiB };
	static const uint64_t fthp[] = { 4 * MiB, 16 * MiB, 64 * MiB, 256 * MiB };
	static const uint64_t inval[] = { 64 * KiB, 1 * MiB, 16 * MiB };

	sizes_set(&o->setup_sizes, 5, setup);
	sizes_set(&o->fault_4k, 5, f4k);
	sizes_set(&o->fault_thp, 4, fthp);
	sizes_set(&o->inval_sizes, 3, inval);
	sizes_set(&o->mem_sizes, 3, inval);
	o->runs = 7;
	o->irq_iters = 200;
	o->open_iters = 40;
	o->open_fresh = 10;
	o->open_vfio = 3;	/* each costs two FLRs; see README (TCG stall) */
	o->scale_max = BENCH_MAX_DEVS;
	o->scale_ms = 3000;
}

static void opts_smoke(struct bench_opts *o)
{
	static const uint64_t setup[] = { 4 * KiB, 64 * KiB, 1 * MiB };
	static const uint64_t f4k[] = { 64 * KiB, 256 * KiB };
	static const uint64_t fthp[] = { 4 * MiB };
	static const uint64_t inval[] = { 64 * KiB, 1 * MiB };
	static const uint64_t mem[] = { 64 * KiB, 1 * MiB, 4 * MiB };

	sizes_set(&o->setup_sizes, 3, setup);
	sizes_set(&o->fault_4k, 2, f4k);
	sizes_set(&o->fault_thp, 1, fthp);
	sizes_set(&o->inval_sizes, 2, inval);
	sizes_set(&o->mem_sizes, 3, mem);
	o->smoke = true;
	o->runs = 3;
	o->irq_iters = 30;
	o->open_iters = 10;
	o->open_fresh = 3;
	o->open_vfio = 2;
	o->scale_max = 2;
	o->scale_ms = 1000;
}

static int parse_only(const char *arg, unsigned int *bits)
{
	char buf[128], *tok, *save = NULL;
	int i, nsec;
	const struct section *sections = section_table(&nsec);

	snprintf(buf, sizeof(buf), "%s", arg);
	*bits = 0;
	for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		for (i = 0; i < nsec && strcmp(sections[i].name, tok); i++)
			;
		if (i == nsec) {
			fprintf(stderr, "uio-sva-bench: unknown section '%s'\n", tok);
			return -EINVAL;
		}
		*bits |= sections[i].bit;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lo[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "only", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int c, runs = 0;

	memset(o, 0, sizeof(*o));
	o->sections = SEC_ALL;
	o->scale_len = 64 * KiB;
	opts_full(o);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 's')
			opts_smoke(o);
		else if (c == 'r')
			runs = atoi(optarg);
		else if (c != 'o' || parse_only(optarg, &o->sections))
			return -EINVAL;
	}
	if (runs > 0)
		o->runs = runs;
	return optind == argc && o->runs > 0 ? 0 : -EINVAL;
}

static void find_devices(struct bench *b)
{
	for (b->ndev = 0; b->ndev < BENCH_MAX_DEVS; b->ndev++)
		if (td_find(b->ndev, b->bdf[b->ndev], BENCH_BDF_MAX))
			break;
}

/* The clock the timings use; a switch during the run would show here. */
static void print_clocksource(const char *key)
{
	char cs[64] = "";

	sysfs_read("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		   cs, sizeof(cs));
	out_info(key, "%s", cs);
}

static void print_info(const struct bench *b)
{
	struct utsname u;
	char thp[128] = "";
	int i;

	uname(&u);
	sysfs_read("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof(thp));
	out_info("kernel", "%s", u.release);
	out_info("thp", "%s", thp);
	out_info("cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	out_info("mode", "%s", b->opt.smoke ? "smoke" : "full");
	out_info("runs", "%d", b->opt.runs);
	out_info("devices", "%d", b->ndev);
	for (i = 0; i < b->ndev; i++)
		out_info("device", "%s", b->bdf[i]);
	out_info("libuiosva", "%s", uiosva_version());
	print_clocksource("clocksource");
}

static int plan_cases(const struct bench *b)
{
	int i, n, plan = 0;
	const struct section *sections = section_table(&n);

	for (i = 0; i < n; i++)
		plan += (b->opt.sections & sections[i].bit) ? sections[i].cases : 0;
	return plan;
}

static void run_sections(struct bench *b)
{
	int i, n;
	const struct section *sections = section_table(&n);
	uint64_t t0;

	for (i = 0; i < n; i++) {
		if (!(b->opt.sections & sections[i].bit))
			continue;
		calib_before(sections[i].name);
		t0 = now_ns();
		sections[i].run(b);
		out_info("section-seconds", "%s %.1f", sections[i].name,
			 (double)(now_ns() - t0) / 1e9);
	}
}

int main(int argc, char **argv)
{
	struct bench b;

	memset(&b, 0, sizeof(b));
	if (parse_opts(argc, argv, &b.opt)) {
		fprintf(stderr, "usage: uio-sva-bench [--smoke] [--runs N] [--only setup+fault+irq+open+scale+steady+inval+mem]\n");
		return 2;
	}
	ktest_plan(&b.t, plan_cases(&b));
	find_devices(&b);
	print_info(&b);
	if (b.ndev < 2)
		ktest_diag("error: %d test devices (1234:5356); the comparisons need 2",
			   b.ndev);
	run_sections(&b);
	print_clocksource("clocksource-end");
	return ktest_finish(&b.t);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * out.c - time, CSV rows for the host, small statistics, messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One run of one figure; the host groups rows by everything but run. */
void out_row(const char *section, const char *metric, const char *variant,
	     const char *param, int run, double value, const char *unit,
	     const char *note)
{
	printf("# BENCHCSV,%s,%s,%s,%s,%d,%.6g,%s,%s\n", section, metric, variant,
	       param, run, value, unit, note ? note : "");
	fflush(stdout);
}

void out_info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("# BENCHINFO,%s,", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Median of @n values (sorts @v); 0 for none. */
double median_u64(uint64_t *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

/* "4K", "64K", "1M", "256M": the parameter column of sized figures. */
const char *size_name(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= MiB && bytes % MiB == 0)
		snprintf(buf, size, "%lluM", (unsigned long long)(bytes / MiB));
	else
		snprintf(buf, size, "%lluK", (unsigned long long)(bytes / KiB));
	return buf;
}

/* Report a failed system call on @path with errno; return -errno. */
int sys_fail(const char *call, const char *path)
{
	int err = errno ? errno : EIO;

	ktest_diag("error: %s %s: %s", call, path, strerror(err));
	return -err;
}

/* The roles of the device pair in run @run: swapped every other run. */
struct pair pair_for_run(const struct bench *b, int run)
{
	struct pair p = { b->bdf[0], b->bdf[1] };

	if (run % 2) {
		p.sva = b->bdf[1];
		p.alt = b->bdf[0];
	}
	return p;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest CPU calibration before each section: see calib.h.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>

#include "bench.h"
#include "calib.h"

#define CALIB_ITERS 1000000u	/* about 1.5 ms under TCG */
#define CALIB_REPS 5
#define CALIB_SLOW 1.5		/* median / fastest median seen: disturbed */
#define CALIB_TRIES 5
#define CALIB_WAIT_S 2

static volatile uint64_t calib_sink;

/* One loop: xorshift64, registers only. */
static uint64_t calib_loop_ns(void)
{
	uint64_t x = 88172645463325252ull, t0 = now_ns();
	unsigned int i;

	for (i = 0; i < CALIB_ITERS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	calib_sink = x;
	return now_ns() - t0;
}

/* The median of CALIB_REPS loops, in ns. */
static uint64_t calib_median_ns(void)
{
	uint64_t v[CALIB_REPS];
	int i;

	for (i = 0; i < CALIB_REPS; i++)
		v[i] = calib_loop_ns();
	return (uint64_t)median_u64(v, CALIB_REPS);
}

void calib_before(const char *name)
{
	static uint64_t fastest;
	uint64_t med = calib_median_ns();
	int waits = 0;

	if (!fastest || med < fastest)
		fastest = med;
	while ((double)med > CALIB_SLOW * (double)fastest && waits < CALIB_TRIES) {
		sleep(CALIB_WAIT_S);
		waits++;
		med = calib_median_ns();
		if (med < fastest)
			fastest = med;
	}
	out_info("calib", "%s %.1f %.1f %d", name, (double)med / 1e3,
		 (double)fastest / 1e3, waits);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_data.c - what the buffers hold before the operation and the check
 * of what the device did.
 */
#include <stdio.h>
#include <string.h>

#include "dma.h"

uint64_t fnv1a64(const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A pattern up to 0xff repeats that byte; a larger one is used as is. */
uint64_t pattern_register(uint64_t pattern, unsigned width)
{
	uint64_t v = pattern;

	if (pattern <= 0xff)
		for (unsigned i = 1; i < width; i++)
			v |= pattern << (8 * i);
	if (width < 8)
		v &= (1ull << (8 * width)) - 1;
	return v;
}

/* Byte @i of a fill: byte (i % width) of the register, little-endian. */
static uint8_t fill_byte(const struct dma_job *job, size_t i)
{
	unsigned width = job->d->prof->regs[REG_PATTERN].width;

	return (uint8_t)(job->pattern >> (8 * (i % width)));
}

/* xorshift64*: reproducible source data from --seed and the iteration. */
static void random_fill(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
		}
		p[i] = (uint8_t)((x * 0x2545f4914f6cdd1dull) >> (8 * (i % 8)));
	}
}

static bool writable(const struct dma_buf *b)
{
	return b->kind != BUF_UNMAPPED;
}

/*
 * Unless --no-touch: source data, and a destination that differs from
 * the expected result in every byte, so that a device that does nothing
 * cannot pass.
 */
void prepare_data(struct dma_job *job)
{
	size_t len = job->o->size, i;

	if (job->o->no_touch)
		return;
	switch (job->o->op) {
	case OP_FILL:
		if (writable(&job->dst))
			for (i = 0; i < len; i++)
				job->dst.data[i] = (uint8_t)~fill_byte(job, i);
		break;
	case OP_COPY:
		random_fill(job->src.data, len, job->o->seed + job->iter);
		if (writable(&job->dst))
			for (i = 0; i < len; i++)
				job->dst.data[i] = (uint8_t)~job->src.data[i];
		break;
	default:
		if (writable(&job->src))
			random_fill(job->src.data, len,
				    job->o->seed + job->iter);
		break;
	}
}

static size_t count_fill_errors(struct dma_job *job, size_t *first)
{
	size_t i, bad = 0;

	for (i = 0; i < job->o->size; i++)
		if (job->dst.data[i] != fill_byte(job, i) && !bad++)
			*first = i;
	return bad;
}

static size_t count_copy_errors(struct dma_job *job, size_t *first)
{
	size_t i, bad = 0;

	for (i = 0; i < job->o->size; i++)
		if (job->dst.data[i] != job->src.data[i] && !bad++)
			*first = i;
	return bad;
}

/* 0 when the data are right; else a message and -1. */
int verify_data(struct dma_job *job, char *msg, size_t size)
{
	size_t first = 0, bad;
	uint64_t want;

	switch (job->o->op) {
	case OP_FILL:
		bad = count_fill_errors(job, &first);
		if (bad)
			snprintf(msg, size, "%zu of %llu bytes wrong; first at "
				 "offset %zu (%p): 0x%02x, expected 0x%02x",
				 bad, (unsigned long long)job->o->size, first,
				 (void *)(job->dst.data + first),
				 job->dst.data[first], fill_byte(job, first));
		return bad ? -1 : 0;
	case OP_COPY:
		bad = count_copy_errors(job, &first);
		if (bad)
			snprintf(msg, size, "%zu of %llu bytes differ from the "
				 "source; first at offset %zu (%p): 0x%02x, "
				 "source 0x%02x", bad,
				 (unsigned long long)job->o->size, first,
				 (void *)(job->dst.data + first),
				 job->dst.data[first], job->src.data[first]);
		return bad ? -1 : 0;
	default:
		want = fnv1a64(job->src.data, job->o->size);
		if (want == job->res.result)
			return 0;
		snprintf(msg, size, "device checksum 0x%016llx, CPU FNV-1a 64 "
			 "0x%016llx", (unsigned long long)job->res.result,
			 (unsigned long long)want);
		return -1;
	}
}

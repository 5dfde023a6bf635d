/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uio-sva-testdev register map (Documentation/uio-sva-testdev.rst) and
 * helpers that run one DMA operation: on BAR0 however it was mapped
 * (td_mmio_*: libuiosva, sysfs resource0, VFIO; the benchmark uses these
 * for every driver) and through a libuiosva handle. Header-only: each
 * guest program is one .c file.
 */
#ifndef UIO_SVA_TESTDEV_H
#define UIO_SVA_TESTDEV_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uiosva.h"

#define TD_VENDOR	0x1234
#define TD_DEVICE	0x5356
#define TD_BAR		0

#define TD_ID		0x000
#define TD_CAPS		0x008
#define TD_PASID	0x010
#define TD_SRC		0x018
#define TD_DST		0x020
#define TD_LEN		0x028
#define TD_PATTERN	0x030
#define TD_OP		0x038
#define TD_IRQ_EN	0x03c
#define TD_DOORBELL	0x040
#define TD_STATUS	0x044
#define TD_ERROR	0x048
#define TD_IRQ_STATUS	0x04c
#define TD_FAULT_ADDR	0x050
#define TD_RESULT	0x058
#define TD_COMPLETIONS	0x060
#define TD_CTRL		0x064
#define TD_ATS_REQUESTS	0x068
#define TD_PRI_REQUESTS	0x070
#define TD_INVALIDATIONS 0x078
#define TD_ATC_HITS	0x080
#define TD_PRI_DEPTH	0x090	/* page requests in flight, 1 .. capacity */

#define TD_ID_VALUE	0x53564131u
#define TD_NO_PASID	0xffffffffu

enum td_op { TD_OP_FILL = 1, TD_OP_COPY = 2, TD_OP_CHECKSUM = 3 };

#define TD_STATUS_BUSY	0x1u
#define TD_STATUS_DONE	0x2u
#define TD_STATUS_ERROR	0x4u

enum td_error {
	TD_ERR_NONE = 0,
	TD_ERR_BAD_OP = 1,
	TD_ERR_BAD_PASID = 2,
	TD_ERR_BAD_LEN = 3,
	TD_ERR_BUS_MASTER_OFF = 4,
	TD_ERR_TRANSLATION = 5,
	TD_ERR_PRI_FAILURE = 6,
	TD_ERR_PERMISSION = 7,
	TD_ERR_ABORTED = 8,
	TD_ERR_DMA_ERROR = 9,
	TD_ERR_BUSY = 10,
	TD_ERR_TIMEOUT = 11,
	TD_ERR_NOT_ENABLED = 12,
};

/* One operation: what to program, and what the device reported. */
struct td_job {
	uint32_t pasid;
	enum td_op op;
	uint64_t src;
	uint64_t dst;
	uint64_t len;
	uint64_t pattern;
	bool irq;		/* IRQ_EN; completion is still polled */
	int timeout_ms;

	uint32_t status;	/* results */
	uint32_t error;
	uint64_t fault_addr;
	uint64_t result;
	double seconds;
	bool timed_out;
};

struct td_stats {
	uint64_t ats;
	uint64_t pri;
	uint64_t invalidations;
	uint64_t atc_hits;
};

/*
 * td_mmio_r32() and friends - one register access on a plain mapping of
 * BAR0. Fenced like readl()/writel(): memory reads after a read are
 * ordered after it, memory writes before a write are visible to the
 * device before it.
 */
static inline uint32_t td_mmio_r32(volatile uint8_t *bar0, uint64_t off)
{
	uint32_t v = *(volatile uint32_t *)(bar0 + off);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static inline uint64_t td_mmio_r64(volatile uint8_t *bar0, uint64_t off)
{
	uint64_t v = *(volatile uint64_t *)(bar0 + off);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static inline void td_mmio_w32(volatile uint8_t *bar0, uint64_t off, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint32_t *)(bar0 + off) = v;
}

static inline void td_mmio_w64(volatile uint8_t *bar0, uint64_t off, uint64_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint64_t *)(bar0 + off) = v;
}

/*
 * td_mmio_program() - program the registers of @job, not the doorbell
 * (FILL reads no source: SRC is left alone then).
 */
static inline void td_mmio_program(volatile uint8_t *bar0,
				   const struct td_job *job)
{
	td_mmio_w32(bar0, TD_PASID, job->pasid);
	if (job->op != TD_OP_FILL)
		td_mmio_w64(bar0, TD_SRC, job->src);
	td_mmio_w64(bar0, TD_DST, job->dst);
	td_mmio_w64(bar0, TD_LEN, job->len);
	td_mmio_w64(bar0, TD_PATTERN, job->pattern);
	td_mmio_w32(bar0, TD_OP, job->op);
	td_mmio_w32(bar0, TD_IRQ_EN, job->irq ? 1 : 0);
}

static inline void td_mmio_doorbell(volatile uint8_t *bar0)
{
	td_mmio_w32(bar0, TD_DOORBELL, 1);
}

static inline void td_mmio_stats(volatile uint8_t *bar0, struct td_stats *s)
{
	s->ats = td_mmio_r64(bar0, TD_ATS_REQUESTS);
	s->pri = td_mmio_r64(bar0, TD_PRI_REQUESTS);
	s->invalidations = td_mmio_r64(bar0, TD_INVALIDATIONS);
	s->atc_hits = td_mmio_r64(bar0, TD_ATC_HITS);
}

/* td_status_ok() - STATUS and ERROR of an operation that succeeded. */
static inline bool td_status_ok(uint32_t status, uint32_t error)
{
	return (status & TD_STATUS_DONE) && !(status & TD_STATUS_ERROR) &&
	       error == TD_ERR_NONE;
}

/* td_bar0() - BAR0 of @dev, mapped by libuiosva; 0 or -errno. */
static inline int td_bar0(struct uiosva_dev *dev, volatile uint8_t **bar0)
{
	void *addr;
	int ret = uiosva_bar_map(dev, TD_BAR, &addr, NULL);

	*bar0 = ret ? NULL : addr;
	return ret;
}

static inline double td_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint32_t td_read32(struct uiosva_dev *dev, uint64_t off)
{
	uint32_t v = 0;

	if (uiosva_read32(dev, TD_BAR, off, &v))
		return 0xffffffffu;
	return v;
}

static inline uint64_t td_read64(struct uiosva_dev *dev, uint64_t off)
{
	uint64_t v = 0;

	if (uiosva_read64(dev, TD_BAR, off, &v))
		return ~0ull;
	return v;
}

static inline int td_stats(struct uiosva_dev *dev, struct td_stats *s)
{
	volatile uint8_t *regs;
	int ret = td_bar0(dev, &regs);

	if (ret) {
		memset(s, 0xff, sizeof(*s));	/* as failed reads: all ones */
		return ret;
	}
	td_mmio_stats(regs, s);
	return 0;
}

/* td_start() - program the registers of @job and ring the doorbell. */
static inline int td_start(struct uiosva_dev *dev, const struct td_job *job)
{
	volatile uint8_t *regs;
	int ret = td_bar0(dev, &regs);

	if (ret)
		return ret;
	td_mmio_program(regs, job);
	td_mmio_doorbell(regs);
	return 0;
}

/* td_wait() - poll STATUS until the device is not busy, or time out. */
static inline int td_wait(struct uiosva_dev *dev, struct td_job *job,
			  double started)
{
	const struct timespec pause = { 0, 200 * 1000 };
	double limit = started + (job->timeout_ms ? job->timeout_ms : 60000) / 1e3;

	for (;;) {
		job->status = td_read32(dev, TD_STATUS);
		if (job->status == 0xffffffffu)
			return -EIO;
		if (!(job->status & TD_STATUS_BUSY))
			break;
		if (td_now() > limit) {
			job->timed_out = true;
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
	job->seconds = td_now() - started;
	job->error = td_read32(dev, TD_ERROR);
	job->fault_addr = td_read64(dev, TD_FAULT_ADDR);
	job->result = td_read64(dev, TD_RESULT);
	return 0;
}

/*
 * td_run() - run @job to completion. Returns 0 when the device finished
 * (successfully or not: see job->status and job->error), -errno when it
 * could not be driven or did not finish in time.
 */
static inline int td_run(struct uiosva_dev *dev, struct td_job *job)
{
	double started = td_now();
	int ret = td_start(dev, job);

	return ret ? ret : td_wait(dev, job, started);
}

static inline bool td_ok(const struct td_job *job)
{
	return !job->timed_out && td_status_ok(job->status, job->error);
}

/*
 * td_fill_check() - the first index where @buf differs from what FILL with
 * @pattern writes (byte i is byte i % 8 of @pattern, little-endian), or -1.
 */
static inline long td_fill_check(const void *buf, uint64_t len, uint64_t pattern)
{
	const unsigned char *p = buf;
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(pattern >> (8 * (i % 8))))
			return (long)i;
	return -1;
}

/*
 * td_fill_verified() - the one "DMA fill, then the CPU checks every byte"
 * of the guest programs: the device fills @len bytes at @buf under
 * @job->pasid with @job->pattern (@job's irq and timeout_ms as the caller
 * set them; op, dst and len are set here), then the CPU checks every byte.
 * @job keeps what the device reported. Returns 0; -errno when the device
 * could not be driven or did not finish; -EIO when it reported an error;
 * -EILSEQ when a byte is wrong (its index in *@bad, which may be NULL).
 */
static inline int td_fill_verified(struct uiosva_dev *dev, struct td_job *job,
				   void *buf, uint64_t len, long *bad)
{
	long first;
	int ret;

	job->op = TD_OP_FILL;
	job->dst = (uintptr_t)buf;
	job->len = len;
	if (bad)
		*bad = -1;
	ret = td_run(dev, job);
	if (ret)
		return ret;
	if (!td_ok(job))
		return -EIO;
	first = td_fill_check(buf, len, job->pattern);
	if (bad)
		*bad = first;
	return first >= 0 ? -EILSEQ : 0;
}

static inline uint64_t td_fnv1a64(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static inline int td_is_testdev(const struct dirent *d)
{
	char path[300], line[64];
	unsigned int vendor = 0, device = 0;
	FILE *f;

	if (d->d_name[0] == '.')
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uevent", d->d_name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PCI_ID=%x:%x", &vendor, &device) == 2)
			break;
	fclose(f);
	return vendor == TD_VENDOR && device == TD_DEVICE;
}

/* td_find() - BDF of the @nth (0-based) test device, in PCI address order. */
static inline int td_find(int nth, char *bdf, size_t size)
{
	struct dirent **list;
	int i, n = scandir("/sys/bus/pci/devices", &list, td_is_testdev, alphasort);
	int ret = -ENOENT;

	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (i == nth) {
			size_t len = strlen(list[i]->d_name);

			ret = len < size ? 0 : -ENAMETOOLONG;
			if (!ret)
				memcpy(bdf, list[i]->d_name, len + 1);
		}
		free(list[i]);
	}
	free(list);
	return ret;
}

#endif /* UIO_SVA_TESTDEV_H */

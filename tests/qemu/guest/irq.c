// SPDX-License-Identifier: GPL-2.0
/*
 * irq: the driver's interrupts in each mode the test device can use, one
 * device per mode in the same guest: MSI-X (default), MSI (msix=off) and
 * INTx (msix=off,msi=off). For each: a completion with IRQ_EN wakes a
 * read() blocked on /dev/uioX and poll(); the count grows by exactly one
 * per completion; no IRQ_EN, no interrupt; irqcontrol 0 holds a completion
 * back and 1 delivers it; what the handler does between interrupts (INTx
 * masks with INTx Disable, MSI/MSI-X does not).
 *
 * Usage: irq   (every uio-sva-testdev of the guest)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ktest.h"
#include "pcicfg.h"
#include "sysfs.h"
#include "testdev.h"

#define MAX_DEVS	8
#define BUF_LEN		4096
#define PATTERN		0x5aa5c33c0ff0e11eull
#define QUIET_MS	500	/* "no interrupt" means none within this */
#define WAKE_MS		3000	/* an interrupt that is due arrives within this */
#define COMPLETIONS	5

enum irq_mode { MODE_MSIX = 1, MODE_MSI = 2, MODE_INTX = 4 };

struct dctx {
	struct ktest *t;
	char bdf[32];
	enum irq_mode mode;
	struct uiosva_dev *dev;
	uint32_t pasid;
	unsigned char *buf;
};

static const char *mode_name(enum irq_mode m)
{
	return m == MODE_MSIX ? "MSI-X" : m == MODE_MSI ? "MSI" : "INTx";
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The mode the driver must pick: MSI-X, else MSI, else INTx. */
static enum irq_mode expected_mode(const char *bdf)
{
	if (pcicfg_find_cap(bdf, PCICFG_CAP_MSIX) >= 0)
		return MODE_MSIX;
	if (pcicfg_find_cap(bdf, PCICFG_CAP_MSI) >= 0)
		return MODE_MSI;
	return MODE_INTX;
}

/* The UIO interrupt count from sysfs (/sys/class/uio/uioX/event). */
static long uio_event(struct dctx *d)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/class/uio/%s/event",
		 uiosva_info(d->dev)->uio);
	if (sysfs_read(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static uint16_t command(struct dctx *d)
{
	return pcicfg_read16(d->bdf, PCICFG_COMMAND);
}

/* Acknowledge the device's interrupt (IRQ_STATUS is RW1C). */
static void ack(struct dctx *d)
{
	uiosva_write32(d->dev, TD_BAR, TD_IRQ_STATUS, 1);
}

/* Acknowledge in the device, then write 1 to /dev/uioX. */
static bool rearm(struct dctx *d)
{
	ack(d);
	if (uiosva_irq_unmask(d->dev)) {
		ktest_diag("%s", uiosva_last_error(d->dev)->msg);
		return false;
	}
	return true;
}

/* Fill the buffer by SVA DMA, with or without IRQ_EN; check every byte. */
static bool fill(struct dctx *d, bool irq)
{
	struct td_job job = { .pasid = d->pasid, .pattern = PATTERN, .irq = irq,
			      .timeout_ms = 30000 };
	long bad;
	int ret;

	memset(d->buf, 0, BUF_LEN);
	ret = td_fill_verified(d->dev, &job, d->buf, BUF_LEN, &bad);
	if (ret == -EILSEQ)
		ktest_diag("%s: byte %ld not filled", d->bdf, bad);
	else if (ret)
		ktest_diag("%s: fill failed: status 0x%x error %u%s", d->bdf,
			   job.status, job.error,
			   job.timed_out ? " (timeout)" : "");
	return !ret;
}

/* Wait for an interrupt; 0, -ETIMEDOUT or another -errno. */
static int wait_irq(struct dctx *d, int ms, uint32_t *count)
{
	return uiosva_irq_wait(d->dev, ms, count);
}

/* An interrupt arrives within WAKE_MS and the count is @want. */
static bool expect_irq(struct dctx *d, long want, const char *when)
{
	uint32_t count = 0;
	int ret = wait_irq(d, WAKE_MS, &count);

	if (ret) {
		ktest_diag("%s %s: no interrupt within %d ms (%s)", d->bdf,
			   when, WAKE_MS, strerror(-ret));
		return false;
	}
	if ((long)count != want) {
		ktest_diag("%s %s: interrupt count %u, expected %ld", d->bdf,
			   when, count, want);
		return false;
	}
	return true;
}

/* No interrupt within QUIET_MS. */
static bool expect_quiet(struct dctx *d, const char *when)
{
	uint32_t count = 0;
	int ret = wait_irq(d, QUIET_MS, &count);

	if (ret == -ETIMEDOUT)
		return true;
	if (ret)
		ktest_diag("%s %s: wait failed: %s", d->bdf, when, strerror(-ret));
	else
		ktest_diag("%s %s: unexpected interrupt, count %u", d->bdf,
			   when, count);
	return false;
}

/* ---------------------------------------------------------------- cases */

static bool case_mode(struct dctx *d)
{
	int msix = pcicfg_cap_enabled(d->bdf, PCICFG_CAP_MSIX, PCICFG_MSIX_ENABLE);
	int msi = pcicfg_cap_enabled(d->bdf, PCICFG_CAP_MSI, PCICFG_MSI_ENABLE);
	uint32_t caps = td_read32(d->dev, TD_CAPS);
	char irq[16] = "";

	dev_attr(d->bdf, "irq", irq, sizeof(irq));
	ktest_diag("%s: CAPS 0x%x, MSI-X enable %d, MSI enable %d, irq %s, command 0x%04x",
		   d->bdf, caps, msix, msi, irq, command(d));
	switch (d->mode) {
	case MODE_MSIX:
		return (caps & 0x8) && msix == 1 && msi != 1;
	case MODE_MSI:
		return !(caps & 0x8) && (caps & 0x10) && msix < 0 && msi == 1;
	default:
		return !(caps & 0x18) && msix < 0 && msi < 0 && atoi(irq) > 0;
	}
}

struct reader {
	int fd;
	bool use_poll;		/* poll() first, then read() */
	atomic_int done;
	int polled;		/* poll()'s result and revents */
	short revents;
	ssize_t n;
	int err;
	int32_t count;
};

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	if (r->use_poll) {
		r->polled = poll(&pfd, 1, -1);
		r->revents = pfd.revents;
		if (r->polled != 1) {
			r->n = -1;
			r->err = errno;
			atomic_store(&r->done, 1);
			return NULL;
		}
	}
	r->n = read(r->fd, &r->count, sizeof(r->count));
	r->err = errno;
	atomic_store(&r->done, 1);
	return NULL;
}

/* Wait up to @ms for the reader thread to return. */
static bool reader_wait(struct reader *r, int ms)
{
	for (; ms > 0 && !atomic_load(&r->done); ms -= 10)
		msleep(10);
	return atomic_load(&r->done);
}

/*
 * A thread blocks in read() (or poll()) on /dev/uioX; 200 ms later a
 * completion with IRQ_EN must wake it with the count one higher.
 */
static bool blocked_reader_wakes(struct dctx *d, bool use_poll)
{
	struct reader r = { .fd = uiosva_fd(d->dev), .use_poll = use_poll };
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	long before = uio_event(d);
	bool blocked, filled, woke;
	pthread_t th;

	sigaction(SIGUSR1, &sa, NULL);
	if (before < 0 || !rearm(d) || pthread_create(&th, NULL, reader_main, &r))
		return false;
	msleep(200);
	blocked = !atomic_load(&r.done);
	filled = fill(d, true);
	woke = reader_wait(&r, WAKE_MS);
	if (!woke) {
		pthread_kill(th, SIGUSR1);
		reader_wait(&r, 1000);
	}
	pthread_join(th, NULL);
	ktest_diag("%s: %s blocked %d, woke %d, revents 0x%x, read %zd (%s), count %d (before %ld)",
		   d->bdf, use_poll ? "poll()" : "read()", blocked, woke,
		   r.revents, r.n, r.n < 0 ? strerror(r.err) : "ok", r.count,
		   before);
	return blocked && filled && woke && r.n == 4 && r.count == before + 1 &&
	       (!use_poll || r.revents & POLLIN);
}

static bool case_read_wakes(struct dctx *d)
{
	return blocked_reader_wakes(d, false);
}

static bool case_poll_wakes(struct dctx *d)
{
	return blocked_reader_wakes(d, true);
}

static bool case_count(struct dctx *d)
{
	long want = uio_event(d);
	char when[32];
	int i;

	for (i = 0; i < COMPLETIONS; i++) {
		snprintf(when, sizeof(when), "completion %d", i + 1);
		if (!rearm(d) || !fill(d, true) || !expect_irq(d, ++want, when))
			return false;
	}
	ack(d);
	return expect_quiet(d, "after the last completion") &&
	       uio_event(d) == want;
}

static bool case_no_irq_en(struct dctx *d)
{
	long before = uio_event(d);
	uint32_t st;

	if (!rearm(d) || !fill(d, false) || !expect_quiet(d, "without IRQ_EN"))
		return false;
	st = td_read32(d->dev, TD_IRQ_STATUS);
	ktest_diag("%s: IRQ_STATUS 0x%x, count %ld -> %ld", d->bdf, st, before,
		   uio_event(d));
	return st == 0 && uio_event(d) == before;
}

/*
 * Masked (0 written), two completions: neither wakes; writing 1 delivers
 * one interrupt for both (MSI/MSI-X: the kernel replays the interrupt
 * that arrived while the vector was disabled; INTx: the line is still
 * asserted), and no second one.
 */
static bool case_mask(struct dctx *d)
{
	long want = uio_event(d) + 1;
	bool ok;

	if (!rearm(d) || uiosva_irq_mask(d->dev))
		return false;
	ok = fill(d, true) && expect_quiet(d, "masked, first completion");
	ok = ok && fill(d, true) && expect_quiet(d, "masked, second completion");
	ktest_diag("%s: masked: IRQ_STATUS 0x%x, command 0x%04x, status 0x%04x",
		   d->bdf, td_read32(d->dev, TD_IRQ_STATUS), command(d),
		   pcicfg_read16(d->bdf, PCICFG_STATUS));
	if (uiosva_irq_unmask(d->dev))
		return false;
	ok = expect_irq(d, want, "after writing 1") && ok;
	ok = rearm(d) && expect_quiet(d, "after the replayed interrupt") && ok;
	return ok && uio_event(d) == want;
}

/*
 * After an interrupt, acknowledge it in the device but do not write 1;
 * then complete again. INTx: the handler masked the line, so nothing
 * until 1 is written. MSI/MSI-X: the handler leaves the vector enabled.
 */
static bool case_between(struct dctx *d)
{
	long want = uio_event(d) + 1;
	bool ok;

	if (!rearm(d) || !fill(d, true) || !expect_irq(d, want, "first"))
		return false;
	ack(d);
	if (!fill(d, true))
		return false;
	if (d->mode != MODE_INTX)
		ok = expect_irq(d, ++want, "second, without writing 1");
	else
		ok = expect_quiet(d, "second, without writing 1") &&
		     uiosva_irq_unmask(d->dev) == 0 &&
		     expect_irq(d, ++want, "second, after writing 1");
	ack(d);
	return ok;
}

static bool case_intx_disable(struct dctx *d)
{
	long want = uio_event(d) + 1;
	uint16_t armed, fired, rearmed;
	bool ok;

	if (!rearm(d))
		return false;
	armed = command(d);
	ok = fill(d, true) && expect_irq(d, want, "INTx");
	fired = command(d);
	ack(d);
	ok = uiosva_irq_unmask(d->dev) == 0 && ok;
	rearmed = command(d);
	ok = expect_quiet(d, "after ack and 1") && ok;
	ktest_diag("%s: command 0x%04x armed, 0x%04x after the interrupt, 0x%04x after ack and 1",
		   d->bdf, armed, fired, rearmed);
	return ok && !(armed & PCICFG_CMD_INTX_DISABLE) &&
	       (fired & PCICFG_CMD_INTX_DISABLE) &&
	       !(rearmed & PCICFG_CMD_INTX_DISABLE);
}

static bool case_intx_level(struct dctx *d)
{
	long want = uio_event(d) + 1;
	uint16_t again;
	bool ok;

	if (!rearm(d) || !fill(d, true) || !expect_irq(d, want, "INTx"))
		return false;
	/* IRQ_STATUS not acknowledged: the line is still asserted. */
	ok = uiosva_irq_unmask(d->dev) == 0 &&
	     expect_irq(d, ++want, "1 written without ack");
	again = command(d);
	ok = rearm(d) && ok;
	ok = expect_quiet(d, "after ack and 1") && ok;
	ktest_diag("%s: command 0x%04x after the repeated interrupt, IRQ_STATUS 0x%x at the end",
		   d->bdf, again, td_read32(d->dev, TD_IRQ_STATUS));
	return ok && (again & PCICFG_CMD_INTX_DISABLE);
}

static const struct irq_case {
	unsigned int modes;
	bool (*run)(struct dctx *d);
	const char *what;
} cases[] = {
	{ 7, case_mode, "the driver uses this mode (config space enable bits, CAPS register)" },
	{ 7, case_read_wakes, "a completion with IRQ_EN wakes a read() blocked on /dev/uioX, which returns count + 1" },
	{ 7, case_poll_wakes, "a completion with IRQ_EN wakes a poll() blocked on /dev/uioX (POLLIN), read() returns count + 1" },
	{ 7, case_count, "5 completions with IRQ_EN (uiosva_irq_wait), the count grows by exactly one each, then no more" },
	{ 7, case_no_irq_en, "a completion without IRQ_EN raises no interrupt (wait times out, IRQ_STATUS 0)" },
	{ 7, case_mask, "write 0 masks: 2 completions do not wake (500 ms each); write 1 delivers exactly one interrupt for them" },
	{ MODE_MSIX | MODE_MSI, case_between, "the handler does not mask: after an interrupt the next completion wakes again without writing 1" },
	{ MODE_INTX, case_between, "the handler masks: after an interrupt the next completion does not wake until 1 is written" },
	{ MODE_INTX, case_intx_disable, "after an interrupt INTx Disable (command bit 10) is set; ack of IRQ_STATUS and 1 clear it" },
	{ MODE_INTX, case_intx_level, "1 written without acking IRQ_STATUS: the still-asserted line interrupts again and is masked again" },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int ncases(enum irq_mode m)
{
	size_t i;
	int n = 0;

	for (i = 0; i < NCASES; i++)
		n += !!(cases[i].modes & m);
	return n;
}

static int setup(struct dctx *d)
{
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	int ret = sva_bind_dev(d->bdf);

	if (ret) {
		ktest_diag("binding %s: %s", d->bdf, strerror(-ret));
		return ret;
	}
	ret = uiosva_open(NULL, d->bdf, 0, &d->dev, &err);
	if (ret) {
		ktest_diag("%s", err.msg);
		return ret;
	}
	ret = uiosva_pasid(d->dev, &d->pasid);
	if (ret)
		ktest_diag("%s", uiosva_last_error(d->dev)->msg);
	d->buf = aligned_alloc(4096, BUF_LEN);
	return ret ? ret : d->buf ? 0 : -ENOMEM;
}

static void run_device(struct dctx *d)
{
	bool ready = setup(d) == 0;
	size_t i;

	ktest_diag("device %s: expected mode %s, PASID %u", d->bdf,
		   mode_name(d->mode), d->pasid);
	for (i = 0; i < NCASES; i++) {
		if (!(cases[i].modes & d->mode))
			continue;
		ktest_result(d->t, ready && cases[i].run(d), "%s %s: %s",
			     d->bdf, mode_name(d->mode), cases[i].what);
	}
	uiosva_close(d->dev);
	free(d->buf);
	sva_unbind_dev(d->bdf);
}

int main(void)
{
	struct dctx devs[MAX_DEVS];
	struct ktest t = { 0 };
	unsigned int seen = 0;
	int n, i, plan = 1;

	memset(devs, 0, sizeof(devs));
	for (n = 0; n < MAX_DEVS; n++) {
		devs[n].t = &t;
		if (td_find(n, devs[n].bdf, sizeof(devs[n].bdf)))
			break;
		devs[n].mode = expected_mode(devs[n].bdf);
		seen |= devs[n].mode;
		plan += ncases(devs[n].mode);
	}
	ktest_plan(&t, plan);
	ktest_result(&t, seen == (MODE_MSIX | MODE_MSI | MODE_INTX),
		     "the guest has a test device for each mode: MSI-X, MSI, INTx (%d devices)",
		     n);
	for (i = 0; i < n; i++)
		run_device(&devs[i]);
	return ktest_finish(&t);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_irq.c - interrupts through a FIFO standing in for /dev/uioX: the
 * library writes s32 1/0 to unmask/mask and polls, then reads the s32
 * count, as UIO defines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fakesys.h"
#include "tap.h"
#include "uiosva.h"

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_control(struct uiosva_dev *dev, int peer)
{
	int32_t v = -1;

	tap_is_int(uiosva_irq_unmask(dev), 0, "unmask");
	tap_ok(read(peer, &v, 4) == 4 && v == 1, "unmask writes s32 1");
	tap_is_int(uiosva_irq_mask(dev), 0, "mask");
	tap_ok(read(peer, &v, 4) == 4 && v == 0, "mask writes s32 0");
	wrap_fail_irq_write(EIO);
	tap_is_int(uiosva_irq_unmask(dev), -EIO, "unmask without an IRQ: EIO");
	tap_ok(uiosva_last_error(dev)->kind == UIOSVA_ERR_NO_IRQ &&
	       strstr(uiosva_last_error(dev)->msg, "has no interrupt"),
	       "EIO: kind NO_IRQ, message");
	wrap_fail_irq_write(EPERM);
	tap_is_int(uiosva_irq_mask(dev), -EPERM, "other write errors");
	wrap_fail_irq_write(0);
}

static void test_wait(struct uiosva_dev *dev, int peer)
{
	struct timespec t0;
	uint32_t count = 0;
	int32_t v = 7;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	tap_is_int(uiosva_irq_wait(dev, 50, &count), -ETIMEDOUT,
		   "no interrupt: ETIMEDOUT");
	ms = elapsed_ms(&t0);
	tap_ok(ms >= 45 && ms < 2000, "the wait took about 50 ms (%ld)", ms);
	tap_ok(uiosva_last_error(dev)->kind == UIOSVA_ERR_TIMEOUT,
	       "timeout: kind TIMEOUT");
	tap_is_int(uiosva_irq_wait(dev, 0, &count), -ETIMEDOUT,
		   "timeout 0 only checks");
	tap_ok(write(peer, &v, 4) == 4, "the fake kernel counts interrupt 7");
	tap_ok(uiosva_irq_wait(dev, 1000, &count) == 0 && count == 7,
	       "wait returns the count 7");
	v = 8;
	tap_ok(write(peer, &v, 2) == 2, "a short count");
	tap_is_int(uiosva_irq_wait(dev, 1000, &count), -EIO, "short read: EIO");
}

int main(void)
{
	struct uiosva_config cfg;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct uiosva_dev *dev;
	char path[PATH_MAX];
	struct fake f;
	int peer;

	if (fake_init(&f) || fake_testdev(&f, "0000:00:03.0", "uio0")) {
		tap_ok(0, "fake tree");
		return tap_done();
	}
	snprintf(path, sizeof(path), "%s/uio0", f.dev);
	unlink(path);
	if (mkfifo(path, 0600)) {
		tap_skip("mkfifo failed", "interrupts through a FIFO");
		fake_cleanup(&f);
		return tap_done();
	}
	cfg.sysfs_root = f.sys;
	cfg.dev_root = f.dev;
	peer = open(path, O_RDWR | O_NONBLOCK);
	if (!tap_is_int(uiosva_open(&cfg, "0000:00:03.0", 0, &dev, &err), 0,
			"open the FIFO as /dev/uio0") || peer < 0) {
		fake_cleanup(&f);
		return tap_done();
	}
	test_control(dev, peer);
	test_wait(dev, peer);
	uiosva_close(dev);
	close(peer);
	fake_cleanup(&f);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * irq.c - wait for the device's completion interrupt on each path, and
 * re-arm it: uio_pci_sva (MSI-X, read() of /dev/uioX), uio_pci_generic
 * (INTx, read() then unmask through the command register in sysfs, as
 * uio_pci_generic has no irqcontrol), VFIO (MSI-X or INTx eventfd; VFIO
 * masks INTx itself and user space unmasks it with VFIO_DEVICE_SET_IRQS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "testdev.h"

static size_t irq_read_size(const struct irq_path *p)
{
	return p->mode == IRQ_UIO_MSI || p->mode == IRQ_UIO_INTX ? 4 : 8;
}

/*
 * Block in read() until the interrupt. A stuck wait ends when the
 * watchdog (watchdog_arm()) interrupts read() with EINTR.
 */
int irq_wait(const struct irq_path *p)
{
	uint64_t v = 0;
	size_t want = irq_read_size(p);
	ssize_t n = read(p->wait_fd, &v, want);

	if (n == (ssize_t)want)
		return 0;
	if (n >= 0)
		errno = EIO;
	if (errno == EINTR)
		ktest_diag("error: read %s: no interrupt before the watchdog",
			   p->path);
	return sys_fail("read", p->path);
}

int irq_wait_timeout(const struct irq_path *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->wait_fd, .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return sys_fail("poll", p->path);
	if (r == 0) {
		ktest_diag("error: %s: no interrupt within %d ms", p->path,
			   timeout_ms);
		return -ETIMEDOUT;
	}
	return irq_wait(p);
}

/* Acknowledge in the device, then unmask where the path masked. */
int irq_rearm(const struct irq_path *p, const struct tdev *d)
{
	td_w32(d, TD_IRQ_STATUS, 1);
	switch (p->mode) {
	case IRQ_UIO_INTX:
		return cfg_intx_unmask(p->ctl_fd);
	case IRQ_VFIO_INTX:
		return vfio_intx_unmask(p->ctl_fd);
	default:
		return 0;
	}
}

static void watchdog_fired(int sig)
{
	(void)sig;
}

/* SIGALRM after @seconds interrupts a blocked read() (no SA_RESTART). */
int watchdog_arm(int seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_fired;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return sys_fail("sigaction", "SIGALRM");
	alarm((unsigned int)seconds);
	return 0;
}

void watchdog_disarm(void)
{
	alarm(0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * sva-hold: open a device through libuiosva (which binds this process's
 * address space) and hold it until SIGTERM or SIGINT, so that suites can
 * test what another process sees while the device is bound (EBUSY, the
 * holder's pid in the messages, unbind refusing).
 *
 * Usage: sva-hold DEV   (a PCI address, uioN or /dev/uioN)
 * Prints "holding DEV pasid N pid P" once the device is open; exit status
 * 0 after a clean release, 1 when the device cannot be opened.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "uiosva.h"

int main(int argc, char **argv)
{
	struct uiosva_dev *dev;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	uint32_t pasid = 0;
	sigset_t set;
	int sig = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: sva-hold DEV\n");
		return 2;
	}
	/* Block the signals first, so that none is lost before sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (uiosva_open(NULL, argv[1], 0, &dev, &err)) {
		fprintf(stderr, "sva-hold: %s\n", err.msg);
		return 1;
	}
	if (uiosva_pasid(dev, &pasid))
		fprintf(stderr, "sva-hold: %s\n", uiosva_last_error(dev)->msg);
	printf("holding %s pasid %u pid %d\n", argv[1], pasid, (int)getpid());
	fflush(stdout);
	sigwait(&set, &sig);
	uiosva_close(dev);
	printf("released %s after signal %d\n", argv[1], sig);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fault-nth - make the Nth fault-injection check of one operation fail.
 *
 *   fault-nth N open PATH          open(PATH, O_RDWR), then close it
 *   fault-nth N close PATH         open PATH, then arm and close it
 *   fault-nth N write FILE TEXT    write TEXT to FILE (e.g. a driver's bind)
 *
 * Writes N to /proc/thread-self/fail-nth right before the operation (the
 * kernel's per-task "fail the Nth call" of failslab, fail_page_alloc and
 * fail_function, with their filters), then reads it back: 0 means the
 * fault was injected. N = 0 runs the operation without injection.
 * Prints one line: "injected=yes|no errno=NAME|0" and exits 0; exit 1 on
 * a set-up error (with a message), 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int arm(int nth_fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (n && pwrite(nth_fd, buf, len, 0) != len) {
		fprintf(stderr, "fault-nth: writing fail-nth: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* 1 if the armed fault fired, 0 if not, -1 on error; disarms. */
static int fired(int nth_fd, unsigned int n)
{
	char buf[16] = "";

	if (!n)
		return 0;
	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) < 0) {
		fprintf(stderr, "fault-nth: reading fail-nth: %s\n", strerror(errno));
		return -1;
	}
	if (atoi(buf) == 0)
		return 1;
	if (pwrite(nth_fd, "0", 1, 0) != 1) {
		fprintf(stderr, "fault-nth: disarming fail-nth: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n;
	int nth_fd, fd, err = 0, hit;

	if (argc < 4 || (strcmp(argv[2], "write") == 0 && argc != 5)) {
		fprintf(stderr, "usage: fault-nth N open|close PATH | fault-nth N write FILE TEXT\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[1], NULL, 0);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		fprintf(stderr, "fault-nth: /proc/thread-self/fail-nth: %s (no CONFIG_FAULT_INJECTION?)\n",
			strerror(errno));
		return 1;
	}
	if (strcmp(argv[2], "open") == 0) {
		if (arm(nth_fd, n))
			return 1;
		fd = open(argv[3], O_RDWR);
		err = fd < 0 ? errno : 0;
		hit = fired(nth_fd, n);
		if (fd >= 0)
			close(fd);
	} else if (strcmp(argv[2], "close") == 0) {
		fd = open(argv[3], O_RDWR);
		if (fd < 0) {
			fprintf(stderr, "fault-nth: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		if (arm(nth_fd, n))
			return 1;
		err = close(fd) ? errno : 0;
		hit = fired(nth_fd, n);
	} else if (strcmp(argv[2], "write") == 0) {
		size_t len = strlen(argv[4]);

		fd = open(argv[3], O_WRONLY);
		if (fd < 0) {
			fprintf(stderr, "fault-nth: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		if (arm(nth_fd, n))
			return 1;
		err = write(fd, argv[4], len) == (ssize_t)len ? 0 : errno;
		hit = fired(nth_fd, n);
		close(fd);
	} else {
		fprintf(stderr, "fault-nth: unknown operation %s\n", argv[2]);
		return 2;
	}
	if (hit < 0)
		return 1;
	printf("injected=%s errno=%s\n", hit ? "yes" : "no", err ? strerrorname_np(err) : "0");
	return 0;
}

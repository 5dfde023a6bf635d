// SPDX-License-Identifier: GPL-2.0-only
/*
 * wrap.c - failure injection for the library under test, linked with
 * -Wl,--wrap=open,--wrap=read,--wrap=write: open() of a path with a given
 * suffix fails with a chosen errno (EBUSY from the driver, ...), read() of
 * a file that starts with "!errno=N" fails with N (ENODATA from sysfs),
 * 4-byte writes to /dev/uioX (irqcontrol) can fail (EIO: no IRQ), and
 * madvise() can answer as a kernel before 5.14 (--wrap=madvise): EINVAL
 * for MADV_POPULATE_READ and MADV_POPULATE_WRITE, whatever the range.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakesys.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_madvise(void *addr, size_t len, int advice);
int __wrap_madvise(void *addr, size_t len, int advice);

static char open_suffix[128];
static int open_errno;
static int irq_write_errno;
static int madvise_old;
static int madvise_calls;

void wrap_fail_open(const char *suffix, int err)
{
	open_suffix[0] = '\0';
	open_errno = 0;
	if (!suffix)
		return;
	strncpy(open_suffix, suffix, sizeof(open_suffix) - 1);
	open_errno = err;
}

void wrap_fail_irq_write(int err)
{
	irq_write_errno = err;
}

int __wrap_open(const char *path, int flags, ...)
{
	size_t a = strlen(path), b = strlen(open_suffix);
	mode_t mode = 0;

	if (open_errno && a >= b && !strcmp(path + a - b, open_suffix)) {
		errno = open_errno;
		return -1;
	}
	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return __real_open(path, flags, mode);
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	size_t mark = strlen(WRAP_ERRNO_MARK);
	ssize_t r = __real_read(fd, buf, n);

	if (r >= (ssize_t)mark && !memcmp(buf, WRAP_ERRNO_MARK, mark)) {
		errno = atoi((char *)buf + mark);
		return -1;
	}
	return r;
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (irq_write_errno && fd > 2 && n == 4) {
		errno = irq_write_errno;
		return -1;
	}
	return __real_write(fd, buf, n);
}

void wrap_madvise_old_kernel(int on)
{
	madvise_old = on;
	madvise_calls = 0;
}

int wrap_madvise_calls(void)
{
	return madvise_calls;
}

/* 22, 23: MADV_POPULATE_READ, MADV_POPULATE_WRITE (Linux 5.14). */
int __wrap_madvise(void *addr, size_t len, int advice)
{
	madvise_calls++;
	if (madvise_old && (advice == 22 || advice == 23)) {
		errno = EINVAL;
		return -1;
	}
	return __real_madvise(addr, len, advice);
}

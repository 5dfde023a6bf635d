/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log from the guest test programs: remember where the log is
 * now (klog_seq()), then count the driver's records logged since that
 * point whose text contains a string (klog_find()). Records come from
 * /dev/kmsg ("LEVEL,SEQ,USEC,FLAGS;TEXT"); klog_find() reads only the
 * driver's own dev_*() lines ("uio_pci_sva 0000:00:01.0: ..."), never the
 * suite's output that /init relays into the log ("@@| ..."), so a test's
 * own diagnostic cannot be counted as a driver message.
 *
 * Requests to the host runner go into the log too (kmsg()):
 * klog_require() makes a kernel message mandatory until the scope ends
 * (klog_scope_end()), klog_wait() waits for it here. Header-only: each
 * guest program is one .c file.
 */
#ifndef UIO_SVA_KLOG_H
#define UIO_SVA_KLOG_H

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KLOG_ANY_LEVEL	7	/* printk levels: 0 emerg ... 4 warning ... 7 debug */
#define KLOG_DRIVER	"uio_pci_sva "	/* dev_*() prefix: driver name, space, BDF */
#define KLOG_RELAY	"@@"		/* /init's relay and runner requests */

struct klog_rec {
	int level;		/* 0 (emerg) to 7 (debug) */
	unsigned long long seq;
	const char *text;	/* up to the first newline, not NUL-terminated */
	size_t len;
};

/* klog_parse() - split one /dev/kmsg record; 0, or -EINVAL. */
static inline int klog_parse(const char *buf, size_t n, struct klog_rec *r)
{
	const char *semi = memchr(buf, ';', n);
	const char *nl;
	unsigned int prio;

	if (!semi || sscanf(buf, "%u,%llu,", &prio, &r->seq) != 2)
		return -EINVAL;
	r->level = (int)(prio & 7);
	r->text = semi + 1;
	nl = memchr(r->text, '\n', n - (size_t)(r->text - buf));
	r->len = nl ? (size_t)(nl - r->text) : n - (size_t)(r->text - buf);
	return 0;
}

static inline bool klog_contains(const struct klog_rec *r, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= r->len; i++)
		if (!memcmp(r->text + i, needle, k))
			return true;
	return false;
}

static inline bool klog_starts(const struct klog_rec *r, const char *prefix)
{
	size_t k = strlen(prefix);

	return r->len >= k && !memcmp(r->text, prefix, k);
}

/*
 * klog_scan() - walk the records after @after (a sequence number from
 * klog_seq(), or -1 for all). Counts those at @max_level or more severe
 * whose text starts with @prefix and contains @needle ("" matches all);
 * copies the first one into @first (may be NULL). Sets *@last to the
 * newest sequence number seen. Returns the count, or -errno.
 */
static inline int klog_scan(long long after, int max_level, const char *prefix,
			    const char *needle, char *first, size_t size,
			    long long *last)
{
	char buf[8192];
	struct klog_rec r;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int count = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (first && size)
		first[0] = 0;
	for (;;) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		if (klog_parse(buf, (size_t)n, &r))
			continue;
		if (last)
			*last = (long long)r.seq;
		if ((long long)r.seq <= after || r.level > max_level ||
		    !klog_starts(&r, prefix) || !klog_contains(&r, needle))
			continue;
		if (!count++ && first && size)
			snprintf(first, size, "%.*s", (int)r.len, r.text);
	}
	close(fd);
	return count;
}

/* klog_seq() - the sequence number of the newest record (-1 if none). */
static inline long long klog_seq(void)
{
	long long last = -1;

	klog_scan(-1, -1, "", "", NULL, 0, &last);
	return last;
}

/*
 * klog_find() - the driver's records (KLOG_DRIVER prefix) after @after
 * that contain @needle; see klog_scan.
 */
static inline int klog_find(long long after, const char *needle, char *first,
			    size_t size)
{
	return klog_scan(after, KLOG_ANY_LEVEL, KLOG_DRIVER, needle, first,
			 size, NULL);
}

/* klog_complaints() - records after @after at warning level or worse. */
static inline int klog_complaints(long long after, char *first, size_t size)
{
	return klog_scan(after, 4, "", "", first, size, NULL);
}

/*
 * kmsg() - write a line into the kernel log (for the runner's requests:
 * @@EXPECT, @@REQUIRE, @@QMP). One write() per record: /dev/kmsg rejects
 * what glibc's dprintf() does.
 */
static inline int kmsg(const char *line)
{
	char rec[1024];
	int fd, len, ret = 0;

	len = snprintf(rec, sizeof(rec), "<5>%s\n", line);
	if (len < 0 || len >= (int)sizeof(rec))
		return -EINVAL;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, rec, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* klog_host() - the runner request "@@@req @arg". */
static inline int klog_host(const char *req, const char *arg)
{
	char line[1000];

	snprintf(line, sizeof(line), KLOG_RELAY "%s %s", req, arg);
	return kmsg(line);
}

/* klog_expect() - kernel lines matching @regex are not failures here. */
static inline int klog_expect(const char *regex)
{
	return klog_host("EXPECT", regex);
}

/*
 * klog_require() - like klog_expect(), and a kernel line matching @regex
 * (Python re syntax, keep it POSIX ERE too for klog_wait()) must appear
 * before klog_scope_end(), else the runner fails the suite.
 */
static inline int klog_require(const char *regex)
{
	return klog_host("REQUIRE", regex);
}

/* klog_scope_end() - drop the expectations, check the requirements. */
static inline int klog_scope_end(void)
{
	return kmsg(KLOG_RELAY "EXPECT-CLEAR");
}

/*
 * klog_wait() - wait up to @timeout_ms for a kernel record after @after
 * that matches the POSIX extended regex @ere (relayed suite output and
 * runner requests do not count). 0 when there is one, -ETIMEDOUT, or
 * -EINVAL for a bad regex.
 */
static inline int klog_wait(long long after, const char *ere, int timeout_ms)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	char buf[8192], text[2048];
	struct klog_rec r;
	regex_t rx;
	int waited, found = 0, fd;
	ssize_t n;

	if (regcomp(&rx, ere, REG_EXTENDED | REG_NOSUB))
		return -EINVAL;
	for (waited = 0; !found && waited <= timeout_ms; waited += 20) {
		fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			break;
		for (;;) {
			n = read(fd, buf, sizeof(buf) - 1);
			if (n < 0 && errno == EPIPE)
				continue;
			if (n <= 0)
				break;
			if (klog_parse(buf, (size_t)n, &r) ||
			    (long long)r.seq <= after || klog_starts(&r, KLOG_RELAY))
				continue;
			snprintf(text, sizeof(text), "%.*s", (int)r.len, r.text);
			if (!regexec(&rx, text, 0, NULL, 0)) {
				found = 1;
				break;
			}
		}
		close(fd);
		if (!found)
			nanosleep(&nap, NULL);
	}
	regfree(&rx);
	return found ? 0 : -ETIMEDOUT;
}

#endif /* UIO_SVA_KLOG_H */

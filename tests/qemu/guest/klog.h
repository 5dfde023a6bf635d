/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the kernel log from the guest test programs: remember where the
 * log is now (klog_seq()), then count the records logged since that point
 * whose text contains a string (klog_find()). Records come from /dev/kmsg
 * ("LEVEL,SEQ,USEC,FLAGS;TEXT"), so the driver's dev_err() lines are
 * matched with their "uio_pci_sva 0000:00:01.0: " prefix. Header-only:
 * each guest program is one .c file.
 */
#ifndef UIO_SVA_KLOG_H
#define UIO_SVA_KLOG_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KLOG_ANY_LEVEL	7	/* printk levels: 0 emerg ... 4 warning ... 7 debug */

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

/*
 * klog_scan() - walk the records after @after (a sequence number from
 * klog_seq(), or -1 for all). Counts those at @max_level or more severe
 * whose text contains @needle ("" matches all); copies the first one into
 * @first (may be NULL). Sets *@last to the newest sequence number seen.
 * Returns the count, or -errno.
 */
static inline int klog_scan(long long after, int max_level, const char *needle,
			    char *first, size_t size, long long *last)
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
		    !klog_contains(&r, needle))
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

	klog_scan(-1, -1, "", NULL, 0, &last);
	return last;
}

/* klog_find() - records after @after that contain @needle; see klog_scan. */
static inline int klog_find(long long after, const char *needle, char *first,
			    size_t size)
{
	return klog_scan(after, KLOG_ANY_LEVEL, needle, first, size, NULL);
}

/* klog_complaints() - records after @after at warning level or worse. */
static inline int klog_complaints(long long after, char *first, size_t size)
{
	return klog_scan(after, 4, "", first, size, NULL);
}

#endif /* UIO_SVA_KLOG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP output for the guest test programs, in the format of the kernel's
 * tools/testing/selftests (KTAP version 1): a plan, one "ok"/"not ok"
 * line per case, "# SKIP reason" for skips, "# " diagnostics, totals.
 * A skipped case is counted as skipped, never as passed. Header-only:
 * each guest program is one .c file.
 */
#ifndef UIO_SVA_KTEST_H
#define UIO_SVA_KTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct ktest {
	int planned;
	int n;
	int pass;
	int fail;
	int skip;
};

static inline void ktest_plan(struct ktest *t, int planned)
{
	t->planned = planned;
	printf("KTAP version 1\n1..%d\n", planned);
	fflush(stdout);
}

static inline void ktest_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline void ktest_vresult(struct ktest *t, const char *status,
				 const char *suffix, const char *fmt,
				 va_list ap)
{
	printf("%s %d ", status, ++t->n);
	vprintf(fmt, ap);
	printf("%s\n", suffix);
	fflush(stdout);
}

/* ktest_result() - record a case: passed when @ok. Returns @ok. */
static inline bool ktest_result(struct ktest *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool ktest_result(struct ktest *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktest_vresult(t, ok ? "ok" : "not ok", "", fmt, ap);
	va_end(ap);
	if (ok)
		t->pass++;
	else
		t->fail++;
	return ok;
}

/* ktest_skip() - record a skipped case and why it was skipped. */
static inline void ktest_skip(struct ktest *t, const char *reason,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void ktest_skip(struct ktest *t, const char *reason,
			      const char *fmt, ...)
{
	char suffix[256];
	va_list ap;

	snprintf(suffix, sizeof(suffix), " # SKIP %s", reason);
	va_start(ap, fmt);
	ktest_vresult(t, "ok", suffix, fmt, ap);
	va_end(ap);
	t->skip++;
}

/* ktest_finish() - report missing cases as failures, print the totals. */
static inline int ktest_finish(struct ktest *t)
{
	while (t->n < t->planned)
		ktest_result(t, false, "case %d did not run", t->n + 1);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       t->pass, t->fail, t->skip);
	fflush(stdout);
	return t->fail || t->n != t->planned ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* UIO_SVA_KTEST_H */

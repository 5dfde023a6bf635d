/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP output for the guest test programs, in the format of the kernel's
 * tools/testing/selftests (KTAP version 1): a plan, one "ok"/"not ok"
 * line per case, "# SKIP reason" for skips, "# " diagnostics, totals.
 * A skipped case is counted as skipped, never as passed.
 *
 * ktest_case() runs one case in a child process, as the kernel's
 * kselftest_harness.h does: the case sets up and tears down its own
 * fixture in the child, the parent waits with a timeout, kills a hung
 * child and reports a crash, a hang or a silent exit as "not ok" with the
 * reason. One failure or hang fails that case only.
 *
 * Header-only: each guest program is one .c file.
 */
#ifndef UIO_SVA_KTEST_H
#define UIO_SVA_KTEST_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ktest {
	int planned;
	int n;
	int pass;
	int fail;
	int skip;
	int counter;	/* the program's own count, carried back from cases */
	int report_fd;	/* in a ktest_case() child: pipe to the parent + 1 */
};

/* What a ktest_case() child reports after each result. */
struct ktest_counts {
	int n, pass, fail, skip, counter;
};

static inline void ktest__report(const struct ktest *t)
{
	struct ktest_counts k = { t->n, t->pass, t->fail, t->skip, t->counter };

	if (t->report_fd > 0 &&
	    write(t->report_fd - 1, &k, sizeof(k)) != (ssize_t)sizeof(k))
		_exit(125);
}

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
	ktest__report(t);
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
	ktest__report(t);
}

/* ktest_count() - add @n to the program's own counter (see struct ktest). */
static inline void ktest_count(struct ktest *t, int n)
{
	t->counter += n;
	ktest__report(t);
}

static inline double ktest__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * ktest_case() - run @fn(@t, @arg) in a child process: @fn sets up its own
 * fixture, reports its results with ktest_result()/ktest_skip() and tears
 * the fixture down. The parent waits up to @timeout_s seconds, then kills
 * the child. A child that hangs, dies, exits non-zero or reports nothing
 * adds one "not ok" line naming @name and the reason. Returns true when
 * the case reported results and all of them passed or skipped.
 */
static inline bool ktest_case(struct ktest *t, const char *name, int timeout_s,
			      void (*fn)(struct ktest *t, void *arg), void *arg)
{
	struct ktest_counts k = { t->n, t->pass, t->fail, t->skip, t->counter };
	double deadline = ktest__now() + timeout_s;
	int fds[2], status = 0, fails = t->fail, n = t->n;
	struct pollfd pfd;
	bool hung = false, exited = false;
	ssize_t got;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds))
		return ktest_result(t, false, "%s: pipe: %s", name, strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return ktest_result(t, false, "%s: fork: %s", name, strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		t->report_fd = fds[1] + 1;
		fn(t, arg);
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/*
	 * Read the child's reports until it exits. Not until EOF only: a
	 * grandchild that outlives the case may still hold the pipe.
	 */
	for (;;) {
		bool eof = false;
		int r = poll(&pfd, 1, 100);

		if (r > 0) {
			got = read(fds[0], &k, sizeof(k));
			eof = got <= 0;
			if (!eof)
				continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			while (poll(&pfd, 1, 0) > 0 &&
			       read(fds[0], &k, sizeof(k)) == (ssize_t)sizeof(k))
				;
			break;
		}
		if (eof)
			break;
		if (ktest__now() >= deadline) {
			hung = true;
			break;
		}
	}
	close(fds[0]);
	if (hung)
		kill(pid, SIGKILL);
	while (!exited && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t->n = k.n;
	t->pass = k.pass;
	t->fail = k.fail;
	t->skip = k.skip;
	t->counter = k.counter;
	if (hung)
		return ktest_result(t, false, "%s: timed out after %d s (killed)",
				    name, timeout_s);
	if (WIFSIGNALED(status))
		return ktest_result(t, false, "%s: killed by signal %d (%s)", name,
				    WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return ktest_result(t, false, "%s: exited with status %d", name,
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (t->n == n)
		return ktest_result(t, false, "%s: reported no result", name);
	return t->fail == fails;
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

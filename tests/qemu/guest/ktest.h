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

#include <dirent.h>
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

/* Has @pid exited? Without reaping it (waitid WNOWAIT). */
static inline bool ktest__exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return !waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == pid;
}

/* Does a live (not zombie) process of process group @pgid remain? */
static inline bool ktest__group_alive(pid_t pgid)
{
	char path[300], state;
	struct dirent *e;
	bool alive = false;
	int pgrp;
	DIR *d = opendir("/proc");
	FILE *f;

	if (!d)
		return false;
	while (!alive && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%*d (%*[^)]) %c %*d %d", &state, &pgrp) == 2)
			alive = pgrp == pgid && state != 'Z';
		fclose(f);
	}
	closedir(d);
	return alive;
}

/*
 * ktest_case() - run @fn(@t, @arg) in a child process: @fn sets up its own
 * fixture, reports its results with ktest_result()/ktest_skip() and tears
 * the fixture down. The parent waits up to @timeout_s seconds, then kills
 * the child. A child that hangs, dies, exits non-zero or reports nothing
 * adds one "not ok" line naming @name and the reason. The child leads a
 * process group of its own, and whatever is left of that group when the
 * case ends (a helper process that hung or outlived its case) is killed,
 * so that it cannot hold the device in the next case. Returns true when
 * the case reported results and all of them passed or skipped.
 */
static inline bool ktest_case(struct ktest *t, const char *name, int timeout_s,
			      void (*fn)(struct ktest *t, void *arg), void *arg)
{
	struct ktest_counts k = { t->n, t->pass, t->fail, t->skip, t->counter };
	double deadline = ktest__now() + timeout_s;
	int fds[2], status = 0, fails = t->fail, n = t->n;
	struct pollfd pfd;
	bool hung = false, eof = false;
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
		setpgid(0, 0);
		close(fds[0]);
		t->report_fd = fds[1] + 1;
		fn(t, arg);
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	setpgid(pid, pid);	/* either side may run first */
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/*
	 * Read the child's reports until it exits. Not until EOF only: a
	 * grandchild that outlives the case may still hold the pipe.
	 */
	for (;;) {
		if (!eof) {
			if (poll(&pfd, 1, 100) > 0) {
				got = read(fds[0], &k, sizeof(k));
				if (got > 0)
					continue;
				eof = true;
			}
		} else {
			usleep(10 * 1000);	/* the child is on its way out */
		}
		if (ktest__exited(pid)) {
			while (!eof && poll(&pfd, 1, 0) > 0 &&
			       read(fds[0], &k, sizeof(k)) == (ssize_t)sizeof(k))
				;
			break;
		}
		if (ktest__now() >= deadline) {
			hung = true;
			break;
		}
	}
	close(fds[0]);
	/*
	 * Not reaped yet, so the group's number cannot have been reused.
	 * SIGKILL is delivered asynchronously: wait until no member lives
	 * (a dying member closes its files, the device's among them).
	 */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	for (int i = 0; i < 500 && ktest__group_alive(pid); i++)
		usleep(10 * 1000);
	/* An exited child is a zombie: the kill leaves its status alone. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Drives ktest_case() (tests/qemu/guest/ktest.h) through each outcome:
 * a pass, a failure, a crash, a hang, a case that reports nothing, a
 * case with two results and a case whose grandchild outlives it (holding
 * the report pipe), which must be gone when the next case starts;
 * test_verdict.py builds it and checks its TAP.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktest.h"

static void pass(struct ktest *t, void *arg)
{
	(void)arg;
	ktest_count(t, 1);
	ktest_result(t, true, "passes");
}

static void fail(struct ktest *t, void *arg)
{
	(void)arg;
	ktest_result(t, false, "fails");
}

static void crash(struct ktest *t, void *arg)
{
	(void)t;
	(void)arg;
	raise(SIGSEGV);
}

static void hang(struct ktest *t, void *arg)
{
	(void)t;
	(void)arg;
	pause();
}

static void silent(struct ktest *t, void *arg)
{
	(void)t;
	(void)arg;
}

static void two(struct ktest *t, void *arg)
{
	(void)arg;
	ktest_count(t, 1);
	ktest_result(t, true, "first of two");
	ktest_result(t, true, "second of two");
}

static void orphan(struct ktest *t, void *arg)
{
	pid_t *left = arg, pid = fork();

	if (pid == 0) {
		sleep(20);
		_exit(0);
	}
	*left = pid;
	ktest_result(t, true, "leaves a grandchild behind");
}

/* Gone, or dead and not yet reaped by whoever inherited it. */
static bool gone(pid_t pid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'Z';
}

static void orphan_gone(struct ktest *t, void *arg)
{
	pid_t left = *(pid_t *)arg;

	ktest_result(t, left > 0 && gone(left),
		     "the grandchild did not outlive its case");
}

int main(void)
{
	struct ktest t = { 0 };
	pid_t *left = mmap(NULL, sizeof(*left), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (left == MAP_FAILED)
		return 1;
	ktest_plan(&t, 9);
	ktest_case(&t, "pass", 5, pass, NULL);
	ktest_case(&t, "fail", 5, fail, NULL);
	ktest_case(&t, "crash", 5, crash, NULL);
	ktest_case(&t, "hang", 1, hang, NULL);
	ktest_case(&t, "silent", 5, silent, NULL);
	ktest_case(&t, "two", 5, two, NULL);
	ktest_case(&t, "orphan", 5, orphan, left);
	ktest_case(&t, "orphan-gone", 5, orphan_gone, left);
	ktest_diag("counter %d", t.counter);
	return ktest_finish(&t);
}

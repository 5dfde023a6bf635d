// SPDX-License-Identifier: GPL-2.0-only
/*
 * sys.c - the real system behind struct cli_sys: finit_module(2), fork and
 * exec, nanosleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static int real_load_module(void *arg, const char *path, const char *params)
{
	int fd, ret;

	(void)arg;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
#ifdef SYS_finit_module
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
#else
	(void)params;
	ret = -ENOSYS;
#endif
	close(fd);
	return ret;
}

/* Run argv[0] from PATH, output to our stderr; exit status or -errno. */
static int real_run(void *arg, char *const argv[])
{
	int fds[2], status, err = 0;
	ssize_t n;
	pid_t pid;

	(void)arg;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		err = errno;
		n = write(fds[1], &err, sizeof(err));
		(void)n;
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], &err, sizeof(err));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (n == (ssize_t)sizeof(err))
		return -err;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void real_sleep_us(void *arg, unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	(void)arg;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const struct cli_sys cli_real_sys = {
	.load_module = real_load_module,
	.run = real_run,
	.sleep_us = real_sleep_us,
	.modprobe = sys_modprobe,
	.arg = NULL,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * clirun.c - the in-process command runner of the CLI tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clirun.h"

static int t_load(void *arg, const char *path, const char *params)
{
	struct tsys *t = arg;

	t->loads++;
	snprintf(t->load_path, sizeof(t->load_path), "%s", path);
	snprintf(t->load_params, sizeof(t->load_params), "%s", params);
	if (!t->load_ret)
		fake_driver(t->f, "uio_pci_sva");
	return t->load_ret;
}

static int t_run(void *arg, char *const argv[])
{
	struct tsys *t = arg;
	int i;

	t->runs++;
	for (i = 0; argv[i]; i++) {
		size_t len = strlen(t->run_argv);
		snprintf(t->run_argv + len, sizeof(t->run_argv) - len, "%s%s",
			 argv[i], argv[i + 1] ? " " : "; ");
	}
	if (t->missing[0] && !strcmp(argv[0], t->missing))
		return -ENOENT;
	if (!t->run_ret && t->modprobe_works && argv[1] &&
	    !strcmp(argv[1], UIOSVA_MODULE))
		fake_driver(t->f, "uio_pci_sva");
	return t->run_ret;
}

static void t_sleep(void *arg, unsigned int us)
{
	struct tsys *t = arg;
	struct timespec ts = { 0, 100000 }; /* 0.1 ms, whatever was asked */

	(void)us;
	fake_kernel_step(t->f);
	if (t->device_step)
		t->device_step(t->device_arg);
	nanosleep(&ts, NULL);
}

void tsys_init(struct tsys *t, struct fake *f)
{
	memset(t, 0, sizeof(*t));
	t->f = f;
	t->sys.load_module = t_load;
	t->sys.run = t_run;
	t->sys.sleep_us = t_sleep;
	t->sys.arg = t;
}

struct run_result cli_runv(struct tsys *t, int n, char **args)
{
	struct run_result r = { 0, NULL, NULL };
	size_t out_len, err_len;
	char *argv[64];
	FILE *out, *err;
	struct cli cli;
	int argc = 0, i;

	argv[argc++] = "uio-sva";
	argv[argc++] = "--sysfs";
	argv[argc++] = t->f->sys;
	argv[argc++] = "--dev";
	argv[argc++] = t->f->dev;
	argv[argc++] = "--state-dir";
	argv[argc++] = t->f->state;
	for (i = 0; i < n && argc < 63; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	out = open_memstream(&r.out, &out_len);
	err = open_memstream(&r.err, &err_len);
	cli_init(&cli, out, err, &t->sys);
	cli.profile_dir = t->f->profiles;
	r.rc = cli_main(&cli, argc, argv);
	fclose(out);
	fclose(err);
	return r;
}

struct run_result cli_run(struct tsys *t, ...)
{
	char *args[64];
	int n = 0;
	va_list ap;
	char *a;

	va_start(ap, t);
	while ((a = va_arg(ap, char *)) && n < 56)
		args[n++] = a;
	va_end(ap);
	return cli_runv(t, n, args);
}

void run_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

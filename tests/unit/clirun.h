/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clirun.h - run uio-sva in-process against a fake tree, with a fake
 * kernel (module loading, modprobe, bind reactions) and an optional fake
 * device stepped while the command waits.
 */
#ifndef UIOSVA_CLIRUN_H
#define UIOSVA_CLIRUN_H

#include "cli.h"
#include "fakesys.h"

struct tsys {
	struct fake *f;
	int loads;		/* load_module calls */
	char load_path[256];
	char load_params[256];
	int load_ret;		/* what load_module returns */
	int runs;		/* run calls */
	char run_argv[512];	/* every run, "a b c; " */
	int run_ret;		/* what run returns */
	char missing[32];	/* a program run says is not installed */
	bool modprobe_works;	/* modprobe of our module registers it */
	void (*device_step)(void *arg);
	void *device_arg;
	struct cli_sys sys;
};

struct run_result {
	int rc;
	char *out;
	char *err;
};

void tsys_init(struct tsys *t, struct fake *f);
/* Run "uio-sva --sysfs ... --dev ... --state-dir ... ARGS..." (NULL-ended). */
struct run_result cli_run(struct tsys *t, ...);
/* The same with @n arguments in @args. */
struct run_result cli_runv(struct tsys *t, int n, char **args);
void run_free(struct run_result *r);

#endif

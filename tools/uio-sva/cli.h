/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h - the uio-sva command: shared state, exit statuses, helpers.
 *
 * Commands print to cli->out and cli->err and return an exit status; they
 * never call exit(), so that tests can run them in-process.
 */
#ifndef UIOSVA_CLI_H
#define UIOSVA_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "opts.h"
#include "uiosva.h"

#ifndef UIOSVA_PACKAGE_VERSION
#define UIOSVA_PACKAGE_VERSION "0.0.0"
#endif
#ifndef UIOSVA_PROFILEDIR
#define UIOSVA_PROFILEDIR "/usr/local/share/uio-sva/profiles"
#endif
#define UIOSVA_STATE_DIR "/run/uio-sva"

/* Exit statuses, documented in uio-sva(1). */
enum cli_status {
	RC_OK = 0,	 /* success; for dma: every operation verified */
	RC_FAIL = 1,	 /* a system call failed, or refused without --force */
	RC_USAGE = 2,	 /* bad command line or profile */
	RC_SETUP = 3,	 /* module not loaded, device missing or not bound */
	RC_SVA = 4,	 /* open() refused SVA, or no PASID */
	RC_DEVERR = 5,	 /* the device ended an operation with an error */
	RC_TIMEOUT = 6,	 /* no completion within the timeout */
	RC_MISMATCH = 7, /* the device said done but the data are wrong */
};

/*
 * struct cli_sys - what uio-sva asks of the system besides files, so that
 * tests can stand in for the kernel.
 * @load_module: finit_module() of @path with @params; -errno.
 * @run: run a program found in PATH; its exit status, or -errno when it
 *	could not be started (-ENOENT: not installed).
 * @sleep_us: sleep while waiting for the kernel or the device.
 * @modprobe: load module @name and its dependencies with @params in
 *	process (libkmod); 0, -ENOENT when there is no such module, -errno;
 *	-ENOSYS or a NULL @modprobe: run the modprobe program instead.
 * @arg: passed to each.
 */
struct cli_sys {
	int (*load_module)(void *arg, const char *path, const char *params);
	int (*run)(void *arg, char *const argv[]);
	void (*sleep_us)(void *arg, unsigned int us);
	int (*modprobe)(void *arg, const char *name, const char *params);
	void *arg;
};

/* sys_kmod.c (with libkmod) or sys_nokmod.c (static builds): @modprobe. */
int sys_modprobe(void *arg, const char *name, const char *params);

struct cli {
	FILE *out;
	FILE *err;
	struct uiosva_config cfg;
	const char *state_dir;
	const char *profile_dir;
	const struct cli_sys *sys;
};

/* Global options, accepted before and after the command. */
enum {
	OPT_SYSFS = 1000,
	OPT_DEV,
	OPT_STATE_DIR,
	OPT_HELP,
};

#define CLI_GLOBAL_OPTDEFS                                    \
	{ "sysfs", 0, 1, OPT_SYSFS }, { "dev", 0, 1, OPT_DEV }, \
	{ "state-dir", 0, 1, OPT_STATE_DIR },                 \
	{ "help", 'h', 0, OPT_HELP }

/* cli.c */
int cli_main(struct cli *cli, int argc, char **argv);
int cli_global_opt(struct cli *cli, int id, const char *arg);
const char *cli_sysfs(const struct cli *cli);
void cli_init(struct cli *cli, FILE *out, FILE *err,
	      const struct cli_sys *sys);
void cli_errorf(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_hintf(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* advice.c: messages with the next step, returning the exit status. */
int advise_lookup(struct cli *cli, const char *name,
		  const struct uiosva_info *info,
		  const struct uiosva_error *err);
int advise_open(struct cli *cli, const char *name,
		const struct uiosva_info *info,
		const struct uiosva_error *err);
void advise_sva_state(struct cli *cli, const struct uiosva_sva *sva,
		      const char *bdf);
const char *sva_state_hint(enum uiosva_sva_state state);

/* list_json.c: uio-sva list --json. */
void list_json_begin(struct cli *cli);
void list_json_device(struct cli *cli, const struct uiosva_info *info,
		      bool first);
void list_json_end(struct cli *cli);

/* list_all.c: uio-sva list --all. */
int list_every_function(struct cli *cli);

/* Commands. */
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_bind(struct cli *cli, int argc, char **argv);
int cmd_unbind(struct cli *cli, int argc, char **argv);
int cmd_dma(struct cli *cli, int argc, char **argv);
int cmd_profile(struct cli *cli, int argc, char **argv);

/* Help texts (help.c). */
void help_main(FILE *f);
int help_command(FILE *f, const char *cmd);

/* sys.c: the real system. */
extern const struct cli_sys cli_real_sys;

#endif

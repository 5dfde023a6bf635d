// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli.c - uio-sva: global options and dispatch to the commands.
 */
#include <string.h>

#include "cli.h"

void cli_init(struct cli *cli, FILE *out, FILE *err,
	      const struct cli_sys *sys)
{
	memset(cli, 0, sizeof(*cli));
	cli->out = out;
	cli->err = err;
	cli->state_dir = UIOSVA_STATE_DIR;
	cli->profile_dir = UIOSVA_PROFILEDIR;
	cli->sys = sys;
}

const char *cli_sysfs(const struct cli *cli)
{
	if (cli->cfg.sysfs_root && cli->cfg.sysfs_root[0])
		return cli->cfg.sysfs_root;
	return "/sys";
}

void cli_errorf(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fflush(cli->out); /* keep the order of stdout and stderr lines */
	fputs("uio-sva: ", cli->err);
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fputc('\n', cli->err);
}

/* A next step for the user, printed under the error. */
void cli_hintf(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fputs("  hint: ", cli->err);
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fputc('\n', cli->err);
}

int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(cli->out);
	fputs("uio-sva: ", cli->err);
	va_start(ap, fmt);
	vfprintf(cli->err, fmt, ap);
	va_end(ap);
	fprintf(cli->err, "\nTry 'uio-sva %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return RC_USAGE;
}

/* Handle a global option; 0 when @id is one. */
int cli_global_opt(struct cli *cli, int id, const char *arg)
{
	switch (id) {
	case OPT_SYSFS:
		cli->cfg.sysfs_root = arg;
		return 0;
	case OPT_DEV:
		cli->cfg.dev_root = arg;
		return 0;
	case OPT_STATE_DIR:
		cli->state_dir = arg;
		return 0;
	default:
		return -1;
	}
}

struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
};

static const struct command commands[] = {
	{ "list", cmd_list },	  { "bind", cmd_bind },
	{ "unbind", cmd_unbind }, { "dma", cmd_dma },
	{ "profile", cmd_profile },
};

static int run_command(struct cli *cli, const char *name, int argc,
		       char **argv)
{
	size_t i;

	if (!strcmp(name, "help")) {
		if (argc < 2) {
			help_main(cli->out);
			return RC_OK;
		}
		if (help_command(cli->out, argv[1]))
			return cli_usage_error(cli, NULL,
					       "unknown command '%s'", argv[1]);
		return RC_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(cli, argc, argv);
	return cli_usage_error(cli, NULL, "unknown command '%s'", name);
}

int cli_main(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		CLI_GLOBAL_OPTDEFS,
		{ "version", 'V', 0, 1 },
		{ NULL, 0, 0, 0 },
	};
	struct optparser p;
	const char *arg;
	int id;

	opt_init(&p, argc, argv, defs);
	while ((id = opt_next(&p, &arg)) != OPT_END) {
		if (id == OPT_ERROR)
			return cli_usage_error(cli, NULL, "%s", p.msg);
		if (id == OPT_POSITIONAL)
			return run_command(cli, arg, argc - p.next + 1,
					   argv + p.next - 1);
		if (id == OPT_HELP) {
			help_main(cli->out);
			return RC_OK;
		}
		if (id == 1) {
			fprintf(cli->out, "uio-sva %s (libuiosva %s)\n",
				UIOSVA_PACKAGE_VERSION, uiosva_version());
			return RC_OK;
		}
		cli_global_opt(cli, id, arg);
	}
	help_main(cli->err);
	return RC_USAGE;
}

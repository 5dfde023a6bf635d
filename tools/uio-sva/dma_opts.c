// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_opts.c - the options of uio-sva dma.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "dma.h"

enum {
	O_PROFILE = 1,
	O_OP,
	O_SIZE,
	O_PATTERN,
	O_SEED,
	O_BUFFER,
	O_OFFSET,
	O_NO_TOUCH,
	O_TIMEOUT,
	O_POLL,
	O_REPEAT,
	O_PASID,
	O_EXPECT_ERROR,
	O_QUIET,
	O_VERBOSE,
};

static const struct optdef dma_defs[] = {
	CLI_GLOBAL_OPTDEFS,
	{ "profile", 'p', 1, O_PROFILE },
	{ "op", 'o', 1, O_OP },
	{ "size", 's', 1, O_SIZE },
	{ "pattern", 0, 1, O_PATTERN },
	{ "seed", 0, 1, O_SEED },
	{ "buffer", 'b', 1, O_BUFFER },
	{ "offset", 0, 1, O_OFFSET },
	{ "no-touch", 0, 0, O_NO_TOUCH },
	{ "timeout", 't', 1, O_TIMEOUT },
	{ "poll", 0, 0, O_POLL },
	{ "repeat", 'n', 1, O_REPEAT },
	{ "pasid", 0, 1, O_PASID },
	{ "expect-error", 0, 1, O_EXPECT_ERROR },
	{ "quiet", 'q', 0, O_QUIET },
	{ "verbose", 'v', 0, O_VERBOSE },
	{ NULL, 0, 0, 0 },
};

static const char *const buf_names[BUF_COUNT] = {
	[BUF_MALLOC] = "malloc",     [BUF_MMAP] = "mmap",
	[BUF_STACK] = "stack",	     [BUF_UNMAPPED] = "unmapped",
	[BUF_READONLY] = "readonly",
};

const char *buf_kind_name(enum buf_kind kind)
{
	return kind < BUF_COUNT ? buf_names[kind] : "?";
}

static int bad(struct cli *cli, const char *opt, const char *arg,
	       const char *want)
{
	return cli_usage_error(cli, "dma", "--%s %s: %s", opt, arg, want);
}

static int set_buffer(struct cli *cli, struct dma_opts *o, const char *arg)
{
	int i;

	for (i = 0; i < BUF_COUNT; i++) {
		if (!strcmp(arg, buf_names[i])) {
			o->buffer = (enum buf_kind)i;
			return 0;
		}
	}
	return bad(cli, "buffer", arg,
		   "use malloc, mmap, stack, unmapped or readonly");
}

static int set_pasid(struct cli *cli, struct dma_opts *o, const char *arg)
{
	if (!strcmp(arg, "none")) {
		o->pasid_mode = PASID_NONE;
		return 0;
	}
	if (parse_u64(arg, &o->pasid_value) || o->pasid_value > UINT32_MAX)
		return bad(cli, "pasid", arg, "a 32-bit number or 'none'");
	o->pasid_mode = PASID_VALUE;
	return 0;
}

static int set_number(struct cli *cli, int id, const char *arg,
		      struct dma_opts *o)
{
	uint64_t u;
	long v;
	int ret;

	switch (id) {
	case O_SIZE:
		ret = parse_size(arg, &o->size);
		if (ret == -ERANGE || (!ret && o->size > SIZE_MAX / 4))
			return bad(cli, "size", arg, "too large");
		if (ret || !o->size)
			return bad(cli, "size", arg, "a size of at least 1 "
				   "byte, e.g. 4096, 64K, 1M, 1G");
		return 0;
	case O_OFFSET:
		if (parse_size(arg, &o->offset) || o->offset > (1u << 30))
			return bad(cli, "offset", arg, "0 to 1G");
		return 0;
	case O_PATTERN:
		return parse_u64(arg, &o->pattern) ?
			bad(cli, "pattern", arg, "a number up to 64 bits") : 0;
	case O_SEED:
		return parse_u64(arg, &o->seed) ?
			bad(cli, "seed", arg, "a number") : 0;
	case O_TIMEOUT:
		ret = parse_u64(arg, &u);
		if (ret == -ERANGE || (!ret && u > INT_MAX))
			return bad(cli, "timeout", arg, "too large (at most "
				   "2147483647 ms)");
		if (parse_int(arg, 1, INT_MAX, &v))
			return bad(cli, "timeout", arg, "milliseconds, >= 1");
		o->timeout_ms = v;
		return 0;
	default: /* O_REPEAT */
		if (parse_int(arg, 1, LONG_MAX, &v))
			return bad(cli, "repeat", arg, "a count, >= 1");
		o->repeat = (unsigned long)v;
		return 0;
	}
}

static int set_option(struct cli *cli, int id, const char *arg,
		      struct dma_opts *o)
{
	switch (id) {
	case O_PROFILE:
		o->profile = arg;
		return 0;
	case O_OP:
		return prof_op_parse(arg, &o->op) ?
			bad(cli, "op", arg, "use fill, copy or checksum") : 0;
	case O_BUFFER:
		return set_buffer(cli, o, arg);
	case O_NO_TOUCH:
		o->no_touch = true;
		return 0;
	case O_POLL:
		o->poll = true;
		return 0;
	case O_PASID:
		return set_pasid(cli, o, arg);
	case O_EXPECT_ERROR:
		o->expect_error = arg;
		return 0;
	case O_QUIET:
		o->quiet = true;
		return 0;
	case O_VERBOSE:
		o->verbose = true;
		return 0;
	default:
		return set_number(cli, id, arg, o);
	}
}

static void set_defaults(struct dma_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->op = OP_FILL;
	o->size = 64 * 1024;
	o->pattern = 0xa5;
	o->seed = 1;
	o->buffer = BUF_MALLOC;
	o->timeout_ms = 10000;
	o->repeat = 1;
}

/* 0 when the options are good, -1 after --help, else an exit status. */
int dma_parse_opts(struct cli *cli, int argc, char **argv,
		   struct dma_opts *o)
{
	struct optparser p;
	const char *arg;
	int id, rc;

	set_defaults(o);
	opt_init(&p, argc, argv, dma_defs);
	while ((id = opt_next(&p, &arg)) != OPT_END) {
		if (id == OPT_ERROR)
			return cli_usage_error(cli, "dma", "%s", p.msg);
		if (id == OPT_HELP)
			return help_command(cli->out, "dma"), -1;
		if (id == OPT_POSITIONAL) {
			if (o->dev)
				return cli_usage_error(cli, "dma", "one "
						       "device at a time");
			o->dev = arg;
			continue;
		}
		if (!cli_global_opt(cli, id, arg))
			continue;
		rc = set_option(cli, id, arg, o);
		if (rc)
			return rc;
	}
	if (!o->dev)
		return cli_usage_error(cli, "dma", "which device? (dma DEV)");
	if (o->quiet && o->verbose)
		return cli_usage_error(cli, "dma", "--quiet and --verbose "
				       "contradict each other");
	return 0;
}

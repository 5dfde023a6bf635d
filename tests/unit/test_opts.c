// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_opts.c - uio-sva's option parser and number parsing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "opts.h"
#include "tap.h"

static void test_sizes(void)
{
	static const struct {
		const char *s;
		int ret;
		uint64_t v;
	} cases[] = {
		{ "4096", 0, 4096 },
		{ "0x1000", 0, 4096 },
		{ "4K", 0, 4096 },
		{ "4k", 0, 4096 },
		{ "4KiB", 0, 4096 },
		{ "4KB", 0, 4096 },
		{ "2M", 0, 2u << 20 },
		{ "1G", 0, 1u << 30 },
		{ "1T", 0, 1ull << 40 },
		{ "0", 0, 0 },
		{ "", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "4X", -EINVAL, 0 },
		{ "4Kx", -EINVAL, 0 },
		{ "-4", -EINVAL, 0 },
		{ " 4", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		int ret = parse_size(cases[i].s, &v);

		tap_ok(ret == cases[i].ret && (ret || v == cases[i].v),
		       "parse_size(\"%s\") = %d, %llu", cases[i].s, ret,
		       (unsigned long long)v);
	}
}

static void test_numbers(void)
{
	uint64_t v;
	long l;

	tap_ok(!parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX,
	       "parse_u64 takes 64-bit hex");
	tap_ok(!parse_u64("010", &v) && v == 10, "parse_u64: leading 0 is "
	       "decimal, not octal");
	tap_is_int(parse_u64("1K", &v), -EINVAL, "parse_u64 rejects suffixes");
	tap_is_int(parse_u64(NULL, &v), -EINVAL, "parse_u64(NULL)");
	tap_ok(!parse_int("-5", -10, 10, &l) && l == -5, "parse_int negative");
	tap_is_int(parse_int("11", -10, 10, &l), -ERANGE, "parse_int range");
	tap_is_int(parse_int("abc", 0, 10, &l), -EINVAL, "parse_int junk");
}

static void test_format(void)
{
	char buf[32];

	format_size(1, buf, sizeof(buf));
	tap_is_str(buf, "1 byte", "format_size 1");
	format_size(4096, buf, sizeof(buf));
	tap_is_str(buf, "4 KiB", "format_size 4096");
	format_size(1536 * 1024, buf, sizeof(buf));
	tap_is_str(buf, "1.5 MiB", "format_size 1.5M");
	format_size(1ull << 30, buf, sizeof(buf));
	tap_is_str(buf, "1 GiB", "format_size 1G");
}

static const struct optdef defs[] = {
	{ "size", 's', 1, 1 },
	{ "quiet", 'q', 0, 2 },
	{ "poll", 0, 0, 3 },
	{ NULL, 0, 0, 0 },
};

static void test_parser(void)
{
	char *argv[] = { "dma", "dev0", "--size=4K", "-s", "8K", "-s16K",
			 "--quiet", "-q", "--", "--poll", NULL };
	struct optparser p;
	const char *arg = NULL;

	opt_init(&p, 10, argv, defs);
	tap_ok(opt_next(&p, &arg) == OPT_POSITIONAL && !strcmp(arg, "dev0"),
	       "positional argument");
	tap_ok(opt_next(&p, &arg) == 1 && !strcmp(arg, "4K"), "--opt=value");
	tap_ok(opt_next(&p, &arg) == 1 && !strcmp(arg, "8K"), "-o value");
	tap_ok(opt_next(&p, &arg) == 1 && !strcmp(arg, "16K"), "-ovalue");
	tap_is_int(opt_next(&p, &arg), 2, "--flag");
	tap_is_int(opt_next(&p, &arg), 2, "-f");
	tap_ok(opt_next(&p, &arg) == OPT_POSITIONAL && !strcmp(arg, "--poll"),
	       "after --, options are positional");
	tap_is_int(opt_next(&p, &arg), OPT_END, "end");
}

/* getopt_long: combined short options, and a fresh parse each time. */
static void test_combined(void)
{
	char *argv[] = { "x", "-qs8K", "--si", "1M", NULL };
	struct optparser p;
	const char *arg = NULL;

	opt_init(&p, 4, argv, defs);
	tap_is_int(opt_next(&p, &arg), 2, "-qs8K: -q");
	tap_ok(opt_next(&p, &arg) == 1 && !strcmp(arg, "8K"), "-qs8K: -s 8K");
	tap_ok(opt_next(&p, &arg) == 1 && !strcmp(arg, "1M"),
	       "--si: unambiguous abbreviation of --size");
	tap_is_int(opt_next(&p, &arg), OPT_END, "combined: end");
}

static void test_reset(void)
{
	char *a1[] = { "x", "-s", NULL };
	char *a2[] = { "y", "-q", "pos", NULL };
	struct optparser p;
	const char *arg = NULL;

	opt_init(&p, 2, a1, defs);
	tap_is_int(opt_next(&p, &arg), OPT_ERROR, "-s without a value");
	tap_contains(p.msg, "option -s needs a value", "... says so");
	opt_init(&p, 3, a2, defs);
	tap_is_int(opt_next(&p, &arg), 2, "after a reset: -q");
	tap_ok(opt_next(&p, &arg) == OPT_POSITIONAL && !strcmp(arg, "pos") &&
	       p.next == 3, "after a reset: positional, next 3");
	tap_is_int(opt_next(&p, &arg), OPT_END, "after a reset: end");
}

static void expect_error(char *opt, const char *msg)
{
	char *argv[] = { "x", opt, NULL };
	struct optparser p;
	const char *arg;

	opt_init(&p, 2, argv, defs);
	tap_ok(opt_next(&p, &arg) == OPT_ERROR && strstr(p.msg, msg),
	       "%s: \"%s\"", opt, p.msg);
}

int main(void)
{
	test_sizes();
	test_numbers();
	test_format();
	test_parser();
	expect_error("--bogus", "unknown option --bogus");
	expect_error("-x", "unknown option -x");
	expect_error("--size", "needs a value");
	expect_error("--quiet=1", "takes no value");
	test_combined();
	test_reset();
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * opts.c - option and number parsing for uio-sva.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"

/*
 * Options go through getopt_long(3) in RETURN_IN_ORDER mode ("-" first:
 * a positional argument comes back as 1, in place), with ":" so that a
 * missing value is told apart from an unknown option. Long options return
 * OPT_VAL_BASE + id so that ids cannot collide with 1 or a short option's
 * character. opt_init() resets getopt (optind = 0) for each command line.
 */
#define OPT_VAL_BASE 256

void opt_init(struct optparser *p, int argc, char **argv,
	      const struct optdef *defs)
{
	const struct optdef *d;
	size_t n = 0, k = 0;

	memset(p, 0, sizeof(*p));
	p->argc = argc;
	p->argv = argv;
	p->defs = defs;
	p->next = 1;
	p->shortopts[k++] = '-';
	p->shortopts[k++] = ':';
	for (d = defs; d->id && n < OPT_MAX_DEFS; d++) {
		if (d->name)
			p->longopts[n++] = (struct option){
				d->name, d->has_arg ? required_argument :
						      no_argument,
				NULL, OPT_VAL_BASE + d->id };
		if (d->short_name && k + 3 < sizeof(p->shortopts)) {
			p->shortopts[k++] = d->short_name;
			if (d->has_arg)
				p->shortopts[k++] = ':';
		}
	}
	optind = 0;
	opterr = 0;
}

static const struct optdef *find_short(const struct optdef *d, int c)
{
	for (; d->id; d++)
		if (d->short_name && d->short_name == c)
			return d;
	return NULL;
}

/* What getopt_long() refused, as a message: the argument it stopped at
 * is argv[optind - 1]. */
static int opt_error(struct optparser *p, int ret)
{
	const char *s = optind > 0 && optind <= p->argc ?
		p->argv[optind - 1] : "";
	bool is_long = !strncmp(s, "--", 2);
	int len = (int)strcspn(s, "=");

	if (ret == ':' && is_long)
		snprintf(p->msg, sizeof(p->msg), "option %s needs a value", s);
	else if (ret == ':')
		snprintf(p->msg, sizeof(p->msg), "option -%c needs a value",
			 optopt);
	else if (is_long && optopt)
		snprintf(p->msg, sizeof(p->msg), "option %.*s takes no value",
			 len, s);
	else if (is_long)
		snprintf(p->msg, sizeof(p->msg), "unknown option %.*s", len, s);
	else
		snprintf(p->msg, sizeof(p->msg), "unknown option -%c", optopt);
	return OPT_ERROR;
}

int opt_next(struct optparser *p, const char **arg)
{
	const struct optdef *d;
	int ret;

	if (p->only_positional) {
		if (p->next >= p->argc)
			return OPT_END;
		*arg = p->argv[p->next++];
		return OPT_POSITIONAL;
	}
	ret = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
	p->next = optind;
	*arg = optarg;
	if (ret == -1) {
		/* The end, or "--": what follows is positional. */
		p->only_positional = 1;
		return opt_next(p, arg);
	}
	if (ret == 1)
		return OPT_POSITIONAL;
	if (ret == '?' || ret == ':')
		return opt_error(p, ret);
	if (ret >= OPT_VAL_BASE)
		return ret - OPT_VAL_BASE;
	d = find_short(p->defs, ret);
	return d ? d->id : opt_error(p, '?');
}

/* Decimal, or hexadecimal with 0x; the whole string. */
static int parse_prefix(const char *s, uint64_t *value, const char **end)
{
	int base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p) ||
	    (base == 10 && !isdigit((unsigned char)*p)))
		return -EINVAL;
	for (; *p; p++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return -ERANGE;
		v = v * (uint64_t)base + d;
	}
	*value = v;
	*end = p;
	return 0;
}

int parse_u64(const char *s, uint64_t *value)
{
	const char *end;
	int ret;

	if (!s)
		return -EINVAL;
	ret = parse_prefix(s, value, &end);
	if (ret)
		return ret;
	return *end ? -EINVAL : 0;
}

/* A number with an optional binary suffix: K, M, G, T, KiB, MB, ... */
int parse_size(const char *s, uint64_t *value)
{
	static const char units[] = "KMGT";
	const char *end, *u;
	uint64_t v;
	int shift, ret;

	if (!s)
		return -EINVAL;
	ret = parse_prefix(s, &v, &end);
	if (ret)
		return ret;
	if (!*end) {
		*value = v;
		return 0;
	}
	u = strchr(units, toupper((unsigned char)*end));
	if (!u)
		return -EINVAL;
	shift = 10 * (int)(u - units + 1);
	end++;
	if (!strcmp(end, "i") || !strcmp(end, "iB") || !strcmp(end, "B"))
		end += strlen(end);
	if (*end)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*value = v << shift;
	return 0;
}

int parse_int(const char *s, long min, long max, long *value)
{
	uint64_t v;
	int neg = s && s[0] == '-';
	int ret;

	ret = parse_u64(neg ? s + 1 : s, &v);
	if (ret)
		return ret;
	if (v > (uint64_t)LONG_MAX)
		return -ERANGE;
	*value = neg ? -(long)v : (long)v;
	if (*value < min || *value > max)
		return -ERANGE;
	return 0;
}

/* "4096 bytes", "64 KiB", "1.5 MiB". */
void format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu byte%s", (unsigned long long)bytes,
			 bytes == 1 ? "" : "s");
		return;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, size, "%llu %s", (unsigned long long)v,
			 units[i]);
	else
		snprintf(buf, size, "%.1f %s", v, units[i]);
}

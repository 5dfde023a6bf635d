// SPDX-License-Identifier: GPL-2.0-only
/*
 * opts.c - option and number parsing for uio-sva.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"

void opt_init(struct optparser *p, int argc, char **argv,
	      const struct optdef *defs)
{
	memset(p, 0, sizeof(*p));
	p->argc = argc;
	p->argv = argv;
	p->defs = defs;
}

static const struct optdef *find_long(const struct optdef *d, const char *s,
				      size_t len)
{
	for (; d->id; d++)
		if (d->name && strlen(d->name) == len &&
		    !strncmp(d->name, s, len))
			return d;
	return NULL;
}

static const struct optdef *find_short(const struct optdef *d, char c)
{
	for (; d->id; d++)
		if (d->short_name && d->short_name == c)
			return d;
	return NULL;
}

/* The value of an option: "--opt=value", "-oVALUE" or the next argument. */
static int take_value(struct optparser *p, const struct optdef *d,
		      const char *inline_value, const char *shown,
		      const char **arg)
{
	if (!d->has_arg) {
		if (inline_value) {
			snprintf(p->msg, sizeof(p->msg),
				 "option %s takes no value", shown);
			return OPT_ERROR;
		}
		*arg = NULL;
		return d->id;
	}
	if (inline_value) {
		*arg = inline_value;
		return d->id;
	}
	if (p->next >= p->argc) {
		snprintf(p->msg, sizeof(p->msg), "option %s needs a value",
			 shown);
		return OPT_ERROR;
	}
	*arg = p->argv[p->next++];
	return d->id;
}

static int long_option(struct optparser *p, const char *s, const char **arg)
{
	const char *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const struct optdef *d = find_long(p->defs, s, len);

	if (!d) {
		snprintf(p->msg, sizeof(p->msg), "unknown option --%.*s",
			 (int)len, s);
		return OPT_ERROR;
	}
	return take_value(p, d, eq ? eq + 1 : NULL, p->argv[p->next - 1],
			  arg);
}

static int short_option(struct optparser *p, const char *s, const char **arg)
{
	const struct optdef *d = find_short(p->defs, s[0]);
	char shown[3] = { '-', s[0], '\0' };

	if (!d) {
		snprintf(p->msg, sizeof(p->msg), "unknown option -%c", s[0]);
		return OPT_ERROR;
	}
	if (s[1] && !d->has_arg) {
		snprintf(p->msg, sizeof(p->msg),
			 "combined short options are not supported: -%s", s);
		return OPT_ERROR;
	}
	return take_value(p, d, s[1] ? s + 1 : NULL, shown, arg);
}

int opt_next(struct optparser *p, const char **arg)
{
	const char *s;

	if (p->next >= p->argc)
		return OPT_END;
	s = p->argv[p->next++];
	if (p->only_positional || s[0] != '-' || !s[1]) {
		*arg = s;
		return OPT_POSITIONAL;
	}
	if (!strcmp(s, "--")) {
		p->only_positional = 1;
		return opt_next(p, arg);
	}
	if (s[1] == '-')
		return long_option(p, s + 2, arg);
	return short_option(p, s + 1, arg);
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * tap.c - the TAP producer. The counters are the only file-scope state of
 * the test programs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int tests_run;
static int tests_failed;

static bool report(bool cond, const char *name)
{
	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests_run, name);
	fflush(stdout);
	return cond;
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return report(cond, name);
}

bool tap_is_int(long long got, long long want, const char *name)
{
	if (report(got == want, name))
		return true;
	printf("#   got %lld, want %lld\n", got, want);
	return false;
}

bool tap_is_str(const char *got, const char *want, const char *name)
{
	bool ok = got && want && !strcmp(got, want);

	if (report(ok, name))
		return true;
	printf("#   got \"%s\"\n#  want \"%s\"\n", got ? got : "(null)",
	       want ? want : "(null)");
	return false;
}

bool tap_contains(const char *haystack, const char *needle, const char *name)
{
	bool ok = haystack && strstr(haystack, needle);

	if (report(ok, name))
		return true;
	printf("#   \"%s\" not found in:\n", needle);
	if (haystack) {
		const char *s = haystack;

		while (*s) {
			size_t len = strcspn(s, "\n");

			printf("#     %.*s\n", (int)len, s);
			s += len + (s[len] ? 1 : 0);
		}
	}
	return false;
}

void tap_skip(const char *why, const char *name)
{
	tests_run++;
	printf("ok %d - %s # SKIP %s\n", tests_run, name, why);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tests_run);
	fflush(stdout);
	return tests_failed ? 1 : 0;
}

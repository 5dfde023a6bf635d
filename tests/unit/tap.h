/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.h - a tiny TAP producer for the host unit tests. Each test program
 * prints "ok N - name" / "not ok N - name" lines and a plan at the end;
 * run-tests.sh adds them up.
 */
#ifndef UIOSVA_TAP_H
#define UIOSVA_TAP_H

#include <stdbool.h>
#include <stdint.h>

bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool tap_is_int(long long got, long long want, const char *name);
bool tap_is_str(const char *got, const char *want, const char *name);
bool tap_contains(const char *haystack, const char *needle, const char *name);
void tap_skip(const char *why, const char *name);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

#endif

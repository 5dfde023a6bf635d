// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * error.c - recording failures in a struct uiosva_error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* @err is NULL or declares at least the 1.0 layout (public entry points). */
bool uiosva__err_usable(const struct uiosva_error *err)
{
	return !err || err->size >= UIOSVA__ERROR_SIZE_1_0;
}

void uiosva__clear(struct uiosva_error *err)
{
	if (!err)
		return;
	err->errnum = 0;
	err->kind = UIOSVA_ERR_NONE;
	err->path[0] = '\0';
	err->msg[0] = '\0';
}

/*
 * uiosva__fail() - record a failure and return -errnum, so that callers
 * can write "return uiosva__fail(...);". @err may be NULL.
 */
int uiosva__fail(struct uiosva_error *err, enum uiosva_errkind kind,
		 int errnum, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (errnum <= 0)
		errnum = EIO;
	if (!err)
		return -errnum;
	err->errnum = errnum;
	err->kind = kind;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -errnum;
}

/* A failed system call @op on @path: "op path: strerror". */
int uiosva__sysfail(struct uiosva_error *err, int errnum, const char *op,
		    const char *path)
{
	return uiosva__fail(err, UIOSVA_ERR_SYS, errnum, path, "%s %s: %s", op,
			    path, strerror(errnum > 0 ? errnum : EIO));
}

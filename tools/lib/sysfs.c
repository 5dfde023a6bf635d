// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysfs.c - building paths below the configured roots and reading the
 * small one-value files of sysfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

const char *uiosva__sysfs_root(const struct uiosva_config *cfg)
{
	if (cfg && cfg->sysfs_root && cfg->sysfs_root[0])
		return cfg->sysfs_root;
	return "/sys";
}

const char *uiosva__dev_root(const struct uiosva_config *cfg)
{
	if (cfg && cfg->dev_root && cfg->dev_root[0])
		return cfg->dev_root;
	return "/dev";
}

/* Format a path into @buf; -ENAMETOOLONG when it does not fit. */
int uiosva__path(char *buf, size_t size, struct uiosva_error *err,
		 const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return uiosva__fail(err, UIOSVA_ERR_ARG, ENAMETOOLONG, buf,
				    "path too long: %s...", buf);
	return 0;
}

/*
 * Read the first line of a small file, without its newline. Sysfs
 * attributes fail in read(), not open(), when they have no value
 * (ENODATA), so both are reported with the path.
 */
int uiosva__read_line(const char *path, char *buf, size_t size,
		      struct uiosva_error *err)
{
	ssize_t n;
	char *nl;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return uiosva__sysfail(err, errno, "open", path);
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		close(fd);
		return uiosva__sysfail(err, e, "read", path);
	}
	close(fd);
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

/* Parse a whole string as an unsigned number, decimal or 0x hex. */
int uiosva__parse_u64(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == s || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

int uiosva__read_u64(const char *path, uint64_t *value,
		     struct uiosva_error *err)
{
	char buf[64];
	int ret;

	ret = uiosva__read_line(path, buf, sizeof(buf), err);
	if (ret)
		return ret;
	ret = uiosva__parse_u64(buf, value);
	if (ret)
		return uiosva__fail(err, UIOSVA_ERR_SYS, -ret, path,
				    "%s: not a number: \"%s\"", path, buf);
	return 0;
}

/* The last component of the target of the symlink @path. */
int uiosva__link_name(const char *path, char *buf, size_t size,
		      struct uiosva_error *err)
{
	char target[UIOSVA_PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return uiosva__sysfail(err, errno, "readlink", path);
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return uiosva__fail(err, UIOSVA_ERR_SYS, ENAMETOOLONG, path,
				    "readlink %s: name too long", path);
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

bool uiosva__exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

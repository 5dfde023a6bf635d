// SPDX-License-Identifier: GPL-2.0-only
/*
 * bindstate.c - small sysfs writes and the record of the previous driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bindstate.h"

/* Write @value in one write(), as sysfs wants (and as a shell's '>'). */
int sysfs_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	e = errno;
	if (close(fd) && n >= 0)
		return -errno;
	if (n < 0)
		return -e;
	return (size_t)n == len ? 0 : -EIO;
}

/* The name of the driver bound to @bdf; "" when none. */
int device_driver(struct cli *cli, const char *bdf, char *buf, size_t size)
{
	char path[UIOSVA_PATH_MAX];
	char target[UIOSVA_PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver",
		 cli_sysfs(cli), bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, size, "%s", base ? base + 1 : target);
	return 0;
}

/* driver_override; "" when unset ("(null)") or not supported. */
int device_override(struct cli *cli, const char *bdf, char *buf, size_t size)
{
	char path[UIOSVA_PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
		 cli_sysfs(cli), bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (!strcmp(buf, "(null)"))
		buf[0] = '\0';
	return 0;
}

int record_path(struct cli *cli, const char *bdf, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", cli->state_dir, bdf);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* mkdir -p for the state directory. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int record_save(struct cli *cli, const char *bdf,
		const struct bind_record *rec)
{
	char path[UIOSVA_PATH_MAX];
	FILE *f;
	int ret;

	ret = make_dirs(cli->state_dir);
	if (!ret)
		ret = record_path(cli, bdf, path, sizeof(path));
	if (ret)
		return ret;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "driver=%s\noverride=%s\n", rec->driver, rec->override);
	if (fclose(f))
		return -errno;
	return 0;
}

static void record_field(const char *line, const char *key, char *buf,
			 size_t size)
{
	size_t len = strlen(key);

	if (!strncmp(line, key, len) && line[len] == '=')
		snprintf(buf, size, "%.*s", (int)strcspn(line + len + 1, "\n"),
			 line + len + 1);
}

/* 0 with @rec filled, -ENOENT when there is no record. */
int record_load(struct cli *cli, const char *bdf, struct bind_record *rec)
{
	char path[UIOSVA_PATH_MAX];
	char line[256];
	FILE *f;
	int ret;

	memset(rec, 0, sizeof(*rec));
	ret = record_path(cli, bdf, path, sizeof(path));
	if (ret)
		return ret;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		record_field(line, "driver", rec->driver, sizeof(rec->driver));
		record_field(line, "override", rec->override,
			     sizeof(rec->override));
	}
	fclose(f);
	return 0;
}

void record_remove(struct cli *cli, const char *bdf)
{
	char path[UIOSVA_PATH_MAX];

	if (!record_path(cli, bdf, path, sizeof(path)))
		unlink(path);
}

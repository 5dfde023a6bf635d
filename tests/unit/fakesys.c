// SPDX-License-Identifier: GPL-2.0-only
/*
 * fakesys.c - fake sysfs and /dev trees, and a fake kernel that reacts to
 * bind, unbind and drivers_probe writes like the PCI core does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakesys.h"

#define DEVICES "sys/devices/pci0000:00"

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static void abs_path(struct fake *f, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->root, rel);
}

int fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/uiosva-test.XXXXXX");
	if (!mkdtemp(f->root))
		return -errno;
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->root);
	snprintf(f->dev, sizeof(f->dev), "%s/dev", f->root);
	snprintf(f->state, sizeof(f->state), "%s/run/uio-sva", f->root);
	snprintf(f->profiles, sizeof(f->profiles), "%s/profiles", f->root);
	if (mkdirs(f->dev) || mkdirs(f->profiles) ||
	    fake_write(f, "sys/bus/pci/drivers_probe", "") ||
	    fake_write(f, "sys/bus/pci/devices/.keep", "") ||
	    fake_write(f, "sys/class/uio/.keep", ""))
		return -EIO;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

void fake_cleanup(struct fake *f)
{
	if (f->root[0])
		nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int fake_write_bin(struct fake *f, const char *rel, const void *buf,
		   size_t len)
{
	char path[PATH_MAX];
	FILE *fp;

	if (fake_write(f, rel, ""))
		return -EIO;
	abs_path(f, rel, path, sizeof(path));
	fp = fopen(path, "wb");
	if (!fp)
		return -errno;
	if (fwrite(buf, 1, len, fp) != len) {
		fclose(fp);
		return -EIO;
	}
	return fclose(fp) ? -EIO : 0;
}

int fake_write(struct fake *f, const char *rel, const char *content)
{
	char path[PATH_MAX], dir[PATH_MAX];
	char *slash;
	FILE *fp;

	abs_path(f, rel, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (mkdirs(dir))
		return -EIO;
	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	fputs(content, fp);
	return fclose(fp) ? -EIO : 0;
}

int fake_writef(struct fake *f, const char *rel, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fake_write(f, rel, buf);
}

char *fake_read(struct fake *f, const char *rel)
{
	char path[PATH_MAX];
	char *buf;
	size_t n;
	FILE *fp;

	abs_path(f, rel, path, sizeof(path));
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	buf = calloc(1, 65536);
	n = buf ? fread(buf, 1, 65535, fp) : 0;
	(void)n;
	fclose(fp);
	return buf;
}

int fake_symlink(struct fake *f, const char *target, const char *rel)
{
	char path[PATH_MAX], dir[PATH_MAX], tgt[PATH_MAX];
	char *slash;

	abs_path(f, rel, path, sizeof(path));
	abs_path(f, target, tgt, sizeof(tgt));
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	unlink(path);
	return symlink(tgt, path) ? -errno : 0;
}

bool fake_exists(struct fake *f, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	abs_path(f, rel, path, sizeof(path));
	return lstat(path, &st) == 0;
}

int fake_driver(struct fake *f, const char *name)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/bind", name);
	if (fake_write(f, rel, ""))
		return -EIO;
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/unbind", name);
	return fake_write(f, rel, "");
}

int fake_bind(struct fake *f, const char *bdf, const char *driver)
{
	char rel[PATH_MAX], tgt[PATH_MAX];

	snprintf(rel, sizeof(rel), DEVICES "/%s/driver", bdf);
	snprintf(tgt, sizeof(tgt), "sys/bus/pci/drivers/%s", driver);
	if (fake_driver(f, driver) || fake_symlink(f, tgt, rel))
		return -EIO;
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", driver, bdf);
	snprintf(tgt, sizeof(tgt), DEVICES "/%s", bdf);
	return fake_symlink(f, tgt, rel);
}

static void remove_tree(struct fake *f, const char *rel)
{
	char path[PATH_MAX];

	abs_path(f, rel, path, sizeof(path));
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Unbind; a uio_pci_sva device loses its uio node. */
int fake_unbind(struct fake *f, const char *bdf)
{
	char rel[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	const char *drv;
	ssize_t n;

	snprintf(rel, sizeof(rel), DEVICES "/%s/driver", bdf);
	abs_path(f, rel, path, sizeof(path));
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	drv = strrchr(target, '/') + 1;
	unlink(path);
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", drv, bdf);
	abs_path(f, rel, path, sizeof(path));
	unlink(path);
	if (!strcmp(drv, "uio_pci_sva")) {
		snprintf(rel, sizeof(rel), "sys/class/uio/uio0");
		remove_tree(f, rel);
		snprintf(rel, sizeof(rel), DEVICES "/%s/uio", bdf);
		remove_tree(f, rel);
	}
	return 0;
}

int fake_pci(struct fake *f, const char *bdf, unsigned vendor,
	     unsigned device, const char *driver)
{
	char rel[PATH_MAX], tgt[PATH_MAX];

	snprintf(rel, sizeof(rel), DEVICES "/%s/vendor", bdf);
	if (fake_writef(f, rel, "0x%04x\n", vendor))
		return -EIO;
	snprintf(rel, sizeof(rel), DEVICES "/%s/device", bdf);
	fake_writef(f, rel, "0x%04x\n", device);
	snprintf(rel, sizeof(rel), DEVICES "/%s/driver_override", bdf);
	fake_write(f, rel, "(null)\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	snprintf(tgt, sizeof(tgt), DEVICES "/%s", bdf);
	if (fake_symlink(f, tgt, rel))
		return -EIO;
	return driver ? fake_bind(f, bdf, driver) : 0;
}

static int write_map(struct fake *f, const char *base, const char *kind,
		     int k, const struct fake_map *m)
{
	char rel[PATH_MAX];
	int port = !strcmp(kind, "port");

	snprintf(rel, sizeof(rel), "%s/%s%d/name", base,
		 port ? "portio/port" : "maps/map", k);
	if (fake_writef(f, rel, "%s\n", m->name))
		return -EIO;
	snprintf(rel, sizeof(rel), "%s/%s%d/%s", base,
		 port ? "portio/port" : "maps/map", k, port ? "start" : "addr");
	fake_writef(f, rel, "0x%016llx\n", (unsigned long long)m->addr);
	snprintf(rel, sizeof(rel), "%s/%s%d/size", base,
		 port ? "portio/port" : "maps/map", k);
	fake_writef(f, rel, "0x%016llx\n", (unsigned long long)m->size);
	snprintf(rel, sizeof(rel), "%s/%s%d/%s", base,
		 port ? "portio/port" : "maps/map", k,
		 port ? "porttype" : "offset");
	if (port)
		return fake_write(f, rel, "port_x86\n");
	return fake_writef(f, rel, "0x%llx\n", (unsigned long long)m->offset);
}

int fake_uio(struct fake *f, const char *bdf, const char *uio,
	     const struct fake_map *maps, int nmaps)
{
	char base[PATH_MAX], rel[PATH_MAX], tgt[PATH_MAX], path[PATH_MAX];
	int k, fd;

	snprintf(base, sizeof(base), DEVICES "/%s/uio/%s", bdf, uio);
	snprintf(rel, sizeof(rel), "%s/name", base);
	if (fake_write(f, rel, "uio_pci_sva\n"))
		return -EIO;
	snprintf(rel, sizeof(rel), "%s/dev", base);
	fake_write(f, rel, "243:0\n");
	for (k = 0; k < nmaps; k++)
		write_map(f, base, "map", k, &maps[k]);
	snprintf(rel, sizeof(rel), "%s/device", base);
	snprintf(tgt, sizeof(tgt), DEVICES "/%s", bdf);
	fake_symlink(f, tgt, rel);
	snprintf(rel, sizeof(rel), "sys/class/uio/%s", uio);
	fake_symlink(f, base, rel);
	snprintf(path, sizeof(path), "%s/%s", f->dev, uio);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	k = ftruncate(fd, 1 << 20);
	close(fd);
	return k ? -EIO : 0;
}

/* The uio node and SVA attributes uio_pci_sva gives the test device. */
int fake_testdev_uio(struct fake *f, const char *bdf, const char *uio)
{
	static const struct fake_map maps[] = {
		{ "BAR0", 0xfe000000, 4096, 0 },
		{ "BAR2", 0xfd000000, 65536, 0 },
	};
	static const struct fake_map port = { "BAR4", 0xc000, 32, 0 };
	char base[PATH_MAX];
	int ret;

	ret = fake_uio(f, bdf, uio, maps, 2);
	if (ret)
		return ret;
	snprintf(base, sizeof(base), DEVICES "/%s/uio/%s", bdf, uio);
	write_map(f, base, "port", 0, &port);
	snprintf(base, sizeof(base), DEVICES "/%s/sva_status", bdf);
	if (fake_exists(f, base)) /* a test chose the state */
		return 0;
	return fake_sva(f, bdf, "ready", -1, 0, NULL);
}

int fake_testdev(struct fake *f, const char *bdf, const char *uio)
{
	int ret = fake_pci(f, bdf, 0x1234, 0x5356, "uio_pci_sva");

	return ret ? ret : fake_testdev_uio(f, bdf, uio);
}

static void attr(struct fake *f, const char *bdf, const char *name,
		 const char *value)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), DEVICES "/%s/%s", bdf, name);
	if (value)
		fake_write(f, rel, value);
	else
		fake_writef(f, rel, WRAP_ERRNO_MARK "%d\n", ENODATA);
}

int fake_sva(struct fake *f, const char *bdf, const char *status,
	     long pasid, int pid, const char *comm)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s\n", status);
	attr(f, bdf, "sva_status", buf);
	snprintf(buf, sizeof(buf), "%ld\n", pasid);
	attr(f, bdf, "pasid", pasid >= 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "%d\n", pid);
	attr(f, bdf, "sva_pid", pid ? buf : NULL);
	snprintf(buf, sizeof(buf), "%s\n", comm ? comm : "");
	attr(f, bdf, "sva_comm", comm ? buf : NULL);
	return 0;
}

/* Read and empty a write-only attribute; the value, trimmed. */
static bool take(struct fake *f, const char *rel, char *buf, size_t size)
{
	char *s = fake_read(f, rel);

	buf[0] = '\0';
	if (s) {
		snprintf(buf, size, "%.*s", (int)strcspn(s, "\n"), s);
		free(s);
	}
	if (!buf[0])
		return false;
	fake_write(f, rel, "");
	return true;
}

static void probe(struct fake *f, const char *bdf)
{
	char rel[PATH_MAX], over[64], drv[PATH_MAX];
	const char *pick;

	snprintf(rel, sizeof(rel), DEVICES "/%s/driver", bdf);
	if (fake_exists(f, rel))
		return;
	snprintf(rel, sizeof(rel), DEVICES "/%s/driver_override", bdf);
	take(f, rel, over, sizeof(over));
	fake_writef(f, rel, "%s\n", over[0] ? over : "(null)");
	pick = over[0] && strcmp(over, "(null)") ? over : f->default_driver;
	snprintf(drv, sizeof(drv), "sys/bus/pci/drivers/%s", pick);
	if (!pick[0] || !fake_exists(f, drv))
		return;
	if (!strcmp(pick, "uio_pci_sva")) {
		if (f->refuse_bind)
			return;
		fake_bind(f, bdf, pick);
		fake_testdev_uio(f, bdf, "uio0");
		return;
	}
	fake_bind(f, bdf, pick);
}

/* Act on bind or unbind writes to every driver directory. */
static void driver_files(struct fake *f, const char *file)
{
	char rel[PATH_MAX], bdf[64], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	abs_path(f, "sys/bus/pci/drivers", path, sizeof(path));
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s",
			 de->d_name, file);
		if (!take(f, rel, bdf, sizeof(bdf)))
			continue;
		if (!strcmp(file, "unbind"))
			fake_unbind(f, bdf);
		else
			fake_bind(f, bdf, de->d_name);
	}
	if (d)
		closedir(d);
}

void fake_kernel_step(struct fake *f)
{
	char bdf[64];

	driver_files(f, "unbind");
	driver_files(f, "bind");
	if (take(f, "sys/bus/pci/drivers_probe", bdf, sizeof(bdf)))
		probe(f, bdf);
}

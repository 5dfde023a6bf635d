// SPDX-License-Identifier: GPL-2.0-only
/*
 * list_all.c - uio-sva list --all: every PCI function with what SVA needs
 * from it: the PASID, ATS and PRI extended capabilities (from its config
 * space in sysfs), its IOMMU group, the group's size and domain type, its
 * driver, and whether SVA can work there. Plain sysfs, so that the static
 * guest build needs no library.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CAP_ATS 0x0f
#define CAP_PRI 0x13
#define CAP_PASID 0x1b

struct fn_info {
	char driver[64];
	char group[32];
	char type[32];
	int group_size;
	int caps_known; /* the extended config space was readable */
	int pasid, ats, pri;
};

static void link_name(const char *path, char *buf, size_t size)
{
	char target[512];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	buf[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		memcpy(buf, base, strlen(base) + 1);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Walk the PCIe extended capabilities (config offset 0x100 on). */
static void read_caps(const char *dev, struct fn_info *fi)
{
	unsigned char cfg[4096];
	char path[600];
	unsigned off = 0x100, hops = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/config", dev);
	f = fopen(path, "rb");
	if (!f)
		return;
	n = fread(cfg, 1, sizeof(cfg), f);
	fclose(f);
	if (n < 0x104) /* unprivileged readers see 64 bytes */
		return;
	fi->caps_known = 1;
	while (off >= 0x100 && off + 4 <= n && hops++ < 512) {
		unsigned h = cfg[off] | cfg[off + 1] << 8 |
			     (unsigned)cfg[off + 2] << 16 |
			     (unsigned)cfg[off + 3] << 24;

		if (!h)
			break;
		if ((h & 0xffff) == CAP_PASID)
			fi->pasid = 1;
		else if ((h & 0xffff) == CAP_ATS)
			fi->ats = 1;
		else if ((h & 0xffff) == CAP_PRI)
			fi->pri = 1;
		off = (h >> 20) & 0xffc;
	}
}

/* Why SVA cannot work, or NULL when nothing visible stops it. */
static const char *sva_verdict(const struct fn_info *fi)
{
	if (!fi->group[0])
		return "no IOMMU group (no IOMMU, or IOMMU off)";
	if (!strcmp(fi->type, "identity"))
		return "identity (passthrough) domain: iommu.passthrough=0";
	if (!strcmp(fi->type, "blocked"))
		return "the group's domain is blocked";
	if (!fi->caps_known)
		return "capabilities unknown: run as root to read config space";
	if (!fi->pasid)
		return "the device has no PASID capability";
	if (!fi->ats)
		return "the device has no ATS capability";
	if (!fi->pri)
		return "the device has no PRI capability";
	return NULL;
}

static void show_function(struct cli *cli, const char *bdf)
{
	char dev[512], path[600], vendor[16] = "", device[16] = "";
	struct fn_info fi;
	const char *why;
	FILE *f;

	memset(&fi, 0, sizeof(fi));
	snprintf(dev, sizeof(dev), "%s/bus/pci/devices/%s", cli_sysfs(cli),
		 bdf);
	snprintf(path, sizeof(path), "%s/vendor", dev);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "0x%15s", vendor) != 1)
			vendor[0] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/device", dev);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "0x%15s", device) != 1)
			device[0] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/driver", dev);
	link_name(path, fi.driver, sizeof(fi.driver));
	snprintf(path, sizeof(path), "%s/iommu_group", dev);
	link_name(path, fi.group, sizeof(fi.group));
	if (fi.group[0]) {
		snprintf(path, sizeof(path), "%s/iommu_group/devices", dev);
		fi.group_size = count_entries(path);
		snprintf(path, sizeof(path), "%s/iommu_group/type", dev);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(fi.type, sizeof(fi.type), f))
				fi.type[0] = '\0';
			fi.type[strcspn(fi.type, "\n")] = '\0';
			fclose(f);
		}
	}
	read_caps(dev, &fi);
	why = sva_verdict(&fi);
	fprintf(cli->out, "%s  %s:%s  driver %s\n", bdf, vendor, device,
		fi.driver[0] ? fi.driver : "-");
	if (fi.group[0])
		fprintf(cli->out, "    iommu group %s (%d device%s, %s)\n",
			fi.group, fi.group_size, fi.group_size == 1 ? "" : "s",
			fi.type[0] ? fi.type : "type unknown");
	else
		fprintf(cli->out, "    iommu group -\n");
	if (fi.caps_known)
		fprintf(cli->out, "    pasid %s  ats %s  pri %s\n",
			fi.pasid ? "yes" : "no", fi.ats ? "yes" : "no",
			fi.pri ? "yes" : "no");
	else
		fprintf(cli->out, "    pasid ?  ats ?  pri ?\n");
	fprintf(cli->out, "    sva: %s%s\n", why ? "no: " : "possible",
		why ? why : "");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_every_function(struct cli *cli)
{
	char dir[512], **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", cli_sysfs(cli));
	d = opendir(dir);
	if (!d) {
		cli_errorf(cli, "cannot read %s: %s", dir, strerror(errno));
		return RC_SETUP;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 32) *
						   sizeof(*names));

			if (!nn)
				break;
			names = nn;
			cap = cap ? cap * 2 : 32;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		show_function(cli, names[i]);
		free(names[i]);
	}
	free(names);
	return RC_OK;
}

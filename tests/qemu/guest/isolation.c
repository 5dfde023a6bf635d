// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: the test device without IOMMU isolation. The driver must
 * refuse it, since such a device can DMA anywhere with untagged
 * requests; loaded with allow_unsafe_no_isolation=1 it binds, warns and
 * taints the kernel (TAINT_USER). Then open():
 *
 *   identity  - an identity (passthrough) domain (iommu.passthrough=1):
 *               whatever the kernel does, a verified SVA DMA or a
 *               documented errno;
 *   no-iommu  - no IOMMU at all: ENXIO and sva_status no-iommu, without
 *               calling into the IOMMU core (6.1's bind would oops).
 *
 * Usage: isolation identity|no-iommu   (UIO_SVA_KO: the .ko, to reload)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "klog.h"
#include "ktest.h"
#include "sysfs.h"
#include "testdev.h"

#define MODULE_NAME	"uio_pci_generic_sva"
#define PARAM		"/sys/module/" MODULE_NAME "/parameters/allow_unsafe_no_isolation"
#define TAINT_USER	6
#define DMA_LEN		(256 * 1024ul)
#define PATTERN		0x1d3a7179deadbeefull

/* What differs between the two ways of lacking isolation. */
struct mode {
	const char *name;
	const char *why;	/* in the driver's refusal and warning lines */
};

static const struct mode modes[] = {
	{ "identity", "identity (passthrough)" },
	{ "no-iommu", "not behind an IOMMU" },
};

struct ctx {
	struct ktest t;
	char bdf[32];
	const char *ko;
	const struct mode *mode;
};

/* The errno values the driver documents for open(), with sva_status. */
static const struct {
	int err;
	const char *name;
	const char *status;
} open_errors[] = {
	{ EBUSY, "EBUSY", "bound" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "blocked-by-kernel" },
	{ ENODEV, "ENODEV", "device-no-" },
	{ ENXIO, "ENXIO", "iommu-no-sva" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT", "no-kernel-sva" },
	{ ENOSPC, "ENOSPC", "pasid-exhausted" },
};

static const char *errname(int err)
{
	static char other[64];
	size_t i;

	err = err < 0 ? -err : err;
	if (!err)
		return "success";
	if (err == EPERM)
		return "EPERM";
	if (err == EINVAL)
		return "EINVAL";
	for (i = 0; i < sizeof(open_errors) / sizeof(open_errors[0]); i++)
		if (open_errors[i].err == err)
			return open_errors[i].name;
	snprintf(other, sizeof(other), "errno %d (%s)", err, strerror(err));
	return other;
}

static int read_file(const char *path, char *buf, size_t size)
{
	return sysfs_read(path, buf, size);
}

static long tainted(void)
{
	char buf[32];

	return read_file("/proc/sys/kernel/tainted", buf, sizeof(buf)) ? -1 :
	       strtol(buf, NULL, 10);
}

static bool taint_user(void)
{
	long t = tainted();

	return t >= 0 && (t >> TAINT_USER & 1);
}

/* The PCI driver bound to @bdf, "" when none. */
static void driver_of(const char *bdf, char *buf, size_t size)
{
	char path[256], link[256];
	const char *name;
	ssize_t n;
	size_t len;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	buf[0] = 0;
	if (n <= 0)
		return;
	link[n] = 0;
	name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	len = strlen(name) < size - 1 ? strlen(name) : size - 1;
	memcpy(buf, name, len);
	buf[len] = 0;
}

static int mod_remove(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;
}

static int mod_insert(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int set_override(const char *bdf, const char *drv)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	return sysfs_write(path, drv);
}

/* ---------------------------------------------------------------- cases */

static void case_cmdline(struct ctx *c)
{
	char line[4096] = "", *p, *last = NULL;

	read_file("/proc/cmdline", line, sizeof(line));
	for (p = strstr(line, "iommu.passthrough="); p;
	     p = strstr(p + 1, "iommu.passthrough="))
		if (p == line || p[-1] == ' ')
			last = p;
	ktest_diag("/proc/cmdline: %s", line);
	ktest_result(&c->t, last && !strncmp(last, "iommu.passthrough=1", 19) &&
		     (last[19] == ' ' || !last[19]),
		     "the last iommu.passthrough= on the command line is 1 (the runner's 0 comes first)");
}

static void case_no_groups(struct ctx *c)
{
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	int groups = 0;

	while (d && (e = readdir(d)))
		groups += e->d_name[0] != '.';
	if (d)
		closedir(d);
	ktest_diag("/sys/kernel/iommu_groups: %d groups", groups);
	ktest_result(&c->t, groups == 0, "the machine has no IOMMU: no IOMMU groups");
}

/* The type of the device's IOMMU group, "" when it has none. */
static void group_type(const struct ctx *c, char *type, size_t size)
{
	char path[256], link[256] = "";
	ssize_t n;

	type[0] = 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", c->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = 0;
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type",
		 strrchr(link, '/') + 1);
	read_file(path, type, size);
	if (!type[0])
		snprintf(type, size, "(unreadable)");
}

static void case_group(struct ctx *c)
{
	bool identity = !strcmp(c->mode->name, "identity");
	char type[64];

	group_type(c, type, sizeof(type));
	ktest_diag("%s: IOMMU group type '%s'", c->bdf, type);
	if (identity)
		ktest_result(&c->t, !strcmp(type, "identity"),
			     "the device's IOMMU group has the type identity");
	else
		ktest_result(&c->t, !type[0], "the device has no IOMMU group");
}

static void case_refused(struct ctx *c)
{
	char drv[64], line[512] = "", param[8] = "";
	long long mark = klog_seq();
	int probe, bind, logged;

	read_file(PARAM, param, sizeof(param));
	set_override(c->bdf, "uio_pci_sva");
	probe = sysfs_write("/sys/bus/pci/drivers_probe", c->bdf);
	bind = sysfs_write(SVA_DRV "/bind", c->bdf);
	driver_of(c->bdf, drv, sizeof(drv));
	logged = klog_find(mark, c->mode->why, line, sizeof(line));
	ktest_diag("allow_unsafe_no_isolation=%s; driver_override + drivers_probe: %s; bind: %s; driver now '%s'",
		   param, errname(probe), errname(bind), drv);
	ktest_diag("%d log lines, the first: %s", logged, line);
	/*
	 * The driver core ignores a failed probe in drivers_probe (the
	 * driver_override path of uio-sva bind and driverctl): that write
	 * returns success on 7.2. Only the bind file passes EPERM on.
	 */
	ktest_result(&c->t, !drv[0] && bind == -EPERM,
		     "binding is refused: the device stays without a driver (drivers_probe write: %s), the bind file write fails with EPERM",
		     errname(probe));
	ktest_result(&c->t, logged == 2 && strstr(line, c->bdf) &&
		     strstr(line, "allow_unsafe_no_isolation=1"),
		     "each refused probe logs one line naming the device, \"%s\" and the parameter",
		     c->mode->why);
}

static void case_reload(struct ctx *c)
{
	char param[8] = "";
	int clear = set_override(c->bdf, "\n");
	int rm = mod_remove();
	int ins = mod_insert(c->ko, "allow_unsafe_no_isolation=1");

	read_file(PARAM, param, sizeof(param));
	ktest_diag("driver_override cleared: %s; rmmod: %s; insmod %s allow_unsafe_no_isolation=1: %s; parameter %s; tainted %ld",
		   errname(clear), errname(rm), c->ko, errname(ins), param,
		   tainted());
	ktest_result(&c->t, !rm && !ins && !strcmp(param, "Y") && !taint_user(),
		     "rmmod, then insmod with allow_unsafe_no_isolation=1: the parameter reads Y, no TAINT_USER yet");
}

static void case_unsafe_bind(struct ctx *c)
{
	char drv[64], line[512] = "", status[64] = "";
	long long mark = klog_seq();
	int ret = sva_bind_dev(c->bdf), logged;
	long t = tainted();

	driver_of(c->bdf, drv, sizeof(drv));
	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	logged = klog_find(mark, "binding anyway (allow_unsafe_no_isolation=1)",
			   line, sizeof(line));
	ktest_diag("bind: %s, driver '%s', sva_status %s, tainted %ld", errname(ret),
		   drv, status, t);
	ktest_diag("%d warning lines: %s", logged, line);
	ktest_result(&c->t, !ret && !strcmp(drv, "uio_pci_sva"),
		     "with allow_unsafe_no_isolation=1 the device binds");
	ktest_result(&c->t, t >= 0 && (t >> TAINT_USER & 1),
		     "/proc/sys/kernel/tainted has bit 6 (TAINT_USER) set");
	ktest_result(&c->t, logged == 1 && strstr(line, c->bdf) &&
		     strstr(line, c->mode->why) && strstr(line, "tainting"),
		     "one warning line names the device, \"%s\" and the taint",
		     c->mode->why);
}

/* Fill a malloc() buffer by SVA DMA; true when every byte is right. */
static bool verified_fill(struct uiosva_dev *dev, uint32_t pasid)
{
	struct td_job job = { .pasid = pasid, .pattern = PATTERN,
			      .timeout_ms = 60000 };
	unsigned char *buf = malloc(DMA_LEN);
	bool ok;

	if (!buf)
		return false;
	memset(buf, 0, DMA_LEN);
	ok = !td_fill_verified(dev, &job, buf, DMA_LEN, NULL);
	ktest_diag("fill %lu KiB: status 0x%x error %u fault 0x%llx, %s", DMA_LEN / 1024,
		   job.status, job.error, (unsigned long long)job.fault_addr,
		   ok ? "every byte right" : "NOT verified");
	free(buf);
	return ok;
}

/* No IOMMU: ENXIO from the driver's own check, one line of advice. */
static void case_open_no_iommu(struct ctx *c)
{
	struct uiosva_dev *dev = NULL;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	char status[64] = "", line[512] = "";
	long long mark = klog_seq();
	int ret = uiosva_open(NULL, c->bdf, 0, &dev, &err), logged;

	if (!ret)
		uiosva_close(dev);
	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	logged = klog_find(mark, "cannot bind (error -6): the device is not behind an IOMMU",
			   line, sizeof(line));
	ktest_diag("open: %s; sva_status %s; %d log lines: %s", errname(ret),
		   status, logged, line);
	ktest_result(&c->t, ret == -ENXIO && !strcmp(status, "no-iommu") &&
		     logged == 1,
		     "open() fails with ENXIO, sva_status no-iommu, one log line of advice");
}

static void case_open(struct ctx *c)
{
	struct uiosva_dev *dev = NULL;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	char status[64] = "";
	uint32_t pasid = 0;
	bool ok = false;
	size_t i;
	int ret = uiosva_open(NULL, c->bdf, 0, &dev, &err);

	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	if (!ret) {
		ret = uiosva_pasid(dev, &pasid);
		ktest_diag("open: success, PASID %u (%s), sva_status %s", pasid,
			   errname(ret), status);
		ok = !ret && verified_fill(dev, pasid);
		uiosva_close(dev);
		ktest_result(&c->t, ok,
			     "open() on the identity domain binds SVA (PASID %u) and a fill of malloc() memory is verified",
			     pasid);
		return;
	}
	ktest_diag("open: %s; sva_status %s (%s)", errname(ret), status,
		   err.msg);
	for (i = 0; i < sizeof(open_errors) / sizeof(open_errors[0]); i++)
		if (-ret == open_errors[i].err)
			ok = !strncmp(status, open_errors[i].status,
				      strlen(open_errors[i].status));
	ktest_result(&c->t, ok,
		     "open() on the identity domain fails with a documented errno (%s) and the matching sva_status (%s)",
		     errname(ret), status);
}

static void case_cleanup(struct ctx *c)
{
	int unbind = sva_unbind_dev(c->bdf);
	int clear = set_override(c->bdf, "\n");
	int rm = mod_remove();

	ktest_diag("unbind %s, driver_override cleared %s, rmmod %s",
		   errname(unbind), errname(clear), errname(rm));
	ktest_result(&c->t, !unbind && !clear && !rm, "unbind and rmmod are clean");
}

int main(int argc, char **argv)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	c.ko = getenv("UIO_SVA_KO");
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			c.mode = &modes[i];
	if (!c.mode) {
		fprintf(stderr, "usage: isolation identity|no-iommu\n");
		return 2;
	}
	ktest_plan(&c.t, 10);
	if (td_find(0, c.bdf, sizeof(c.bdf)) || !c.ko ||
	    access(SVA_DRV, F_OK)) {
		ktest_diag("no test device, no $UIO_SVA_KO or the driver is not loaded");
		return ktest_finish(&c.t);
	}
	ktest_diag("device %s, module %s", c.bdf, c.ko);
	if (c.mode == &modes[0])
		case_cmdline(&c);
	else
		case_no_groups(&c);
	case_group(&c);
	case_refused(&c);
	case_reload(&c);
	case_unsafe_bind(&c);
	if (c.mode == &modes[0])
		case_open(&c);
	else
		case_open_no_iommu(&c);
	case_cleanup(&c);
	return ktest_finish(&c.t);
}

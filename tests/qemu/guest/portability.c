// SPDX-License-Identifier: GPL-2.0
/*
 * portability: the driver on Debian's stable x86 kernels (6.1, 6.12),
 * whose iommu_sva_bind_device() returns -EOPNOTSUPP unconditionally. The
 * module loads and binds the device; sva_status is ready until the first
 * open(), which fails with EOPNOTSUPP, logs the advice to boot 7.2 and
 * turns sva_status to blocked-by-kernel. The driver remembers: a second
 * open() fails the same way without calling iommu_sva_bind_device()
 * again (counted with the function tracer; 6.1's block leaks an IOMMU
 * group reference per call). Unbind and rmmod are clean.
 *
 * Usage: portability
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "klog.h"
#include "ktest.h"
#include "pcicfg.h"
#include "sysfs.h"
#include "testdev.h"

#define MODULE_NAME	"uio_pci_generic_sva"
#define TRACED_FN	"iommu_sva_bind_device"
#define ADVICE		"boot a kernel that has iommu_sva_invalidate_kva_range()"

struct ctx {
	struct ktest t;
	char bdf[32];
	char node[UIOSVA_NAME_MAX + 8];	/* /dev/uioX */
	const char *tracefs;	/* NULL without the function tracer */
	int pri[3];		/* PRI Enable before bind, bound, after unbind */
};

#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_PRI_CTRL		0x04	/* 16 bits; bit 0: Enable */

/* The device's PRI Enable bit: 1, 0, or -errno. */
static int pri_enabled(const struct ctx *c)
{
	int pos = pcicfg_find_ext_cap(c->bdf, PCI_EXT_CAP_ID_PRI);

	if (pos < 0)
		return pos;
	return pcicfg_read16(c->bdf, (unsigned int)pos + PCI_PRI_CTRL) & 1;
}

/*
 * Kernels with IOMMU_DEV_FEAT_* need the driver to enable I/O page faults
 * at probe and to disable them at remove; on Intel that is the device's
 * PRI Enable bit. Where the IOMMU enables PRI for every ATS device itself
 * (6.1), the bit is on before any driver binds and proves nothing.
 */
static void case_iopf(struct ctx *c)
{
	ktest_diag("PRI Enable: before bind %d, bound %d, after unbind %d",
		   c->pri[0], c->pri[1], c->pri[2]);
	if (c->pri[0] == 1)
		ktest_skip(&c->t, "the IOMMU driver enables PRI before any driver binds",
			   "probe enables I/O page faults (PRI) and remove disables them");
	else
		ktest_result(&c->t, c->pri[0] == 0 && c->pri[1] == 1 && c->pri[2] == 0,
			     "probe enables I/O page faults (PRI) and remove disables them");
}

static const char *errname(int err)
{
	static char other[64];

	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODATA: return "ENODATA";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	}
	snprintf(other, sizeof(other), "errno %d (%s)", err, strerror(err < 0 ? -err : err));
	return other;
}

static int open_node(const struct ctx *c)
{
	int fd = open(c->node, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* --------------------------------------------------- function tracer */

static int trace_write(const struct ctx *c, const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", c->tracefs, file);
	return sysfs_write(path, val);
}

/* Trace calls of TRACED_FN only; 0, or -errno (c->tracefs stays NULL). */
static int trace_start(struct ctx *c)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	size_t i;
	int ret = -ENOENT;

	mount("nodev", dirs[0], "tracefs", 0, NULL);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && ret; i++) {
		c->tracefs = dirs[i];
		ret = trace_write(c, "set_ftrace_filter", TRACED_FN);
		if (!ret)
			ret = trace_write(c, "current_tracer", "function");
		if (!ret)
			ret = trace_write(c, "trace", "");
		if (!ret)
			ret = trace_write(c, "tracing_on", "1");
	}
	if (ret)
		c->tracefs = NULL;
	return ret;
}

/* Calls of TRACED_FN recorded so far, or -errno. */
static int trace_calls(const struct ctx *c)
{
	char path[128], line[512];
	int n = 0;
	FILE *f;

	if (!c->tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/trace", c->tracefs);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && strstr(line, TRACED_FN))
			n++;
	fclose(f);
	return n;
}

static void trace_stop(struct ctx *c)
{
	if (!c->tracefs)
		return;
	trace_write(c, "current_tracer", "nop");
	trace_write(c, "set_ftrace_filter", "\n");
}

/* ---------------------------------------------------------------- cases */

static void case_loaded(struct ctx *c)
{
	const char *rc = getenv("UIO_SVA_LOAD_RC");
	bool ok = rc && !strcmp(rc, "0") && !access("/sys/module/" MODULE_NAME, F_OK) &&
		  !access(SVA_DRV, F_OK);

	ktest_result(&c->t, ok, "the module loads on %s (insmod exit status %s), driver uio_pci_sva registered",
		     getenv("UIO_SVA_KVER") ? getenv("UIO_SVA_KVER") : "?", rc ? rc : "-");
}

static void case_bind(struct ctx *c)
{
	struct uiosva_info info = UIOSVA_INFO_INIT;
	int ret = sva_bind_dev(c->bdf), look = -1;

	if (!ret)
		look = uiosva_lookup(NULL, c->bdf, &info, NULL);
	if (!look)
		snprintf(c->node, sizeof(c->node), "/dev/%s", info.uio);
	ktest_diag("bind %s: %s; node %s", c->bdf, errname(ret), c->node);
	ktest_result(&c->t, !ret && !look && !wait_path(c->node, 1, 5000),
		     "the test device binds and its /dev/uioX appears");
}

static void case_ready(struct ctx *c)
{
	char status[64] = "", buf[32];
	int pasid = dev_attr(c->bdf, "pasid", buf, sizeof(buf));

	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	ktest_diag("before any open: sva_status %s, pasid %s", status, errname(pasid));
	ktest_result(&c->t, !strcmp(status, "ready") && pasid == -ENODATA,
		     "before any open() sva_status is ready and pasid fails with ENODATA");
}

static void case_first_open(struct ctx *c, int *calls)
{
	char status[64] = "", line[512] = "", pid[48];
	long long mark = klog_seq();
	int ret = open_node(c), logged;

	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	logged = klog_find(mark, ADVICE, line, sizeof(line));
	*calls = trace_calls(c);
	snprintf(pid, sizeof(pid), "open by pid %d (", (int)getpid());
	ktest_diag("open: %s; sva_status %s; %s calls %d; %d log lines: %s",
		   errname(ret), status, TRACED_FN, *calls, logged, line);
	ktest_result(&c->t, ret == -EOPNOTSUPP, "open() fails with EOPNOTSUPP (got %s)",
		     errname(ret));
	ktest_result(&c->t, !strcmp(status, "blocked-by-kernel"),
		     "then sva_status is blocked-by-kernel (got %s)", status);
	ktest_result(&c->t, logged == 1 && strstr(line, pid) && strstr(line, c->bdf) &&
		     strstr(line, "error -95"),
		     "one log line names us, the error and the advice \"" ADVICE "\"");
}

static void case_second_open(struct ctx *c, int first_calls)
{
	char status[64] = "", buf[32];
	int ret = open_node(c), calls = trace_calls(c);
	int pasid = dev_attr(c->bdf, "pasid", buf, sizeof(buf));

	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	ktest_diag("second open: %s; sva_status %s; pasid %s; %s calls %d",
		   errname(ret), status, errname(pasid), TRACED_FN, calls);
	ktest_result(&c->t, ret == -EOPNOTSUPP && !strcmp(status, "blocked-by-kernel"),
		     "a second open() fails with EOPNOTSUPP again, sva_status stays blocked-by-kernel");
	/* Debian's kernels have the function tracer: without it, the guest is broken. */
	if (!c->tracefs)
		ktest_diag("no function tracer (tracefs): the guest set-up is broken");
	ktest_result(&c->t, c->tracefs && first_calls == 1 && calls == 1,
		     "the driver remembers: " TRACED_FN " called once for both opens (function tracer: %d, then %d)",
		     first_calls, calls);
	ktest_result(&c->t, pasid == -ENODATA, "pasid fails with ENODATA (got %s)",
		     errname(pasid));
}

static void case_cleanup(struct ctx *c)
{
	int unbind = sva_unbind_dev(c->bdf);
	int gone = wait_path(c->node, 0, 5000);

	c->pri[2] = pri_enabled(c);
	int rm = syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;

	ktest_diag("unbind %s; %s gone %s; rmmod %s", errname(unbind), c->node,
		   errname(gone), errname(rm));
	ktest_result(&c->t, !unbind && !gone && !rm && access(SVA_DRV, F_OK),
		     "unbind removes /dev/uioX, rmmod is clean");
}

int main(void)
{
	struct ctx c;
	int calls = -1, ret;

	memset(&c, 0, sizeof(c));
	ktest_plan(&c.t, 11);
	case_loaded(&c);
	if (td_find(0, c.bdf, sizeof(c.bdf)) || access(SVA_DRV, F_OK)) {
		ktest_diag("no test device, or the driver is not loaded");
		return ktest_finish(&c.t);
	}
	c.pri[0] = pri_enabled(&c);
	case_bind(&c);
	c.pri[1] = pri_enabled(&c);
	case_ready(&c);
	ret = trace_start(&c);
	if (ret)
		ktest_diag("function tracer on " TRACED_FN ": %s", strerror(-ret));
	case_first_open(&c, &calls);
	case_second_open(&c, calls);
	trace_stop(&c);
	case_cleanup(&c);
	case_iopf(&c);
	return ktest_finish(&c.t);
}

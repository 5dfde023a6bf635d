// SPDX-License-Identifier: GPL-2.0
/*
 * sec_open.c - the price of SVA per process: open() of /dev/uioX (the
 * first open binds the address space: SVA domain, PASID table entry) and
 * close() (bus mastering off, pending transactions, unbind, flushes, and
 * the function reset the driver does when the last opener closes),
 * against open()/close() of uio_pci_generic's /dev/uioY, and against what
 * a VFIO user opens (container, group, VFIO_SET_IOMMU, device fd; vfio-pci
 * resets the function at device open and close) and that without the
 * device fd ("vfio-iommu-only": the IOMMU domain alone, no reset).
 *
 * Two variants: "same-process" (one process opens and closes again and
 * again; its address space keeps its PASID after the first bind) and
 * "new-process" (each open is the first of a new process, forked for it:
 * PASID allocation included). The paths alternate iteration by iteration.
 *
 * Rows: open,<open|close>,<path>,<variant>,run,us and
 *       open,<open|close>,ratio-uio_pci_sva/<path>,<variant>,run,x
 *
 * Close with the function reset on both sides: uio_pci_sva resets the
 * function in release() of the last opener (open() resets only when that
 * reset failed), so each close() above includes one reset; vfio-pci resets
 * at device fd open and at its release. "close-reset" puts the same
 * uio_pci_sva close() samples (not a second measurement) next to the
 * release of the VFIO device fd alone (timed inside the vfio-type1 close,
 * before the group and container): one reset on each side, without
 * VFIO's IOMMU domain teardown:
 *       open,close-reset,<vfio-type1-device-fd|uio_pci_sva(vs-vfio-type1-device-fd)|
 *       ratio-uio_pci_sva/vfio-type1-device-fd>,<variant>,run,<us|x>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "sysfs.h"

enum open_kind {
	OPEN_UIO,	/* open() of /dev/uioX */
	OPEN_VFIO,	/* container, group, VFIO_SET_IOMMU, device fd */
	OPEN_VFIO_IOMMU, /* the same without the device fd (no reset) */
};

struct open_target {
	const char *name;
	enum open_kind kind;
	char path[64];		/* /dev/uioX */
	const char *bdf;	/* VFIO */
	uint64_t *open_ns;
	uint64_t *close_ns;
	uint64_t *devfd_ns;	/* VFIO: close of the device fd (its reset) */
};

struct vfio_fds {
	int container;
	int group;
	int device;
};

static int vfio_fds_open(const char *bdf, bool device, struct vfio_fds *f)
{
	char path[64];
	int group, ret = drv_group(bdf, &group);

	f->container = f->group = f->device = -1;
	if (ret)
		return ret;
	f->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (f->container < 0)
		return sys_fail("open", "/dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	f->group = open(path, O_RDWR | O_CLOEXEC);
	if (f->group < 0)
		return sys_fail("open", path);
	if (ioctl(f->group, VFIO_GROUP_SET_CONTAINER, &f->container))
		return sys_fail("VFIO_GROUP_SET_CONTAINER", path);
	if (ioctl(f->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return sys_fail("VFIO_SET_IOMMU", "/dev/vfio/vfio");
	if (!device)
		return 0;
	f->device = ioctl(f->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	return f->device < 0 ? sys_fail("VFIO_GROUP_GET_DEVICE_FD", path) : 0;
}

/* Close all three; the time the device fd's close took (its reset). */
static uint64_t vfio_fds_close(struct vfio_fds *f)
{
	uint64_t t0 = now_ns(), ns;

	if (f->device >= 0)
		close(f->device);
	ns = now_ns() - t0;
	if (f->group >= 0)
		close(f->group);
	if (f->container >= 0)
		close(f->container);
	return ns;
}

/*
 * One open and close of @t: the times in @ns[0] and @ns[1]; @ns[2] the
 * close of the VFIO device fd alone (0 for UIO).
 */
static int open_close(const struct open_target *t, uint64_t ns[3])
{
	uint64_t t0 = now_ns(), t1;
	struct vfio_fds f;
	int ret = 0;

	if (t->kind == OPEN_UIO) {
		int fd = open(t->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return sys_fail("open", t->path);
		t1 = now_ns();
		close(fd);
		ns[2] = 0;
	} else {
		ret = vfio_fds_open(t->bdf, t->kind == OPEN_VFIO, &f);
		t1 = now_ns();
		ns[2] = vfio_fds_close(&f);
	}
	ns[0] = t1 - t0;
	ns[1] = now_ns() - t1;
	return ret;
}

/* open_close() in a new process; the times come back through a pipe. */
static int open_close_forked(const struct open_target *t, uint64_t ns[3])
{
	int fds[2], status = 0, ret;
	pid_t pid;

	if (pipe(fds))
		return sys_fail("pipe", "for a child");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return sys_fail("fork", t->name);
	if (pid == 0) {
		close(fds[0]);
		ret = open_close(t, ns);
		if (!ret && write(fds[1], ns, 3 * sizeof(uint64_t)) != 24)
			ret = -EIO;
		fflush(stdout);
		_exit(ret ? 1 : 0);
	}
	close(fds[1]);
	ret = read(fds[0], ns, 3 * sizeof(uint64_t)) == 24 ? 0 : -EIO;
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		ret = -EIO;
	return ret;
}

static int open_one(struct open_target *t, bool fresh, int i)
{
	uint64_t ns[3];
	int ret = fresh ? open_close_forked(t, ns) : open_close(t, ns);

	t->open_ns[i] = ns[0];
	t->close_ns[i] = ns[1];
	t->devfd_ns[i] = ns[2];
	if (ret)
		ktest_diag("error: open/close of %s (%s) failed", t->name,
			   t->kind == OPEN_UIO ? t->path : t->bdf);
	return ret;
}

static void open_emit(struct open_target *sva, struct open_target *alt,
		      const char *variant, int n, int run)
{
	double so = median_u64(sva->open_ns, n) / 1e3;
	double sc = median_u64(sva->close_ns, n) / 1e3;
	double ao = median_u64(alt->open_ns, n) / 1e3;
	double ac = median_u64(alt->close_ns, n) / 1e3;
	char name[96];

	out_row("open", "open", alt->name, variant, run, ao, "us", NULL);
	out_row("open", "close", alt->name, variant, run, ac, "us", NULL);
	snprintf(name, sizeof(name), "%s(vs-%s)", sva->name, alt->name);
	out_row("open", "open", name, variant, run, so, "us", NULL);
	out_row("open", "close", name, variant, run, sc, "us", NULL);
	snprintf(name, sizeof(name), "ratio-%s/%s", sva->name, alt->name);
	out_row("open", "open", name, variant, run, so / ao, "x", NULL);
	out_row("open", "close", name, variant, run, sc / ac, "x", NULL);
}

/* Close with one function reset on each side (see the top comment). */
static void open_emit_reset(struct open_target *sva, struct open_target *alt,
			    const char *variant, int n, int run)
{
	double sc = median_u64(sva->close_ns, n) / 1e3;
	double dc = median_u64(alt->devfd_ns, n) / 1e3;
	char name[96];

	snprintf(name, sizeof(name), "%s-device-fd", alt->name);
	out_row("open", "close-reset", name, variant, run, dc, "us", NULL);
	snprintf(name, sizeof(name), "%s(vs-%s-device-fd)", sva->name, alt->name);
	out_row("open", "close-reset", name, variant, run, sc, "us", NULL);
	snprintf(name, sizeof(name), "ratio-%s/%s-device-fd", sva->name, alt->name);
	out_row("open", "close-reset", name, variant, run, sc / dc, "x", NULL);
}

static int open_alloc(struct open_target *t, int n)
{
	t->open_ns = calloc((size_t)n, sizeof(uint64_t));
	t->close_ns = calloc((size_t)n, sizeof(uint64_t));
	t->devfd_ns = calloc((size_t)n, sizeof(uint64_t));
	return t->open_ns && t->close_ns && t->devfd_ns ? 0 : -ENOMEM;
}

static void open_free(struct open_target *t)
{
	free(t->open_ns);
	free(t->close_ns);
	free(t->devfd_ns);
	t->open_ns = t->close_ns = t->devfd_ns = NULL;
}

/* @n opens and closes of each, alternating which goes first. */
static int open_block(struct open_target *sva, struct open_target *alt,
		      bool fresh, int n, int run)
{
	int i, ret = open_alloc(sva, n) | open_alloc(alt, n);

	for (i = 0; i < n && !ret; i++) {
		if (i % 2 == 0) {
			ret = open_one(sva, fresh, i);
			ret = ret ? ret : open_one(alt, fresh, i);
		} else {
			ret = open_one(alt, fresh, i);
			ret = ret ? ret : open_one(sva, fresh, i);
		}
	}
	if (!ret)
		open_emit(sva, alt, fresh ? "new-process" : "same-process", n,
			  run);
	if (!ret && alt->kind == OPEN_VFIO)
		open_emit_reset(sva, alt, fresh ? "new-process" : "same-process",
				n, run);
	open_free(sva);
	open_free(alt);
	return ret;
}

static int open_run(struct bench *b, int run, bool fail[3])
{
	struct pair pr = pair_for_run(b, run);
	struct open_target sva = { .name = DRV_SVA, .kind = OPEN_UIO };
	struct open_target gen = { .name = DRV_GENERIC, .kind = OPEN_UIO };
	struct open_target vf = { .name = "vfio-type1", .kind = OPEN_VFIO };
	struct open_target vi = { .name = "vfio-iommu-only", .kind = OPEN_VFIO_IOMMU };
	int ret = drv_bind(pr.sva, DRV_SVA);

	ret = ret ? ret : drv_bind(pr.alt, DRV_GENERIC);
	ret = ret ? ret : drv_uio_path(pr.sva, sva.path, sizeof(sva.path));
	ret = ret ? ret : drv_uio_path(pr.alt, gen.path, sizeof(gen.path));
	if (ret)
		return ret;
	fail[0] |= open_block(&sva, &gen, false, b->opt.open_iters, run) != 0;
	fail[1] |= open_block(&sva, &gen, true, b->opt.open_fresh, run) != 0;
	vf.bdf = vi.bdf = pr.alt;
	ret = drv_bind(pr.alt, DRV_VFIO);
	ret = ret ? ret : open_block(&sva, &vf, false, b->opt.open_vfio, run);
	ret = ret ? ret : open_block(&sva, &vf, true, b->opt.open_vfio, run);
	ret = ret ? ret : open_block(&sva, &vi, false, b->opt.open_iters, run);
	ret = ret ? ret : open_block(&sva, &vi, true, b->opt.open_fresh, run);
	fail[2] |= ret != 0;
	return 0;
}

/* The reset both drivers do at close: which method the PCI core uses. */
static void open_info_reset(const struct bench *b)
{
	char path[BENCH_PATH_MAX], method[64];
	int i;

	for (i = 0; i < b->ndev && i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method",
			 b->bdf[i]);
		if (sysfs_read(path, method, sizeof(method)))
			snprintf(method, sizeof(method), "none");
		out_info("reset-method", "%s %s", b->bdf[i], method);
	}
}

int sec_open(struct bench *b)
{
	bool fail[3] = { b->ndev < 2, b->ndev < 2, b->ndev < 2 };
	int run;

	open_info_reset(b);

	for (run = 0; run < b->opt.runs && !fail[0] && !fail[1] && !fail[2]; run++)
		fail[0] |= open_run(b, run, fail) != 0;
	ktest_result(&b->t, !fail[0],
		     "open()+bind / close()+unbind vs uio_pci_generic, same process, %d x %d",
		     b->opt.runs, b->opt.open_iters);
	ktest_result(&b->t, !fail[1],
		     "open()+bind / close()+unbind vs uio_pci_generic, one new process each, %d x %d",
		     b->opt.runs, b->opt.open_fresh);
	ktest_result(&b->t, !fail[2],
		     "open()+bind / close()+unbind vs VFIO type1 with and without the device fd, %d runs",
		     b->opt.runs);
	return 0;
}

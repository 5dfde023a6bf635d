// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle: the bond between an address space and the device, from
 * open to every way it can end. Open/close cycles, shared and refused
 * opens, fork, SIGKILL during DMA, and the device leaving the driver
 * (sysfs unbind, rmmod, hot unplug) while a process holds the fd and
 * the device is busy. After each, the device must bind again and DMA.
 *
 * Usage: lifecycle
 *   Environment: UIO_SVA_KO (the driver's .ko, for rmmod/insmod),
 *   LIFECYCLE_QMP_ID and LIFECYCLE_QMP_BUS (device id and bus for QMP
 *   device_del/device_add; hot unplug is skipped without them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"
#include "sysfs.h"
#include "testdev.h"

#define MODULE "uio_pci_generic_sva"
#define PAGE 4096ull
#define LONG_DMA (64ull << 20)	/* 16384 page requests: seconds under TCG */
#define PATTERN 0x5aa5c33c0ff0e11eull

struct ctx {
	struct ktest t;
	char bdf[32];
	char uio[80];		/* /dev/uioN */
};
/*
 * Each case runs in its own child (ktest_case()); its fixture is the
 * device's current uio node (a rebind may renumber it). ktest's counter
 * counts the SVA DMA cases whose data the CPU checked.
 */

/* A forked helper process and the two pipes that pace it. */
struct peer {
	pid_t pid;
	int to;			/* parent writes: "go on" */
	int from;		/* child writes: progress bytes */
};

/* ---- small helpers ---------------------------------------------------- */

static int find_uio(struct ctx *c)
{
	struct uiosva_info info = UIOSVA_INFO_INIT;
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	int tries = 500;	/* the driver link appears before probe ends */

	while (uiosva_lookup(NULL, c->bdf, &info, &err)) {
		if (!--tries) {
			ktest_diag("%s", err.msg);
			return -1;
		}
		usleep(10 * 1000);
	}
	snprintf(c->uio, sizeof(c->uio), "/dev/%s", info.uio);
	return 0;
}

static int read_pasid(const struct ctx *c, uint32_t *pasid)
{
	char buf[32];
	int ret = dev_attr(c->bdf, "pasid", buf, sizeof(buf));

	if (!ret)
		*pasid = (uint32_t)strtoul(buf, NULL, 10);
	return ret;
}

/* Poll sva_status for up to @ms until it reads @want. */
static bool wait_status(const struct ctx *c, const char *want, int ms)
{
	char buf[64] = "";

	for (; ms > 0; ms -= 50) {
		if (!dev_attr(c->bdf, "sva_status", buf, sizeof(buf)) &&
		    !strcmp(buf, want))
			return true;
		usleep(50 * 1000);
	}
	ktest_diag("sva_status is '%s', waited for '%s'", buf, want);
	return false;
}

static bool status_is(const struct ctx *c, const char *want)
{
	char buf[64] = "";

	dev_attr(c->bdf, "sva_status", buf, sizeof(buf));
	if (strcmp(buf, want))
		ktest_diag("sva_status is '%s', expected '%s'", buf, want);
	return !strcmp(buf, want);
}

/* PCI_COMMAND Bus Master Enable, read from config space; -1 on error. */
static int bus_master(const char *bdf)
{
	char path[256];
	unsigned char cmd[2];
	int fd, ret = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, cmd, 2, 4) == 2)
		ret = !!(cmd[0] & 0x4);
	close(fd);
	return ret;
}

/* Open the device, fill a fresh malloc buffer, check it, close. */
static bool verified_dma(struct ctx *c, const char *what)
{
	struct uiosva_dev *dev;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct td_job job = { .op = TD_OP_FILL, .len = 256 << 10,
			      .pattern = PATTERN, .timeout_ms = 120000 };
	unsigned char *buf = malloc(job.len);
	bool ok = false;

	if (!buf || uiosva_open(NULL, c->bdf, 0, &dev, &err)) {
		ktest_diag("%s: open: %s", what, buf ? err.msg : "no memory");
		free(buf);
		return false;
	}
	if (!uiosva_pasid(dev, &job.pasid)) {
		ok = !td_fill_verified(dev, &job, buf, job.len, NULL);
		ktest_diag("%s: PASID %u, status 0x%x error %u, data %s", what,
			   job.pasid, job.status, job.error, ok ? "verified" : "wrong");
	}
	uiosva_close(dev);
	free(buf);
	ktest_count(&c->t, ok);
	return ok;
}

static int peer_start(struct peer *p)
{
	int to[2], from[2];

	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -errno;
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		close(to[1]);
		close(from[0]);
		p->to = to[0];
		p->from = from[1];
		return 0;
	}
	close(to[0]);
	close(from[1]);
	p->to = to[1];
	p->from = from[0];
	return 1;
}

static void peer_say(int fd, char what)
{
	if (write(fd, &what, 1) != 1)
		_exit(90);
}

/* Read one byte from @fd: the byte, or -1 on EOF/error. */
static int peer_hear(int fd)
{
	char b;

	return read(fd, &b, 1) == 1 ? b : -1;
}

/* Reap @p; its exit status, or 128 + signal. */
static int peer_wait(struct peer *p)
{
	int st;

	close(p->to);
	close(p->from);
	if (waitpid(p->pid, &st, 0) != p->pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the cases ----------------------------------------------------------- */

/*
 * Every close resets the function (an FLR: 100 ms of the PCI core's wait,
 * plus the IOMMU's detach and reattach around it), so a cycle costs a
 * reset; CYCLES keeps the case within seconds under TCG.
 */
#define CYCLES 100

static void case_cycles(struct ctx *c)
{
	uint32_t first = 0, pasid = 0;
	double t0 = td_now();
	int i, fd, err = 0, bad = 0;

	for (i = 0; i < CYCLES && !bad; i++) {
		fd = open(c->uio, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			ktest_diag("cycle %d: open: %s", i, strerror(errno));
			bad = 1;
			break;
		}
		if (read_pasid(c, &pasid) || (i && pasid != first))
			bad = 2;
		first = i ? first : pasid;
		close(fd);
		err = read_pasid(c, &pasid);
		if (err != -ENODATA)
			bad = 3;
	}
	ktest_diag("%d cycles in %.2f s (%.1f ms each, a function reset included); PASID %u each time; failure kind %d",
		   i, td_now() - t0, i ? (td_now() - t0) * 1000 / i : 0.0, first, bad);
	ktest_result(&c->t, !bad && i == CYCLES,
		     "%d open/close cycles: each open binds (the mm keeps its PASID), each close unbinds (ENODATA) and resets",
		     CYCLES);
}

static void case_two_fds(struct ctx *c)
{
	uint32_t p1 = 0, p2 = 0, p3 = 0;
	int fd1 = open(c->uio, O_RDWR | O_CLOEXEC);
	int fd2 = open(c->uio, O_RDWR | O_CLOEXEC);
	bool ok = fd1 >= 0 && fd2 >= 0 && !read_pasid(c, &p1);

	if (fd1 >= 0)
		close(fd1);
	ok = ok && !read_pasid(c, &p2) && p1 == p2 && status_is(c, "bound");
	if (fd2 >= 0)
		close(fd2);
	ok = ok && read_pasid(c, &p3) == -ENODATA && status_is(c, "ready");
	ktest_result(&c->t, ok,
		     "two fds in one process share the bond; it ends with the last close");
}

static void case_ebusy(struct ctx *c)
{
	int fd = open(c->uio, O_RDWR | O_CLOEXEC);
	char pid[32] = "";
	struct peer p;
	int rc = -1, r;

	if (fd < 0) {
		ktest_result(&c->t, false, "a second process gets EBUSY (open: %s)",
			     strerror(errno));
		return;
	}
	r = peer_start(&p);
	if (r == 0) {	/* child: another mm */
		int fd2 = open(c->uio, O_RDWR | O_CLOEXEC);

		_exit(fd2 < 0 && errno == EBUSY ? 0 : 1);
	}
	if (r > 0)
		rc = peer_wait(&p);
	dev_attr(c->bdf, "sva_pid", pid, sizeof(pid));
	close(fd);
	ktest_result(&c->t, rc == 0 && atoi(pid) == getpid(),
		     "a second process gets EBUSY while sva_pid names the owner");
}

/*
 * Grandchild G keeps the fd its parent P opened; P exits. G then asks the
 * device to write, under P's PASID, at the address of P's buffer, which
 * in G's own (copied) address space holds G's data. Nothing may be
 * written: P's address space is gone. The driver does not even let G map
 * the BARs (EPERM: another address space), so G cannot start the DMA.
 */
static int fork_grandchild(struct ctx *c, int report)
{
	struct uiosva_dev *dev;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct td_job job = { .op = TD_OP_FILL, .len = PAGE,
			      .pattern = PATTERN, .timeout_ms = 60000 };
	unsigned char *buf = aligned_alloc(PAGE, PAGE);
	int res = 1;
	pid_t g, parent;

	if (!buf || uiosva_open(NULL, c->bdf, 0, &dev, &err) ||
	    uiosva_pasid(dev, &job.pasid))
		return 10;
	memset(buf, 0x11, PAGE);
	job.dst = (uintptr_t)buf;
	parent = getpid();	/* before the fork: P may be gone before G runs */
	g = fork();
	if (g < 0)
		return 11;
	if (g > 0)
		_exit(0);	/* P exits with the device open in G */
	while (getppid() == parent)
		usleep(1000);
	usleep(200 * 1000);	/* P's exit and its mm teardown */
	if (!td_run(dev, &job))
		res = (job.status & TD_STATUS_ERROR) && buf[0] == 0x11 &&
		      buf[PAGE - 1] == 0x11 ? 0 : 2;
	else if (uiosva_last_error(dev)->errnum == EPERM)
		res = buf[0] == 0x11 && buf[PAGE - 1] == 0x11 ? 0 : 3;
	dprintf(report, "%u %u %u\n", job.status, job.error,
		(unsigned int)buf[0]);
	uiosva_close(dev);
	return res;
}

static void case_fork(struct ctx *c)
{
	int rep[2], rc = -1;
	unsigned int st = 0, er = 0, b0 = 0;
	char line[64] = "";
	FILE *f;
	pid_t pid;

	if (pipe(rep)) {
		ktest_result(&c->t, false, "fork: pipe: %s", strerror(errno));
		return;
	}
	klog_expect("DMAR: DRHD: handling fault status reg");
	klog_expect("DMAR: \\[DMA (Read|Write)( NO_PASID)?\\] Request device");
	pid = fork();
	if (pid == 0) {
		close(rep[0]);
		_exit(fork_grandchild(c, rep[1]));
	}
	close(rep[1]);
	f = fdopen(rep[0], "r");
	if (f && fgets(line, sizeof(line), f))
		sscanf(line, "%u %u %u", &st, &er, &b0);
	if (f)
		fclose(f);
	waitpid(pid, NULL, 0);
	/* G closed its fd: wait until the bond is gone. */
	rc = wait_status(c, "ready", 10000);
	usleep(200 * 1000);
	klog_scope_end();
	ktest_diag("after the opener exited: status 0x%x error %u, byte 0x%02x",
		   st, er, b0);
	ktest_result(&c->t, b0 == 0x11 && rc,
		     "fork: the opener exits, its child holds the fd; DMA under the dead mm's PASID fails, nothing written");
}

/*
 * Touch BAR0 in a probe that shares our address space (vfork: BAR
 * mappings are not inherited by fork); its fate: 'S' SIGBUS, 'R' read,
 * 'X' other.
 */
static char probe_bar(volatile uint32_t *bar)
{
	pid_t pid = vfork();
	int st;

	if (pid == 0)
		_exit(bar[0] == TD_ID_VALUE ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 'X';
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS)
		return 'S';
	return WIFEXITED(st) ? 'R' : 'X';
}

/*
 * Open the device and start a fill of LONG_DMA bytes of fresh memory, one
 * page request per 4 KiB page: seconds of work under TCG. The buffer
 * stays mapped until the process exits. 0, or -errno.
 */
static int start_long_dma(struct ctx *c, struct uiosva_dev **dev)
{
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct td_job job = { .op = TD_OP_FILL, .len = LONG_DMA,
			      .pattern = PATTERN };
	void *buf = mmap(NULL, LONG_DMA, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return -ENOMEM;
	madvise(buf, LONG_DMA, MADV_NOHUGEPAGE);
	if (uiosva_open(NULL, c->bdf, 0, dev, &err)) {
		ktest_diag("%s", err.msg);
		return -EIO;
	}
	job.dst = (uintptr_t)buf;
	if (uiosva_pasid(*dev, &job.pasid) || td_start(*dev, &job)) {
		uiosva_close(*dev);
		return -EIO;
	}
	return 0;
}

/*
 * Child side of the "busy" cases: open, map BAR0, start a DMA that takes
 * seconds (untouched memory, one page request per 4 KiB page), say 'B'
 * when the device reports busy. Then wait for the parent; on 'p' probe
 * the BAR mapping and report the probe's fate. Always close and exit 0.
 */
static int long_dma_child(struct ctx *c, struct peer *p)
{
	struct uiosva_dev *dev;
	void *bar;
	uint64_t size;

	if (start_long_dma(c, &dev) || uiosva_bar_map(dev, TD_BAR, &bar, &size))
		return 20;
	peer_say(p->from, td_read32(dev, TD_STATUS) & TD_STATUS_BUSY ? 'B' : 'b');
	if (peer_hear(p->to) == 'p')
		peer_say(p->from, probe_bar(bar));
	uiosva_close(dev);
	return 0;
}

/* Start the busy child; 1 in the parent once the device is busy. */
static int start_busy(struct ctx *c, struct peer *p)
{
	int r = peer_start(p), said;

	if (r == 0)
		_exit(long_dma_child(c, p));
	if (r < 0)
		return r;
	said = peer_hear(p->from);
	if (said != 'B')
		ktest_diag("busy child said '%c'", said);
	return said == 'B' ? 1 : 0;
}

/* Status and error the device kept from the last operation, via a bond. */
static bool last_op_stopped(struct ctx *c, uint32_t *status, uint32_t *error)
{
	struct uiosva_dev *dev;
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	if (uiosva_open(NULL, c->bdf, 0, &dev, &err)) {
		ktest_diag("open: %s", err.msg);
		return false;
	}
	*status = td_read32(dev, TD_STATUS);
	*error = td_read32(dev, TD_ERROR);
	uiosva_close(dev);
	return !(*status & TD_STATUS_BUSY);
}

static bool stop_error(uint32_t error)
{
	return error == TD_ERR_BUS_MASTER_OFF || error == TD_ERR_TRANSLATION ||
	       error == TD_ERR_PRI_FAILURE || error == TD_ERR_ABORTED;
}

static void case_bus_master(struct ctx *c)
{
	int before = bus_master(c->bdf), during, after;
	int fd = open(c->uio, O_RDWR | O_CLOEXEC);

	during = bus_master(c->bdf);
	if (fd >= 0)
		close(fd);
	after = bus_master(c->bdf);
	ktest_diag("bus mastering: before open %d, while open %d, after close %d",
		   before, during, after);
	ktest_result(&c->t, fd >= 0 && before == 0 && during == 1 && after == 0,
		     "bus mastering is on only while an address space is bound");
}

static void case_sigkill(struct ctx *c)
{
	struct peer p;
	uint32_t status = 0, error = 0;
	int busy, rc;
	bool ok;

	klog_expect("DMAR: DRHD: handling fault status reg");
	klog_expect("DMAR: \\[DMA (Read|Write)( NO_PASID)?\\] Request device");
	busy = start_busy(c, &p);
	usleep(300 * 1000);
	kill(p.pid, SIGKILL);
	rc = peer_wait(&p);
	/* the function reset at close leaves reset values (0, 0) */
	ok = busy == 1 && rc == 128 + SIGKILL && wait_status(c, "ready", 10000) &&
	     bus_master(c->bdf) == 0 && last_op_stopped(c, &status, &error) &&
	     (stop_error(error) || (!status && !error));
	usleep(200 * 1000);
	klog_scope_end();
	ktest_diag("after SIGKILL: device status 0x%x error %u", status, error);
	ok = ok && verified_dma(c, "after SIGKILL");
	ktest_result(&c->t, ok,
		     "SIGKILL during a long DMA: bond released, bus mastering off, DMA stopped; the device works again");
}

static void case_unbind(struct ctx *c)
{
	struct peer p;
	uint32_t status = 0, error = 0;
	int busy, rc, wrote, probed = 'X';
	double t0;
	bool ok;

	busy = start_busy(c, &p);
	t0 = td_now();
	wrote = sysfs_write(SVA_DRV "/unbind", c->bdf);
	ktest_diag("unbind while busy: %s after %.2f s", strerror(-wrote),
		   td_now() - t0);
	ok = busy == 1 && !wrote && bus_master(c->bdf) == 0 &&
	     !path_exists(c->uio);
	peer_say(p.to, 'p');
	probed = peer_hear(p.from);
	rc = peer_wait(&p);
	ok = ok && probed == 'S' && rc == 0;
	ktest_diag("BAR access after unbind: %c (S = SIGBUS); holder exit %d",
		   probed, rc);
	/* probe resets the function: reset values (0, 0) */
	ok = ok && !sva_bind_dev(c->bdf) && !find_uio(c) &&
	     last_op_stopped(c, &status, &error) &&
	     (error == TD_ERR_BUS_MASTER_OFF || (!status && !error));
	ktest_diag("the interrupted operation: status 0x%x error %u", status, error);
	ok = ok && verified_dma(c, "after rebind");
	ktest_result(&c->t, ok,
		     "unbind while a process holds the fd and DMA runs: DMA stopped, BAR mapping revoked (SIGBUS), rebind and DMA work");
}

static int insmod(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

static void case_rmmod(struct ctx *c)
{
	const char *ko = getenv("UIO_SVA_KO");
	struct uiosva_dev *dev;
	long busy_rc, idle_rc;
	int busy_errno, ins;
	bool ok;

	if (!ko || start_long_dma(c, &dev)) {
		ktest_result(&c->t, false, "rmmod: setup failed (UIO_SVA_KO %s)",
			     ko ? ko : "unset");
		return;
	}
	busy_rc = syscall(SYS_delete_module, MODULE, O_NONBLOCK);
	busy_errno = errno;
	ok = busy_rc < 0 && (busy_errno == EAGAIN || busy_errno == EBUSY) &&
	     path_exists(SVA_DRV);
	ktest_diag("rmmod with the fd open: %s", strerror(busy_errno));
	uiosva_close(dev);
	idle_rc = syscall(SYS_delete_module, MODULE, O_NONBLOCK);
	ok = ok && idle_rc == 0 && !path_exists(SVA_DRV) && bus_master(c->bdf) == 0;
	ins = insmod(ko);
	ktest_diag("rmmod after close: %s; insmod: %s", idle_rc ? strerror(errno) : "ok",
		   strerror(-ins));
	ok = ok && !ins && !sva_bind_dev(c->bdf) && !find_uio(c) &&
	     verified_dma(c, "after insmod");
	ktest_result(&c->t, ok,
		     "rmmod is refused while the fd is open and DMA runs; after close it unloads; insmod, rebind and DMA work");
}

static void qmp(const char *fmt, const char *a, const char *b)
{
	char cmd[512], line[560];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	snprintf(line, sizeof(line), "@@QMP %s", cmd);
	kmsg(line);
}

static void case_hot_unplug(struct ctx *c)
{
	const char *id = getenv("LIFECYCLE_QMP_ID"), *bus = getenv("LIFECYCLE_QMP_BUS");
	char sysdir[128], newid[64];
	struct peer p;
	int busy, rc, probed, gone, back, tries;
	double t0;
	bool ok;

	if (!id || !bus) {
		/* suites/lifecycle.sh sets them: a broken set-up, not a skip. */
		ktest_result(&c->t, false,
			     "hot unplug while the fd is held and DMA runs: LIFECYCLE_QMP_ID/LIFECYCLE_QMP_BUS not set");
		return;
	}
	snprintf(sysdir, sizeof(sysdir), "/sys/bus/pci/devices/%s", c->bdf);
	busy = start_busy(c, &p);
	t0 = td_now();
	qmp("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"%s\"}%s}", id, "");
	gone = wait_path(sysdir, 0, 60000);
	ktest_diag("device_del while busy: device gone after %.1f s (%s)",
		   td_now() - t0, gone ? "timeout" : "ok");
	peer_say(p.to, 'p');
	probed = peer_hear(p.from);
	rc = peer_wait(&p);
	ktest_diag("BAR access after unplug: %c (S = SIGBUS); holder exit %d",
		   probed, rc);
	ok = busy == 1 && !gone && probed == 'S' && rc == 0;
	snprintf(newid, sizeof(newid), "%s-again", id);
	/*
	 * The PCI device leaves sysfs before the guest's ACPI eject reaches
	 * QEMU; until then the slot is taken and device_add fails (QEMU's
	 * reply goes to the console log only). So ask again until the
	 * device is there; a request after one that worked is refused as a
	 * duplicate ID, which is harmless.
	 */
	for (tries = 0, back = -1; tries < 12 && back; tries++) {
		qmp("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"uio-sva-testdev\",\"id\":\"%s\",\"bus\":\"%s\"}}",
		    newid, bus);
		back = wait_path(sysdir, 1, 5000);
	}
	ktest_diag("device_add: device back after %d request(s): %s", tries,
		   back ? "no" : "yes");
	ok = ok && !back;
	if (ok && (rc = sva_bind_dev(c->bdf))) {
		ktest_diag("binding after device_add: %s", strerror(-rc));
		ok = false;
	}
	ok = ok && !find_uio(c) && verified_dma(c, "after device_add");
	ktest_result(&c->t, ok,
		     "hot unplug while the fd is held and DMA runs: the holder survives, BAR mapping revoked; replug, bind and DMA work");
}

struct spec {
	const char *name;
	void (*fn)(struct ctx *c);
	int timeout_s;
};

/* In a case's child (ktest_case()): each case opens what it needs. */
static void run_case(struct ktest *t, void *arg)
{
	const struct spec *sp = arg;
	struct ctx *c = (struct ctx *)t;	/* t is the first member */

	if (find_uio(c)) {
		ktest_result(t, false, "%s: fixture: %s has no uio node", sp->name,
			     c->bdf);
		return;
	}
	sp->fn(c);
}

int main(int argc, char **argv)
{
	static const struct spec cases[] = {
		{ "bus mastering", case_bus_master, 120 },
		{ "open/close cycles", case_cycles, 300 },
		{ "two fds", case_two_fds, 300 },
		{ "EBUSY", case_ebusy, 300 },
		{ "fork", case_fork, 300 },
		{ "SIGKILL", case_sigkill, 300 },
		{ "unbind while held", case_unbind, 300 },
		{ "rmmod while held", case_rmmod, 300 },
		{ "hot unplug", case_hot_unplug, 400 },
	};
	struct ctx c = { 0 };
	size_t i;

	(void)argv;
	ktest_plan(&c.t, 9);
	if (argc > 1 || td_find(0, c.bdf, sizeof(c.bdf)) || sva_bind_dev(c.bdf) ||
	    find_uio(&c)) {
		ktest_diag("usage: lifecycle (binds the first uio-sva-testdev)");
		return ktest_finish(&c.t);
	}
	ktest_diag("device %s at %s", c.bdf, c.uio);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ktest_case(&c.t, cases[i].name, cases[i].timeout_s, run_case,
			   (void *)&cases[i]);
	ktest_diag("SVA DMA cases verified by the CPU: %d", c.t.counter);
	return ktest_finish(&c.t);
}

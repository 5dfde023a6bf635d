// SPDX-License-Identifier: GPL-2.0
/*
 * isolation-owners: what one owner of the device can do to the next one,
 * and what a process that inherited the fd can do to the owner.
 *
 *   - the next owner meets reset values, not the last owner's registers;
 *   - an engine that pauses when bus mastering goes off (bm-pause=on)
 *     does not resume the work of a SIGKILLed owner inside the next
 *     owner's address space under the recycled PASID;
 *   - an interrupt the last owner left masked is unmasked (MSI-X, INTx);
 *   - a forked child cannot map the BARs (EPERM), does not inherit the
 *     owner's BAR mappings, cannot mask or unmask the interrupt (EPERM);
 *   - sva_pid/sva_comm stop naming the opener once it has exited;
 *   - sva_reset follows the administrator's reset_method; the cost of
 *     close() with and without the reset;
 *   - a device that shares its IOMMU group: iommu-group-shared.
 *
 * Devices (PCI address order): 0 bm-pause=on (MSI-X), 1 INTx only,
 * 2 and 3 the two functions of one multifunction slot.
 *
 * Usage: isolation-owners
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktest.h"
#include "sysfs.h"
#include "testdev.h"

#define PAGE		4096ul
#define FIXED_ADDR	((void *)0x600000000000ul)
#define KILL_LEN	(128ul << 20)	/* 32768 page requests: seconds under TCG */
#define PATTERN_A	0xa1a2a3a4a5a6a7a8ull
#define B_BYTE		0xb5
#define CLOSES		5

struct dev {
	char bdf[32];
	char uio[64];		/* /dev/uioN */
};

/* ---- helpers ---------------------------------------------------------- */

static int uio_node(struct dev *d)
{
	char path[128], name[32];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio/uio%d",
			 d->bdf, i);
		if (path_exists(path)) {
			snprintf(name, sizeof(name), "uio%d", i);
			snprintf(d->uio, sizeof(d->uio), "/dev/%s", name);
			return 0;
		}
	}
	return -ENOENT;
}

static int setup_dev(int nth, struct dev *d)
{
	int ret = td_find(nth, d->bdf, sizeof(d->bdf));

	if (!ret)
		ret = sva_bind_dev(d->bdf);
	if (!ret)
		ret = uio_node(d);
	if (ret)
		ktest_diag("test device %d (%s): %s", nth, d->bdf, strerror(-ret));
	return ret;
}

static int dev_open(const struct dev *d)
{
	int fd = open(d->uio, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static volatile uint32_t *bar0(int fd)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint32_t rd32(volatile uint32_t *b, unsigned int off)
{
	return b[off / 4];
}

static uint64_t rd64(volatile uint32_t *b, unsigned int off)
{
	return b[off / 4] | (uint64_t)b[off / 4 + 1] << 32;
}

static void wr32(volatile uint32_t *b, unsigned int off, uint32_t v)
{
	b[off / 4] = v;
}

static void wr64(volatile uint32_t *b, unsigned int off, uint64_t v)
{
	b[off / 4] = (uint32_t)v;
	b[off / 4 + 1] = (uint32_t)(v >> 32);
}

static int pasid_of(const struct dev *d, uint32_t *pasid)
{
	char buf[32];
	int ret = dev_attr(d->bdf, "pasid", buf, sizeof(buf));

	if (!ret)
		*pasid = (uint32_t)strtoul(buf, NULL, 10);
	return ret;
}

static bool status_is(const struct dev *d, const char *want, int ms)
{
	char buf[64] = "";

	for (; ms > 0; ms -= 10) {
		if (!dev_attr(d->bdf, "sva_status", buf, sizeof(buf)) &&
		    !strcmp(buf, want))
			return true;
		usleep(10 * 1000);
	}
	ktest_diag("sva_status: '%s', expected '%s'", buf, want);
	return false;
}

static int irqctl(int fd, uint32_t on)
{
	return write(fd, &on, sizeof(on)) == sizeof(on) ? 0 : -errno;
}

static int irq_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint32_t count;
	int r = poll(&pfd, 1, ms);

	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	return read(fd, &count, sizeof(count)) == sizeof(count) ? 0 : -errno;
}

/* Program a FILL of @len bytes at @dst and ring the doorbell. */
static void fill(volatile uint32_t *b, uint32_t pasid, void *dst,
		 uint64_t len, uint64_t pattern, bool irq)
{
	wr32(b, TD_PASID, pasid);
	wr64(b, TD_DST, (uintptr_t)dst);
	wr64(b, TD_LEN, len);
	wr64(b, TD_PATTERN, pattern);
	wr32(b, TD_OP, TD_OP_FILL);
	wr32(b, TD_IRQ_EN, irq);
	wr32(b, TD_DOORBELL, 1);
}

static bool wait_idle(volatile uint32_t *b, int ms)
{
	for (; ms > 0; ms--) {
		if (!(rd32(b, TD_STATUS) & TD_STATUS_BUSY))
			return true;
		usleep(1000);
	}
	return false;
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- cases ------------------------------------------------------------ */

/* Owner A programs registers and exits; owner B must read reset values. */
static void case_registers(struct ktest *t, const struct dev *d)
{
	volatile uint32_t *b;
	uint64_t dst = 0, pat = 0, len = 0;
	uint32_t pasid = 0, op = 0;
	int fd, rc = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fd = dev_open(d);
		b = fd < 0 ? NULL : bar0(fd);
		if (!b)
			_exit(1);
		wr32(b, TD_PASID, 0x1234);
		wr64(b, TD_DST, 0xdead0000);
		wr64(b, TD_LEN, 0x4000);
		wr64(b, TD_PATTERN, PATTERN_A);
		wr32(b, TD_OP, TD_OP_COPY);
		_exit(0);	/* no cleanup: the driver's job */
	}
	if (pid > 0)
		rc = child_status(pid);
	fd = status_is(d, "ready", 5000) ? dev_open(d) : -1;
	b = fd < 0 ? NULL : bar0(fd);
	if (b) {
		pasid = rd32(b, TD_PASID);
		dst = rd64(b, TD_DST);
		len = rd64(b, TD_LEN);
		pat = rd64(b, TD_PATTERN);
		op = rd32(b, TD_OP);
		munmap((void *)b, PAGE);	/* a mapping keeps the file open */
	}
	if (fd >= 0)
		close(fd);
	ktest_diag("next owner reads PASID 0x%x DST 0x%llx LEN 0x%llx PATTERN 0x%llx OP %u",
		   pasid, (unsigned long long)dst, (unsigned long long)len,
		   (unsigned long long)pat, op);
	ktest_result(t, rc == 0 && b && pasid == TD_NO_PASID && !dst && !len &&
		     !pat && !op,
		     "the next owner reads reset values, not the last owner's registers");
}

/*
 * Owner A starts a long FILL of fresh memory at FIXED_ADDR and is killed
 * mid-DMA. With bm-pause=on the engine only pauses when the driver clears
 * bus mastering. Owner B maps its own memory at the same address, opens
 * and must get the same PASID: without a reset the engine would resume
 * A's job in B's address space.
 */
static int owner_a(const struct dev *d, int report)
{
	volatile uint32_t *b;
	uint32_t pasid;
	void *buf;
	int fd, i;

	fd = dev_open(d);
	b = fd < 0 ? NULL : bar0(fd);
	buf = mmap(FIXED_ADDR, KILL_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (!b || buf != FIXED_ADDR || pasid_of(d, &pasid))
		return 1;
	fill(b, pasid, buf, KILL_LEN, PATTERN_A, false);
	/* progress: some pages done, still busy */
	for (i = 0; i < 20000 && rd64(b, TD_PRI_REQUESTS) < 16; i++)
		usleep(1000);
	if (!(rd32(b, TD_STATUS) & TD_STATUS_BUSY))
		return 2;
	dprintf(report, "%u\n", pasid);
	pause();
	return 3;
}

/* owner_b(): its open got another PASID than A's; try a new process. */
#define OWNER_B_RETRY	20

static int owner_b(const struct dev *d, uint32_t pasid_a)
{
	volatile uint32_t *b;
	unsigned char *buf;
	uint32_t pasid = 0, reg_pasid, status;
	uint64_t dst, pat;
	size_t i, changed = 0, first = 0;
	int fd;

	buf = mmap(FIXED_ADDR, KILL_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (buf != FIXED_ADDR)
		return 10;
	memset(buf, B_BYTE, KILL_LEN);	/* resident: a resumed job runs fast */
	/*
	 * A's PASID is freed with A's mm, which the IOMMU core drops after an
	 * SRCU grace period (mmu_notifier_put), not at A's exit; and an mm
	 * keeps the PASID of its first bind for life. So an open that gets
	 * another PASID cannot become the recycled case in this process:
	 * exit with OWNER_B_RETRY, and the caller tries a new process.
	 */
	fd = dev_open(d);
	b = fd < 0 ? NULL : bar0(fd);
	if (!b || pasid_of(d, &pasid))
		return 11;
	if (pasid != pasid_a) {
		close(fd);
		return OWNER_B_RETRY;
	}
	sleep(3);
	for (i = 0; i < KILL_LEN; i++) {
		if (buf[i] != B_BYTE && !changed++)
			first = i;
	}
	reg_pasid = rd32(b, TD_PASID);
	dst = rd64(b, TD_DST);
	pat = rd64(b, TD_PATTERN);
	status = rd32(b, TD_STATUS);
	ktest_diag("owner B: PASID %u (A had %u); %zu bytes changed (first at +0x%zx); device PASID 0x%x DST 0x%llx PATTERN 0x%llx STATUS 0x%x",
		   pasid, pasid_a, changed, first, reg_pasid,
		   (unsigned long long)dst, (unsigned long long)pat, status);
	close(fd);
	if (pasid != pasid_a)
		return 12;
	if (changed)
		return 13;
	if (reg_pasid != TD_NO_PASID || dst || pat || (status & TD_STATUS_BUSY))
		return 14;
	return 0;
}

static void case_paused_engine(struct ktest *t, const struct dev *d)
{
	int rep[2], rc_a = -1, rc_b = -1, tries;
	unsigned int pasid_a = 0;
	char line[32] = "";
	pid_t a, b;
	FILE *f;

	if (pipe(rep)) {
		ktest_result(t, false, "paused engine: pipe: %s", strerror(errno));
		return;
	}
	/* A's page requests may meet its PASID's teardown. */
	kmsg("@@EXPECT DMAR: DRHD: handling fault status reg");
	kmsg("@@EXPECT DMAR: \\[(DMA (Read|Write)|page request)( NO_PASID)?\\]");
	a = fork();
	if (a == 0) {
		close(rep[0]);
		_exit(owner_a(d, rep[1]));
	}
	close(rep[1]);
	f = fdopen(rep[0], "r");
	if (f && fgets(line, sizeof(line), f))
		sscanf(line, "%u", &pasid_a);
	if (f)
		fclose(f);
	if (a > 0) {
		kill(a, SIGKILL);
		rc_a = child_status(a);
	}
	/* A new owner B every 100 ms until one gets A's PASID (10 s). */
	for (tries = 0; pasid_a && tries < 100 && status_is(d, "ready", 10000); tries++) {
		b = fork();
		if (b == 0)
			_exit(owner_b(d, pasid_a));
		rc_b = b > 0 ? child_status(b) : -1;
		if (rc_b != OWNER_B_RETRY)
			break;
		usleep(100 * 1000);
	}
	kmsg("@@EXPECT-CLEAR");
	ktest_diag("owner A (PASID %u) ended with %d, owner B with %d (process %d of B)",
		   pasid_a, rc_a, rc_b, tries + 1);
	ktest_result(t, rc_a == 128 + SIGKILL && rc_b == 0,
		     "an owner SIGKILLed mid-DMA on a pausing engine: the next owner gets the same PASID, no byte of its memory changes, reset registers");
}

/* The last owner leaves its interrupt masked; the next one still gets it. */
static void case_irq_unmasked(struct ktest *t, const struct dev *d,
			      const char *mode)
{
	volatile uint32_t *b;
	unsigned char *buf = aligned_alloc(PAGE, PAGE);
	uint32_t pasid;
	int fd, rc = -1, got = -1;
	pid_t pid = fork();

	if (pid == 0) {
		/* one interrupt, not acknowledged, then masked */
		fd = dev_open(d);
		b = fd < 0 ? NULL : bar0(fd);
		if (!b || !buf || pasid_of(d, &pasid))
			_exit(1);
		fill(b, pasid, buf, PAGE, PATTERN_A, true);
		if (irq_wait(fd, 10000))
			_exit(2);
		_exit(irqctl(fd, 0) ? 3 : 0);
	}
	if (pid > 0)
		rc = child_status(pid);
	fd = status_is(d, "ready", 5000) ? dev_open(d) : -1;
	b = fd < 0 ? NULL : bar0(fd);
	if (b && buf && !pasid_of(d, &pasid)) {
		memset(buf, 0, PAGE);
		wr32(b, TD_IRQ_STATUS, 1);
		fill(b, pasid, buf, PAGE, PATTERN_A, true);
		got = irq_wait(fd, 5000);
		wait_idle(b, 5000);
		wr32(b, TD_IRQ_STATUS, 1);
	}
	if (b)
		munmap((void *)b, PAGE);
	if (fd >= 0)
		close(fd);
	ktest_diag("%s: last owner exited with %d; next owner's interrupt: %s",
		   mode, rc, got ? strerror(-got) : "arrived");
	ktest_result(t, rc == 0 && got == 0 && buf && buf[0] == (uint8_t)PATTERN_A,
		     "%s: an interrupt the last owner left masked reaches the next owner's read()",
		     mode);
	free(buf);
}

/*
 * A forked child of the owner: mmap of a BAR, write() to /dev/uioX, and
 * the owner's BAR mapping (not inherited: SIGSEGV).
 */
static void case_other_mm(struct ktest *t, const struct dev *d)
{
	volatile uint32_t *b;
	int fd, rep[2], rc = -1, mmap_err = 0, write_err = 0;
	int owner_write;
	uint32_t id;
	char line[32] = "";
	pid_t pid;

	fd = dev_open(d);
	b = fd < 0 ? NULL : bar0(fd);
	owner_write = fd < 0 ? -EBADF : irqctl(fd, 1);
	if (!b || pipe(rep)) {
		ktest_result(t, false, "owner: open/mmap failed");
		ktest_result(t, false, "owner: open/mmap failed");
		ktest_result(t, false, "owner: open/mmap failed");
		if (b)
			munmap((void *)b, PAGE);
		if (fd >= 0)
			close(fd);
		return;
	}
	id = rd32(b, TD_ID);
	pid = fork();
	if (pid == 0) {
		void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);

		close(rep[0]);
		dprintf(rep[1], "%d %d\n", m == MAP_FAILED ? errno : 0,
			-irqctl(fd, 1));
		close(rep[1]);
		(void)rd32(b, TD_ID);	/* the owner's mapping */
		_exit(0);
	}
	close(rep[1]);
	if (read(rep[0], line, sizeof(line) - 1) > 0)
		sscanf(line, "%d %d", &mmap_err, &write_err);
	close(rep[0]);
	if (pid > 0)
		rc = child_status(pid);
	ktest_diag("owner: ID 0x%x, write(1) %s; child: mmap %s, write %s, touching the owner's mapping: %s",
		   id, owner_write ? strerror(-owner_write) : "ok",
		   strerror(mmap_err), strerror(write_err),
		   rc == 128 + SIGSEGV ? "SIGSEGV" : rc == 0 ? "read it" : "other");
	munmap((void *)b, PAGE);
	close(fd);
	ktest_result(t, id == TD_ID_VALUE && mmap_err == EPERM,
		     "a forked child's mmap of a BAR fails with EPERM");
	ktest_result(t, owner_write == 0 && write_err == EPERM,
		     "a forked child's write() (interrupt control) fails with EPERM; the owner's works");
	ktest_result(t, rc == 128 + SIGSEGV,
		     "BAR mappings are not inherited by fork()");
}

/* P opens, forks G (which keeps the fd) and exits. */
static void case_opener_gone(struct ktest *t, const struct dev *d)
{
	int rep[2], go[2], rc = -1, pid_err;
	char pidbuf[32] = "", comm[32] = "", status[32] = "", before[32] = "";
	unsigned int g = 0;
	pid_t p;

	if (pipe(rep) || pipe(go)) {
		ktest_result(t, false, "sva_pid: pipe: %s", strerror(errno));
		return;
	}
	p = fork();
	if (p == 0) {
		int fd = dev_open(d);
		pid_t gc;

		close(rep[0]);
		close(go[1]);
		if (fd < 0)
			_exit(1);
		gc = fork();
		if (gc == 0) {
			close(rep[1]);
			pause();	/* holds the fd */
			_exit(0);
		}
		dprintf(rep[1], "%d\n", (int)gc);
		(void)!read(go[0], pidbuf, 1);
		_exit(0);
	}
	close(rep[1]);
	close(go[0]);
	if (read(rep[0], pidbuf, sizeof(pidbuf) - 1) > 0)
		g = (unsigned int)atoi(pidbuf);
	dev_attr(d->bdf, "sva_pid", before, sizeof(before));
	close(go[1]);		/* P exits */
	if (p > 0)
		rc = child_status(p);
	usleep(100 * 1000);
	pid_err = dev_attr(d->bdf, "sva_pid", pidbuf, sizeof(pidbuf));
	dev_attr(d->bdf, "sva_comm", comm, sizeof(comm));
	dev_attr(d->bdf, "sva_status", status, sizeof(status));
	ktest_diag("opener %d: sva_pid %s while it lives; after it exited (child %u holds the fd): sva_status %s, sva_pid %s, sva_comm %s",
		   (int)p, before, g, status, pid_err ? strerror(-pid_err) : pidbuf,
		   comm);
	if (g)
		kill((pid_t)g, SIGKILL);
	close(rep[0]);
	ktest_result(t, rc == 0 && g && atoi(before) == p && !strcmp(status, "bound") &&
		     pid_err == -ENODATA && !strcmp(comm, "exited") &&
		     status_is(d, "ready", 10000),
		     "sva_pid reads ENODATA and sva_comm 'exited' once the opener is gone; the bond stays");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median close() time over CLOSES open/close cycles, in ms; PATTERN kept? */
static double close_ms(const struct dev *d, bool *kept)
{
	double t[CLOSES], t0;
	volatile uint32_t *b;
	int i, fd;

	*kept = false;
	for (i = 0; i < CLOSES; i++) {
		fd = dev_open(d);
		if (fd < 0)
			return -1;
		b = bar0(fd);
		if (!b) {
			close(fd);
			return -1;
		}
		if (i && rd64(b, TD_PATTERN) == PATTERN_A + i - 1)
			*kept = true;
		wr64(b, TD_PATTERN, PATTERN_A + i);
		munmap((void *)b, PAGE);
		t0 = now();
		close(fd);
		t[i] = (now() - t0) * 1e3;
	}
	qsort(t, CLOSES, sizeof(t[0]), cmp_double);
	return t[CLOSES / 2];
}

static void case_reset_method(struct ktest *t, const struct dev *d)
{
	char path[128], def[32] = "", none[32] = "", back[32] = "";
	double with, without;
	bool kept_with, kept_without;
	int cleared;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method",
		 d->bdf);
	dev_attr(d->bdf, "sva_reset", def, sizeof(def));
	with = close_ms(d, &kept_with);
	cleared = sysfs_write(path, "\n");
	dev_attr(d->bdf, "sva_reset", none, sizeof(none));
	without = close_ms(d, &kept_without);
	sysfs_write(path, "default");
	dev_attr(d->bdf, "sva_reset", back, sizeof(back));
	ktest_diag("sva_reset: '%s', with reset_method cleared '%s', restored '%s'",
		   def, none, back);
	ktest_diag("close() median of %d: %.2f ms with the function reset, %.2f ms without (reset_method cleared)",
		   CLOSES, with, without);
	ktest_result(t, !strcmp(def, "function") && !cleared &&
		     !strcmp(none, "none") && !strcmp(back, "function") &&
		     !kept_with && kept_without && with > 0 && without > 0,
		     "sva_reset follows reset_method: 'function' resets at close (registers cleared), 'none' does not");
}

/* Two functions of one slot share an IOMMU group: the bind is refused. */
static void case_group_shared(struct ktest *t, const struct dev *d)
{
	int fd = dev_open(d);
	char status[64] = "";

	if (fd >= 0)
		close(fd);
	dev_attr(d->bdf, "sva_status", status, sizeof(status));
	ktest_diag("open of %s (function 0 of a multifunction slot): %s; sva_status %s",
		   d->bdf, fd >= 0 ? "bound" : strerror(-fd), status);
	ktest_result(t, fd == -ENXIO && !strcmp(status, "iommu-group-shared"),
		     "a device that shares its IOMMU group: ENXIO and sva_status iommu-group-shared");
}

int main(void)
{
	struct ktest t = { 0 };
	struct dev d[4];
	int i, ok = 0;

	ktest_plan(&t, 10);
	for (i = 0; i < 4; i++)
		ok += !setup_dev(i, &d[i]);
	if (ok != 4)
		return ktest_finish(&t);

	case_registers(&t, &d[0]);
	case_paused_engine(&t, &d[0]);
	case_irq_unmasked(&t, &d[0], "MSI-X");
	case_irq_unmasked(&t, &d[1], "INTx");
	case_other_mm(&t, &d[0]);
	case_opener_gone(&t, &d[0]);
	case_reset_method(&t, &d[0]);
	case_group_shared(&t, &d[2]);
	return ktest_finish(&t);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * sva-dma: the driver's promise, end to end. A process opens the test
 * device through uio_pci_sva, reads the PASID, and hands the device plain
 * pointers (malloc, fresh anonymous mmap, stack, a file mapping); every
 * byte the device wrote is checked by the CPU. Bad addresses must end in
 * a device error, not in a crash.
 *
 * Usage: sva-dma [BDF]   (default: the first uio-sva-testdev)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktest.h"
#include "sysfs.h"
#include "testdev.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define PAGE 4096ull
#define PATTERN 0x0123456789abcdefull

/*
 * Each case runs in its own child process (ktest_case()) with its own
 * fixture: the child opens the device (binding its own mm to a PASID),
 * runs the case and closes it. ktest's counter counts the SVA DMA cases
 * whose data the CPU checked.
 */
struct ctx {
	struct ktest t;
	char bdf[32];
	struct uiosva_dev *dev;
	uint32_t pasid;
	uint64_t len;		/* case_fill_malloc's size */
};

static void report_job(const char *what, const struct td_job *job,
		       const struct td_stats *before, const struct td_stats *after)
{
	ktest_diag("%s: status 0x%x error %u fault 0x%llx, %.3f s, %llu translations, %llu page requests",
		   what, job->status, job->error,
		   (unsigned long long)job->fault_addr, job->seconds,
		   (unsigned long long)(after->ats - before->ats),
		   (unsigned long long)(after->pri - before->pri));
}

/* Fill @buf with the device and check every byte; pri_min: page requests. */
static bool fill_and_check(struct ctx *c, const char *what, void *buf,
			   uint64_t len, uint64_t pri_min)
{
	struct td_job job = { .pasid = c->pasid, .pattern = PATTERN,
			      .timeout_ms = 300000 };
	struct td_stats before, after;
	long bad;
	int ret;

	td_stats(c->dev, &before);
	ret = td_fill_verified(c->dev, &job, buf, len, &bad);
	td_stats(c->dev, &after);
	report_job(what, &job, &before, &after);
	if (ret == -EILSEQ)
		ktest_diag("%s: byte %ld is 0x%02x", what, bad,
			   ((unsigned char *)buf)[bad]);
	else if (ret && ret != -EIO)
		ktest_diag("%s: the device did not finish: %s", what, strerror(-ret));
	if (ret)
		return false;
	if (after.pri - before.pri < pri_min) {
		ktest_diag("%s: %llu page requests, expected at least %llu", what,
			   (unsigned long long)(after.pri - before.pri),
			   (unsigned long long)pri_min);
		return false;
	}
	ktest_count(&c->t, 1);
	return true;
}

static void case_bind(struct ctx *c)
{
	char status[64] = "", pid[32] = "", comm[32] = "";
	bool ok;

	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	dev_attr(c->bdf, "sva_pid", pid, sizeof(pid));
	dev_attr(c->bdf, "sva_comm", comm, sizeof(comm));
	ktest_diag("pasid %u, sva_status %s, sva_pid %s, sva_comm %s",
		   c->pasid, status, pid, comm);
	ok = c->pasid > 0 && c->pasid < (1u << 20) &&
	     !strcmp(status, "bound") && atoi(pid) == getpid() &&
	     !strcmp(comm, "sva-dma");
	ktest_result(&c->t, ok,
		     "open binds: pasid is a 20-bit PASID, sva_status bound, sva_pid and sva_comm name us");
}

/*
 * Another PASID is not ours: the IOMMU must refuse it and report the fault,
 * the device must report TRANSLATION, memory untouched.
 */
#define WRONG_PASID_FAULT \
	"DMAR: \\[DMA (Read|Write) NO_PASID\\] Request device \\[[0-9a-f:.]+\\] fault addr 0x[0-9a-f]+ \\[fault reason 0x5b\\] SM: Invalid Scalable-Mode PASID Table Entry"

static void case_wrong_pasid(struct ctx *c)
{
	unsigned char *buf = aligned_alloc(PAGE, PAGE);
	struct td_job job = { .pasid = c->pasid + 1, .op = TD_OP_FILL,
			      .len = PAGE, .pattern = PATTERN,
			      .timeout_ms = 60000 };
	long long mark = klog_seq();
	int seen;
	bool ok;

	memset(buf, 0x5a, PAGE);
	job.dst = (uintptr_t)buf;
	/*
	 * A translation request for a PASID without a PASID-table entry is a
	 * non-recoverable fault that VT-d records and reports: required here,
	 * tolerated nowhere else.
	 */
	klog_expect("DMAR: DRHD: handling fault status reg");
	klog_require(WRONG_PASID_FAULT);
	ok = !td_run(c->dev, &job) && job.error == TD_ERR_TRANSLATION &&
	     buf[0] == 0x5a && buf[PAGE - 1] == 0x5a;
	/* The fault interrupt's report lands after the job's completion. */
	seen = klog_wait(mark, WRONG_PASID_FAULT, 10000);
	klog_scope_end();
	ktest_diag("PASID %u: status 0x%x error %u; IOMMU fault report: %s",
		   job.pasid, job.status, job.error, seen ? "missing" : "seen");
	ktest_result(&c->t, ok && !seen,
		     "DMA tagged with another PASID (%u) fails with TRANSLATION, writes nothing, the IOMMU reports the fault",
		     job.pasid);
	free(buf);
}

static void case_fill_malloc(struct ctx *c, uint64_t len)
{
	char what[64];
	void *buf = malloc(len);
	bool ok;

	snprintf(what, sizeof(what), "fill malloc %llu KiB",
		 (unsigned long long)(len / KiB));
	/*
	 * Large malloc()s are fresh mappings: their pages arrive by page
	 * requests (fewer than pages where THP backs them with huge pages).
	 */
	ok = buf && fill_and_check(c, what, buf, len, len >= 256 * KiB ? 1 : 0);
	ktest_result(&c->t, ok, "%s: device fills untouched malloc() memory, every byte checked",
		     what);
	free(buf);
}

/* A fresh 1 MiB mapping, 4 KiB pages, filled at @depth page requests in flight. */
static bool fill_fresh_at(struct ctx *c, uint32_t depth, uint64_t len)
{
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t got = 0;
	char what[64];
	bool ok;

	if (buf == MAP_FAILED)
		return false;
	snprintf(what, sizeof(what), "fill fresh mmap 1 MiB, PRI_DEPTH %u", depth);
	ok = !uiosva_write32(c->dev, TD_BAR, TD_PRI_DEPTH, depth) &&
	     !uiosva_read32(c->dev, TD_BAR, TD_PRI_DEPTH, &got) && got == depth;
	if (!ok)
		ktest_diag("%s: PRI_DEPTH reads %u", what, got);
	madvise(buf, len, MADV_NOHUGEPAGE);
	ok = ok && fill_and_check(c, what, buf, len, len / PAGE);
	munmap(buf, len);
	return ok;
}

/*
 * Every page by a page request: one request at a time (PRI_DEPTH 1), and
 * 16 in flight (the device's default, Linux's PRI allocation).
 */
static void case_fill_fresh_mmap(struct ctx *c)
{
	uint64_t len = 1 * MiB;
	bool ok = fill_fresh_at(c, 1, len) && fill_fresh_at(c, 16, len);

	ktest_result(&c->t, ok,
		     "fresh anonymous mmap: each of %llu pages arrives by a page request, one at a time and 16 in flight, every byte checked",
		     (unsigned long long)(len / PAGE));
}

static void case_copy(struct ctx *c)
{
	uint64_t len = 1 * MiB, i;
	unsigned char *src = malloc(len), *dst = malloc(len);
	struct td_job job = { .pasid = c->pasid, .op = TD_OP_COPY,
			      .len = len, .timeout_ms = 300000 };
	bool ok = src && dst;

	if (ok) {
		for (i = 0; i < len; i++)
			src[i] = (unsigned char)(i * 7 + (i >> 12));
		job.src = (uintptr_t)src;
		job.dst = (uintptr_t)dst;
		ok = !td_run(c->dev, &job) && td_ok(&job) && !memcmp(src, dst, len);
		ktest_diag("copy 1 MiB: status 0x%x error %u, %.3f s", job.status,
			   job.error, job.seconds);
		ktest_count(&c->t, ok);
	}
	ktest_result(&c->t, ok, "copy between two malloc() buffers: destination equals source");
	free(src);
	free(dst);
}

static void case_checksum(struct ctx *c)
{
	uint64_t len = 1 * MiB + 13, i, want;
	unsigned char *buf = malloc(len);
	struct td_job job = { .pasid = c->pasid, .op = TD_OP_CHECKSUM,
			      .len = len, .timeout_ms = 300000 };
	bool ok = buf;

	if (ok) {
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)(i ^ (i >> 8) ^ 0xa5);
		want = td_fnv1a64(buf, len);
		job.src = (uintptr_t)buf;
		ok = !td_run(c->dev, &job) && td_ok(&job) && job.result == want;
		ktest_diag("checksum: device 0x%016llx, CPU 0x%016llx",
			   (unsigned long long)job.result, (unsigned long long)want);
		ktest_count(&c->t, ok);
	}
	ktest_result(&c->t, ok,
		     "checksum of a buffer the CPU wrote: device FNV-1a equals the CPU's");
	free(buf);
}

static void case_stack(struct ctx *c)
{
	unsigned char buf[8192 + 17];
	bool ok;

	memset(buf, 0, sizeof(buf));
	ok = fill_and_check(c, "fill stack buffer", buf + 17, 8192, 0) &&
	     buf[16] == 0 && buf[17 + 8192 - 1] == (unsigned char)(PATTERN >> 56);
	ktest_result(&c->t, ok,
		     "stack buffer at an unaligned address: filled exactly, neighbours untouched");
}

static void case_file_mapping(struct ctx *c)
{
	const char *path = "/tmp/sva-dma-file";
	uint64_t len = 64 * KiB;
	unsigned char *back = malloc(len);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	void *map = MAP_FAILED;
	bool ok = fd >= 0 && back && !ftruncate(fd, (off_t)len);

	if (ok)
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok = ok && map != MAP_FAILED &&
	     fill_and_check(c, "fill file mapping", map, len, 0);
	if (map != MAP_FAILED)
		munmap(map, len);
	/* What read() sees is the page cache the device wrote. */
	ok = ok && pread(fd, back, len, 0) == (ssize_t)len &&
	     td_fill_check(back, len, PATTERN) < 0;
	ktest_result(&c->t, ok,
		     "MAP_SHARED mapping of a file: the data reaches the file (read back with pread)");
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(back);
}

/* Expect the device to fail at @addr with @error; memory stays as it was. */
static bool expect_fault(struct ctx *c, const char *what, void *addr,
			 uint32_t error)
{
	struct td_job job = { .pasid = c->pasid, .op = TD_OP_FILL,
			      .dst = (uintptr_t)addr, .len = 2 * PAGE,
			      .pattern = PATTERN, .timeout_ms = 60000 };
	bool ok = !td_run(c->dev, &job);

	ktest_diag("%s: status 0x%x error %u fault 0x%llx (buffer %p)", what,
		   job.status, job.error, (unsigned long long)job.fault_addr, addr);
	return ok && (job.status & TD_STATUS_ERROR) && job.error == error &&
	       job.fault_addr == (uintptr_t)addr;
}

static void case_unmapped(struct ctx *c)
{
	void *buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok = buf != MAP_FAILED && !munmap(buf, 4 * PAGE) &&
		  expect_fault(c, "unmapped", buf, TD_ERR_TRANSLATION);

	ktest_result(&c->t, ok,
		     "DMA to an unmapped address: status ERROR, TRANSLATION at that address, process alive");
}

static void case_readonly(struct ctx *c)
{
	unsigned char *buf = mmap(NULL, 4 * PAGE, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	bool ok = buf != MAP_FAILED &&
		  expect_fault(c, "read-only", buf, TD_ERR_PERMISSION) &&
		  buf[0] == 0 && buf[PAGE] == 0;

	ktest_result(&c->t, ok,
		     "DMA write to a read-only page: status ERROR, PERMISSION at that address, page unchanged");
	if (buf != MAP_FAILED)
		munmap(buf, 4 * PAGE);
}

static void case_alive(struct ctx *c)
{
	void *buf = malloc(64 * KiB);
	bool ok = buf && fill_and_check(c, "fill after errors", buf, 64 * KiB, 0);

	ktest_result(&c->t, ok, "after the errors the device still fills malloc() memory");
	free(buf);
}

#define IORESOURCE_IO	0x00000100ull
#define IORESOURCE_MEM	0x00000200ull
#define IORESOURCE_PREFETCH 0x00002000ull
#define IORESOURCE_MEM_64 0x00100000ull

struct bar_res {
	unsigned long long start, end, flags;
};

/* The six BARs from /sys/bus/pci/devices/<bdf>/resource; -errno. */
static int read_resources(const char *bdf, struct bar_res res[6])
{
	char path[128];
	FILE *f;
	int i, n = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (i = 0; i < 6; i++)
		n += fscanf(f, "%llx %llx %llx", &res[i].start, &res[i].end,
			    &res[i].flags) == 3;
	fclose(f);
	return n == 6 ? 0 : -EIO;
}

/* Maps and port regions follow the BARs, in order, without holes. */
static bool bars_match(const struct uiosva_info *info, const struct bar_res res[6])
{
	int bar, m = 0, p = 0;

	for (bar = 0; bar < 6; bar++) {
		unsigned long long len = res[bar].end - res[bar].start + 1;

		if (!res[bar].start && !res[bar].end)
			continue;
		if (res[bar].flags & IORESOURCE_MEM) {
			const struct uiosva_map *map = &info->maps[m++];

			if (m > info->nmaps || map->bar != bar ||
			    map->addr != (res[bar].start & ~(PAGE - 1)) ||
			    map->offset != (res[bar].start & (PAGE - 1)) ||
			    map->size < len)
				return false;
		} else if (res[bar].flags & IORESOURCE_IO) {
			const struct uiosva_port *port = &info->ports[p++];

			if (p > info->nports || port->bar != bar ||
			    port->start != res[bar].start || port->size != len)
				return false;
		}
	}
	return m == info->nmaps && p == info->nports;
}

static void case_bars(struct ctx *c)
{
	const struct uiosva_info *info = uiosva_info(c->dev);
	struct bar_res res[6];
	bool ok = !read_resources(c->bdf, res) && bars_match(info, res) &&
		  (res[2].flags & IORESOURCE_MEM_64) &&
		  (res[2].flags & IORESOURCE_PREFETCH) &&
		  (res[4].flags & IORESOURCE_IO);
	int i;

	for (i = 0; i < info->nmaps; i++)
		ktest_diag("map%d %s: BAR %d, 0x%llx + 0x%llx, size 0x%llx", i,
			   info->maps[i].name, info->maps[i].bar,
			   (unsigned long long)info->maps[i].addr,
			   (unsigned long long)info->maps[i].offset,
			   (unsigned long long)info->maps[i].size);
	for (i = 0; i < info->nports; i++)
		ktest_diag("port%d %s: BAR %d, 0x%llx size 0x%llx %s", i,
			   info->ports[i].name, info->ports[i].bar,
			   (unsigned long long)info->ports[i].start,
			   (unsigned long long)info->ports[i].size,
			   info->ports[i].porttype);
	ktest_result(&c->t, ok,
		     "every BAR is exposed as its PCI resource, in order, no holes: 32-bit BAR0/BAR1, 64-bit prefetchable BAR2 as maps, I/O BAR4 as a port region");
}

static void case_bar_access(struct ctx *c)
{
	uint64_t back = 0, size = 0;
	uint32_t id = 0, tail = 0;
	void *bar2;
	bool ok = !uiosva_bar_map(c->dev, 2, &bar2, &size) && size == 64 * KiB &&
		  !uiosva_write64(c->dev, 2, 0x100, 0x1122334455667788ull) &&
		  !uiosva_write32(c->dev, 2, size - 4, 0xcafef00d) &&
		  !uiosva_read64(c->dev, 2, 0x100, &back) &&
		  !uiosva_read32(c->dev, 2, size - 4, &tail) &&
		  !uiosva_read32(c->dev, TD_BAR, TD_ID, &id);

	ktest_diag("BAR2 0x%llx / 0x%x, BAR0 ID 0x%x", (unsigned long long)back, tail, id);
	ktest_result(&c->t, ok && back == 0x1122334455667788ull && tail == 0xcafef00d &&
		     id == TD_ID_VALUE,
		     "BAR mappings reach the device: BAR2 scratch RAM keeps what was written, BAR0 ID reads 0x53564131");
}

static void case_close(struct ctx *c)
{
	char status[64] = "", buf[32];
	int pasid_err, pid_err;

	uiosva_close(c->dev);
	c->dev = NULL;
	pasid_err = dev_attr(c->bdf, "pasid", buf, sizeof(buf));
	pid_err = dev_attr(c->bdf, "sva_pid", buf, sizeof(buf));
	dev_attr(c->bdf, "sva_status", status, sizeof(status));
	ktest_diag("after close: pasid %s, sva_pid %s, sva_status %s",
		   strerror(-pasid_err), strerror(-pid_err), status);
	ktest_result(&c->t, pasid_err == -ENODATA && pid_err == -ENODATA &&
		     !strcmp(status, "ready"),
		     "close unbinds: pasid and sva_pid fail with ENODATA, sva_status ready");
}

/* In the parent: find the device and bind it to uio_pci_sva. */
static int setup(struct ctx *c, int argc, char **argv)
{
	int ret;

	if (argc > 1)
		snprintf(c->bdf, sizeof(c->bdf), "%s", argv[1]);
	else if (td_find(0, c->bdf, sizeof(c->bdf)))
		return -ENOENT;
	ret = sva_bind_dev(c->bdf);
	if (ret)
		ktest_diag("binding %s to uio_pci_sva: %s", c->bdf, strerror(-ret));
	return ret;
}

struct spec {
	const char *name;
	void (*fn)(struct ctx *c);
	int timeout_s;
};

/* In a case's child: open the device (the fixture), run it, close it. */
static void run_case(struct ktest *t, void *arg)
{
	const struct spec *sp = arg;
	struct ctx *c = (struct ctx *)t;	/* t is the first member */
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	if (uiosva_open(NULL, c->bdf, 0, &c->dev, &err)) {
		ktest_result(t, false, "%s: fixture: open %s: %s", sp->name, c->bdf,
			     err.msg);
		return;
	}
	if (uiosva_pasid(c->dev, &c->pasid)) {
		ktest_result(t, false, "%s: fixture: PASID: %s", sp->name,
			     uiosva_last_error(c->dev)->msg);
		uiosva_close(c->dev);
		return;
	}
	sp->fn(c);
	uiosva_close(c->dev);	/* NULL after case_close */
	c->dev = NULL;
}

static void case_fill_sized(struct ctx *c)
{
	case_fill_malloc(c, c->len);
}

int main(int argc, char **argv)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB };
	static const struct spec first[] = {
		{ "open binds", case_bind, 60 },
		{ "BAR maps", case_bars, 60 },
		{ "BAR access", case_bar_access, 60 },
		{ "wrong PASID", case_wrong_pasid, 120 },
	}, rest[] = {
		{ "fill fresh mmap", case_fill_fresh_mmap, 300 },
		{ "copy", case_copy, 300 },
		{ "checksum", case_checksum, 300 },
		{ "stack", case_stack, 120 },
		{ "file mapping", case_file_mapping, 300 },
		{ "unmapped", case_unmapped, 120 },
		{ "read-only", case_readonly, 120 },
		{ "alive after errors", case_alive, 120 },
		{ "close", case_close, 60 },
	};
	const struct spec fill = { "fill malloc", case_fill_sized, 600 };
	struct ctx c = { 0 };
	size_t i;

	ktest_plan(&c.t, 13 + sizeof(sizes) / sizeof(sizes[0]));
	if (setup(&c, argc, argv)) {
		ktest_result(&c.t, false, "find the test device and bind it to uio_pci_sva");
		return ktest_finish(&c.t);
	}
	ktest_diag("device %s", c.bdf);
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		ktest_case(&c.t, first[i].name, first[i].timeout_s, run_case,
			   (void *)&first[i]);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		c.len = sizes[i];
		ktest_case(&c.t, fill.name, fill.timeout_s, run_case, (void *)&fill);
	}
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		ktest_case(&c.t, rest[i].name, rest[i].timeout_s, run_case,
			   (void *)&rest[i]);
	ktest_diag("SVA DMA cases verified by the CPU: %d", c.t.counter);
	return ktest_finish(&c.t);
}

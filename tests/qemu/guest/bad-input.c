// SPDX-License-Identifier: GPL-2.0
/*
 * bad-input: what the driver and the UIO core answer to wrong input, and
 * that none of it hurts: malformed new_id/remove_id strings, writes to
 * the read-only SVA attributes, mmap() beyond a BAR or of a map that does
 * not exist, read()/write() of /dev/uioX with a size other than 4,
 * irqcontrol values other than 0 and 1, and devices without PASID, ATS or
 * PRI (bound, but open() fails with ENODEV and one advice line). After
 * all of it the good device still does a verified SVA DMA.
 *
 * Usage: bad-input   (the guest has one complete test device and one
 *                     each with pasid=off, ats=off, pri=off)
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

#include "klog.h"
#include "ktest.h"
#include "pcicfg.h"
#include "sysfs.h"
#include "testdev.h"

#define PAGE		4096ul
#define DMA_LEN		(64 * 1024ul)
#define PATTERN		0xfeedc0de600dd00dull

/* The devices: index 0 has every capability, the others lack one. */
enum kind { GOOD, NO_PASID, NO_ATS, NO_PRI, NKINDS };

static const struct kind_info {
	const char *status;	/* sva_status */
	const char *advice;	/* in the driver's log line */
	const char *qemu;	/* the QEMU property that makes it */
} kinds[NKINDS] = {
	[GOOD] = { "ready", "", "" },
	[NO_PASID] = { "device-no-pasid", "no PASID capability", "pasid=off" },
	[NO_ATS] = { "device-no-ats", "no ATS capability", "ats=off" },
	[NO_PRI] = { "device-no-pri", "no PRI capability", "pri=off" },
};

struct ctx {
	struct ktest t;
	char bdf[NKINDS][32];	/* "" when the guest lacks that device */
	struct uiosva_dev *dev;	/* the good device, while open */
};

static enum kind classify(const char *bdf)
{
	if (pcicfg_find_ext_cap(bdf, PCICFG_EXT_PASID) < 0)
		return NO_PASID;
	if (pcicfg_find_ext_cap(bdf, PCICFG_EXT_ATS) < 0)
		return NO_ATS;
	if (pcicfg_find_ext_cap(bdf, PCICFG_EXT_PRI) < 0)
		return NO_PRI;
	return GOOD;
}

static void find_devices(struct ctx *c)
{
	char bdf[32];
	int i;

	for (i = 0; !td_find(i, bdf, sizeof(bdf)); i++) {
		enum kind k = classify(bdf);

		if (!c->bdf[k][0])
			snprintf(c->bdf[k], sizeof(c->bdf[k]), "%s", bdf);
	}
}

/* Write @val to @path in one write() of exactly its length; -errno. */
static int write_raw(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	err = errno;
	close(fd);
	return n < 0 ? -err : n == (ssize_t)len ? 0 : -EIO;
}

static const char *errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ 0, "success" }, { EINVAL, "EINVAL" }, { ENODEV, "ENODEV" },
		{ EEXIST, "EEXIST" }, { EACCES, "EACCES" }, { EPERM, "EPERM" },
		{ ENODATA, "ENODATA" }, { EIO, "EIO" }, { EBUSY, "EBUSY" },
		{ ENOENT, "ENOENT" }, { ENXIO, "ENXIO" }, { ENOSYS, "ENOSYS" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == (err < 0 ? -err : err))
			return names[i].n;
	return strerror(err < 0 ? -err : err);
}

/* --------------------------------------------------------- new_id etc. */

static void case_new_id_garbage(struct ctx *c)
{
	static char longjunk[4000];
	const char *garbage[] = {
		"\n", "1234\n", "1234 xyz\n", "xyz 5356\n", " \t \n",
		",1234,5356\n", longjunk,
	};
	const char *shown[] = {
		"a newline", "one number", "a number and a word",
		"a word and a number", "blanks", "commas", "4000 bytes of 'x'",
	};
	char first[256];
	long long mark = klog_seq();
	size_t i;
	int ret, n;

	memset(longjunk, 'x', sizeof(longjunk) - 1);
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		ret = write_raw(SVA_DRV "/new_id", garbage[i], strlen(garbage[i]));
		ktest_result(&c->t, ret == -EINVAL,
			     "new_id with %s fails with EINVAL (got %s)",
			     shown[i], errname(ret));
	}
	n = klog_complaints(mark, first, sizeof(first));
	if (n)
		ktest_diag("%d kernel messages, the first: %s", n, first);
	ktest_result(&c->t, n == 0,
		     "the malformed new_id writes log nothing at warning level or above");
}

static void case_remove_id(struct ctx *c)
{
	int never = write_raw(SVA_DRV "/remove_id", "abcd ef01\n", 10);
	int junk = write_raw(SVA_DRV "/remove_id", "abcd\n", 5);

	ktest_result(&c->t, never == -ENODEV && junk == -EINVAL,
		     "remove_id of an ID never added fails with ENODEV (got %s), a malformed one with EINVAL (got %s)",
		     errname(never), errname(junk));
}

static void case_new_remove(struct ctx *c)
{
	int add = write_raw(SVA_DRV "/new_id", "1234 ffee\n", 10);
	int again = write_raw(SVA_DRV "/new_id", "1234 ffee\n", 10);
	int rm = write_raw(SVA_DRV "/remove_id", "1234 ffee\n", 10);
	int rm2 = write_raw(SVA_DRV "/remove_id", "1234 ffee\n", 10);

	ktest_diag("new_id 1234 ffee: %s, again: %s; remove_id: %s, again: %s",
		   errname(add), errname(again), errname(rm), errname(rm2));
	ktest_result(&c->t, !add && again == -EEXIST && !rm && rm2 == -ENODEV,
		     "new_id then remove_id of the same ID work (a second new_id: EEXIST, a second remove_id: ENODEV)");
}

/* ------------------------------------------------------ SVA attributes */

static void case_ro_attr(struct ctx *c, const char *attr)
{
	char path[256], before[64] = "", after[64] = "";
	int rb, ret, ra;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s",
		 c->bdf[GOOD], attr);
	rb = sysfs_read(path, before, sizeof(before));
	ret = write_raw(path, "7\n", 2);
	ra = sysfs_read(path, after, sizeof(after));
	ktest_diag("%s: read '%s' (%s), write: %s, read '%s' (%s)", attr,
		   before, errname(rb), errname(ret), after, errname(ra));
	ktest_result(&c->t, ret == -EACCES && rb == ra && !strcmp(before, after),
		     "write to %s fails with EACCES for root (read-only attribute), the value is unchanged",
		     attr);
}

/* --------------------------------------------------- /dev/uioX of GOOD */

static int try_mmap(int fd, size_t len, int index)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)index * (off_t)PAGE);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static void case_mmap_size(struct ctx *c)
{
	const struct uiosva_info *info = uiosva_info(c->dev);
	int fd = uiosva_fd(c->dev), i, exact, more, bigger;
	bool ok = info->nmaps > 0;

	for (i = 0; i < info->nmaps; i++) {
		size_t size = (size_t)info->maps[i].size;

		exact = try_mmap(fd, size, i);
		more = try_mmap(fd, size + PAGE, i);
		bigger = try_mmap(fd, size * 2 + PAGE, i);
		ktest_diag("map%d (%s, %zu bytes): exact size %s, one page more %s, twice %s",
			   i, info->maps[i].name, size, errname(exact),
			   errname(more), errname(bigger));
		ok = ok && !exact && more == -EINVAL && bigger == -EINVAL;
	}
	ktest_result(&c->t, ok,
		     "mmap() longer than the BAR fails with EINVAL for each of the %d maps (the exact size works)",
		     info->nmaps);
}

static void case_mmap_index(struct ctx *c)
{
	const struct uiosva_info *info = uiosva_info(c->dev);
	const int idx[] = { info->nmaps, UIOSVA_MAX_MAPS - 1, UIOSVA_MAX_MAPS,
			    1000 };
	int fd = uiosva_fd(c->dev), ret;
	bool ok = info->nmaps < UIOSVA_MAX_MAPS;
	size_t i;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		ret = try_mmap(fd, PAGE, idx[i]);
		ktest_diag("mmap of map index %d: %s", idx[i], errname(ret));
		ok = ok && ret == -EINVAL;
	}
	ktest_result(&c->t, ok,
		     "mmap() of a map index that does not exist (%d, %d, %d, 1000) fails with EINVAL",
		     info->nmaps, UIOSVA_MAX_MAPS - 1, UIOSVA_MAX_MAPS);
}

static void case_rw_size(struct ctx *c, bool do_write)
{
	const size_t sizes[] = { 1, 2, 3, 8 };
	int fd = uiosva_fd(c->dev);
	char buf[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	bool ok = true;
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = do_write ? write(fd, buf, sizes[i]) : read(fd, buf, sizes[i]);
		ktest_diag("%s() of %zu bytes: %zd (%s)", do_write ? "write" : "read",
			   sizes[i], n, n < 0 ? errname(errno) : "no error");
		ok = ok && n < 0 && errno == EINVAL;
	}
	ktest_result(&c->t, ok, "%s() of /dev/uioX with 1, 2, 3 or 8 bytes fails with EINVAL",
		     do_write ? "write" : "read");
}

static int irqcontrol(struct ctx *c, int32_t v)
{
	ssize_t n = write(uiosva_fd(c->dev), &v, sizeof(v));

	return n == sizeof(v) ? 0 : n < 0 ? -errno : -EIO;
}

static void case_irqcontrol_bad(struct ctx *c, int32_t v)
{
	char line[256];
	long long mark = klog_seq();
	int ret = irqcontrol(c, v);
	int logged = klog_find(mark, "irqcontrol", line, sizeof(line));

	ktest_diag("irqcontrol %d: %s; %d log lines%s%s", (int)v, errname(ret),
		   logged, logged ? ": " : "", logged ? line : "");
	ktest_result(&c->t, ret == -EINVAL,
		     "irqcontrol value %d (0x%x) fails with EINVAL", (int)v,
		     (unsigned int)v);
}

static void case_irqcontrol_good(struct ctx *c)
{
	int off = irqcontrol(c, 0), on = irqcontrol(c, 1), again = irqcontrol(c, 1);

	ktest_result(&c->t, !off && !on && !again,
		     "irqcontrol 0 and 1 work (0: %s, 1: %s, 1 again: %s)",
		     errname(off), errname(on), errname(again));
}

/* ------------------------------------------------ devices without SVA */

static void case_bad_bind(struct ctx *c, enum kind k)
{
	const char *bdf = c->bdf[k];
	char status[64] = "", pasid[32], line[256] = "", probe[64];
	long long mark = klog_seq();
	int ret, perr = 0, logged = 0;

	if (!bdf[0]) {
		/* suites/bad-input.sh adds it: a broken set-up, not a skip. */
		ktest_result(&c->t, false,
			     "device with %s binds, sva_status %s: no such device in this guest",
			     kinds[k].qemu, kinds[k].status);
		return;
	}
	ret = sva_bind_dev(bdf);
	if (!ret) {
		dev_attr(bdf, "sva_status", status, sizeof(status));
		perr = dev_attr(bdf, "pasid", pasid, sizeof(pasid));
		snprintf(probe, sizeof(probe), "SVA not available (%s)",
			 kinds[k].status);
		logged = klog_find(mark, probe, line, sizeof(line));
	}
	ktest_diag("%s (%s): bind %s, sva_status %s, pasid %s, probe line: %s",
		   bdf, kinds[k].qemu, errname(ret), status, errname(perr), line);
	ktest_result(&c->t, !ret && !strcmp(status, kinds[k].status) &&
		     perr == -ENODATA && logged == 1 &&
		     strstr(line, kinds[k].advice),
		     "device with %s binds, sva_status %s, pasid ENODATA, probe logs why once",
		     kinds[k].qemu, kinds[k].status);
}

/* open() of /dev/uioX: -errno, and the fd closed again. */
static int open_node(const char *bdf)
{
	struct uiosva_info info = UIOSVA_INFO_INIT;
	char path[128];
	int fd;

	if (uiosva_lookup(NULL, bdf, &info, NULL))
		return -ENOENT;
	snprintf(path, sizeof(path), "/dev/%s", info.uio);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void case_bad_open(struct ctx *c, enum kind k)
{
	const char *bdf = c->bdf[k];
	char status[64] = "", line[512] = "", pid[48];
	long long mark = klog_seq();
	int first, second, logged;

	if (!bdf[0]) {
		ktest_result(&c->t, false,
			     "device with %s: open fails with ENODEV: no such device in this guest",
			     kinds[k].qemu);
		return;
	}
	first = open_node(bdf);
	second = open_node(bdf);
	dev_attr(bdf, "sva_status", status, sizeof(status));
	logged = klog_find(mark, kinds[k].advice, line, sizeof(line));
	snprintf(pid, sizeof(pid), "open by pid %d (", (int)getpid());
	ktest_diag("%s: open %s, again %s; sva_status %s; %d log lines: %s",
		   bdf, errname(first), errname(second), status, logged, line);
	ktest_result(&c->t, first == -ENODEV && second == -ENODEV &&
		     !strcmp(status, kinds[k].status) && logged == 2 &&
		     strstr(line, pid) && strstr(line, bdf),
		     "device with %s: open fails with ENODEV (twice), sva_status unchanged, one log line per open naming \"%s\" and us",
		     kinds[k].qemu, kinds[k].advice);
}

/* ------------------------------------------------------------ the end */

static void case_dma_after(struct ctx *c)
{
	struct td_job job = { .pattern = PATTERN, .timeout_ms = 60000 };
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	unsigned char *buf = malloc(DMA_LEN);
	long bad = -1;
	bool ok = false;

	if (buf && !uiosva_open(NULL, c->bdf[GOOD], 0, &c->dev, &err) &&
	    !uiosva_pasid(c->dev, &job.pasid)) {
		ok = !td_fill_verified(c->dev, &job, buf, DMA_LEN, &bad);
		ktest_diag("PASID %u: status 0x%x error %u, first wrong byte %ld of %lu",
			   job.pasid, job.status, job.error, bad, DMA_LEN);
	} else {
		ktest_diag("%s", c->dev ? uiosva_last_error(c->dev)->msg : err.msg);
	}
	uiosva_close(c->dev);
	c->dev = NULL;
	ktest_result(&c->t, ok,
		     "after all of it the good device fills 64 KiB of malloc() memory by SVA DMA, every byte checked");
	free(buf);
}

static void case_unbind_all(struct ctx *c)
{
	int k, ret, worst = 0;

	for (k = 0; k < NKINDS; k++) {
		if (!c->bdf[k][0])
			continue;
		ret = sva_unbind_dev(c->bdf[k]);
		if (ret) {
			ktest_diag("unbind %s: %s", c->bdf[k], errname(ret));
			worst = ret;
		}
	}
	ktest_result(&c->t, !worst, "every device unbinds");
}

static void run_uio_cases(struct ctx *c)
{
	static const char *const attrs[] = { "pasid", "sva_status", "sva_pid",
					     "sva_comm" };
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	size_t i;

	if (uiosva_open(NULL, c->bdf[GOOD], 0, &c->dev, &err)) {
		ktest_diag("%s", err.msg);
		for (i = 0; i < 8 + sizeof(attrs) / sizeof(attrs[0]); i++)
			ktest_result(&c->t, false, "/dev/uioX case %zu: the good device does not open",
				     i + 1);
		return;
	}
	case_mmap_size(c);
	case_mmap_index(c);
	case_rw_size(c, false);
	case_rw_size(c, true);
	case_irqcontrol_bad(c, 2);
	case_irqcontrol_bad(c, -1);
	case_irqcontrol_bad(c, 0x7fffffff);
	case_irqcontrol_good(c);
	/* While bound, so that each attribute has a value to keep. */
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		case_ro_attr(c, attrs[i]);
	uiosva_close(c->dev);
	c->dev = NULL;
}

int main(void)
{
	struct ctx c;
	int k;

	memset(&c, 0, sizeof(c));
	ktest_plan(&c.t, 7 + 1 + 2 + 8 + 4 + 2 * 3 + 2);
	find_devices(&c);
	for (k = 0; k < NKINDS; k++)
		ktest_diag("%s: %s", kinds[k].qemu[0] ? kinds[k].qemu : "complete",
			   c.bdf[k][0] ? c.bdf[k] : "(none)");
	if (!c.bdf[GOOD][0] || sva_bind_dev(c.bdf[GOOD])) {
		ktest_diag("no complete test device bound to uio_pci_sva");
		return ktest_finish(&c.t);
	}
	case_new_id_garbage(&c);
	case_remove_id(&c);
	case_new_remove(&c);
	run_uio_cases(&c);
	for (k = NO_PASID; k < NKINDS; k++) {
		case_bad_bind(&c, (enum kind)k);
		case_bad_open(&c, (enum kind)k);
	}
	case_dma_after(&c);
	case_unbind_all(&c);
	return ktest_finish(&c.t);
}

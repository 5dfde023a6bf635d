// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cli_dma.c - uio-sva dma end to end on the host: the fake /dev/uio0
 * is a file whose first page is BAR0, and a fake uio-sva-testdev, stepped
 * while the command polls, does the DMA on this process's memory through
 * process_vm_readv/writev, which fail like an IOMMU on unmapped or
 * read-only pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clirun.h"
#include "tap.h"

/* Memory the fake device writes is defined, as after real DMA. */
#ifdef UIOSVA_HAVE_MEMCHECK_H /* set by tools/Makefile */
#include <valgrind/memcheck.h>
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

#define BDF "0000:00:03.0"
#define PASID 5

enum emu_mode { EMU_OK, EMU_NEVER, EMU_CORRUPT, EMU_NOT_BUSY_CLEAR };

struct emu {
	volatile uint8_t *bar0;
	enum emu_mode mode;
	uint32_t completions;
	int ops;
};

static uint32_t r32(struct emu *e, unsigned off)
{
	return *(volatile uint32_t *)(volatile void *)(e->bar0 + off);
}

static uint64_t r64(struct emu *e, unsigned off)
{
	return *(volatile uint64_t *)(volatile void *)(e->bar0 + off);
}

static void w32(struct emu *e, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(volatile void *)(e->bar0 + off) = v;
}

static void w64(struct emu *e, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(volatile void *)(e->bar0 + off) = v;
}

/* The IOMMU's verdict on a failed access at @a: unmapped or read-only. */
static uint32_t fault_code(uint64_t a)
{
	uint8_t byte;
	struct iovec local = { &byte, 1 };
	struct iovec remote = { (void *)(uintptr_t)a, 1 };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 ?
		7 /* PERMISSION */ : 5 /* TRANSLATION */;
}

static int dma(bool write, uint64_t addr, uint8_t *buf, size_t len,
	       uint64_t *fault)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

	if (n == (ssize_t)len) {
		if (write)
			VALGRIND_MAKE_MEM_DEFINED((void *)(uintptr_t)addr, len);
		return 0;
	}
	*fault = addr + (n > 0 ? (uint64_t)n : 0);
	return -1;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* The operation in 4 KiB chunks; the error code, 0 on success. */
static uint32_t run_op(struct emu *e, uint64_t *fault, uint64_t *result)
{
	uint64_t src = r64(e, 0x18), dst = r64(e, 0x20), len = r64(e, 0x28);
	uint64_t pat = r64(e, 0x30), off, h = 0xcbf29ce484222325ull;
	uint32_t op = r32(e, 0x38), pasid = r32(e, 0x10);
	uint8_t buf[4096];
	size_t n, i;

	if (pasid == 0xffffffff)
		return *fault = dst ? dst : src, 9; /* DMA_ERROR */
	if (pasid > 0xfffff)
		return 2; /* BAD_PASID */
	if (op < 1 || op > 3)
		return 1; /* BAD_OP */
	for (off = 0; off < len; off += n) {
		n = len - off < sizeof(buf) ? (size_t)(len - off) : sizeof(buf);
		if (pasid != PASID) {
			*fault = (op == 1 ? dst : src) + off;
			return 5;
		}
		if (op == 1)
			for (i = 0; i < n; i++)
				buf[i] = (uint8_t)(pat >> (8 * ((off + i) % 8)));
		else if (dma(false, src + off, buf, n, fault))
			return fault_code(*fault);
		if (op == 3)
			h = fnv(h, buf, n);
		else if (dma(true, dst + off, buf, n, fault))
			return fault_code(*fault);
	}
	*result = h;
	return 0;
}

static void emu_abort(struct emu *e)
{
	w32(e, 0x64, 0);
	if (!(r32(e, 0x44) & 1))
		return;
	w32(e, 0x44, 4);
	w32(e, 0x48, 8); /* ABORTED */
	w32(e, 0x60, ++e->completions);
}

static void emu_step(void *arg)
{
	struct emu *e = arg;
	uint64_t fault = 0, result = 0;
	uint32_t err;

	if (r32(e, 0x64) & 1)
		emu_abort(e);
	if (!r32(e, 0x40))
		return;
	w32(e, 0x40, 0);
	w32(e, 0x44, 1); /* BUSY */
	e->ops++;
	if (e->mode == EMU_NEVER)
		return;
	err = run_op(e, &fault, &result);
	if (!err && e->mode == EMU_CORRUPT && r32(e, 0x38) != 3) {
		uint8_t *p = (uint8_t *)(uintptr_t)(r64(e, 0x20) + 7);

		*p ^= 0xff;
	}
	w32(e, 0x48, err);
	w64(e, 0x50, err ? fault : 0);
	w64(e, 0x58, result);
	w32(e, 0x44, err ? 4 : 2);
	if (e->mode == EMU_NOT_BUSY_CLEAR)
		w32(e, 0x44, 0);
	w32(e, 0x60, ++e->completions);
}

static int emu_init(struct emu *e, struct fake *f)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	memset(e, 0, sizeof(*e));
	snprintf(path, sizeof(path), "%s/uio0", f->dev);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	e->bar0 = p;
	w32(e, 0x00, 0x53564131);
	w32(e, 0x04, 0x00010000);
	w32(e, 0x10, 0xffffffff);
	return 0;
}

struct ctx {
	struct fake f;
	struct tsys t;
	struct emu e;
	char profile[PATH_MAX];
};

#define RUN(c, ...) cli_run(&(c)->t, "dma", BDF, __VA_ARGS__, (char *)NULL)

static void ok_run(struct ctx *c, struct run_result r, const char *name,
		   const char *want_out)
{
	if (!tap_ok(r.rc == 0 && strstr(r.out, want_out), "%s", name))
		tap_diag("rc %d\nout: %s\nerr: %s", r.rc, r.out, r.err);
	(void)c;
	run_free(&r);
}

static void fail_run(struct run_result r, int rc, const char *want_err,
		     const char *name)
{
	if (!tap_ok(r.rc == rc && strstr(r.err, want_err), "%s", name))
		tap_diag("rc %d (want %d)\nout: %s\nerr: %s", r.rc, rc, r.out,
			 r.err);
	run_free(&r);
}

static void test_ops(struct ctx *c)
{
	const char *p = c->profile;

	ok_run(c, RUN(c, "-p", p, "--poll"), "fill 64K malloc",
	       "fill 64 KiB at 0x");
	ok_run(c, RUN(c, "-p", p, "--poll", "-o", "copy", "-s", "1M"),
	       "copy 1M: page requests and bytes verified",
	       "0 page requests served, 1048576 bytes verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-o", "checksum", "-s", "100000"),
	       "checksum 100000 bytes", "result 0x");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "mmap", "--no-touch", "-s",
		      "256K"), "fill, fresh mmap, untouched", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "mmap", "--no-touch", "-o",
		      "copy"), "copy, mmap, untouched", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "stack", "-o", "copy", "-s",
		      "64K"), "copy on the stack", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "stack", "-o", "checksum",
		      "-s", "8K"), "checksum of the stack", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "stack", "--no-touch",
		      "-s", "8K"), "fill on the stack, untouched", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "malloc", "--no-touch",
		      "-s", "8K"), "fill, malloc, untouched", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "--offset", "3", "-s", "5000",
		      "--pattern", "0x0102030405060708"),
	       "unaligned fill with an 8-byte pattern", "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-n", "3", "-o", "copy"),
	       "--repeat 3", "3 of 3 operations verified");
	ok_run(c, RUN(c, "-p", p, "--poll"), "header names the PASID",
	       "pasid 5, BAR0 registers, polling");
}

static void test_output_modes(struct ctx *c)
{
	struct run_result r;

	r = RUN(c, "-p", c->profile, "--poll", "-q");
	tap_ok(r.rc == 0 && !r.out[0] && !r.err[0], "--quiet prints nothing");
	run_free(&r);
	r = RUN(c, "-p", c->profile, "--poll", "-v", "-s", "4K");
	tap_ok(r.rc == 0 && strstr(r.out, "BAR0+0x010 pasid       <- 0x5") &&
	       strstr(r.out, "BAR0+0x028 len         <- 0x1000") &&
	       strstr(r.out, "BAR0+0x040 doorbell    <- 0x1"),
	       "--verbose shows the register writes");
	run_free(&r);
	r = RUN(c, "-p", c->profile, "--poll", "--pasid", "none");
	tap_ok(r.rc == 5 && strstr(r.err, "device error 9 DMA_ERROR") &&
	       strstr(r.out, "(forced)"), "--pasid none writes NO_PASID");
	run_free(&r);
	r = RUN(c, "-p", c->profile, "--poll", "-q", "--quiet", "-v");
	tap_is_int(r.rc, 2, "--quiet with --verbose: 2");
	run_free(&r);
}

static void test_device_errors(struct ctx *c)
{
	const char *p = c->profile;

	fail_run(RUN(c, "-p", p, "--poll", "-b", "unmapped"), 5,
		 "device error 5 TRANSLATION (the IOMMU refused the address",
		 "unmapped buffer: TRANSLATION, 5");
	fail_run(RUN(c, "-p", p, "--poll", "-b", "unmapped"), 5,
		 "at fault address 0x", "... with the fault address");
	fail_run(RUN(c, "-p", p, "--poll", "-b", "unmapped"), 5,
		 "(offset 0 in the destination)", "... and where it is");
	fail_run(RUN(c, "-p", p, "--poll", "-b", "readonly", "-o", "copy"), 5,
		 "device error 7 PERMISSION", "read-only buffer: PERMISSION");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "readonly", "-o",
		      "checksum"), "checksum of a read-only buffer works",
	       "verified");
	ok_run(c, RUN(c, "-p", p, "--poll", "-b", "unmapped",
		      "--expect-error", "translation"),
	       "--expect-error TRANSLATION: 0", "failed as expected");
	fail_run(RUN(c, "-p", p, "--poll", "--expect-error", "TRANSLATION"), 7,
		 "succeeded, but error TRANSLATION was expected",
		 "--expect-error and success: 7");
	fail_run(RUN(c, "-p", p, "--poll", "-b", "readonly",
		     "--expect-error", "TRANSLATION"), 5,
		 "hint: expected error TRANSLATION",
		 "--expect-error and another error: 5");
	fail_run(RUN(c, "-p", p, "--poll", "--expect-error", "NOPE"), 2,
		 "names no such error", "--expect-error of an unknown name: 2");
	fail_run(RUN(c, "-p", p, "--poll", "--pasid", "0x100000"), 5,
		 "device error 2 BAD_PASID", "--pasid beyond 20 bits");
	c->e.mode = EMU_CORRUPT;
	fail_run(RUN(c, "-p", p, "--poll"), 7,
		 "data mismatch: 1 of 65536 bytes wrong; first at offset 7",
		 "corrupted fill: 7, first bad byte");
	fail_run(RUN(c, "-p", p, "--poll", "-o", "copy"), 7,
		 "1 of 65536 bytes differ from the source",
		 "corrupted copy: 7");
	c->e.mode = EMU_NOT_BUSY_CLEAR;
	fail_run(RUN(c, "-p", p, "--poll", "-t", "100"), 6,
		 "no completion within 100 ms",
		 "status without done or error: timeout");
	c->e.mode = EMU_NEVER;
	fail_run(RUN(c, "-p", p, "--poll", "-t", "100"), 6,
		 "no completion within 100 ms (status 0x1); the operation was "
		 "aborted", "never completes: 6, aborted through ctrl");
	c->e.mode = EMU_OK;
}

static void test_usage(struct ctx *c)
{
	const char *p = c->profile;

	fail_run(RUN(c, "-p", p, "-s", "0"), 2, "--size 0", "size 0: 2");
	fail_run(RUN(c, "-p", p, "-s", "2G"), 2, "above the device's max_len",
		 "size above max_len: 2");
	fail_run(RUN(c, "-p", p, "-o", "xor"), 2, "use fill, copy or checksum",
		 "bad op: 2");
	fail_run(RUN(c, "-p", p, "-b", "heap"), 2, "use malloc, mmap, stack",
		 "bad buffer: 2");
	fail_run(RUN(c, "-p", p, "-t", "0"), 2, "--timeout 0", "timeout 0: 2");
	fail_run(RUN(c, "-p", p, "-b", "stack", "-s", "1G"), 2,
		 "do not fit in half the stack limit", "stack too small: 2");
	fail_run(RUN(c, "-p", "/nonexistent.profile"), 2,
		 "/nonexistent.profile: cannot open", "missing profile: 2");
	fail_run(RUN(c, "-p", "nosuch"), 2, "no profile 'nosuch'",
		 "unknown profile name: 2");
	fail_run(cli_run(&c->t, "dma", (char *)NULL), 2, "which device?",
		 "no device: 2");
}

static void write_profile(struct ctx *c, const char *name, const char *drop,
			  const char *add)
{
	char src[PATH_MAX], dst[PATH_MAX], line[512];
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s", c->profile);
	snprintf(dst, sizeof(dst), "%s/%s", c->f.root, name);
	in = fopen(src, "r");
	out = fopen(dst, "w");
	while (in && out && fgets(line, sizeof(line), in))
		if (!drop || !strstr(line, drop))
			fputs(line, out);
	if (out)
		fputs(add, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

static void test_profiles(struct ctx *c)
{
	char path[PATH_MAX];

	write_profile(c, "other.profile", "device =", "device = 8086:0b25\n");
	snprintf(path, sizeof(path), "%s/other.profile", c->f.root);
	fail_run(RUN(c, "-p", path), 2, "profile uio-sva-testdev is not for "
		 BDF " (1234:5356)", "profile of another device: 2");
	write_profile(c, "id.profile", "expect id", "expect id = 0x1\n");
	snprintf(path, sizeof(path), "%s/id.profile", c->f.root);
	fail_run(RUN(c, "-p", path), 2, "register id of " BDF " reads "
		 "0x53564131; profile uio-sva-testdev expects 0x1",
		 "ID check fails: 2");
	write_profile(c, "bar.profile", "bar =", "bar = 1\n");
	snprintf(path, sizeof(path), "%s/bar.profile", c->f.root);
	fail_run(RUN(c, "-p", path), 2, "has no memory BAR 1",
		 "registers in a missing BAR: 2");
	write_profile(c, "nocopy.profile", "op copy", "");
	snprintf(path, sizeof(path), "%s/nocopy.profile", c->f.root);
	fail_run(RUN(c, "-p", path, "-o", "copy"), 2, "has no 'op copy' line",
		 "op the profile lacks: 2");
	write_profile(c, "noabort.profile", "abort_value", "");
	snprintf(path, sizeof(path), "%s/noabort.profile", c->f.root);
	c->e.mode = EMU_NEVER;
	fail_run(RUN(c, "-p", path, "--poll", "-t", "50"), 6,
		 "no completion within 50 ms (status 0x1)\n",
		 "timeout without abort: 6");
	c->e.mode = EMU_OK;
	snprintf(path, sizeof(path), "%s/testdev.profile", c->f.profiles);
	write_profile(c, "profiles/testdev.profile", NULL, "");
	ok_run(c, cli_run(&c->t, "dma", "uio0", "--poll", (char *)NULL),
	       "no --profile: the matching one in the profile directory",
	       "profile uio-sva-testdev");
	ok_run(c, cli_run(&c->t, "dma", "uio0", "-p", "testdev", "--poll",
			  (char *)NULL), "--profile NAME from the profile directory",
	       "verified");
	unlink(path);
	fail_run(cli_run(&c->t, "dma", "uio0", "--poll", (char *)NULL), 2,
		 "no profile in", "no matching profile: 2");
}

static void test_irq_fallback(struct ctx *c)
{
	struct run_result r;

	wrap_fail_irq_write(EIO);
	r = RUN(c, "-p", c->profile);
	wrap_fail_irq_write(0);
	tap_ok(r.rc == 0 && strstr(r.out, "has no interrupt; polling instead") &&
	       strstr(r.out, "(polling), ") && strstr(r.out, " bytes verified\n"),
	       "no IRQ (EIO from irqcontrol): falls back to polling");
	run_free(&r);
}

static void test_setup_errors(struct ctx *c)
{
	const char *p = c->profile;

	fake_sva(&c->f, BDF, "bound", 7, 1234, "holder");
	wrap_fail_open("/dev/uio0", EBUSY);
	fail_run(RUN(c, "-p", p), 4, "bound by PID 1234 (holder)",
		 "EBUSY: 4, names the process");
	wrap_fail_open("/dev/uio0", EOPNOTSUPP);
	fail_run(RUN(c, "-p", p), 4, "boot Linux 7.2 or later",
		 "EOPNOTSUPP: 4, Linux 7.2");
	fake_sva(&c->f, BDF, "device-no-pri", -1, 0, (char *)NULL);
	wrap_fail_open("/dev/uio0", ENODEV);
	fail_run(RUN(c, "-p", p), 4, "sva_status of " BDF " is device-no-pri",
		 "ENODEV: 4, names the missing capability");
	fake_sva(&c->f, BDF, "iommu-no-sva", -1, 0, (char *)NULL);
	wrap_fail_open("/dev/uio0", ENXIO);
	fail_run(RUN(c, "-p", p), 4, "scalable mode", "ENXIO: 4, IOMMU advice");
	wrap_fail_open("/dev/uio0", EPROTONOSUPPORT);
	fail_run(RUN(c, "-p", p), 4, "CONFIG_IOMMU_SVA=y",
		 "EPROTONOSUPPORT: 4");
	wrap_fail_open("/dev/uio0", ENOSPC);
	fail_run(RUN(c, "-p", p), 4, "no PASID is free", "ENOSPC: 4");
	wrap_fail_open("/dev/uio0", EACCES);
	fail_run(RUN(c, "-p", p), 1, "70-uio-sva.rules",
		 "EACCES: 1, udev rule");
	wrap_fail_open(NULL, 0);
	fake_sva(&c->f, BDF, "ready", -1, 0, (char *)NULL);
	fail_run(RUN(c, "-p", p), 4, "no address space is bound",
		 "no PASID after open: 4");
	fake_sva(&c->f, BDF, "bound", 0x100000, 1, "x");
	fail_run(RUN(c, "-p", p), 4, "does not fit the device's 20 bits",
		 "PASID wider than the device: 4");
	fake_sva(&c->f, BDF, "bound", PASID, 1, "uio-sva");
	fail_run(cli_run(&c->t, "dma", "0000:00:04.0", "-p", p, (char *)NULL), 3,
		 "hint: run 'uio-sva bind 0000:00:04.0'",
		 "device not bound: 3, bind");
}

int main(void)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || fake_init(&c->f) || fake_testdev(&c->f, BDF, "uio0") ||
	    emu_init(&c->e, &c->f)) {
		tap_ok(0, "fake tree and device");
		free(c);
		return tap_done();
	}
	fake_pci(&c->f, "0000:00:04.0", 0x1234, 0x5356, "virtio-pci");
	fake_sva(&c->f, BDF, "bound", PASID, 1, "uio-sva");
	tsys_init(&c->t, &c->f);
	c->t.device_step = emu_step;
	c->t.device_arg = &c->e;
	snprintf(c->profile, sizeof(c->profile), "%s",
		 UIOSVA_TOPDIR "/tools/profiles/uio-sva-testdev.profile");
	test_ops(c);
	test_output_modes(c);
	test_device_errors(c);
	test_usage(c);
	test_profiles(c);
	test_irq_fallback(c);
	test_setup_errors(c);
	munmap((void *)c->e.bar0, 4096);
	fake_cleanup(&c->f);
	free(c);
	return tap_done();
}

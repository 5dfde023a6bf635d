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
#include "fakedev.h"
#include "tap.h"

#define BDF "0000:00:03.0"

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
	fail_run(RUN(c, "-p", p, "-t", "99999999999"), 2,
		 "--timeout 99999999999: too large", "timeout too large: 2");
	fail_run(RUN(c, "-p", p, "-t", "99999999999999999999999"), 2,
		 ": too large", "timeout beyond 64 bits: too large");
	fail_run(RUN(c, "-p", p, "-s", "99999999999T"), 2,
		 "--size 99999999999T: too large", "size overflowing: too large");
	fail_run(RUN(c, "-p", p, "-s", "0xffffffffffffffff"), 2,
		 ": too large", "size beyond memory: too large");
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
	fail_run(RUN(c, "-p", p), 4, "iommu_sva_invalidate_kva_range(), Linux 7.2 has",
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_lib.c - libuiosva against fake sysfs and /dev trees: lookup,
 * listing, SVA attributes, open() errors, PASID, BAR mapping, registers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakesys.h"
#include "tap.h"
#include "uiosva.h"

#define BDF "0000:00:03.0"

static struct uiosva_config cfg_of(const struct fake *f)
{
	struct uiosva_config c = { f->sys, f->dev };

	return c;
}

static void test_parse_bdf(void)
{
	char bdf[UIOSVA_BDF_MAX];

	tap_ok(!uiosva_parse_bdf("0000:00:03.0", bdf, sizeof(bdf)) &&
	       !strcmp(bdf, "0000:00:03.0"), "full BDF");
	tap_ok(!uiosva_parse_bdf("00:1F.7", bdf, sizeof(bdf)) &&
	       !strcmp(bdf, "0000:00:1f.7"), "short BDF, upper case");
	tap_ok(!uiosva_parse_bdf("10000:e1:00.0", bdf, sizeof(bdf)) &&
	       !strcmp(bdf, "10000:e1:00.0"), "VMD domain");
	tap_is_int(uiosva_parse_bdf("00:20.0", bdf, sizeof(bdf)), -EINVAL,
		   "device 0x20 is invalid");
	tap_is_int(uiosva_parse_bdf("00:03.8", bdf, sizeof(bdf)), -EINVAL,
		   "function 8 is invalid");
	tap_is_int(uiosva_parse_bdf("uio0", bdf, sizeof(bdf)), -EINVAL,
		   "uio0 is not a BDF");
	tap_is_int(uiosva_parse_bdf("00:03.0x", bdf, sizeof(bdf)), -EINVAL,
		   "trailing junk");
	tap_is_int(uiosva_parse_bdf("00:03.0", bdf, 5), -ENAMETOOLONG,
		   "small buffer");
}

static void check_info(const struct uiosva_info *info, const char *how)
{
	tap_ok(!strcmp(info->bdf, BDF) && !strcmp(info->uio, "uio0") &&
	       !strcmp(info->driver, "uio_pci_sva") &&
	       !strcmp(info->uio_name, "uio_pci_sva"),
	       "%s: bdf, uio, driver, name", how);
	tap_ok(info->vendor == 0x1234 && info->device == 0x5356,
	       "%s: vendor:device", how);
	tap_ok(info->nmaps == 2 && info->maps[0].bar == 0 &&
	       info->maps[1].bar == 2 && info->maps[1].index == 1 &&
	       info->maps[1].size == 65536 && info->maps[0].addr == 0xfe000000,
	       "%s: maps BAR0 and BAR2", how);
	tap_ok(info->nports == 1 && info->ports[0].bar == 4 &&
	       info->ports[0].size == 32 &&
	       !strcmp(info->ports[0].porttype, "port_x86"),
	       "%s: port region BAR4", how);
}

static void test_lookup(struct fake *f)
{
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_info info = UIOSVA_INFO_INIT;
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	tap_is_int(uiosva_lookup(&cfg, BDF, &info, &err), 0, "lookup by BDF");
	check_info(&info, "by BDF");
	tap_is_int(uiosva_lookup(&cfg, "00:03.0", &info, &err), 0,
		   "lookup by short BDF");
	tap_is_int(uiosva_lookup(&cfg, "uio0", &info, &err), 0,
		   "lookup by uio name");
	check_info(&info, "by uio name");
	tap_is_int(uiosva_lookup(&cfg, "/dev/uio0", &info, &err), 0,
		   "lookup by /dev path");

	tap_is_int(uiosva_lookup(&cfg, "00:09.0", &info, &err), -ENOENT,
		   "no such PCI device");
	tap_ok(err.kind == UIOSVA_ERR_NO_DEVICE && err.errnum == ENOENT &&
	       strstr(err.msg, "no PCI device 0000:00:09.0") &&
	       strstr(err.path, "/bus/pci/devices/0000:00:09.0"),
	       "no device: kind, errno, path, message");
	tap_is_int(uiosva_lookup(&cfg, "uio7", &info, &err), -ENOENT,
		   "no such uio");
	tap_contains(err.msg, "no UIO device uio7", "no uio message");
	tap_is_int(uiosva_lookup(&cfg, "eth0", &info, &err), -EINVAL,
		   "bad name");
	tap_ok(err.kind == UIOSVA_ERR_ARG, "bad name: kind ARG");
	tap_is_int(uiosva_lookup(&cfg, "", &info, &err), -EINVAL, "empty name");

	tap_is_int(uiosva_lookup(&cfg, "0000:00:04.0", &info, &err), -ENODEV,
		   "device bound to another driver");
	tap_ok(err.kind == UIOSVA_ERR_NOT_BOUND &&
	       !strcmp(info.driver, "virtio-pci") &&
	       strstr(err.msg, "bound to virtio-pci, not to uio_pci_sva"),
	       "other driver: kind, info.driver, message");
	tap_is_int(uiosva_lookup(&cfg, "0000:00:05.0", &info, &err), -ENODEV,
		   "device without driver");
	tap_contains(err.msg, "not bound to any driver", "no driver message");
	tap_is_int(uiosva_lookup(&cfg, "0000:00:06.0", &info, &err), -ENOENT,
		   "bound without uio node");
	tap_ok(err.kind == UIOSVA_ERR_NO_UIO, "no uio: kind NO_UIO");
	tap_is_int(uiosva_lookup(NULL, "uio0", &info, NULL) == 0 ? 1 : 0, 0,
		   "NULL config reads the real /sys (no uio0 here)");
}

/* Growable structs: a caller that did not set @size is refused, and the
 * library writes nothing into the struct it cannot size. */
static void test_struct_sizes(struct fake *f)
{
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_info info = UIOSVA_INFO_INIT;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct uiosva_error unsized;
	struct uiosva_sva sva;
	struct uiosva_dev *dev = NULL;

	tap_ok(err.size == sizeof(err) && info.size == sizeof(info),
	       "UIOSVA_ERROR_INIT and UIOSVA_INFO_INIT set the size");
	memset(&unsized, 0x5a, sizeof(unsized));
	unsized.size = 16;
	tap_is_int(uiosva_open(&cfg, BDF, 0, &dev, &unsized), -EINVAL,
		   "open: err.size too small: EINVAL");
	tap_ok(unsized.errnum == 0x5a5a5a5a && !dev,
	       "open: a struct too small is not written");
	tap_is_int(uiosva_lookup(&cfg, BDF, &info, &unsized), -EINVAL,
		   "lookup: err.size too small: EINVAL");
	tap_is_int(uiosva_list(&cfg, NULL, NULL, &unsized), -EINVAL,
		   "list: err.size too small: EINVAL");
	tap_is_int(uiosva_read_sva(&cfg, BDF, &sva, &unsized), -EINVAL,
		   "read_sva: err.size too small: EINVAL");
	info.size = 0;
	tap_is_int(uiosva_lookup(&cfg, BDF, &info, &err), -EINVAL,
		   "lookup: info.size 0: EINVAL");
	tap_contains(err.msg, "UIOSVA_INFO_INIT", "... says to use UIOSVA_INFO_INIT");
	info.size = sizeof(info) + 64; /* a caller built against a later header */
	tap_is_int(uiosva_lookup(&cfg, BDF, &info, &err), 0,
		   "lookup: a larger info.size is fine");
	tap_ok(info.size == sizeof(info) + 64, "... and is kept");
}

static int collect(const struct uiosva_info *info, void *arg)
{
	char *buf = arg;

	strcat(buf, info->bdf);
	strcat(buf, " ");
	return 0;
}

static int stop_at_first(const struct uiosva_info *info, void *arg)
{
	(void)info;
	(void)arg;
	return 42;
}

static void test_list(struct fake *f)
{
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	char buf[256] = "";

	tap_is_int(uiosva_list(&cfg, collect, buf, &err), 0, "list");
	tap_is_str(buf, "0000:00:01.0 0000:00:03.0 0000:00:06.0 0000:01:00.0 ",
		   "list: our devices in order, other entries skipped");
	tap_is_int(uiosva_list(&cfg, stop_at_first, NULL, &err), 42,
		   "list stops at the callback's value");
	tap_is_int(uiosva_driver_loaded(&cfg), 1, "driver loaded");
}

static void test_list_no_driver(void)
{
	struct uiosva_config cfg;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct fake f;

	if (fake_init(&f))
		return;
	cfg = cfg_of(&f);
	tap_is_int(uiosva_driver_loaded(&cfg), 0, "driver not loaded");
	tap_is_int(uiosva_list(&cfg, collect, NULL, &err), -ENOENT,
		   "list without the driver: ENOENT");
	tap_contains(err.msg, "module uio_pci_generic_sva is not loaded",
		     "list without the driver: message");
	fake_cleanup(&f);
}

static void test_sva(struct fake *f)
{
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_sva sva;
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	tap_is_int(uiosva_read_sva(&cfg, BDF, &sva, &err), 0, "read sva");
	tap_ok(sva.state == UIOSVA_SVA_READY && sva.pasid == UIOSVA_NO_PASID &&
	       sva.pasid_errno == ENODATA && !sva.pid && !sva.comm[0],
	       "ready: no pasid (ENODATA), no pid, no comm");
	fake_sva(f, BDF, "bound", 7, 1234, "holder");
	uiosva_read_sva(&cfg, BDF, &sva, &err);
	tap_ok(sva.state == UIOSVA_SVA_BOUND && sva.pasid == 7 &&
	       !sva.pasid_errno && sva.pid == 1234 &&
	       !strcmp(sva.comm, "holder"), "bound: pasid, pid, comm");
	fake_sva(f, BDF, "ready", -1, 0, NULL);
	tap_is_int(uiosva_read_sva(&cfg, "0000:00:04.0", &sva, &err), -ENOENT,
		   "no sva_status on a device of another driver");
}

static void test_states(void)
{
	static const struct {
		const char *word;
		enum uiosva_sva_state state;
		int err;
	} s[] = {
		{ "bound", UIOSVA_SVA_BOUND, EBUSY },
		{ "ready", UIOSVA_SVA_READY, 0 },
		{ "no-kernel-sva", UIOSVA_SVA_NO_KERNEL_SVA, EPROTONOSUPPORT },
		{ "blocked-by-kernel", UIOSVA_SVA_BLOCKED_BY_KERNEL,
		  EOPNOTSUPP },
		{ "no-iommu", UIOSVA_SVA_NO_IOMMU, ENXIO },
		{ "device-no-pasid", UIOSVA_SVA_DEVICE_NO_PASID, ENODEV },
		{ "device-no-ats", UIOSVA_SVA_DEVICE_NO_ATS, ENODEV },
		{ "device-no-pri", UIOSVA_SVA_DEVICE_NO_PRI, ENODEV },
		{ "iommu-no-sva", UIOSVA_SVA_IOMMU_NO_SVA, ENXIO },
		{ "pasid-exhausted", UIOSVA_SVA_PASID_EXHAUSTED, ENOSPC },
	};
	char word[64];
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		snprintf(word, sizeof(word), "%s\n", s[i].word);
		tap_ok(uiosva_sva_state_parse(word) == s[i].state &&
		       !strcmp(uiosva_sva_state_name(s[i].state), s[i].word) &&
		       uiosva_sva_state_errno(s[i].state) == s[i].err,
		       "sva_status %s: state, name, open() errno", s[i].word);
	}
	tap_ok(uiosva_sva_state_parse("readyX") == UIOSVA_SVA_UNKNOWN &&
	       uiosva_sva_state_parse(NULL) == UIOSVA_SVA_UNKNOWN &&
	       !strcmp(uiosva_sva_state_name(UIOSVA_SVA_UNKNOWN), "unknown"),
	       "unknown keyword");
	tap_contains(uiosva_open_reason(EBUSY), "another process",
		     "EBUSY reason");
	tap_contains(uiosva_open_reason(EOPNOTSUPP), "blocks SVA on x86",
		     "EOPNOTSUPP reason");
	tap_contains(uiosva_open_reason(ENODEV), "PASID, ATS or PRI",
		     "ENODEV reason");
	tap_contains(uiosva_open_reason(ENXIO), "IOMMU", "ENXIO reason");
	tap_contains(uiosva_open_reason(EPROTONOSUPPORT), "CONFIG_IOMMU_SVA",
		     "EPROTONOSUPPORT reason");
	tap_contains(uiosva_open_reason(ENOSPC), "PASID space",
		     "ENOSPC reason");
	tap_ok(uiosva_open_reason(EINVAL) == NULL, "no reason for EINVAL");
	tap_ok(!strcmp(uiosva_version(), "1.1.0"), "version 1.1.0");
}

static void test_open_errors(struct fake *f)
{
	static const int errs[] = { EBUSY, EOPNOTSUPP, ENODEV, ENXIO,
				    EPROTONOSUPPORT, ENOSPC, EACCES };
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct uiosva_dev *dev = (void *)1;
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		wrap_fail_open("/dev/uio0", errs[i]);
		tap_ok(uiosva_open(&cfg, BDF, 0, &dev, &err) == -errs[i] &&
		       !dev && err.kind == UIOSVA_ERR_OPEN &&
		       err.errnum == errs[i] && strstr(err.path, "/dev/uio0") &&
		       strstr(err.msg, uiosva_open_reason(errs[i])),
		       "open fails with %s: kind OPEN, path, reason",
		       strerror(errs[i]));
	}
	wrap_fail_open(NULL, 0);
	tap_is_int(uiosva_open(&cfg, BDF, 1, &dev, &err), -EINVAL,
		   "unknown flags");
	tap_is_int(uiosva_open(&cfg, "0000:00:04.0", 0, &dev, &err), -ENODEV,
		   "open of a device of another driver");
	tap_is_int(uiosva_open(&cfg, "0000:00:01.0", 0, &dev, &err), -ENOENT,
		   "open of a device bound without dev node");
	tap_ok(err.kind == UIOSVA_ERR_NO_UIO && strstr(err.msg, "node is "
	       "missing"), "missing dev node: kind NO_UIO");
}

static void test_pasid(struct fake *f, struct uiosva_dev *dev)
{
	uint32_t pasid = 0;

	tap_is_int(uiosva_pasid(dev, &pasid), -ENODATA, "pasid: nothing bound");
	tap_ok(uiosva_last_error(dev)->kind == UIOSVA_ERR_NO_PASID &&
	       strstr(uiosva_last_error(dev)->path, "/pasid"),
	       "pasid: kind NO_PASID, path");
	fake_sva(f, BDF, "bound", 0x12345, 1, "t");
	tap_ok(uiosva_pasid(dev, &pasid) == 0 && pasid == 0x12345,
	       "pasid: 0x12345");
	fake_sva(f, BDF, "bound", 4294967295L, 1, "t");
	tap_is_int(uiosva_pasid(dev, &pasid), -ERANGE, "pasid: out of range");
	fake_writef(f, "sys/devices/pci0000:00/" BDF "/pasid", "junk\n");
	tap_is_int(uiosva_pasid(dev, &pasid), -EINVAL, "pasid: junk");
	tap_contains(uiosva_last_error(dev)->msg, "not a number",
		     "pasid: junk message");
	fake_sva(f, BDF, "ready", -1, 0, NULL);
}

static uint64_t file_u64(const struct fake *f, off_t off, int width)
{
	char path[PATH_MAX];
	uint64_t v = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/uio0", f->dev);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &v, (size_t)width, off) != width)
			v = ~0ull;
		close(fd);
	}
	return v;
}

static void test_bars(struct fake *f, struct uiosva_dev *dev)
{
	long page = sysconf(_SC_PAGESIZE);
	void *bar0, *bar0b, *bar2;
	uint64_t size = 0;

	tap_ok(uiosva_bar_map(dev, 0, &bar0, &size) == 0 && size == 4096,
	       "map BAR0, 4 KiB");
	tap_ok(uiosva_bar_map(dev, 0, &bar0b, NULL) == 0 && bar0 == bar0b,
	       "second map of BAR0 returns the same address");
	tap_ok(uiosva_bar_map(dev, 2, &bar2, &size) == 0 && size == 65536,
	       "map BAR2 (map1), 64 KiB");
	tap_is_int(uiosva_bar_map(dev, 1, &bar2, &size), -ENOENT,
		   "BAR1 is not exposed");
	tap_contains(uiosva_last_error(dev)->msg, "has no memory BAR 1",
		     "BAR1 message");
	tap_is_int(uiosva_bar_map(dev, 6, &bar2, &size), -EINVAL, "BAR6");
	tap_ok(uiosva_find_map(dev, 2) && uiosva_find_map(dev, 2)->index == 1,
	       "find_map: BAR2 is map1");
	((volatile uint32_t *)bar2)[1] = 0xfeedf00d;
	tap_ok(file_u64(f, page + 4, 4) == 0xfeedf00d,
	       "BAR2 maps file offset 1 * page size");
	tap_is_int(uiosva_bar_unmap(dev, 2), 0, "unmap BAR2");
	tap_is_int(uiosva_bar_unmap(dev, 2), 0, "unmap BAR2 again");
}

static void test_registers(struct fake *f, struct uiosva_dev *dev)
{
	uint64_t v = 0;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 0;

	tap_is_int(uiosva_write32(dev, 0, 0x10, 0x1234), 0, "write32");
	tap_ok(file_u64(f, 0x10, 4) == 0x1234, "write32 lands at offset 0x10");
	tap_is_int(uiosva_write64(dev, 0, 0x18, 0x1122334455667788ull), 0,
		   "write64");
	tap_ok(file_u64(f, 0x18, 8) == 0x1122334455667788ull,
	       "write64 lands at 0x18");
	tap_ok(uiosva_read64(dev, 0, 0x18, &v) == 0 &&
	       v == 0x1122334455667788ull, "read64");
	tap_ok(uiosva_read32(dev, 0, 0x1c, &v32) == 0 && v32 == 0x11223344,
	       "read32 of the high half");
	tap_ok(uiosva_read16(dev, 0, 0x1a, &v16) == 0 && v16 == 0x5566,
	       "read16");
	tap_ok(uiosva_write8(dev, 0, 0x20, 0xab) == 0 &&
	       uiosva_read8(dev, 0, 0x20, &v8) == 0 && v8 == 0xab,
	       "write8, read8");
	tap_ok(uiosva_write16(dev, 0, 0x22, 0xbeef) == 0 &&
	       file_u64(f, 0x22, 2) == 0xbeef, "write16");
	tap_ok(uiosva_write(dev, 2, 0xfff8, 8, 42) == 0 &&
	       uiosva_read(dev, 2, 0xfff8, 8, &v) == 0 && v == 42,
	       "last 8 bytes of BAR2");
	tap_is_int(uiosva_write32(dev, 0, 0x12, 1), -EINVAL, "unaligned write");
	tap_contains(uiosva_last_error(dev)->msg, "not aligned",
		     "unaligned message");
	tap_is_int(uiosva_read64(dev, 0, 0x1004, &v), -EINVAL,
		   "read beyond the BAR");
	tap_is_int(uiosva_read64(dev, 0, 0x1000, &v), -EINVAL,
		   "read at the BAR's size");
	tap_contains(uiosva_last_error(dev)->msg, "beyond the BAR",
		     "beyond message");
	tap_is_int(uiosva_read(dev, 0, 0, 3, &v), -EINVAL, "width 3");
	tap_is_int(uiosva_write(dev, 0, 0, 2, 0x10000), -EINVAL,
		   "value wider than the register");
	tap_is_int(uiosva_write32(dev, 3, 0, 1), -ENOENT, "register in BAR3");
	tap_ok(uiosva_last_error(dev)->errnum == ENOENT, "errnum recorded");
	tap_ok(uiosva_read32(dev, 0, 0, &v32) == 0 &&
	       uiosva_last_error(dev)->errnum == 0,
	       "a successful call clears the error");
}

static void test_open(struct fake *f)
{
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct uiosva_dev *dev = NULL;

	if (!tap_is_int(uiosva_open(&cfg, "uio0", 0, &dev, &err), 0, "open"))
		return;
	tap_ok(uiosva_fd(dev) >= 0, "fd");
	tap_contains(uiosva_dev_path(dev), "/dev/uio0", "dev path");
	tap_contains(uiosva_sysfs_path(dev), "/sys/bus/pci/devices/" BDF,
		     "sysfs path");
	check_info(uiosva_info(dev), "open");
	test_pasid(f, dev);
	test_bars(f, dev);
	test_registers(f, dev);
	uiosva_close(dev);
	uiosva_close(NULL);
	tap_ok(1, "close, close(NULL)");
}

static void test_page_offset(struct fake *f)
{
	static const struct fake_map m = { "BAR0", 0xfe000100, 0x100, 0x100 };
	struct uiosva_config cfg = cfg_of(f);
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	struct uiosva_dev *dev;
	void *p;

	fake_pci(f, "0000:00:07.0", 0x1234, 0x5356, "uio_pci_sva");
	fake_uio(f, "0000:00:07.0", "uio3", &m, 1);
	if (uiosva_open(&cfg, "uio3", 0, &dev, &err)) {
		tap_ok(0, "open uio3: %s", err.msg);
		return;
	}
	tap_ok(uiosva_bar_map(dev, 0, &p, NULL) == 0 &&
	       ((uintptr_t)p & 0xfff) == 0x100,
	       "a BAR at page offset 0x100 starts at that offset");
	tap_ok(uiosva_write32(dev, 0, 0xfc, 1) == 0 &&
	       uiosva_write32(dev, 0, 0x100, 1) == -EINVAL,
	       "the BAR ends after its 0x100 bytes");
	uiosva_close(dev);
}

static int make_tree(struct fake *f)
{
	char path[PATH_MAX];

	if (fake_init(f) || fake_testdev(f, BDF, "uio0"))
		return -1;
	fake_pci(f, "0000:00:04.0", 0x1af4, 0x1000, "virtio-pci");
	fake_pci(f, "0000:00:05.0", 0x8086, 0x1234, NULL);
	fake_pci(f, "0000:00:06.0", 0x1234, 0x5356, "uio_pci_sva");
	fake_pci(f, "0000:01:00.0", 0x1234, 0x5356, "uio_pci_sva");
	fake_uio(f, "0000:01:00.0", "uio1", NULL, 0);
	fake_pci(f, "0000:00:01.0", 0x1234, 0x5356, "uio_pci_sva");
	fake_uio(f, "0000:00:01.0", "uio2", NULL, 0);
	snprintf(path, sizeof(path), "%s/uio2", f->dev);
	unlink(path);
	fake_write(f, "sys/bus/pci/drivers/uio_pci_sva/new_id", "");
	return 0;
}

int main(void)
{
	struct fake f;

	test_parse_bdf();
	test_states();
	test_list_no_driver();
	if (make_tree(&f)) {
		tap_ok(0, "fake tree");
		return tap_done();
	}
	test_lookup(&f);
	test_struct_sizes(&f);
	test_list(&f);
	test_sva(&f);
	test_open_errors(&f);
	test_open(&f);
	test_page_offset(&f);
	fake_cleanup(&f);
	return tap_done();
}

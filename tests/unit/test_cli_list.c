// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cli_list.c - uio-sva help, version, list and profile against fake
 * trees: output, messages with their next step, exit statuses.
 */
#include <errno.h>
#include <string.h>

#include "clirun.h"
#include "tap.h"

#define BDF "0000:00:03.0"

static void test_help(struct tsys *t)
{
	struct run_result r;

	r = cli_run(t, "--help", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "Usage: uio-sva") &&
	       strstr(r.out, "Exit status:"), "--help");
	run_free(&r);
	r = cli_run(t, (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "Usage:"), "no command: usage, 2");
	run_free(&r);
	r = cli_run(t, "-V", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "libuiosva 1.1.0"), "--version");
	run_free(&r);
	r = cli_run(t, "frob", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "unknown command 'frob'"),
	       "unknown command: 2");
	run_free(&r);
	r = cli_run(t, "help", "dma", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "--no-touch"), "help dma");
	run_free(&r);
	r = cli_run(t, "dma", "--help", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "--expect-error"), "dma --help");
	run_free(&r);
	r = cli_run(t, "bind", "-h", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "driver_override"), "bind -h");
	run_free(&r);
	r = cli_run(t, "--frob", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "unknown option --frob"),
	       "unknown global option: 2");
	run_free(&r);
}

static void test_not_loaded(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (fake_init(&f))
		return;
	tsys_init(&t, &f);
	r = cli_run(&t, "list", (char *)NULL);
	tap_is_int(r.rc, 3, "list without the module: 3");
	tap_contains(r.err, "module uio_pci_generic_sva is not loaded",
		     "list without the module: message");
	tap_contains(r.err, "hint: 'uio-sva bind BDF' loads it",
		     "list without the module: next step");
	run_free(&r);
	fake_pci(&f, BDF, 0x1234, 0x5356, (char *)NULL);
	r = cli_run(&t, "list", BDF, (char *)NULL);
	tap_is_int(r.rc, 3, "list of an unbound device, no module: 3");
	tap_contains(r.err, "hint: run 'uio-sva bind " BDF "'",
		     "... next step: bind");
	run_free(&r);
	fake_driver(&f, "uio_pci_sva");
	r = cli_run(&t, "list", (char *)NULL);
	tap_ok(r.rc == 0 && !r.out[0] && strstr(r.err, "no device is bound"),
	       "list with no devices: 0, message");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_list(struct tsys *t)
{
	struct run_result r;

	r = cli_run(t, "list", (char *)NULL);
	tap_is_int(r.rc, 0, "list: 0");
	tap_contains(r.out, BDF "  uio0  1234:5356  /dev/uio0", "device line");
	tap_contains(r.out, "sva: ready  pasid - (nothing bound)",
		     "ready: no PASID and why");
	tap_contains(r.out, "BAR0  map0   0x0fe000000  4 KiB", "BAR0 line");
	tap_contains(r.out, "BAR2  map1   0x0fd000000  64 KiB", "BAR2 line");
	tap_contains(r.out, "BAR4  port0  0x00000c000  32 ports (port_x86)",
		     "port line");
	tap_contains(r.out, "0000:00:04.0", "second device listed");
	tap_contains(r.out, "sva: blocked-by-kernel  pasid - (nothing bound)",
		     "blocked device");
	tap_contains(r.out, "Linux 7.2 has it", "blocked: advice");
	tap_ok(!strstr(r.out, "0000:00:05.0"), "other drivers not listed");
	run_free(&r);

	fake_sva(t->f, BDF, "bound", 5, 4321, "dpdk-app");
	r = cli_run(t, "list", "uio0", (char *)NULL);
	tap_contains(r.out, "sva: bound  pasid 5  pid 4321 (dpdk-app)",
		     "bound: pasid, pid, comm");
	tap_ok(!strstr(r.out, "0000:00:04.0"), "list DEV shows only DEV");
	run_free(&r);
	fake_sva(t->f, BDF, "ready", -1, 0, (char *)NULL);

	r = cli_run(t, "list", "0000:00:05.0", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "not bound to uio_pci_sva (driver: "
				   "virtio-pci)") &&
	       strstr(r.err, "hint: run 'uio-sva bind 0000:00:05.0'"),
	       "list of a device of another driver: 3, next step");
	run_free(&r);
	r = cli_run(t, "list", "00:1f.0", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "no PCI device 0000:00:1f.0") &&
	       strstr(r.err, "lspci"), "list of a missing device: 3, lspci");
	run_free(&r);
	r = cli_run(t, "list", "wlan0", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "neither a PCI address"),
	       "list of a bad name: 2");
	run_free(&r);
}

/* The documented format, byte for byte: scripts depend on it. */
static void test_json(struct tsys *t)
{
	struct run_result r;

	fake_sva(t->f, BDF, "bound", 5, 4321, "dpdk \"app\"");
	r = cli_run(t, "list", "--json", (char *)NULL);
	tap_is_int(r.rc, 0, "list --json: 0");
	tap_is_str(r.out,
		   "{\"version\":1,\"devices\":[\n"
		   "{\"bdf\":\"0000:00:03.0\",\"vendor\":\"1234\",\"device\":"
		   "\"5356\",\"driver\":\"uio_pci_sva\",\"uio\":\"uio0\","
		   "\"dev\":\"/dev/uio0\",\"sva\":{\"status\":\"bound\","
		   "\"pasid\":5,\"pid\":4321,\"comm\":\"dpdk \\\"app\\\"\"},"
		   "\"maps\":[{\"index\":0,\"bar\":0,\"name\":\"BAR0\","
		   "\"addr\":\"0xfe000000\",\"size\":4096},{\"index\":1,"
		   "\"bar\":2,\"name\":\"BAR2\",\"addr\":\"0xfd000000\","
		   "\"size\":65536}],\"ports\":[{\"index\":0,\"bar\":4,"
		   "\"name\":\"BAR4\",\"start\":\"0xc000\",\"size\":32,"
		   "\"type\":\"port_x86\"}]},\n"
		   "{\"bdf\":\"0000:00:04.0\",\"vendor\":\"1234\",\"device\":"
		   "\"5356\",\"driver\":\"uio_pci_sva\",\"uio\":\"uio1\","
		   "\"dev\":\"/dev/uio1\",\"sva\":{\"status\":"
		   "\"blocked-by-kernel\",\"pasid\":null,\"pid\":null,"
		   "\"comm\":null},\"maps\":[],\"ports\":[]}\n"
		   "]}\n", "list --json: the documented format");
	run_free(&r);
	r = cli_run(t, "list", "--json", "00:09.0", (char *)NULL);
	tap_ok(r.rc == 3 && !strcmp(r.out, "{\"version\":1,\"devices\":[\n]}\n"),
	       "list --json of a missing device: 3, an empty document");
	run_free(&r);
	fake_sva(t->f, BDF, "ready", -1, 0, (char *)NULL);
}

/* Config space with the extended capabilities @ids chained from 0x100. */
static void fake_config(struct fake *f, const char *bdf, const int *ids,
			int n, size_t len)
{
	unsigned char cfg[4096] = { 0 };
	char rel[256];
	int i;

	for (i = 0; i < n; i++) {
		unsigned off = 0x100 + 0x40 * (unsigned)i;
		unsigned next = i + 1 < n ? off + 0x40 : 0;
		unsigned h = (unsigned)ids[i] | 1u << 16 | next << 20;

		cfg[off] = h & 0xff;
		cfg[off + 1] = (h >> 8) & 0xff;
		cfg[off + 2] = (h >> 16) & 0xff;
		cfg[off + 3] = (h >> 24) & 0xff;
	}
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/config", bdf);
	fake_write_bin(f, rel, cfg, len);
}

static void fake_group(struct fake *f, const char *bdf, const char *group,
		       const char *type)
{
	char rel[256], tgt[256];

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%s/type", group);
	fake_writef(f, rel, "%s\n", type);
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%s/devices/%s",
		 group, bdf);
	snprintf(tgt, sizeof(tgt), "sys/devices/pci0000:00/%s", bdf);
	fake_symlink(f, tgt, rel);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/iommu_group",
		 bdf);
	snprintf(tgt, sizeof(tgt), "sys/kernel/iommu_groups/%s", group);
	fake_symlink(f, tgt, rel);
}

static void test_all(struct tsys *t)
{
	static const int sva_caps[] = { 0x0f, 0x13, 0x1b }; /* ATS PRI PASID */
	static const int no_pri[] = { 0x1b, 0x0f };
	struct run_result r;

	fake_config(t->f, BDF, sva_caps, 3, 4096);
	fake_group(t->f, BDF, "3", "DMA");
	fake_config(t->f, "0000:00:04.0", no_pri, 2, 4096);
	fake_group(t->f, "0000:00:04.0", "4", "DMA-FQ");
	fake_config(t->f, "0000:00:05.0", sva_caps, 3, 64);
	fake_group(t->f, "0000:00:05.0", "5", "identity");
	r = cli_run(t, "list", "--all", (char *)NULL);
	tap_is_int(r.rc, 0, "list --all: 0");
	tap_contains(r.out, "0000:00:03.0  1234:5356  driver uio_pci_sva\n"
		     "    iommu group 3 (1 device, DMA)\n"
		     "    pasid yes  ats yes  pri yes\n"
		     "    sva: possible\n", "list --all: an SVA-capable function");
	tap_contains(r.out, "0000:00:04.0  1234:5356  driver uio_pci_sva\n"
		     "    iommu group 4 (1 device, DMA-FQ)\n"
		     "    pasid yes  ats yes  pri no\n"
		     "    sva: no: the device has no PRI capability\n",
		     "list --all: a function without PRI");
	tap_contains(r.out, "0000:00:05.0  1af4:1000  driver virtio-pci\n"
		     "    iommu group 5 (1 device, identity)\n"
		     "    pasid ?  ats ?  pri ?\n"
		     "    sva: no: identity (passthrough) domain",
		     "list --all: identity domain, config not readable");
	run_free(&r);
	r = cli_run(t, "list", "--all", "--json", (char *)NULL);
	tap_is_int(r.rc, 2, "list --all --json: usage error");
	run_free(&r);
}

static void test_profile_cmd(struct tsys *t)
{
	struct run_result r;

	r = cli_run(t, "profile", UIOSVA_TOPDIR
		    "/tools/profiles/uio-sva-testdev.profile", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "profile uio-sva-testdev") &&
	       strstr(r.out, "pasid       0x010  32 bits") &&
	       strstr(r.out, "ops: fill=1 copy=2 checksum=3"),
	       "profile shows the test device's map");
	run_free(&r);
	fake_write(t->f, "bad.profile", "bar = 9\nfoo = 1\n");
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/bad.profile", t->f->root);
		r = cli_run(t, "profile", path, (char *)NULL);
	}
	tap_ok(r.rc == 2 && strstr(r.err, "bad.profile:1: bar: 9 is not a BAR") &&
	       strstr(r.err, "bad.profile:2: unknown key 'foo'") &&
	       strstr(r.err, "problems in"), "bad profile: 2, line numbers");
	run_free(&r);
	fake_write(t->f, "clash.profile",
		   "bar = 0\nregister pasid = 0x10 32\n"
		   "register len = 0x28 64\nregister op = 0x38 32\n"
		   "register doorbell = 0x3c 32\nregister status = 0x40 32\n"
		   "register dst = 0x20 64\nregister pattern = 0x2c 32\n"
		   "op fill = 1\nop copy = 1\nregister src = 0x50 64\n"
		   "status done = 2\nstatus busy = 2\nstatus error = 4\n");
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/clash.profile", t->f->root);
		r = cli_run(t, "profile", path, (char *)NULL);
	}
	tap_ok(r.rc == 2 &&
	       strstr(r.err, "clash.profile:8: register pattern overlaps "
		      "register len (line 3)") &&
	       strstr(r.err, "clash.profile:10: ops fill and copy have the "
		      "same code 0x1 (line 9)") &&
	       strstr(r.err, "clash.profile:13: status busy and done share"),
	       "contradicting profile: 2, each with its line");
	if (r.rc != 2)
		tap_diag("%s", r.err);
	run_free(&r);
	r = cli_run(t, "profile", (char *)NULL);
	tap_is_int(r.rc, 2, "profile without a file: 2");
	run_free(&r);
}

int main(void)
{
	struct tsys t;
	struct fake f;

	test_not_loaded();
	if (fake_init(&f) || fake_testdev(&f, BDF, "uio0")) {
		tap_ok(0, "fake tree");
		return tap_done();
	}
	tsys_init(&t, &f);
	fake_pci(&f, "0000:00:04.0", 0x1234, 0x5356, "uio_pci_sva");
	fake_uio(&f, "0000:00:04.0", "uio1", NULL, 0);
	fake_sva(&f, "0000:00:04.0", "blocked-by-kernel", -1, 0, (char *)NULL);
	fake_pci(&f, "0000:00:05.0", 0x1af4, 0x1000, "virtio-pci");
	test_help(&t);
	test_list(&t);
	test_json(&t);
	test_all(&t);
	test_profile_cmd(&t);
	fake_cleanup(&f);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cli_bind.c - uio-sva bind and unbind against a fake tree and a
 * fake kernel: module loading, driver_override binding, the record of
 * the previous driver and its restoration.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clirun.h"
#include "tap.h"

#define BDF "0000:00:03.0"
#define DEVDIR "sys/devices/pci0000:00/" BDF

static char *driver_of(struct fake *f)
{
	static char name[64]; /* test-only scratch */
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/" DEVDIR "/driver", f->root);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return "none";
	target[n] = '\0';
	snprintf(name, sizeof(name), "%s", strrchr(target, '/') + 1);
	return name;
}

static bool file_is(struct fake *f, const char *rel, const char *want)
{
	char *s = fake_read(f, rel);
	bool ok = s && !strcmp(s, want);

	if (!ok)
		tap_diag("%s: \"%s\", want \"%s\"", rel, s ? s : "(none)",
			 want);
	free(s);
	return ok;
}

static int setup(struct fake *f, struct tsys *t, const char *driver)
{
	if (fake_init(f))
		return -1;
	tsys_init(t, f);
	fake_pci(f, BDF, 0x1234, 0x5356, driver);
	return 0;
}

static void test_bind_from_kernel_driver(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, "virtio-pci"))
		return;
	t.modprobe_works = true;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 1 && strstr(r.err, "in use by kernel driver "
				   "virtio-pci") && strstr(r.err, "--force"),
	       "bind from a kernel driver needs --force");
	tap_ok(!strcmp(driver_of(&f), "virtio-pci") && !t.runs,
	       "... and changes nothing");
	run_free(&r);

	r = cli_run(&t, "bind", "00:03.0", "--force", (char *)NULL);
	tap_is_int(r.rc, 0, "bind --force: 0");
	tap_contains(t.run_argv, "modprobe uio_pci_generic_sva;",
		     "the module is loaded with modprobe");
	tap_ok(!strcmp(driver_of(&f), "uio_pci_sva"), "bound to uio_pci_sva");
	tap_ok(file_is(&f, DEVDIR "/driver_override", "uio_pci_sva\n"),
	       "driver_override stays uio_pci_sva");
	tap_ok(file_is(&f, "run/uio-sva/" BDF,
		       "driver=virtio-pci\noverride=\n"),
	       "the previous driver is recorded");
	tap_contains(r.out, BDF ": bound to uio_pci_sva as uio0 (previous "
		     "driver: virtio-pci)", "bind reports the uio node");
	run_free(&r);

	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "already bound"), "bind again: 0");
	run_free(&r);

	fake_sva(&f, BDF, "bound", 3, 999, "app");
	r = cli_run(&t, "unbind", BDF, (char *)NULL);
	tap_ok(r.rc == 1 && strstr(r.err, "in use by PID 999 (app)"),
	       "unbind while in use: 1, names the process");
	run_free(&r);
	r = cli_run(&t, "unbind", BDF, "--force", (char *)NULL);
	tap_is_int(r.rc, 0, "unbind --force: 0");
	fake_kernel_step(&f);
	tap_ok(!strcmp(driver_of(&f), "virtio-pci"), "virtio-pci restored");
	tap_ok(file_is(&f, DEVDIR "/driver_override", "\n"),
	       "driver_override cleared");
	tap_ok(!fake_exists(&f, "run/uio-sva/" BDF), "record removed");
	tap_contains(r.out, "restored driver virtio-pci", "unbind reports");
	run_free(&r);

	r = cli_run(&t, "unbind", BDF, (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "nothing to do"),
	       "unbind when not bound: 0, nothing to do");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_bind_unbound(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL))
		return;
	fake_driver(&f, "uio_pci_sva");
	fake_sva(&f, BDF, "blocked-by-kernel", -1, 0, (char *)NULL);
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 0 && !t.runs && !t.loads,
	       "bind with the driver loaded: no module loading");
	tap_ok(file_is(&f, "run/uio-sva/" BDF, "driver=\noverride=\n"),
	       "recorded: no previous driver");
	tap_contains(r.err, "Linux 7.2", "bind shows the SVA state advice");
	run_free(&r);
	r = cli_run(&t, "unbind", BDF, (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "left without a driver"),
	       "unbind leaves it without a driver");
	fake_kernel_step(&f);
	tap_ok(!strcmp(driver_of(&f), "none"), "no driver");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_module_file(void)
{
	char path[PATH_MAX];
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL))
		return;
	snprintf(path, sizeof(path), "%s/sys/class/uio/.keep", f.root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sys/class/uio", f.root);
	rmdir(path);
	r = cli_run(&t, "bind", BDF, "--module", "/root/uio_pci_generic_sva.ko",
		    "--module-params", "allow_unsafe_no_isolation=1", (char *)NULL);
	tap_is_int(r.rc, 0, "bind --module: 0");
	tap_ok(t.loads == 1 &&
	       !strcmp(t.load_path, "/root/uio_pci_generic_sva.ko") &&
	       !strcmp(t.load_params, "allow_unsafe_no_isolation=1"),
	       "the module file is loaded with its parameters");
	tap_contains(t.run_argv, "modprobe uio;", "uio core: modprobe uio "
		     "first (best effort)");
	run_free(&r);
	fake_cleanup(&f);

	if (setup(&f, &t, (char *)NULL))
		return;
	t.load_ret = -ENOENT;
	r = cli_run(&t, "bind", BDF, "-m", "/x.ko", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "cannot load /x.ko") &&
	       strstr(r.err, "load the uio core first"),
	       "unknown symbols: 3, load uio first");
	run_free(&r);
	t.load_ret = -ENOEXEC;
	r = cli_run(&t, "bind", BDF, "-m", "/x.ko", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "built for another kernel"),
	       "wrong kernel: 3, rebuild");
	run_free(&r);
	t.load_ret = -EPERM;
	r = cli_run(&t, "bind", BDF, "-m", "/x.ko", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "needs root"), "EPERM: needs root");
	run_free(&r);
	t.load_ret = 0;
	t.run_ret = -ENOENT;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "modprobe is not available") &&
	       strstr(r.err, "--module"), "no modprobe: 3, --module");
	run_free(&r);
	t.run_ret = 1;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "'modprobe uio_pci_generic_sva' "
				   "failed") && strstr(r.err, "DKMS"),
	       "modprobe fails: 3, install with DKMS");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_refused(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, "vfio-pci"))
		return;
	fake_driver(&f, "uio_pci_sva");
	f.refuse_bind = true;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "did not bind the device") &&
	       strstr(r.err, "allow_unsafe_no_isolation"),
	       "the driver refuses: 3, dmesg and the module parameter");
	fake_kernel_step(&f);
	tap_ok(!strcmp(driver_of(&f), "vfio-pci"), "rolled back to vfio-pci");
	tap_ok(file_is(&f, DEVDIR "/driver_override", "(null)\n") ||
	       file_is(&f, DEVDIR "/driver_override", "\n"),
	       "driver_override restored");
	tap_ok(!fake_exists(&f, "run/uio-sva/" BDF), "no record left");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_unbind_without_record(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL) || fake_testdev_uio(&f, BDF, "uio0"))
		return;
	fake_bind(&f, BDF, "uio_pci_sva");
	fake_driver(&f, "nvme");
	snprintf(f.default_driver, sizeof(f.default_driver), "nvme");
	r = cli_run(&t, "unbind", BDF, (char *)NULL);
	fake_kernel_step(&f);
	tap_ok(r.rc == 0 && strstr(r.out, "the kernel probed it"),
	       "no record: the kernel probes the default driver");
	tap_ok(file_is(&f, "sys/bus/pci/drivers_probe", "") &&
	       !strcmp(driver_of(&f), "nvme"), "... which binds nvme");
	run_free(&r);
	fake_cleanup(&f);
}

static void test_usage(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL))
		return;
	r = cli_run(&t, "bind", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "which device?"), "bind: no device");
	run_free(&r);
	r = cli_run(&t, "bind", "xyz", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "not a PCI address") &&
	       strstr(r.err, "Try 'uio-sva bind --help'"),
	       "bind xyz: not a PCI address, help of bind");
	run_free(&r);
	r = cli_run(&t, "unbind", "xyz", (char *)NULL);
	tap_contains(r.err, "Try 'uio-sva unbind --help'",
		     "unbind xyz: help of unbind");
	run_free(&r);
	r = cli_run(&t, "bind", "00:09.0", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "no PCI device 0000:00:09.0"),
	       "bind: no such device: 3");
	run_free(&r);
	r = cli_run(&t, "unbind", BDF, "--module", "x", (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "no module options"),
	       "unbind --module: 2");
	run_free(&r);
	r = cli_run(&t, "bind", BDF, BDF, (char *)NULL);
	tap_ok(r.rc == 2 && strstr(r.err, "one device at a time"),
	       "bind: two devices: 2");
	run_free(&r);
	fake_cleanup(&f);
}

static int kmod_missing(void *arg, const char *name, const char *params)
{
	(void)arg;
	(void)name;
	(void)params;
	return -ENOENT;
}

static int kmod_loads(void *arg, const char *name, const char *params)
{
	const struct tsys *t = arg;

	(void)params;
	return strcmp(name, "uio_pci_generic_sva") ? -EINVAL :
						     fake_driver(t->f, "uio_pci_sva");
}

/* With libkmod (cli_sys.modprobe) the module loads without modprobe. */
static void test_kmod(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL))
		return;
	t.sys.modprobe = kmod_missing;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "is not installed for this kernel") &&
	       strstr(r.err, "--module") && !strstr(t.run_argv, "modprobe "
							 "uio_pci_generic_sva"),
	       "libkmod: no such module: 3, no modprobe run");
	run_free(&r);
	t.sys.modprobe = kmod_loads;
	r = cli_run(&t, "bind", BDF, (char *)NULL);
	tap_ok(r.rc == 0 && !strstr(t.run_argv, "modprobe uio_pci_generic_sva"),
	       "libkmod: loaded in process, bound");
	run_free(&r);
	fake_cleanup(&f);
}

/* --persist: driverctl when there is one, a clear message when not. */
static void test_persist(void)
{
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (setup(&f, &t, (char *)NULL))
		return;
	t.modprobe_works = true;
	r = cli_run(&t, "bind", BDF, "--persist", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(t.run_argv, "driverctl set-override " BDF
				   " uio_pci_sva;") &&
	       strstr(r.out, "driverctl keeps uio_pci_sva across reboots"),
	       "bind --persist: driverctl set-override");
	run_free(&r);
	t.run_argv[0] = '\0';
	r = cli_run(&t, "unbind", BDF, "--persist", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(t.run_argv, "driverctl --noprobe "
				   "unset-override " BDF ";") &&
	       strstr(r.out, "driverctl override removed"),
	       "unbind --persist: driverctl --noprobe unset-override (the "
	       "device has no driver then)");
	run_free(&r);
	fake_kernel_step(&f);
	t.run_argv[0] = '\0';
	r = cli_run(&t, "unbind", BDF, "--persist", (char *)NULL);
	tap_ok(r.rc == 0 && strstr(r.out, "nothing to do") &&
	       strstr(t.run_argv, "driverctl --noprobe unset-override " BDF
		      ";"),
	       "unbind --persist of a device without a driver: only the "
	       "override goes");
	run_free(&r);

	snprintf(t.missing, sizeof(t.missing), "driverctl");
	r = cli_run(&t, "bind", BDF, "--persist", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "--persist needs driverctl, which "
				   "is not installed") &&
	       strstr(r.err, "only until the next boot") &&
	       strstr(r.err, "apt install driverctl"),
	       "bind --persist without driverctl: 3, says what to do");
	tap_ok(!strcmp(driver_of(&f), "uio_pci_sva"),
	       "... and the device is bound for this boot");
	run_free(&r);
	fake_cleanup(&f);
}

/* A uio node in sysfs without /dev/uioN: the hint is a mknod that works. */
static void test_missing_node(void)
{
	char path[PATH_MAX];
	struct run_result r;
	struct tsys t;
	struct fake f;

	if (fake_init(&f) || fake_testdev(&f, BDF, "uio0")) {
		tap_ok(0, "fake tree");
		return;
	}
	tsys_init(&t, &f);
	snprintf(path, sizeof(path), "%s/uio0", f.dev);
	unlink(path);
	r = cli_run(&t, "dma", BDF, "-p", UIOSVA_TOPDIR
		    "/tools/profiles/uio-sva-testdev.profile", (char *)NULL);
	tap_ok(r.rc == 3 && strstr(r.err, "mknod /dev/uio0 c 243 0 (from"),
	       "missing /dev/uio0: 'mknod /dev/uio0 c 243 0'");
	if (r.rc != 3)
		tap_diag("rc %d\nerr: %s", r.rc, r.err);
	run_free(&r);
	fake_cleanup(&f);
}

int main(void)
{
	test_bind_from_kernel_driver();
	test_bind_unbound();
	test_module_file();
	test_refused();
	test_unbind_without_record();
	test_usage();
	test_missing_node();
	test_persist();
	test_kmod();
	return tap_done();
}

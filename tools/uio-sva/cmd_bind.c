// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_bind.c - uio-sva bind / unbind: driver_override binding, as
 * driverctl and dpdk-devbind do it, with the previous driver recorded so
 * that unbind restores it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bindstate.h"

/* Drivers that only hand the device to user space: taking it is safe. */
static const char *const userspace_drivers[] = {
	"vfio-pci", "uio_pci_generic", "pci-stub", "igb_uio", UIOSVA_DRIVER,
};

#define WAIT_STEP_US 10000
#define WAIT_STEPS 200 /* 2 s */

struct bind_args {
	const char *bdf_arg;
	char bdf[UIOSVA_BDF_MAX];
	const char *module;
	const char *params;
	int force;
	int persist;
};

static bool is_userspace_driver(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(userspace_drivers) / sizeof(*userspace_drivers);
	     i++)
		if (!strcmp(name, userspace_drivers[i]))
			return true;
	return false;
}

static void sysfs_path(struct cli *cli, char *buf, size_t size,
		       const char *bdf, const char *attr)
{
	if (bdf)
		snprintf(buf, size, "%s/bus/pci/devices/%s/%s", cli_sysfs(cli),
			 bdf, attr);
	else
		snprintf(buf, size, "%s/bus/pci/%s", cli_sysfs(cli), attr);
}

/* Write and report; 0 or RC_FAIL. */
static int write_or_say(struct cli *cli, const char *path, const char *value)
{
	int ret = sysfs_write(path, value);

	if (!ret)
		return 0;
	cli_errorf(cli, "write '%.*s' to %s: %s", (int)strcspn(value, "\n"),
		   value, path, strerror(-ret));
	if (ret == -EACCES || ret == -EPERM)
		cli_hintf(cli, "binding needs root");
	return RC_FAIL;
}

static bool wait_driver(struct cli *cli, const char *bdf, const char *want)
{
	char drv[UIOSVA_NAME_MAX];
	int i;

	for (i = 0; i < WAIT_STEPS; i++) {
		if (!device_driver(cli, bdf, drv, sizeof(drv)) &&
		    !strcmp(drv, want))
			return true;
		cli->sys->sleep_us(cli->sys->arg, WAIT_STEP_US);
	}
	return false;
}

static int load_from_file(struct cli *cli, const struct bind_args *a)
{
	int ret = cli->sys->load_module(cli->sys->arg, a->module,
					a->params ? a->params : "");

	if (!ret || ret == -EEXIST)
		return 0;
	cli_errorf(cli, "cannot load %s: %s", a->module, strerror(-ret));
	if (ret == -ENOENT)
		cli_hintf(cli, "unknown symbols: load the uio core first "
			  "('modprobe uio' or 'insmod uio.ko')");
	else if (ret == -ENOEXEC)
		cli_hintf(cli, "%s was built for another kernel; rebuild it "
			  "against this kernel's headers (make KDIR=...)",
			  a->module);
	else if (ret == -EPERM || ret == -EACCES)
		cli_hintf(cli, "loading modules needs root (and, with "
			  "Secure Boot or lockdown, a signed module)");
	return RC_SETUP;
}

static int load_with_modprobe(struct cli *cli, const struct bind_args *a)
{
	char *argv[4] = { "modprobe", UIOSVA_MODULE, NULL, NULL };
	int ret = -ENOSYS;

	argv[2] = a->params && *a->params ? (char *)a->params : NULL;
	if (cli->sys->modprobe)
		ret = cli->sys->modprobe(cli->sys->arg, UIOSVA_MODULE, argv[2]);
	if (ret != -ENOSYS) {
		if (!ret)
			return 0;
		if (ret == -ENOENT)
			cli_errorf(cli, "module " UIOSVA_MODULE " is not "
				   "installed for this kernel (libkmod found "
				   "no such module)");
		else
			cli_errorf(cli, "loading " UIOSVA_MODULE " failed: %s",
				   strerror(-ret));
		cli_hintf(cli, "install the module (DKMS: see the README), "
			  "or pass --module /path/to/" UIOSVA_MODULE ".ko");
		return RC_SETUP;
	}
	ret = cli->sys->run(cli->sys->arg, argv);
	if (!ret)
		return 0;
	if (ret == -ENOENT)
		cli_errorf(cli, "module " UIOSVA_MODULE " is not loaded and "
			   "modprobe is not available");
	else
		cli_errorf(cli, "'modprobe " UIOSVA_MODULE "' failed%s",
			   ret > 0 ? "" : ": could not run it");
	cli_hintf(cli, "install the module (DKMS: see the README), or pass "
		  "--module /path/to/" UIOSVA_MODULE ".ko");
	return RC_SETUP;
}

static int ensure_driver(struct cli *cli, const struct bind_args *a)
{
	char path[UIOSVA_PATH_MAX];
	int rc, i;

	if (uiosva_driver_loaded(&cli->cfg))
		return 0;
	snprintf(path, sizeof(path), "%s/class/uio", cli_sysfs(cli));
	if (a->module && access(path, F_OK)) {
		char *uio[] = { "modprobe", "uio", NULL };

		cli->sys->run(cli->sys->arg, uio); /* best effort */
	}
	rc = a->module ? load_from_file(cli, a) : load_with_modprobe(cli, a);
	if (rc)
		return rc;
	for (i = 0; i < WAIT_STEPS && !uiosva_driver_loaded(&cli->cfg); i++)
		cli->sys->sleep_us(cli->sys->arg, WAIT_STEP_US);
	if (uiosva_driver_loaded(&cli->cfg))
		return 0;
	cli_errorf(cli, "the module loaded but driver " UIOSVA_DRIVER
		   " did not appear in %s/bus/pci/drivers", cli_sysfs(cli));
	cli_hintf(cli, "see 'dmesg'");
	return RC_SETUP;
}

static int check_device(struct cli *cli, struct bind_args *a, const char *cmd)
{
	char path[UIOSVA_PATH_MAX];

	if (uiosva_parse_bdf(a->bdf_arg, a->bdf, sizeof(a->bdf)))
		return cli_usage_error(cli, cmd, "'%s' is not a PCI address "
				       "(e.g. 0000:00:03.0)", a->bdf_arg);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", cli_sysfs(cli),
		 a->bdf);
	if (access(path, F_OK)) {
		cli_errorf(cli, "no PCI device %s (%s does not exist)", a->bdf,
			   path);
		cli_hintf(cli, "list PCI devices with 'lspci -D' or 'ls "
			  "%s/bus/pci/devices'", cli_sysfs(cli));
		return RC_SETUP;
	}
	return 0;
}

/* Say where the device ended up once it is bound. */
static void report_bound(struct cli *cli, const char *bdf,
			 const struct bind_record *rec)
{
	struct uiosva_info info = UIOSVA_INFO_INIT;
	struct uiosva_sva sva;
	char node[UIOSVA_PATH_MAX];

	if (uiosva_lookup(&cli->cfg, bdf, &info, NULL)) {
		fprintf(cli->out, "%s: bound to " UIOSVA_DRIVER "\n", bdf);
		return;
	}
	fprintf(cli->out, "%s: bound to " UIOSVA_DRIVER " as %s (previous "
		"driver: %s)\n", bdf, info.uio,
		rec->driver[0] ? rec->driver : "none");
	snprintf(node, sizeof(node), "%s/%s",
		 cli->cfg.dev_root && *cli->cfg.dev_root ? cli->cfg.dev_root :
							   "/dev",
		 info.uio);
	if (access(node, F_OK))
		cli_hintf(cli, "%s does not exist yet; create it with 'mdev "
			  "-s' (busybox) or check udev", node);
	if (!uiosva_read_sva(&cli->cfg, bdf, &sva, NULL))
		advise_sva_state(cli, &sva, bdf);
}

/*
 * Give the device back: restore driver_override, then bind the recorded
 * driver directly, else let the kernel probe. 0 when @rec->driver (or,
 * without one, any driver) ends up bound.
 */
static int rebind_previous(struct cli *cli, const char *bdf,
			   const struct bind_record *rec)
{
	char path[UIOSVA_PATH_MAX];
	char value[UIOSVA_NAME_MAX + 2];

	snprintf(value, sizeof(value), "%s\n", rec->override);
	sysfs_path(cli, path, sizeof(path), bdf, "driver_override");
	sysfs_write(path, value);
	if (!rec->driver[0])
		return 0;
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/bind",
		 cli_sysfs(cli), rec->driver);
	if (!sysfs_write(path, bdf))
		return 0;
	sysfs_path(cli, path, sizeof(path), NULL, "drivers_probe");
	sysfs_write(path, bdf);
	return wait_driver(cli, bdf, rec->driver) ? 0 : -1;
}

static int rollback(struct cli *cli, const char *bdf,
		    const struct bind_record *rec)
{
	if (rebind_previous(cli, bdf, rec))
		cli_errorf(cli, "could not give %s back to %s", bdf,
			   rec->driver);
	record_remove(cli, bdf);
	return RC_FAIL;
}

static int do_bind(struct cli *cli, const struct bind_args *a,
		   struct bind_record *rec)
{
	char path[UIOSVA_PATH_MAX];
	int ret;

	ret = record_save(cli, a->bdf, rec);
	if (ret) {
		cli_errorf(cli, "cannot record the previous driver in %s: %s",
			   cli->state_dir, strerror(-ret));
		return RC_FAIL;
	}
	sysfs_path(cli, path, sizeof(path), a->bdf, "driver_override");
	if (write_or_say(cli, path, UIOSVA_DRIVER "\n"))
		return rollback(cli, a->bdf, rec);
	if (rec->driver[0]) {
		sysfs_path(cli, path, sizeof(path), a->bdf, "driver/unbind");
		if (write_or_say(cli, path, a->bdf))
			return rollback(cli, a->bdf, rec);
	}
	sysfs_path(cli, path, sizeof(path), NULL, "drivers_probe");
	if (write_or_say(cli, path, a->bdf))
		return rollback(cli, a->bdf, rec);
	if (wait_driver(cli, a->bdf, UIOSVA_DRIVER))
		return RC_OK;
	cli_errorf(cli, "%s: " UIOSVA_DRIVER " did not bind the device",
		   a->bdf);
	cli_hintf(cli, "see 'dmesg': the driver refuses devices without an "
		  "IOMMU group or in an identity domain unless loaded with "
		  "allow_unsafe_no_isolation=1");
	rollback(cli, a->bdf, rec);
	return RC_SETUP;
}

static int parse_bind(struct cli *cli, int argc, char **argv,
		      struct bind_args *a, const char *cmd)
{
	static const struct optdef defs[] = {
		CLI_GLOBAL_OPTDEFS,
		{ "module", 'm', 1, 1 },
		{ "module-params", 0, 1, 2 },
		{ "force", 'f', 0, 3 },
		{ "persist", 0, 0, 4 },
		{ NULL, 0, 0, 0 },
	};
	struct optparser p;
	const char *arg;
	int id;

	memset(a, 0, sizeof(*a));
	opt_init(&p, argc, argv, defs);
	while ((id = opt_next(&p, &arg)) != OPT_END) {
		if (id == OPT_ERROR)
			return cli_usage_error(cli, cmd, "%s", p.msg);
		if (id == OPT_HELP)
			return help_command(cli->out, cmd), -1;
		if ((id == 1 || id == 2) && !strcmp(cmd, "unbind"))
			return cli_usage_error(cli, cmd, "unbind takes no "
					       "module options");
		if (id == 1)
			a->module = arg;
		else if (id == 2)
			a->params = arg;
		else if (id == 3)
			a->force = 1;
		else if (id == 4)
			a->persist = 1;
		else if (id != OPT_POSITIONAL)
			cli_global_opt(cli, id, arg);
		else if (a->bdf_arg)
			return cli_usage_error(cli, cmd, "one device at a "
					       "time");
		else
			a->bdf_arg = arg;
	}
	if (!a->bdf_arg)
		return cli_usage_error(cli, cmd, "which device? (%s BDF)",
				       cmd);
	return 0;
}

/*
 * --persist: driverctl(8) keeps the override across reboots
 * (set-override) or forgets it (unset-override). driverctl's
 * unset-override reprobes and fails when no driver takes the device, so
 * for a device without a driver it runs with --noprobe: then it only
 * clears driver_override and its saved file (it unbinds first, and there
 * is nothing to unbind).
 */
static int driverctl(struct cli *cli, const char *bdf, bool set, bool noprobe)
{
	char *argv[6], **arg = argv;
	int ret;

	*arg++ = "driverctl";
	if (noprobe)
		*arg++ = "--noprobe";
	*arg++ = set ? "set-override" : "unset-override";
	*arg++ = (char *)bdf;
	if (set)
		*arg++ = UIOSVA_DRIVER;
	*arg = NULL;
	ret = cli->sys->run(cli->sys->arg, argv);
	if (ret == -ENOENT) {
		cli_errorf(cli, "--persist needs driverctl, which is not "
			   "installed; %s %s only until the next boot", bdf,
			   set ? "is bound to " UIOSVA_DRIVER :
				 "is unbound");
		cli_hintf(cli, "install driverctl ('apt install driverctl'), "
			  "then 'uio-sva %s %s --persist'",
			  set ? "bind" : "unbind", bdf);
		return RC_SETUP;
	}
	if (ret) {
		cli_errorf(cli, "'driverctl%s %s %s%s' failed (%s %d)",
			   noprobe ? " --noprobe" : "",
			   set ? "set-override" : "unset-override", bdf,
			   set ? " " UIOSVA_DRIVER : "",
			   ret < 0 ? "error" : "exit status",
			   ret < 0 ? -ret : ret);
		cli_hintf(cli, "see 'driverctl list-overrides' and 'dmesg'");
		return RC_FAIL;
	}
	fprintf(cli->out, "%s: %s\n", bdf, set ?
		"driverctl keeps " UIOSVA_DRIVER " across reboots" :
		"driverctl override removed");
	return RC_OK;
}

int cmd_bind(struct cli *cli, int argc, char **argv)
{
	char drv[UIOSVA_NAME_MAX];
	struct bind_record rec;
	struct bind_args a;
	int rc;

	rc = parse_bind(cli, argc, argv, &a, "bind");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = check_device(cli, &a, "bind");
	if (rc)
		return rc;
	memset(&rec, 0, sizeof(rec));
	device_driver(cli, a.bdf, rec.driver, sizeof(rec.driver));
	if (!strcmp(rec.driver, UIOSVA_DRIVER)) {
		fprintf(cli->out, "%s: already bound to " UIOSVA_DRIVER "\n",
			a.bdf);
		return a.persist ? driverctl(cli, a.bdf, true, false) : RC_OK;
	}
	if (rec.driver[0] && !is_userspace_driver(rec.driver) && !a.force) {
		cli_errorf(cli, "%s is in use by kernel driver %s; binding "
			   "takes it away from the kernel", a.bdf, rec.driver);
		cli_hintf(cli, "make sure nothing uses it, then pass --force");
		return RC_FAIL;
	}
	device_override(cli, a.bdf, rec.override, sizeof(rec.override));
	rc = ensure_driver(cli, &a);
	if (!rc)
		rc = do_bind(cli, &a, &rec);
	if (rc)
		return rc;
	/*
	 * driverctl set-override unbinds and probes the device again (it
	 * may get another uio node): report what is bound after it.
	 */
	if (a.persist)
		rc = driverctl(cli, a.bdf, true, false);
	device_driver(cli, a.bdf, drv, sizeof(drv));
	if (!strcmp(drv, UIOSVA_DRIVER))
		report_bound(cli, a.bdf, &rec);
	return rc;
}

static int check_unused(struct cli *cli, const struct bind_args *a)
{
	struct uiosva_sva sva;

	if (a->force || uiosva_read_sva(&cli->cfg, a->bdf, &sva, NULL) ||
	    sva.state != UIOSVA_SVA_BOUND)
		return 0;
	cli_errorf(cli, "%s is in use by PID %d (%s)", a->bdf, (int)sva.pid,
		   sva.comm[0] ? sva.comm : "?");
	cli_hintf(cli, "stop that process first, or pass --force (the driver "
		  "stops the device's DMA before it lets go)");
	return RC_FAIL;
}

static int restore(struct cli *cli, const char *bdf,
		   const struct bind_record *rec, int have_record)
{
	char path[UIOSVA_PATH_MAX];
	char drv[UIOSVA_NAME_MAX];

	if (have_record) {
		if (rebind_previous(cli, bdf, rec)) {
			cli_errorf(cli, "%s: unbound from " UIOSVA_DRIVER
				   ", but could not restore driver %s", bdf,
				   rec->driver);
			cli_hintf(cli, "see 'dmesg'; 'echo %s > %s/bus/pci/"
				  "drivers/%s/bind' tries again", bdf,
				  cli_sysfs(cli), rec->driver);
			return RC_FAIL;
		}
		if (rec->driver[0])
			fprintf(cli->out, "%s: unbound from " UIOSVA_DRIVER
				"; restored driver %s\n", bdf, rec->driver);
		else
			fprintf(cli->out, "%s: unbound from " UIOSVA_DRIVER
				"; left without a driver, as before\n", bdf);
		return RC_OK;
	}
	sysfs_path(cli, path, sizeof(path), bdf, "driver_override");
	if (write_or_say(cli, path, "\n"))
		return RC_FAIL;
	sysfs_path(cli, path, sizeof(path), NULL, "drivers_probe");
	if (write_or_say(cli, path, bdf))
		return RC_FAIL;
	device_driver(cli, bdf, drv, sizeof(drv));
	fprintf(cli->out, "%s: unbound from " UIOSVA_DRIVER " (no record of a "
		"previous driver); the kernel probed it: driver %s\n", bdf,
		drv[0] ? drv : "none");
	return RC_OK;
}

int cmd_unbind(struct cli *cli, int argc, char **argv)
{
	char path[UIOSVA_PATH_MAX];
	char drv[UIOSVA_NAME_MAX];
	struct bind_record rec;
	struct bind_args a;
	int rc, rc2, have;

	rc = parse_bind(cli, argc, argv, &a, "unbind");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = check_device(cli, &a, "unbind");
	if (rc)
		return rc;
	device_driver(cli, a.bdf, drv, sizeof(drv));
	if (strcmp(drv, UIOSVA_DRIVER)) {
		fprintf(cli->out, "%s: not bound to " UIOSVA_DRIVER " (driver: "
			"%s); nothing to do\n", a.bdf, drv[0] ? drv : "none");
		return a.persist ? driverctl(cli, a.bdf, false, !drv[0]) :
				   RC_OK;
	}
	rc = check_unused(cli, &a);
	if (rc)
		return rc;
	have = !record_load(cli, a.bdf, &rec);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/" UIOSVA_DRIVER
		 "/unbind", cli_sysfs(cli));
	if (write_or_say(cli, path, a.bdf))
		return RC_FAIL;
	/*
	 * The device has no driver now: driverctl --noprobe only clears the
	 * override; restore() then sets the recorded one and probes.
	 */
	if (a.persist) {
		rc = driverctl(cli, a.bdf, false, true);
		if (rc != RC_OK && rc != RC_SETUP)
			return rc;
	}
	rc2 = restore(cli, a.bdf, &rec, have);
	if (rc2 == RC_OK)
		record_remove(cli, a.bdf);
	return rc2 != RC_OK ? rc2 : rc;
}

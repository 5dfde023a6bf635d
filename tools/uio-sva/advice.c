// SPDX-License-Identifier: GPL-2.0-only
/*
 * advice.c - turning library errors into a message and the next step for
 * the user, and into the documented exit status.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

static const char *const state_hints[] = {
	[UIOSVA_SVA_UNKNOWN] = "unknown state (driver too old or too new?)",
	[UIOSVA_SVA_BOUND] = NULL,
	[UIOSVA_SVA_READY] = "nothing bound; the first open() binds",
	[UIOSVA_SVA_NO_KERNEL_SVA] =
		"kernel built without CONFIG_IOMMU_SVA; open() fails with "
		"EPROTONOSUPPORT; use a kernel with CONFIG_IOMMU_SVA=y",
	[UIOSVA_SVA_BLOCKED_BY_KERNEL] =
		"this kernel blocks SVA on x86; open() fails with "
		"EOPNOTSUPP; boot a kernel with the kernel page-table IOTLB "
		"invalidation (iommu_sva_invalidate_kva_range(), Linux 7.2 has it)",
	[UIOSVA_SVA_NO_IOMMU] =
		"not behind an IOMMU; open() fails with ENXIO; enable the "
		"IOMMU (firmware VT-d/AMD-Vi, intel_iommu=on or amd_iommu=on)",
	[UIOSVA_SVA_DEVICE_NO_PASID] =
		"the device has no PASID capability; open() fails with ENODEV",
	[UIOSVA_SVA_DEVICE_NO_ATS] =
		"the device has no ATS capability; open() fails with ENODEV",
	[UIOSVA_SVA_DEVICE_NO_PRI] =
		"the device has no PRI capability; open() fails with ENODEV",
	[UIOSVA_SVA_IOMMU_NO_SVA] =
		"the IOMMU refused SVA for the device; open() fails with "
		"ENXIO; Intel VT-d needs scalable mode (intel_iommu=sm_on), "
		"SVA and PRS support",
	[UIOSVA_SVA_PASID_EXHAUSTED] =
		"the last bind found no free PASID; open() fails with ENOSPC "
		"until PASIDs are released",
	[UIOSVA_SVA_IOMMU_GROUP_SHARED] =
		"the device shares its IOMMU group (multifunction device, or "
		"a bridge without ACS); open() fails with ENXIO; put it in a "
		"slot of its own",
};

const char *sva_state_hint(enum uiosva_sva_state state)
{
	if ((size_t)state >= sizeof(state_hints) / sizeof(state_hints[0]))
		return NULL;
	return state_hints[state];
}

void advise_sva_state(struct cli *cli, const struct uiosva_sva *sva,
		      const char *bdf)
{
	const char *hint = sva_state_hint(sva->state);

	if (hint && sva->state != UIOSVA_SVA_READY)
		cli_hintf(cli, "sva_status of %s is %s: %s", bdf,
			  sva->status[0] ? sva->status : "unreadable", hint);
}

static int not_bound(struct cli *cli, const struct uiosva_info *info)
{
	if (!uiosva_driver_loaded(&cli->cfg)) {
		cli_errorf(cli, "%s is not bound to " UIOSVA_DRIVER
			   ", and module " UIOSVA_MODULE " is not loaded",
			   info->bdf);
		cli_hintf(cli, "run 'uio-sva bind %s' (it loads the module; "
			  "add --module FILE if it is not installed in "
			  "/lib/modules)", info->bdf);
		return RC_SETUP;
	}
	cli_errorf(cli, "%s is not bound to " UIOSVA_DRIVER " (driver: %s)",
		   info->bdf, info->driver[0] ? info->driver : "none");
	cli_hintf(cli, "run 'uio-sva bind %s'", info->bdf);
	return RC_SETUP;
}

static void missing_node(struct cli *cli, const struct uiosva_info *info)
{
	char path[UIOSVA_PATH_MAX];
	char devnum[32] = "MAJOR MINOR";
	char *colon;
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/uio/%s/dev",
		 cli_sysfs(cli),
		 info->uio);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(devnum, sizeof(devnum), f))
			strcpy(devnum, "MAJOR MINOR");
		devnum[strcspn(devnum, "\n")] = '\0';
		fclose(f);
	}
	/* sysfs says "MAJOR:MINOR"; mknod wants two arguments. */
	colon = strchr(devnum, ':');
	if (colon)
		*colon = ' ';
	cli_hintf(cli, "create the node: 'mdev -s' (busybox), 'udevadm "
		  "trigger', or mknod /dev/%s c %s (from %s)", info->uio,
		  devnum, path);
}

int advise_lookup(struct cli *cli, const char *name,
		  const struct uiosva_info *info,
		  const struct uiosva_error *err)
{
	switch (err->kind) {
	case UIOSVA_ERR_ARG:
		return cli_usage_error(cli, NULL, "%s", err->msg);
	case UIOSVA_ERR_NO_DEVICE:
		cli_errorf(cli, "%s", err->msg);
		if (strchr(name, ':'))
			cli_hintf(cli, "list PCI devices with 'lspci -D' or "
				  "'ls /sys/bus/pci/devices'");
		else
			cli_hintf(cli, "list UIO devices with 'uio-sva list' "
				  "or 'ls /sys/class/uio'");
		return RC_SETUP;
	case UIOSVA_ERR_NOT_BOUND:
		return not_bound(cli, info);
	case UIOSVA_ERR_NO_UIO:
		cli_errorf(cli, "%s", err->msg);
		if (info->uio[0])
			missing_node(cli, info);
		else
			cli_hintf(cli, "see 'dmesg' for messages of "
				  UIOSVA_DRIVER "; then 'uio-sva unbind %s' "
				  "and 'uio-sva bind %s'", info->bdf,
				  info->bdf);
		return RC_SETUP;
	default:
		cli_errorf(cli, "%s", err->msg);
		return RC_FAIL;
	}
}

static void busy_hint(struct cli *cli, const struct uiosva_info *info)
{
	struct uiosva_sva sva;

	if (uiosva_read_sva(&cli->cfg, info->bdf, &sva, NULL) || !sva.pid) {
		cli_hintf(cli, "find the process with 'fuser /dev/%s'; wait "
			  "for it to close the device", info->uio);
		return;
	}
	cli_hintf(cli, "bound by PID %d (%s); wait for it to exit or close "
		  "/dev/%s, or stop it: kill %d", (int)sva.pid,
		  sva.comm[0] ? sva.comm : "?", info->uio, (int)sva.pid);
}

static void state_hint(struct cli *cli, const struct uiosva_info *info,
		       const char *fallback)
{
	struct uiosva_sva sva;

	if (!uiosva_read_sva(&cli->cfg, info->bdf, &sva, NULL) &&
	    sva_state_hint(sva.state) && sva.state != UIOSVA_SVA_READY &&
	    sva.state != UIOSVA_SVA_UNKNOWN)
		advise_sva_state(cli, &sva, info->bdf);
	else
		cli_hintf(cli, "%s", fallback);
}

int advise_open(struct cli *cli, const char *name,
		const struct uiosva_info *info,
		const struct uiosva_error *err)
{
	if (err->kind != UIOSVA_ERR_OPEN)
		return advise_lookup(cli, name, info, err);
	cli_errorf(cli, "%s", err->msg);
	switch (err->errnum) {
	case EBUSY:
		busy_hint(cli, info);
		return RC_SVA;
	case EOPNOTSUPP:
		cli_hintf(cli, "this kernel blocks SVA on x86; boot one with "
			  "the kernel page-table IOTLB invalidation "
			  "(iommu_sva_invalidate_kva_range(), Linux 7.2 has "
			  "it), e.g. not Debian's 6.1 or 6.12");
		return RC_SVA;
	case ENODEV:
		state_hint(cli, info, "use a device with the PASID, ATS and "
			   "PRI capabilities ('lspci -vv' lists them)");
		return RC_SVA;
	case ENXIO:
		state_hint(cli, info, "put the device behind an IOMMU that "
			   "can do SVA (Intel VT-d in scalable mode, AMD "
			   "IOMMU with PPR, Arm SMMUv3 with SVA)");
		return RC_SVA;
	case EPROTONOSUPPORT:
		cli_hintf(cli, "use a kernel built with CONFIG_IOMMU_SVA=y");
		return RC_SVA;
	case ENOSPC:
		cli_hintf(cli, "no PASID is free: end other processes that "
			  "use SVA on this IOMMU and try again");
		return RC_SVA;
	case EACCES:
	case EPERM:
		cli_hintf(cli, "run as root, or install the udev rule "
			  "70-uio-sva.rules and join its group (see "
			  "uio-sva(1), PERMISSIONS)");
		return RC_FAIL;
	default:
		return RC_FAIL;
	}
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sva.c - the driver's SVA attributes (sva_status, pasid, sva_pid,
 * sva_comm) and what its open() errnos mean.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct state_desc {
	enum uiosva_sva_state state;
	const char *name;
	int open_errno;
};

static const struct state_desc states[] = {
	{ UIOSVA_SVA_UNKNOWN, "unknown", 0 },
	{ UIOSVA_SVA_BOUND, "bound", EBUSY },
	{ UIOSVA_SVA_READY, "ready", 0 },
	{ UIOSVA_SVA_NO_KERNEL_SVA, "no-kernel-sva", EPROTONOSUPPORT },
	{ UIOSVA_SVA_BLOCKED_BY_KERNEL, "blocked-by-kernel", EOPNOTSUPP },
	{ UIOSVA_SVA_NO_IOMMU, "no-iommu", ENXIO },
	{ UIOSVA_SVA_DEVICE_NO_PASID, "device-no-pasid", ENODEV },
	{ UIOSVA_SVA_DEVICE_NO_ATS, "device-no-ats", ENODEV },
	{ UIOSVA_SVA_DEVICE_NO_PRI, "device-no-pri", ENODEV },
	{ UIOSVA_SVA_IOMMU_NO_SVA, "iommu-no-sva", ENXIO },
	{ UIOSVA_SVA_PASID_EXHAUSTED, "pasid-exhausted", ENOSPC },
	{ UIOSVA_SVA_IOMMU_GROUP_SHARED, "iommu-group-shared", ENXIO },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))

enum uiosva_sva_state uiosva_sva_state_parse(const char *word)
{
	size_t len, i;

	if (!word)
		return UIOSVA_SVA_UNKNOWN;
	len = strcspn(word, "\n");
	for (i = 1; i < NSTATES; i++)
		if (strlen(states[i].name) == len &&
		    !strncmp(states[i].name, word, len))
			return states[i].state;
	return UIOSVA_SVA_UNKNOWN;
}

const char *uiosva_sva_state_name(enum uiosva_sva_state state)
{
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (states[i].state == state)
			return states[i].name;
	return "unknown";
}

int uiosva_sva_state_errno(enum uiosva_sva_state state)
{
	size_t i;

	for (i = 0; i < NSTATES; i++)
		if (states[i].state == state)
			return states[i].open_errno;
	return 0;
}

const char *uiosva_open_reason(int errnum)
{
	switch (errnum) {
	case EBUSY:
		return "another process's address space is bound to the "
		       "device (one address space per device at a time)";
	case EOPNOTSUPP:
		return "this kernel blocks SVA on x86 (the mitigation in "
		       "Debian's stable 6.1 and 6.12 kernels)";
	case ENODEV:
		return "the device lacks the PASID, ATS or PRI capability";
	case ENXIO:
		return "the IOMMU cannot do SVA for this device, or the "
		       "device is not behind an IOMMU";
	case EPROTONOSUPPORT:
		return "the kernel was built without CONFIG_IOMMU_SVA";
	case ENOSPC:
		return "the PASID space is exhausted";
	case EACCES:
	case EPERM:
		return "no permission to open the UIO device node";
	default:
		return NULL;
	}
}

/* Read an optional attribute: -errno on failure, never recorded. */
static int read_attr(const char *devdir, const char *attr, char *buf,
		     size_t size)
{
	char path[UIOSVA_PATH_MAX];
	struct uiosva_error e = UIOSVA_ERROR_INIT;
	int ret;

	buf[0] = '\0';
	ret = uiosva__path(path, sizeof(path), &e, "%s/%s", devdir, attr);
	if (!ret)
		ret = uiosva__read_line(path, buf, size, &e);
	if (ret)
		buf[0] = '\0';
	return ret;
}

static void parse_pasid(const char *devdir, struct uiosva_sva *sva)
{
	char buf[64];
	uint64_t v;
	int ret;

	ret = read_attr(devdir, "pasid", buf, sizeof(buf));
	if (!ret)
		ret = uiosva__parse_u64(buf, &v);
	if (!ret && v >= UIOSVA_NO_PASID)
		ret = -ERANGE;
	if (ret) {
		sva->pasid_errno = -ret;
		return;
	}
	sva->pasid = (uint32_t)v;
}

static void parse_pid(const char *devdir, struct uiosva_sva *sva)
{
	char buf[64];
	uint64_t v;

	if (read_attr(devdir, "sva_pid", buf, sizeof(buf)) ||
	    uiosva__parse_u64(buf, &v) || v > INT32_MAX)
		return;
	sva->pid = (pid_t)v;
}

int uiosva_read_sva(const struct uiosva_config *cfg, const char *bdf,
		    struct uiosva_sva *sva, struct uiosva_error *err)
{
	char devdir[UIOSVA_PATH_MAX];
	char path[UIOSVA_PATH_MAX];
	int ret;

	if (!uiosva__err_usable(err))
		return -EINVAL;
	uiosva__clear(err);
	memset(sva, 0, sizeof(*sva));
	sva->pasid = UIOSVA_NO_PASID;
	sva->pasid_errno = ENODATA;
	ret = uiosva__path(devdir, sizeof(devdir), err,
			   "%s/bus/pci/devices/%s", uiosva__sysfs_root(cfg),
			   bdf);
	if (!ret)
		ret = uiosva__path(path, sizeof(path), err, "%s/sva_status",
				   devdir);
	if (!ret)
		ret = uiosva__read_line(path, sva->status,
					sizeof(sva->status), err);
	if (ret)
		return ret;
	sva->state = uiosva_sva_state_parse(sva->status);
	sva->pasid_errno = 0;
	parse_pasid(devdir, sva);
	parse_pid(devdir, sva);
	read_attr(devdir, "sva_comm", sva->comm, sizeof(sva->comm));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * sys_nokmod.c - no libkmod (static builds, or built without it): the
 * modprobe program does the work.
 */
#include <errno.h>

#include "cli.h"

int sys_modprobe(void *arg, const char *name, const char *params)
{
	(void)arg;
	(void)name;
	(void)params;
	return -ENOSYS;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kmod.c - sys_modprobe() through libkmod on this host (built only
 * when libkmod is found): a module that does not exist is -ENOENT without
 * running modprobe.
 */
#include <errno.h>

#include "cli.h"
#include "tap.h"

int main(void)
{
	int ret;

	ret = sys_modprobe(NULL, "uio_sva_no_such_module_xyz", NULL);
	tap_ok(ret == -ENOENT || ret == -ENOSYS,
	       "a missing module: -ENOENT (or -ENOSYS without a module "
	       "directory): %d", ret);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * sys_kmod.c - modprobe in process through libkmod: the module and its
 * dependencies, with the system's modprobe.d options and blacklist, and
 * real error codes instead of a child's exit status.
 */
#include <errno.h>
#include <libkmod.h>

#include "cli.h"

int sys_modprobe(void *arg, const char *name, const char *params)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int ret;

	(void)arg;
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOSYS; /* no module directory: let modprobe say why */
	ret = kmod_module_new_from_lookup(ctx, name, &list);
	if (!ret && !list)
		ret = -ENOENT;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		ret = kmod_module_probe_insert_module(mod,
			KMOD_PROBE_APPLY_BLACKLIST, params, NULL, NULL, NULL);
		kmod_module_unref(mod);
		if (ret == -EEXIST || ret == KMOD_PROBE_APPLY_BLACKLIST)
			ret = ret == -EEXIST ? 0 : -EPERM;
		if (ret)
			break;
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return ret < 0 ? ret : (ret ? -EIO : 0);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_list.c - uio-sva list: the devices bound to uio_pci_sva.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

static void print_sva(struct cli *cli, const struct uiosva_info *info)
{
	struct uiosva_sva sva;
	const char *hint;

	if (uiosva_read_sva(&cli->cfg, info->bdf, &sva, NULL)) {
		fprintf(cli->out, "    sva: unreadable (no sva_status: not "
			"the uio_pci_sva driver of this project?)\n");
		return;
	}
	fprintf(cli->out, "    sva: %s", sva.status);
	if (!sva.pasid_errno)
		fprintf(cli->out, "  pasid %u", (unsigned)sva.pasid);
	else
		fprintf(cli->out, "  pasid - (%s)",
			sva.pasid_errno == ENODATA ? "nothing bound" :
						     strerror(sva.pasid_errno));
	if (sva.pid)
		fprintf(cli->out, "  pid %d (%s)", (int)sva.pid,
			sva.comm[0] ? sva.comm : "?");
	fputc('\n', cli->out);
	hint = sva_state_hint(sva.state);
	if (hint)
		fprintf(cli->out, "         %s\n", hint);
}

static void print_regions(struct cli *cli, const struct uiosva_info *info)
{
	char size[32];
	int i;

	for (i = 0; i < info->nmaps; i++) {
		const struct uiosva_map *m = &info->maps[i];

		format_size(m->size, size, sizeof(size));
		fprintf(cli->out, "    %-5s map%d   0x%09llx  %s\n", m->name,
			m->index, (unsigned long long)m->addr, size);
	}
	for (i = 0; i < info->nports; i++) {
		const struct uiosva_port *pt = &info->ports[i];

		fprintf(cli->out, "    %-5s port%d  0x%09llx  %llu ports "
			"(%s)\n", pt->name, pt->index,
			(unsigned long long)pt->start,
			(unsigned long long)pt->size, pt->porttype);
	}
	if (!info->nmaps && !info->nports)
		fprintf(cli->out, "    no BARs exposed\n");
}

struct list_ctx {
	struct cli *cli;
	int count;
	bool json;
};

static int print_device(const struct uiosva_info *info, void *arg)
{
	struct list_ctx *lc = arg;
	struct cli *cli = lc->cli;

	lc->count++;
	if (lc->json) {
		list_json_device(cli, info, lc->count == 1);
		return 0;
	}
	fprintf(cli->out, "%s  %s  %04x:%04x  /dev/%s\n", info->bdf,
		info->uio[0] ? info->uio : "-", info->vendor, info->device,
		info->uio[0] ? info->uio : "-");
	print_sva(cli, info);
	print_regions(cli, info);
	return 0;
}

static int list_all(struct cli *cli, const struct list_ctx *lcp)
{
	struct list_ctx lc = *lcp;
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	int ret;

	ret = uiosva_list(&cli->cfg, print_device, &lc, &err);
	if (ret == -ENOENT) {
		cli_errorf(cli, "module " UIOSVA_MODULE " is not loaded "
			   "(no %s/bus/pci/drivers/" UIOSVA_DRIVER ")",
			   cli_sysfs(cli));
		cli_hintf(cli, "'uio-sva bind BDF' loads it and binds a "
			  "device; or 'modprobe " UIOSVA_MODULE "'");
		return RC_SETUP;
	}
	if (ret) {
		cli_errorf(cli, "%s", err.msg);
		return RC_FAIL;
	}
	if (!lc.count && !lc.json)
		fprintf(cli->err, "uio-sva: no device is bound to "
			UIOSVA_DRIVER " (bind one with 'uio-sva bind BDF')\n");
	return RC_OK;
}

static int list_one(struct list_ctx *lc, const char *name)
{
	struct cli *cli = lc->cli;
	struct uiosva_info info = UIOSVA_INFO_INIT;
	struct uiosva_error err = UIOSVA_ERROR_INIT;

	if (uiosva_lookup(&cli->cfg, name, &info, &err))
		return advise_lookup(cli, name, &info, &err);
	print_device(&info, lc);
	return RC_OK;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	enum { O_JSON = 100, O_ALL };
	static const struct optdef defs[] = { CLI_GLOBAL_OPTDEFS,
					      { "json", 0, 0, O_JSON },
					      { "all", 'a', 0, O_ALL },
					      { NULL, 0, 0, 0 } };
	struct list_ctx lc = { cli, 0, false };
	const char *names[64];
	struct optparser p;
	int n = 0, id, i, rc = RC_OK, all = 0;
	const char *arg;

	opt_init(&p, argc, argv, defs);
	while ((id = opt_next(&p, &arg)) != OPT_END) {
		if (id == OPT_ERROR)
			return cli_usage_error(cli, "list", "%s", p.msg);
		if (id == OPT_HELP)
			return help_command(cli->out, "list"), RC_OK;
		if (id == O_JSON) {
			lc.json = true;
			continue;
		}
		if (id == O_ALL) {
			all = 1;
			continue;
		}
		if (id != OPT_POSITIONAL) {
			cli_global_opt(cli, id, arg);
			continue;
		}
		if (n == (int)(sizeof(names) / sizeof(names[0])))
			return cli_usage_error(cli, "list", "too many devices");
		names[n++] = arg;
	}
	if (all && (n || lc.json))
		return cli_usage_error(cli, "list", "--all lists every PCI "
				       "function: no DEV, no --json");
	if (all)
		return list_every_function(cli);
	if (lc.json)
		list_json_begin(cli);
	if (!n)
		rc = list_all(cli, &lc);
	for (i = 0; i < n; i++) {
		int r = list_one(&lc, names[i]);

		if (r != RC_OK && rc == RC_OK)
			rc = r;
	}
	/* A complete document even after an error (devices found so far). */
	if (lc.json)
		list_json_end(cli);
	return rc;
}

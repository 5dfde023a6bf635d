// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_profile.c - uio-sva profile FILE: check a profile and show it.
 */
#include <stdlib.h>
#include <string.h>

#include "dma.h"

#define MSGS_SIZE 8192

static void show_registers(FILE *f, const struct profile *p)
{
	int r;

	fprintf(f, "registers in BAR%llu:\n",
		(unsigned long long)p->bar.value);
	for (r = 0; r < REG_COUNT; r++)
		if (p->regs[r].line)
			fprintf(f, "  %-11s 0x%03llx  %2u bits\n",
				prof_reg_name((enum prof_reg)r),
				(unsigned long long)p->regs[r].offset,
				p->regs[r].width * 8);
}

static void show(FILE *f, const struct profile *p)
{
	int i;

	fprintf(f, "profile %s\n", p->name[0] ? p->name : "(unnamed)");
	fprintf(f, "devices:");
	for (i = 0; i < p->ndevices; i++)
		fprintf(f, " %04x:%04x", p->devices[i].vendor,
			p->devices[i].device);
	fprintf(f, "%s\n", p->ndevices ? "" : " any");
	show_registers(f, p);
	fprintf(f, "ops:");
	for (i = 0; i < OP_COUNT; i++)
		if (p->ops[i].line)
			fprintf(f, " %s=%llu", prof_op_name((enum prof_op)i),
				(unsigned long long)p->ops[i].value);
	fprintf(f, "\nstatus: busy=0x%llx done=0x%llx error=0x%llx\n",
		(unsigned long long)p->status[ST_BUSY].value,
		(unsigned long long)p->status[ST_DONE].value,
		(unsigned long long)p->status[ST_ERROR].value);
	fprintf(f, "pasid: %llu bits", (unsigned long long)p->pasid_bits.value);
	if (p->no_pasid.line)
		fprintf(f, ", no_pasid 0x%llx",
			(unsigned long long)p->no_pasid.value);
	fprintf(f, "\nmax_len: %llu%s\nchecksum: fnv1a64\n",
		(unsigned long long)p->max_len.value,
		p->max_len.line ? "" : " (no limit)");
	fprintf(f, "errors:");
	for (i = 0; i < p->nerrors; i++)
		fprintf(f, " %llu=%s", (unsigned long long)p->errors[i].code,
			p->errors[i].name);
	fprintf(f, "%s\n", p->nerrors ? "" : " (none named)");
}

int cmd_profile(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = { CLI_GLOBAL_OPTDEFS,
					      { NULL, 0, 0, 0 } };
	struct prof_msgs m = { NULL, MSGS_SIZE, 0, 0 };
	const char *file = NULL, *arg;
	struct optparser p;
	struct profile *prof;
	int id, rc = RC_OK;

	opt_init(&p, argc, argv, defs);
	while ((id = opt_next(&p, &arg)) != OPT_END) {
		if (id == OPT_ERROR)
			return cli_usage_error(cli, "profile", "%s", p.msg);
		if (id == OPT_HELP)
			return help_command(cli->out, "profile"), RC_OK;
		if (id != OPT_POSITIONAL)
			cli_global_opt(cli, id, arg);
		else if (file)
			return cli_usage_error(cli, "profile", "one file at a "
					       "time");
		else
			file = arg;
	}
	if (!file)
		return cli_usage_error(cli, "profile", "which file?");
	prof = malloc(sizeof(*prof));
	m.buf = malloc(MSGS_SIZE);
	if (!prof || !m.buf) {
		free(prof);
		free(m.buf);
		cli_errorf(cli, "out of memory");
		return RC_FAIL;
	}
	m.buf[0] = '\0';
	if (profile_load(file, prof, &m)) {
		fputs(m.buf, cli->err);
		fprintf(cli->err, "uio-sva: %d problem%s in %s\n", m.count,
			m.count == 1 ? "" : "s", file);
		rc = RC_USAGE;
	} else {
		show(cli->out, prof);
	}
	free(prof);
	free(m.buf);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_regs.c - register access by the profile's names, with --verbose
 * tracing.
 */
#include "dma.h"

bool reg_has(const struct dma_dev *d, enum prof_reg r)
{
	return d->prof->regs[r].line != 0;
}

static int fail(struct dma_dev *d)
{
	cli_errorf(d->cli, "%s", uiosva_last_error(d->dev)->msg);
	return RC_FAIL;
}

int reg_write(struct dma_dev *d, enum prof_reg r, uint64_t value)
{
	const struct prof_regdef *def = &d->prof->regs[r];

	if (d->verbose)
		fprintf(d->cli->out, "  BAR%d+0x%03llx %-11s <- 0x%llx\n",
			d->bar, (unsigned long long)def->offset,
			prof_reg_name(r), (unsigned long long)value);
	if (uiosva_write(d->dev, d->bar, def->offset, def->width, value))
		return fail(d);
	return 0;
}

int reg_read_quiet(struct dma_dev *d, enum prof_reg r, uint64_t *value)
{
	const struct prof_regdef *def = &d->prof->regs[r];

	if (uiosva_read(d->dev, d->bar, def->offset, def->width, value))
		return fail(d);
	return 0;
}

int reg_read(struct dma_dev *d, enum prof_reg r, uint64_t *value)
{
	int rc = reg_read_quiet(d, r, value);

	if (!rc && d->verbose)
		fprintf(d->cli->out, "  BAR%d+0x%03llx %-11s -> 0x%llx\n",
			d->bar,
			(unsigned long long)d->prof->regs[r].offset,
			prof_reg_name(r), (unsigned long long)*value);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_dma.c - uio-sva dma: open the device, write the PASID and plain
 * process addresses into its registers, and check what it did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dma.h"

struct dma_session {
	struct cli *cli;
	struct dma_opts o;
	struct profile prof;
	struct uiosva_info info;
	struct dma_dev d;
	uint64_t pasid;
	bool use_irq;
};

/* The options against what the profile allows. */
static int check_opts(struct dma_session *s)
{
	const struct profile *p = &s->prof;
	const struct dma_opts *o = &s->o;
	size_t copies = o->op == OP_COPY ? 2 : 1;
	int i;

	if (!p->ops[o->op].line)
		return cli_usage_error(s->cli, "dma", "profile %s has no 'op "
				       "%s' line: the device cannot %s",
				       p->name, prof_op_name(o->op),
				       prof_op_name(o->op));
	if (p->max_len.value && o->size > p->max_len.value)
		return cli_usage_error(s->cli, "dma", "--size %llu is above the "
				       "device's max_len %llu",
				       (unsigned long long)o->size,
				       (unsigned long long)p->max_len.value);
	if (o->op == OP_FILL && o->pattern > 0xff &&
	    p->regs[REG_PATTERN].width < 8 &&
	    o->pattern >> (8 * p->regs[REG_PATTERN].width))
		return cli_usage_error(s->cli, "dma", "--pattern 0x%llx does "
				       "not fit the %u-bit pattern register",
				       (unsigned long long)o->pattern,
				       p->regs[REG_PATTERN].width * 8);
	if (o->pasid_mode == PASID_NONE && !p->no_pasid.line)
		return cli_usage_error(s->cli, "dma", "--pasid none: profile "
				       "%s has no no_pasid value", p->name);
	if (o->buffer == BUF_STACK &&
	    !stack_limit_ok(copies * (o->size + o->offset)))
		return cli_usage_error(s->cli, "dma", "--buffer stack: %llu "
				       "bytes do not fit in half the stack "
				       "limit (ulimit -s)",
				       (unsigned long long)(copies *
							    (o->size + o->offset)));
	if (!o->expect_error)
		return 0;
	for (i = 0; i < p->nerrors; i++)
		if (!strcasecmp(p->errors[i].name, o->expect_error))
			return 0;
	return cli_usage_error(s->cli, "dma", "--expect-error %s: profile %s "
			       "names no such error", o->expect_error, p->name);
}

static int check_device(struct dma_session *s)
{
	const struct profile *p = &s->prof;
	uint64_t v;
	int i;

	if (!prof_matches(p, s->info.vendor, s->info.device)) {
		cli_errorf(s->cli, "profile %s is not for %s (%04x:%04x)",
			   p->name, s->info.bdf, s->info.vendor,
			   s->info.device);
		cli_hintf(s->cli, "pass the profile of this device");
		return RC_USAGE;
	}
	if (!uiosva_find_map(s->d.dev, s->d.bar)) {
		cli_errorf(s->cli, "%s", uiosva_last_error(s->d.dev)->msg);
		return RC_USAGE;
	}
	for (i = 0; i < p->nexpects; i++) {
		enum prof_reg r = p->expects[i].reg;

		if (reg_read(&s->d, r, &v))
			return RC_FAIL;
		if (v == p->expects[i].value)
			continue;
		cli_errorf(s->cli, "register %s of %s reads 0x%llx; profile "
			   "%s expects 0x%llx", prof_reg_name(r), s->info.bdf,
			   (unsigned long long)v, p->name,
			   (unsigned long long)p->expects[i].value);
		cli_hintf(s->cli, "wrong profile or BAR, or the device is not "
			  "responding");
		return RC_USAGE;
	}
	return RC_OK;
}

static int get_pasid(struct dma_session *s)
{
	const struct profile *p = &s->prof;
	uint32_t pasid;
	struct uiosva_sva sva;

	if (s->o.pasid_mode == PASID_VALUE)
		s->pasid = s->o.pasid_value;
	if (s->o.pasid_mode == PASID_NONE)
		s->pasid = p->no_pasid.value;
	if (s->o.pasid_mode != PASID_BOUND)
		return RC_OK;
	if (uiosva_pasid(s->d.dev, &pasid)) {
		cli_errorf(s->cli, "%s", uiosva_last_error(s->d.dev)->msg);
		if (!uiosva_read_sva(&s->cli->cfg, s->info.bdf, &sva, NULL))
			advise_sva_state(s->cli, &sva, s->info.bdf);
		return RC_SVA;
	}
	if (p->pasid_bits.value < 32 && pasid >> p->pasid_bits.value) {
		cli_errorf(s->cli, "PASID %u does not fit the device's %llu "
			   "bits", pasid,
			   (unsigned long long)p->pasid_bits.value);
		return RC_SVA;
	}
	s->pasid = pasid;
	return RC_OK;
}

static int open_device(struct dma_session *s)
{
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	int rc;

	s->info.size = sizeof(s->info);
	if (uiosva_lookup(&s->cli->cfg, s->o.dev, &s->info, &err))
		return advise_lookup(s->cli, s->o.dev, &s->info, &err);
	rc = dma_load_profile(s->cli, &s->o, &s->info, &s->prof);
	if (!rc)
		rc = check_opts(s);
	if (rc)
		return rc;
	if (uiosva_open(&s->cli->cfg, s->o.dev, 0, &s->d.dev, &err))
		return advise_open(s->cli, s->o.dev, &s->info, &err);
	s->d.cli = s->cli;
	s->d.prof = &s->prof;
	s->d.bar = (int)s->prof.bar.value;
	s->d.verbose = s->o.verbose;
	rc = check_device(s);
	if (!rc)
		rc = get_pasid(s);
	return rc;
}

/* Interrupt unless --poll, the profile has none, or the device has none. */
static void choose_irq(struct dma_session *s)
{
	s->use_irq = !s->o.poll && reg_has(&s->d, REG_IRQ_ENABLE);
	if (!s->use_irq)
		return;
	if (!uiosva_irq_unmask(s->d.dev))
		return;
	if (!s->o.quiet)
		fprintf(s->cli->out, "note: %s; polling instead\n",
			uiosva_last_error(s->d.dev)->msg);
	s->use_irq = false;
}

static void header(struct dma_session *s)
{
	char size[32];

	if (s->o.quiet)
		return;
	format_size(s->o.size, size, sizeof(size));
	fprintf(s->cli->out, s->o.pasid_mode == PASID_BOUND ?
		"%s (%s, %04x:%04x, profile %s): pasid %llu, BAR%d registers, "
		"%s\n" : "%s (%s, %04x:%04x, profile %s): pasid 0x%llx "
		"(forced), BAR%d registers, %s\n", s->info.bdf, s->info.uio,
		s->info.vendor, s->info.device,
		s->prof.name[0] ? s->prof.name : "unnamed",
		(unsigned long long)s->pasid, s->d.bar,
		s->use_irq ? "interrupt" : "polling");
	fprintf(s->cli->out, "%s %s x%lu, %s buffer%s, %s\n",
		prof_op_name(s->o.op), size, s->o.repeat,
		buf_kind_name(s->o.buffer), s->o.op == OP_COPY ? "s" : "",
		s->o.no_touch ? "untouched (pages arrive by I/O page fault)" :
				"pre-touched");
}

/* Program, run and judge; buffers are in place. */
static int run_with_buffers(struct dma_job *job)
{
	int rc;

	prepare_data(job);
	if (buf_seal(&job->dst) || buf_seal(&job->src)) {
		cli_errorf(job->d->cli, "mprotect: %s", strerror(errno));
		return RC_FAIL;
	}
	rc = dma_execute(job);
	if (!rc)
		rc = dma_report(job);
	if (job->res.timed_out && !job->res.aborted) {
		/* The device may still write: stop it before any free(). */
		uiosva_close(job->d->dev);
		job->d->dev = NULL;
	}
	return rc;
}

static __attribute__((noinline)) int run_on_stack(struct dma_job *job)
{
	size_t one = job->o->size + job->o->offset;
	size_t need = job->o->op == OP_COPY ? 2 * one : one;
	uint8_t area[need];
	struct dma_buf *first = job->o->op == OP_CHECKSUM ? &job->src :
							    &job->dst;

	first->kind = BUF_STACK;
	first->data = area + job->o->offset;
	first->len = job->o->size;
	if (job->o->op == OP_COPY) {
		job->src.kind = BUF_STACK;
		job->src.data = area + one + job->o->offset;
		job->src.len = job->o->size;
	}
	return run_with_buffers(job);
}

static int alloc_buffers(struct dma_job *job)
{
	enum buf_kind kind = job->o->buffer;
	enum buf_kind plain = kind == BUF_UNMAPPED || kind == BUF_READONLY ?
				      BUF_MALLOC : kind;
	size_t len = job->o->size, off = job->o->offset;
	int ret = 0;

	switch (job->o->op) {
	case OP_FILL:
		ret = buf_alloc(&job->dst, kind, len, off);
		break;
	case OP_COPY:
		ret = buf_alloc(&job->src, plain, len, off);
		if (!ret)
			ret = buf_alloc(&job->dst, kind, len, off);
		break;
	default:
		ret = buf_alloc(&job->src, kind, len, off);
		break;
	}
	if (ret)
		cli_errorf(job->d->cli, "cannot allocate %llu bytes (%s): %s",
			   (unsigned long long)len, buf_kind_name(kind),
			   strerror(-ret));
	return ret ? RC_FAIL : RC_OK;
}

static int run_once(struct dma_session *s, unsigned long iter)
{
	struct dma_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	job.d = &s->d;
	job.o = &s->o;
	job.pasid = s->pasid;
	job.use_irq = s->use_irq;
	job.iter = iter;
	if (s->o.op == OP_FILL)
		job.pattern = pattern_register(s->o.pattern,
					       s->prof.regs[REG_PATTERN].width);
	if (s->o.buffer == BUF_STACK)
		return run_on_stack(&job);
	rc = alloc_buffers(&job);
	if (!rc)
		rc = run_with_buffers(&job);
	buf_free(&job.src);
	buf_free(&job.dst);
	return rc;
}

static int run_all(struct dma_session *s)
{
	unsigned long i;
	int rc = RC_OK;

	for (i = 0; i < s->o.repeat && rc == RC_OK; i++)
		rc = run_once(s, i);
	if (!s->o.quiet && s->o.repeat > 1)
		fprintf(s->cli->out, "%lu of %lu operations %s\n",
			rc == RC_OK ? i : i - 1, s->o.repeat,
			s->o.expect_error ? "failed as expected" : "verified");
	return rc;
}

int cmd_dma(struct cli *cli, int argc, char **argv)
{
	struct dma_session *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s) {
		cli_errorf(cli, "out of memory");
		return RC_FAIL;
	}
	s->cli = cli;
	rc = dma_parse_opts(cli, argc, argv, &s->o);
	if (!rc)
		rc = open_device(s);
	if (!rc) {
		choose_irq(s);
		header(s);
		rc = run_all(s);
	}
	uiosva_close(s->d.dev);
	free(s);
	return rc < 0 ? RC_OK : rc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma.h - uio-sva dma: options, buffers, register programming and
 * verification.
 */
#ifndef UIOSVA_CLI_DMA_H
#define UIOSVA_CLI_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "profile.h"

enum buf_kind {
	BUF_MALLOC,
	BUF_MMAP,
	BUF_STACK,
	BUF_UNMAPPED,
	BUF_READONLY,
	BUF_COUNT
};

enum pasid_mode { PASID_BOUND, PASID_VALUE, PASID_NONE };

struct dma_opts {
	const char *dev;
	const char *profile;
	enum prof_op op;
	uint64_t size;
	uint64_t pattern;
	uint64_t seed;
	enum buf_kind buffer;
	uint64_t offset;
	bool no_touch;
	long timeout_ms;
	bool poll;
	unsigned long repeat;
	enum pasid_mode pasid_mode;
	uint64_t pasid_value;
	const char *expect_error;
	bool quiet;
	bool verbose;
};

struct dma_buf {
	enum buf_kind kind;
	void *mem;	/* what to free or munmap; NULL for none */
	size_t mem_len;
	uint8_t *data;	/* mem + offset */
	size_t len;
};

/* The device as the profile describes it. */
struct dma_dev {
	struct cli *cli;
	struct uiosva_dev *dev;
	const struct profile *prof;
	int bar;
	bool verbose;
};

struct dma_result {
	uint64_t status;
	uint64_t error;
	uint64_t fault_addr;
	uint64_t result;
	uint64_t stuck_status; /* status when the timeout struck */
	uint64_t page_requests; /* sent during the operation */
	uint64_t elapsed_ns;
	bool by_irq;
	bool timed_out;
	bool aborted;
	bool irq_missing;
};

struct dma_job {
	struct dma_dev *d;
	const struct dma_opts *o;
	uint64_t pasid;	  /* what is written to the pasid register */
	uint64_t pattern; /* the pattern register's value */
	bool use_irq;
	unsigned long iter;
	struct dma_buf src;
	struct dma_buf dst;
	struct dma_result res;
};

/* dma_opts.c */
int dma_parse_opts(struct cli *cli, int argc, char **argv,
		   struct dma_opts *o);
const char *buf_kind_name(enum buf_kind kind);

/* dma_profile.c */
int dma_load_profile(struct cli *cli, const struct dma_opts *o,
		     const struct uiosva_info *info, struct profile *p);

/* dma_buf.c */
int buf_alloc(struct dma_buf *b, enum buf_kind kind, size_t len,
	      size_t offset);
int buf_seal(struct dma_buf *b);
void buf_free(struct dma_buf *b);
int stack_limit_ok(size_t need);

/* dma_data.c */
uint64_t fnv1a64(const uint8_t *p, size_t len);
uint64_t pattern_register(uint64_t pattern, unsigned width);
void prepare_data(struct dma_job *job);
int verify_data(struct dma_job *job, char *msg, size_t size);

/* dma_regs.c */
int reg_write(struct dma_dev *d, enum prof_reg r, uint64_t value);
int reg_read(struct dma_dev *d, enum prof_reg r, uint64_t *value);
int reg_read_quiet(struct dma_dev *d, enum prof_reg r, uint64_t *value);
bool reg_has(const struct dma_dev *d, enum prof_reg r);

/* dma_run.c */
int dma_execute(struct dma_job *job);

/* dma_report.c */
int dma_report(struct dma_job *job);

#endif

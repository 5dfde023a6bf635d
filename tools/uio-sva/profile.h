/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * profile.h - device profiles: the register map of a DMA-capable device,
 * read from a small text file (see uio-sva(1), PROFILES).
 */
#ifndef UIOSVA_CLI_PROFILE_H
#define UIOSVA_CLI_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prof_reg {
	REG_ID,
	REG_VERSION,
	REG_PASID,
	REG_SRC,
	REG_DST,
	REG_LEN,
	REG_PATTERN,
	REG_OP,
	REG_IRQ_ENABLE,
	REG_DOORBELL,
	REG_STATUS,
	REG_ERROR,
	REG_IRQ_STATUS,
	REG_FAULT_ADDR,
	REG_RESULT,
	REG_COMPLETIONS,
	REG_CTRL,
	REG_PAGE_REQUESTS,
	REG_COUNT
};

enum prof_op { OP_FILL, OP_COPY, OP_CHECKSUM, OP_COUNT };

enum prof_status { ST_BUSY, ST_DONE, ST_ERROR, ST_COUNT };

#define PROF_MAX_DEVICES 16
#define PROF_MAX_ERRORS 64
#define PROF_MAX_EXPECTS 8
#define PROF_NAME_MAX 64
#define PROF_DESC_MAX 128

struct prof_regdef {
	int line;	 /* 0 when the profile does not define it */
	uint64_t offset; /* in the BAR */
	unsigned width;	 /* bytes: 1, 2, 4 or 8 */
};

struct prof_value {
	int line; /* 0 when not set */
	uint64_t value;
};

struct prof_error {
	uint64_t code;
	char name[PROF_NAME_MAX];
	char desc[PROF_DESC_MAX];
};

struct prof_expect {
	enum prof_reg reg;
	uint64_t value;
	int line;
};

struct profile {
	char name[PROF_NAME_MAX];
	int ndevices;
	struct {
		uint16_t vendor;
		uint16_t device;
	} devices[PROF_MAX_DEVICES];
	struct prof_value bar;
	struct prof_regdef regs[REG_COUNT];
	struct prof_value ops[OP_COUNT];
	struct prof_value status[ST_COUNT];
	int nerrors;
	struct prof_error errors[PROF_MAX_ERRORS];
	int nexpects;
	struct prof_expect expects[PROF_MAX_EXPECTS];
	struct prof_value no_pasid;
	struct prof_value pasid_bits;	    /* default 20 */
	struct prof_value max_len;	    /* 0: no limit */
	struct prof_value doorbell_value;   /* default 1 */
	struct prof_value irq_enable_value; /* default 1 */
	struct prof_value irq_ack_value;    /* default 1 */
	struct prof_value abort_value;	    /* written to ctrl */
	struct prof_value checksum;	    /* 1 = fnv1a64 */
};

/*
 * struct prof_msgs - the parser's complaints, one per line, each
 * "FILE:LINE: message" (or "FILE: message" for a missing key).
 */
struct prof_msgs {
	char *buf;
	size_t size;
	size_t len;
	int count;
};

const char *prof_reg_name(enum prof_reg reg);
const char *prof_op_name(enum prof_op op);
int prof_op_parse(const char *name, enum prof_op *op);
const struct prof_error *prof_find_error(const struct profile *p,
					 uint64_t code);
bool prof_matches(const struct profile *p, uint16_t vendor, uint16_t device);

/* Parse @text; 0 when valid, else the number of messages in @msgs. */
int profile_parse(const char *text, const char *file, struct profile *p,
		  struct prof_msgs *msgs);
/* Read and parse @path; a read failure is one message. */
int profile_load(const char *path, struct profile *p, struct prof_msgs *msgs);

#endif

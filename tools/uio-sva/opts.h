/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opts.h - command-line option parsing and number parsing for uio-sva.
 * A thin layer over getopt_long(3): a table of struct optdef per command,
 * reset for each command line (optind = 0), so that tests can parse many.
 */
#ifndef UIOSVA_CLI_OPTS_H
#define UIOSVA_CLI_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_MAX_DEFS 40 /* options of one command */

/* Return values of opt_next() besides an option's id (which is > 0). */
#define OPT_END 0	  /* no more arguments */
#define OPT_POSITIONAL -1 /* *arg is a positional argument */
#define OPT_ERROR -2	  /* p->msg says what is wrong */

struct optdef {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 when none */
	int has_arg;	  /* 1 when the option takes a value */
	int id;		  /* > 0 */
};

struct optparser {
	int argc;
	char **argv;
	int next;		  /* index of the next argument */
	int only_positional;	  /* after "--" or the last option */
	const struct optdef *defs; /* ends with a zeroed entry */
	struct option longopts[OPT_MAX_DEFS + 1];
	char shortopts[3 * OPT_MAX_DEFS + 3];
	char msg[160];
};

void opt_init(struct optparser *p, int argc, char **argv,
	      const struct optdef *defs);
int opt_next(struct optparser *p, const char **arg);

int parse_u64(const char *s, uint64_t *value);
int parse_size(const char *s, uint64_t *value);
int parse_int(const char *s, long min, long max, long *value);
void format_size(uint64_t bytes, char *buf, size_t size);

#endif

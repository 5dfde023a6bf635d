/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bindstate.h - sysfs writes for binding and the record of the previous
 * driver (STATE-DIR/BDF, lines "driver=NAME" and "override=NAME").
 */
#ifndef UIOSVA_CLI_BINDSTATE_H
#define UIOSVA_CLI_BINDSTATE_H

#include "cli.h"

struct bind_record {
	char driver[UIOSVA_NAME_MAX];	/* "" when the device had none */
	char override[UIOSVA_NAME_MAX]; /* "" when driver_override was unset */
};

int sysfs_write(const char *path, const char *value);
int device_driver(struct cli *cli, const char *bdf, char *buf, size_t size);
int device_override(struct cli *cli, const char *bdf, char *buf,
		    size_t size);
int record_save(struct cli *cli, const char *bdf,
		const struct bind_record *rec);
int record_load(struct cli *cli, const char *bdf, struct bind_record *rec);
void record_remove(struct cli *cli, const char *bdf);
int record_path(struct cli *cli, const char *bdf, char *buf, size_t size);

#endif

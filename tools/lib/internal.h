/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - libuiosva internals shared between its source files.
 * Nothing here is exported from the shared library.
 */
#ifndef UIOSVA_INTERNAL_H
#define UIOSVA_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "uiosva.h"

#define UIOSVA_VERSION_STRING "1.1.0"

/*
 * The smallest @size a caller may pass: the 1.0 layouts. Members added
 * later are written only when the caller's @size covers them.
 */
#define UIOSVA__ERROR_SIZE_1_0 \
	(offsetof(struct uiosva_error, msg) + UIOSVA_MSG_MAX)
#define UIOSVA__INFO_SIZE_1_0 \
	(offsetof(struct uiosva_info, ports) + \
	 UIOSVA_MAX_PORTS * sizeof(struct uiosva_port))

/* One mmap()ed BAR. */
struct uiosva__bar {
	void *base;		/* what mmap() returned, NULL when unmapped */
	size_t len;		/* the mapping's length */
	volatile uint8_t *regs; /* base + the map's page offset */
	uint64_t size;		/* the BAR's size */
};

struct uiosva_dev {
	int fd;
	char sysfs_root[UIOSVA_PATH_MAX];
	char dev_root[UIOSVA_PATH_MAX];
	char dev_path[UIOSVA_PATH_MAX];
	char sysfs_path[UIOSVA_PATH_MAX];
	struct uiosva_info info;
	struct uiosva__bar bars[UIOSVA_MAX_BARS];
	struct uiosva_error err;
};

/* error.c */
bool uiosva__err_usable(const struct uiosva_error *err);
void uiosva__clear(struct uiosva_error *err);
int uiosva__fail(struct uiosva_error *err, enum uiosva_errkind kind,
		 int errnum, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int uiosva__sysfail(struct uiosva_error *err, int errnum, const char *op,
		    const char *path);

/* sysfs.c: paths and small files. */
const char *uiosva__sysfs_root(const struct uiosva_config *cfg);
const char *uiosva__dev_root(const struct uiosva_config *cfg);
int uiosva__path(char *buf, size_t size, struct uiosva_error *err,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int uiosva__read_line(const char *path, char *buf, size_t size,
		      struct uiosva_error *err);
int uiosva__read_u64(const char *path, uint64_t *value,
		     struct uiosva_error *err);
int uiosva__link_name(const char *path, char *buf, size_t size,
		      struct uiosva_error *err);
bool uiosva__exists(const char *path);
int uiosva__parse_u64(const char *s, uint64_t *value);

/* maps.c */
int uiosva__parse_bar_name(const char *name);
int uiosva__read_maps(const char *sysfs, struct uiosva_info *info,
		      struct uiosva_error *err);

/* lookup.c */
int uiosva__resolve(const struct uiosva_config *cfg, const char *name,
		    struct uiosva_info *info, struct uiosva_error *err);

/* bar.c */
void uiosva__unmap_all(struct uiosva_dev *dev);
int uiosva__bar_regs(struct uiosva_dev *dev, int bar,
		     struct uiosva__bar **out);

#endif /* UIOSVA_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fakesys.h - fake sysfs and /dev trees in a mkdtemp() directory, so that
 * the library and the command run without root or a device; a tiny fake
 * kernel for bind/unbind; syscall failure injection (wrap.c).
 */
#ifndef UIOSVA_FAKESYS_H
#define UIOSVA_FAKESYS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fake {
	char root[PATH_MAX];
	char sys[PATH_MAX];
	char dev[PATH_MAX];
	char state[PATH_MAX];
	char profiles[PATH_MAX];
	char default_driver[64]; /* what drivers_probe binds without override */
	bool refuse_bind;	 /* the fake uio_pci_sva refuses devices */
};

struct fake_map {
	const char *name;
	uint64_t addr;
	uint64_t size;
	uint64_t offset;
};

int fake_init(struct fake *f);
void fake_cleanup(struct fake *f);
/* Write @content to root/@rel (parents created). */
int fake_write(struct fake *f, const char *rel, const char *content);
int fake_write_bin(struct fake *f, const char *rel, const void *buf,
		   size_t len);
int fake_writef(struct fake *f, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *fake_read(struct fake *f, const char *rel); /* malloc()ed, or NULL */
int fake_symlink(struct fake *f, const char *target, const char *rel);
bool fake_exists(struct fake *f, const char *rel);
/* sys/bus/pci/drivers/@name with bind and unbind files. */
int fake_driver(struct fake *f, const char *name);
/* A PCI device, bound to @driver (NULL: none). */
int fake_pci(struct fake *f, const char *bdf, unsigned vendor,
	     unsigned device, const char *driver);
int fake_bind(struct fake *f, const char *bdf, const char *driver);
int fake_unbind(struct fake *f, const char *bdf);
/* A uio node for @bdf, with memory maps and a dev/@uio file of 1 MiB. */
int fake_uio(struct fake *f, const char *bdf, const char *uio,
	     const struct fake_map *maps, int nmaps);
/* The test device: 1234:5356 bound, uio0, BAR0 4K + BAR2 64K, port BAR4. */
int fake_testdev(struct fake *f, const char *bdf, const char *uio);
int fake_testdev_uio(struct fake *f, const char *bdf, const char *uio);
/* sva_status, pasid (negative: ENODATA), sva_pid, sva_comm. */
int fake_sva(struct fake *f, const char *bdf, const char *status,
	     long pasid, int pid, const char *comm);
/* The fake kernel: act on unbind, bind and drivers_probe writes. */
void fake_kernel_step(struct fake *f);

/* wrap.c: failure injection for the library's open(), read(), write(). */
void wrap_fail_open(const char *suffix, int err); /* NULL suffix: none */
void wrap_fail_irq_write(int err);		  /* 0: none */
/* madvise() as before Linux 5.14 (no MADV_POPULATE_*); resets the count. */
void wrap_madvise_old_kernel(int on);
int wrap_madvise_calls(void);			  /* since the last reset */
/* A sysfs file whose content starts with this fails read() with errno. */
#define WRAP_ERRNO_MARK "!errno="

#endif

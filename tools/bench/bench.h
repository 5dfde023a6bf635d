/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - uio-sva-bench, the in-guest benchmark: what SVA costs and saves
 * against VFIO type1, uio_pci_generic and VFIO eventfds on the same test
 * device (uio-sva-testdev), in one boot.
 *
 * Output: KTAP (one case per measurement, see main.c) and, for the host,
 * one CSV row per run of every figure, as a KTAP diagnostic line (so that
 * the runner's verdict, which allows nothing but diagnostics after the last
 * result, accepts the closing section's rows):
 *
 *   # BENCHCSV,section,metric,variant,param,run,value,unit,note
 *
 * and # BENCHINFO,key,value lines that describe the guest. The host
 * (tools/bench/run-bench.sh, report.py) takes medians, min, max and the
 * pair-wise ratios.
 */
#ifndef UIO_SVA_BENCH_H
#define UIO_SVA_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktest.h"

#define KiB (1024ull)
#define MiB (1024ull * KiB)
#define PAGE_4K (4096ull)
#define PMD_2M (2ull * MiB)

#define BENCH_MAX_DEVS 8
#define BENCH_MAX_SIZES 8
#define BENCH_BDF_MAX 32
#define BENCH_PATH_MAX 256

#define DRV_SVA "uio_pci_sva"
#define DRV_GENERIC "uio_pci_generic"
#define DRV_VFIO "vfio-pci"

/* ---------------------------------------------------------------- options */

enum bench_section {
	SEC_SETUP = 1u << 0,
	SEC_FAULT = 1u << 1,
	SEC_IRQ = 1u << 2,
	SEC_OPEN = 1u << 3,
	SEC_SCALE = 1u << 4,
	SEC_STEADY = 1u << 5,
	SEC_INVAL = 1u << 6,
	SEC_MEM = 1u << 7,
	SEC_ALL = (1u << 8) - 1,
};

struct size_list {
	int n;
	uint64_t v[BENCH_MAX_SIZES];
};

struct bench_opts {
	bool smoke;
	unsigned int sections;		/* enum bench_section bits */
	int runs;			/* runs per figure (>= 5 in full runs) */
	struct size_list setup_sizes;	/* setup: SVA vs VFIO, per buffer */
	struct size_list fault_4k;	/* faults with MADV_NOHUGEPAGE */
	struct size_list fault_thp;	/* faults with THP (the default) */
	int irq_iters;			/* interrupts per run and path */
	int open_iters;			/* open/close per run, same process */
	int open_fresh;			/* open/close per run, new processes */
	int open_vfio;			/* VFIO device opens per run and variant */
	int scale_max;			/* most processes (devices) */
	int scale_ms;			/* how long each process works */
	uint64_t scale_len;		/* bytes per DMA in the scale test */
	struct size_list inval_sizes;	/* inval: buffers the device touched */
	struct size_list mem_sizes;	/* mem: pinned and IOMMU table pages */
};

/* ------------------------------------------------------------------ state */

struct bench {
	struct bench_opts opt;
	struct ktest t;
	int ndev;
	char bdf[BENCH_MAX_DEVS][BENCH_BDF_MAX];
};

/*
 * A pair of identical test devices for the comparisons: @sva is bound to
 * uio_pci_sva, @alt to the alternative. Runs alternate the roles, so that
 * every path is measured on both device instances.
 */
struct pair {
	const char *sva;
	const char *alt;
};

/* ----------------------------------------------------------------- out.c */

uint64_t now_ns(void);
void out_row(const char *section, const char *metric, const char *variant,
	     const char *param, int run, double value, const char *unit,
	     const char *note);
void out_info(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
double median_u64(uint64_t *v, int n);
const char *size_name(uint64_t bytes, char *buf, size_t size);
int sys_fail(const char *call, const char *path);
struct pair pair_for_run(const struct bench *b, int run);

/* ---------------------------------------------------------------- regs.c */

/* BAR0 of a test device, however it was mapped. */
struct tdev {
	volatile uint8_t *bar0;
	const char *name;	/* for messages: the BDF */
};

struct dma_job {
	uint32_t pasid;		/* TD_NO_PASID for untagged DMA */
	uint64_t dst;		/* virtual address or IOVA */
	uint64_t len;
	bool irq;		/* completion interrupt */
};

struct dev_stats {
	uint64_t ats;
	uint64_t pri;
	uint32_t completions;
};

uint32_t td_r32(const struct tdev *d, unsigned int off);
uint64_t td_r64(const struct tdev *d, unsigned int off);
void td_w32(const struct tdev *d, unsigned int off, uint32_t v);
void td_w64(const struct tdev *d, unsigned int off, uint64_t v);
int td_check_id(const struct tdev *d);
void td_program(const struct tdev *d, const struct dma_job *job);
void td_doorbell(const struct tdev *d);
int td_result(const struct tdev *d, const char *what);
void td_get_stats(const struct tdev *d, struct dev_stats *s);
struct irq_path;
int dma_run(const struct tdev *d, const struct irq_path *irq,
	    const struct dma_job *job, uint64_t *ns);

/* ----------------------------------------------------------------- irq.c */

enum irq_mode {
	IRQ_UIO_MSI,	/* uio_pci_sva, MSI-X: read() the count */
	IRQ_UIO_INTX,	/* uio_pci_generic, INTx: unmask in config space */
	IRQ_VFIO_MSIX,	/* VFIO, MSI-X eventfd */
	IRQ_VFIO_INTX,	/* VFIO, INTx eventfd, VFIO unmask */
};

struct irq_path {
	enum irq_mode mode;
	int wait_fd;		/* /dev/uioX or an eventfd */
	int ctl_fd;		/* sysfs config (INTx) or the VFIO device */
	const char *path;	/* for messages */
};

int irq_wait(const struct irq_path *p);
int irq_wait_timeout(const struct irq_path *p, int timeout_ms);
int irq_rearm(const struct irq_path *p, const struct tdev *d);
int watchdog_arm(int seconds);
void watchdog_disarm(void);

/* ---------------------------------------------------------------- drv.c */

int drv_bind(const char *bdf, const char *driver);
int drv_uio_path(const char *bdf, char *path, size_t size);
int drv_group(const char *bdf, int *group);
int drv_irq_route(const char *bdf, int cpu);
int cfg_open(const char *bdf);
int cfg_set_master(int cfg_fd, const char *bdf);
int cfg_intx_unmask(int cfg_fd);

/* ---------------------------------------------------------------- vfio.c */

struct vfio {
	int container;
	int group;
	int device;
	int efd;
	int irq_index;		/* VFIO_PCI_*_IRQ_INDEX that is on, or -1 */
	uint64_t cfg_off;	/* config space region offset */
	void *bar0_map;
	size_t bar0_size;
	char group_path[64];
	struct tdev regs;
};

int vfio_open(struct vfio *v, const char *bdf);
void vfio_close(struct vfio *v);
int vfio_map(const struct vfio *v, void *va, uint64_t iova, uint64_t len);
int vfio_unmap(const struct vfio *v, uint64_t iova, uint64_t len);
int vfio_irq_msix(struct vfio *v, struct irq_path *p);
int vfio_irq_intx(struct vfio *v, struct irq_path *p);
int vfio_irq_off(struct vfio *v);
int vfio_intx_unmask(int device_fd);
bool iommufd_available(void);

/* ----------------------------------------------------------------- sva.c */

struct uiosva_dev;

struct sva {
	struct uiosva_dev *dev;
	uint32_t pasid;
	struct tdev regs;
	struct irq_path irq;
};

/* One SVA fill: its time and the translation and page requests it took. */
struct sva_sample {
	uint64_t ns;		/* the prefault (BUF_PREFAULTED) and the DMA */
	uint64_t prefault;	/* the uiosva_prefault() part of ns, else 0 */
	uint64_t pri;
	uint64_t ats;
};

int sva_open(struct sva *s, const char *bdf);
void sva_close(struct sva *s);

/* generic UIO (uio_pci_generic): BAR0 through sysfs, INTx */
struct generic {
	int uio_fd;
	int cfg_fd;
	void *bar0_map;
	size_t bar0_size;
	char uio_path[64];
	struct tdev regs;
	struct irq_path irq;
};

int generic_open(struct generic *g, const char *bdf);
void generic_close(struct generic *g);
int bar0_mmap_sysfs(const char *bdf, void **map, size_t *size);

/* ----------------------------------------------------------------- buf.c */

enum buf_kind {
	BUF_FRESH,	/* never touched: the first DMA faults every page in */
	BUF_TOUCHED,	/* the CPU wrote every byte before the DMA */
	BUF_PREFAULTED,	/* never touched; uiosva_prefault() before the DMA */
};

enum buf_pages {
	PAGES_DEFAULT,	/* plain mmap(): THP where the kernel aligns it */
	PAGES_4K,	/* MADV_NOHUGEPAGE: one fault per 4 KiB page */
	PAGES_THP,	/* 2 MiB aligned, THP (the guest's default "always") */
};

struct buf {
	void *map;	/* what to munmap */
	size_t map_len;
	void *p;	/* the buffer */
	uint64_t len;
};

int buf_get(struct buf *b, uint64_t len, enum buf_kind kind,
	    enum buf_pages pages);

/* sva.c: one SVA fill of a fresh buffer of @kind and @pages. */
int sva_fill_sample(struct sva *s, uint64_t len, enum buf_kind kind,
		    enum buf_pages pages, struct sva_sample *r);
void buf_put(struct buf *b);

/* ------------------------------------------------------------- sections */

int sec_setup(struct bench *b);
int sec_fault(struct bench *b);
int sec_irq(struct bench *b);
int sec_open(struct bench *b);
int sec_scale(struct bench *b);
int sec_steady(struct bench *b);
int sec_inval(struct bench *b);
int sec_mem(struct bench *b);

/* drv.c, needing struct sva and struct vfio: both paths of a comparison */
int pair_open(const struct pair *pr, struct sva *s, struct vfio *v);

#endif /* UIO_SVA_BENCH_H */

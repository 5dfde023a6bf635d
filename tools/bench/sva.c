// SPDX-License-Identifier: GPL-2.0
/*
 * sva.c - the two UIO paths: uio_pci_sva through libuiosva (open binds the
 * address space; PASID; BAR0; MSI-X through read()), and uio_pci_generic
 * (BAR0 through sysfs resource0, INTx, bus mastering by hand).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "uiosva.h"

/* Open @bdf (bound to uio_pci_sva): bind, PASID, BAR0, interrupt on. */
int sva_open(struct sva *s, const char *bdf)
{
	struct uiosva_error err = UIOSVA_ERROR_INIT;
	uint64_t size;
	void *bar;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = uiosva_open(NULL, bdf, 0, &s->dev, &err);
	if (ret) {
		ktest_diag("error: %s", err.msg);
		return ret;
	}
	ret = uiosva_pasid(s->dev, &s->pasid);
	if (!ret)
		ret = uiosva_bar_map(s->dev, 0, &bar, &size);
	if (!ret)
		ret = uiosva_irq_unmask(s->dev);
	if (ret) {
		ktest_diag("error: %s", uiosva_last_error(s->dev)->msg);
		sva_close(s);
		return ret;
	}
	s->regs.bar0 = bar;
	s->regs.name = uiosva_info(s->dev)->bdf;
	s->irq.mode = IRQ_UIO_MSI;
	s->irq.wait_fd = uiosva_fd(s->dev);
	s->irq.ctl_fd = -1;
	s->irq.path = uiosva_dev_path(s->dev);
	return td_check_id(&s->regs);
}

void sva_close(struct sva *s)
{
	uiosva_close(s->dev);
	s->dev = NULL;
}

/* mmap BAR0 through /sys/bus/pci/devices/BDF/resource0. */
int bar0_mmap_sysfs(const char *bdf, void **map, size_t *size)
{
	char path[BENCH_PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return sys_fail("open", path);
	if (fstat(fd, &st)) {
		close(fd);
		return sys_fail("fstat", path);
	}
	*size = (size_t)st.st_size;
	*map = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (*map == MAP_FAILED) {
		*map = NULL;
		return sys_fail("mmap", path);
	}
	return 0;
}

/* Open @bdf (bound to uio_pci_generic) as a uio_pci_generic user would. */
int generic_open(struct generic *g, const char *bdf)
{
	int ret;

	memset(g, 0, sizeof(*g));
	g->uio_fd = g->cfg_fd = -1;
	ret = drv_uio_path(bdf, g->uio_path, sizeof(g->uio_path));
	if (ret)
		return ret;
	g->uio_fd = open(g->uio_path, O_RDWR | O_CLOEXEC);
	if (g->uio_fd < 0)
		return sys_fail("open", g->uio_path);
	g->cfg_fd = cfg_open(bdf);
	ret = g->cfg_fd < 0 ? g->cfg_fd : cfg_set_master(g->cfg_fd, bdf);
	if (!ret)
		ret = bar0_mmap_sysfs(bdf, &g->bar0_map, &g->bar0_size);
	if (ret) {
		generic_close(g);
		return ret;
	}
	g->regs.bar0 = g->bar0_map;
	g->regs.name = bdf;
	g->irq.mode = IRQ_UIO_INTX;
	g->irq.wait_fd = g->uio_fd;
	g->irq.ctl_fd = g->cfg_fd;
	g->irq.path = g->uio_path;
	ret = cfg_intx_unmask(g->cfg_fd);
	return ret ? ret : td_check_id(&g->regs);
}

void generic_close(struct generic *g)
{
	if (g->bar0_map)
		munmap(g->bar0_map, g->bar0_size);
	g->bar0_map = NULL;
	if (g->cfg_fd >= 0)
		close(g->cfg_fd);
	if (g->uio_fd >= 0)
		close(g->uio_fd);
	g->cfg_fd = g->uio_fd = -1;
}

/*
 * Fill a buffer of @kind and @pages by SVA DMA (a BUF_PREFAULTED one is
 * handed to uiosva_prefault() first, timed with it); 0, or -errno.
 */
int sva_fill_sample(struct sva *s, uint64_t len, enum buf_kind kind,
		    enum buf_pages pages, struct sva_sample *r)
{
	struct dma_job job = { .pasid = s->pasid, .len = len, .irq = true };
	struct dev_stats a, z;
	uint64_t t0, dma = 0;
	struct buf buf;
	int ret = buf_get(&buf, len, kind, pages);

	if (ret)
		return ret;
	job.dst = (uintptr_t)buf.p;
	td_get_stats(&s->regs, &a);
	t0 = now_ns();
	if (kind == BUF_PREFAULTED) {
		ret = uiosva_prefault(buf.p, len, 1);
		if (ret)
			ktest_diag("error: uiosva_prefault: %s", strerror(-ret));
	}
	r->prefault = kind == BUF_PREFAULTED ? now_ns() - t0 : 0;
	if (!ret)
		ret = dma_run(&s->regs, &s->irq, &job, &dma);
	r->ns = r->prefault + dma;
	td_get_stats(&s->regs, &z);
	r->pri = z.pri - a.pri;
	r->ats = z.ats - a.ats;
	buf_put(&buf);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tcg-mmio-race - the reproducer of QEMU patch 0005 (physmem: resolve a TLB
 * entry's section in the map it was filled from).
 *
 * One vCPU reads the ID register of test device R through its sysfs
 * resource0 mapping, as fast as it can; the other vCPU toggles Memory Space
 * Enable of test device T through its config space, which maps and unmaps
 * T's BARs and so renumbers the sections of the CPU's address space. Each
 * read must return the ID. Under TCG, QEMU 10.2.2 resolves the section
 * index of the reader's TLB entry in the new map before the reader's TLB
 * is flushed, so a read lands on another section (a wrong value) or QEMU
 * aborts in iotlb_to_section(). Both directions are run (T below R in the
 * address map, then above), since only sections after the changed ones
 * are renumbered.
 *
 *   tcg-mmio-race [TOGGLES]   (default 20000 per direction)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"
#include "sysfs.h"
#include "testdev.h"

#define PAGE		4096
#define PCI_COMMAND	4
#define PCI_COMMAND_MEMORY 0x2

/* What the reader counts, shared with the parent. */
struct reads {
	volatile int stop;
	unsigned long n, bad;
	uint32_t first_bad;
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static volatile uint32_t *map_bar0(const char *bdf)
{
	char path[128];
	void *m;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	if (sysfs_write(path, "1"))
		return NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return m == MAP_FAILED ? NULL : m;
}

static void reader(volatile uint32_t *id, struct reads *r)
{
	uint32_t v;

	if (pin(1))
		_exit(1);
	while (!r->stop) {
		v = id[TD_ID / 4];
		r->n++;
		if (v != TD_ID_VALUE && !r->bad++)
			r->first_bad = v;
	}
	_exit(0);
}

/* Toggle Memory Space Enable of @bdf @toggles times; 0 or -errno. */
static int toggle(const char *bdf, int toggles)
{
	char path[128];
	uint16_t cmd, v;
	int fd, i, ret = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (pread(fd, &cmd, 2, PCI_COMMAND) != 2) {
		close(fd);
		return -EIO;
	}
	for (i = 0; i < toggles && !ret; i++) {
		v = i & 1 ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
		if (pwrite(fd, &v, 2, PCI_COMMAND) != 2)
			ret = -errno;
	}
	if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2 && !ret)
		ret = -errno;
	close(fd);
	return ret;
}

static void race(struct ktest *t, const char *toggled, const char *read,
		 int toggles)
{
	volatile uint32_t *id = map_bar0(read);
	struct reads *r;
	double t0;
	pid_t pid;
	int ret, status = -1;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!id || r == MAP_FAILED || map_bar0(toggled) == NULL) {
		ktest_result(t, false, "set-up: mapping BAR0 of %s / %s failed",
			     read, toggled);
		return;
	}
	memset(r, 0, sizeof(*r));
	pid = fork();
	if (pid == 0)
		reader(id, r);
	pin(0);
	usleep(100 * 1000);
	t0 = td_now();
	ret = toggle(toggled, toggles);
	r->stop = 1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	ktest_diag("toggled %s %d times in %.1f s (%s) while the other vCPU read %s's ID %lu times: %lu wrong (first 0x%08x)",
		   toggled, toggles, td_now() - t0, ret ? strerror(-ret) : "ok",
		   read, r->n, r->bad, r->first_bad);
	ktest_result(t, !ret && pid > 0 && status == 0 && r->n > 0 && !r->bad,
		     "MMIO reads of %s on one vCPU while %s's BARs are mapped and unmapped on the other: every read returns the ID",
		     read, toggled);
	munmap(r, sizeof(*r));
	munmap((void *)id, PAGE);
}

int main(int argc, char **argv)
{
	struct ktest t = { 0 };
	char a[32], b[32];
	int toggles = argc > 1 ? atoi(argv[1]) : 20000;

	ktest_plan(&t, 2);
	if (td_find(0, a, sizeof(a)) || td_find(1, b, sizeof(b)))
		return ktest_finish(&t);
	race(&t, a, b, toggles);
	race(&t, b, a, toggles);
	return ktest_finish(&t);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pcibar - read or write a register of a PCI memory BAR through sysfs.
 *
 *   pcibar DEV BAR OFFSET r32|r64          print the value (0x%08x / 0x%016llx)
 *   pcibar DEV BAR OFFSET w32|w64 VALUE    write VALUE
 *
 * DEV is either a PCI address (0000:00:01.0): BAR 0..5 is mapped through
 * /sys/bus/pci/devices/DEV/resourceBAR, which works while no driver owns
 * the BAR (the kernel refuses it to user space once a driver requested the
 * region); or a UIO device (/dev/uio0): BAR is then the UIO map index
 * (maps/mapN, mmap offset N pages), as a UIO user maps it.
 * OFFSET and VALUE in C notation (0x...). Exit 0 on success, 1 on error
 * (with a message), 2 on a usage error.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: pcibar BDF|/dev/uioN BAR|MAP OFFSET r32|r64|w32 VALUE|w64 VALUE\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	char path[256];
	uint64_t bar, off, val = 0;
	struct stat st;
	off_t mapoff = 0;
	int fd, width, write_op;
	volatile uint8_t *map;

	if (argc < 5)
		return usage();
	if (parse_u64(argv[2], &bar) || bar > 5 || parse_u64(argv[3], &off))
		return usage();
	if (!strcmp(argv[4], "r32") || !strcmp(argv[4], "w32"))
		width = 4;
	else if (!strcmp(argv[4], "r64") || !strcmp(argv[4], "w64"))
		width = 8;
	else
		return usage();
	write_op = argv[4][0] == 'w';
	if (write_op && (argc != 6 || parse_u64(argv[5], &val)))
		return usage();
	if (!write_op && argc != 5)
		return usage();

	if (!strncmp(argv[1], "/dev/uio", 8)) {
		char spath[256];
		FILE *f;
		unsigned long long size = 0;

		snprintf(spath, sizeof(spath), "/sys/class/uio/%s/maps/map%" PRIu64 "/size",
			 argv[1] + 5, bar);
		f = fopen(spath, "r");
		if (!f || fscanf(f, "%llx", &size) != 1) {
			fprintf(stderr, "pcibar: %s: cannot read the map size\n", spath);
			return 1;
		}
		fclose(f);
		snprintf(path, sizeof(path), "%s", argv[1]);
		st.st_size = (off_t)size;
		mapoff = (off_t)(bar * (uint64_t)sysconf(_SC_PAGESIZE));
		fd = open(path, O_RDWR);
	} else {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%" PRIu64,
			 argv[1], bar);
		fd = open(path, write_op ? O_RDWR : O_RDONLY);
		if (fd >= 0 && fstat(fd, &st))
			fd = -1;
	}
	if (fd < 0) {
		fprintf(stderr, "pcibar: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (off % (uint64_t)width || off + (uint64_t)width > (uint64_t)st.st_size) {
		fprintf(stderr, "pcibar: offset 0x%" PRIx64 " is unaligned or beyond the BAR (size 0x%llx)\n",
			off, (unsigned long long)st.st_size);
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, write_op ? PROT_READ | PROT_WRITE : PROT_READ,
		   MAP_SHARED, fd, mapoff);
	if (map == MAP_FAILED) {
		fprintf(stderr, "pcibar: mmap %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write_op && width == 4)
		*(volatile uint32_t *)(map + off) = (uint32_t)val;
	else if (write_op)
		*(volatile uint64_t *)(map + off) = val;
	else if (width == 4)
		printf("0x%08" PRIx32 "\n", *(volatile uint32_t *)(map + off));
	else
		printf("0x%016" PRIx64 "\n", *(volatile uint64_t *)(map + off));
	munmap((void *)map, (size_t)st.st_size);
	close(fd);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration space of a device through sysfs
 * (/sys/bus/pci/devices/BDF/config, all 4 KiB for root): register reads
 * and capability lookup, so that tests can check what the kernel really
 * programmed (command register, MSI/MSI-X enable bits) and which
 * capabilities a device has; register reads and read-modify-writes on an
 * open descriptor (sysfs config, or a VFIO device's config region), as
 * the benchmark sets bus mastering and unmasks INTx. Header-only: each
 * guest program is one .c file.
 */
#ifndef UIO_SVA_PCICFG_H
#define UIO_SVA_PCICFG_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#define PCICFG_COMMAND		0x04
#define PCICFG_CMD_MASTER	0x0004
#define PCICFG_CMD_INTX_DISABLE	0x0400
#define PCICFG_STATUS		0x06
#define PCICFG_STATUS_INTX	0x0008	/* INTx asserted */
#define PCICFG_STATUS_CAPS	0x0010
#define PCICFG_CAP_PTR		0x34

#define PCICFG_CAP_MSI		0x05
#define PCICFG_CAP_MSIX		0x11
#define PCICFG_MSI_ENABLE	0x0001	/* in the Message Control word */
#define PCICFG_MSIX_ENABLE	0x8000

#define PCICFG_EXT_ATS		0x000f
#define PCICFG_EXT_PRI		0x0013
#define PCICFG_EXT_PASID	0x001b

/* pcicfg_open() - open @bdf's config file with @flags; a fd or -errno. */
static inline int pcicfg_open(const char *bdf, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * pcicfg_pread() - read @width (1, 2, 4) bytes at @off of an open config
 * space (little-endian); 0 or -errno.
 */
static inline int pcicfg_pread(int fd, off_t off, unsigned int width,
			       uint32_t *val)
{
	uint8_t b[4] = { 0 };
	ssize_t n = pread(fd, b, width, off);

	if (n < 0)
		return -errno;
	if (n != (ssize_t)width)
		return -EIO;
	*val = (uint32_t)b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

/* pcicfg_pwrite() - write @width (1, 2, 4) bytes at @off; 0 or -errno. */
static inline int pcicfg_pwrite(int fd, off_t off, unsigned int width,
				uint32_t val)
{
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8),
			 (uint8_t)(val >> 16), (uint8_t)(val >> 24) };
	ssize_t n = pwrite(fd, b, width, off);

	if (n < 0)
		return -errno;
	return n == (ssize_t)width ? 0 : -EIO;
}

/*
 * pcicfg_update16() - set @set and clear @clear in the 16-bit register at
 * @off (read, modify, write); 0 or -errno.
 */
static inline int pcicfg_update16(int fd, off_t off, uint16_t set,
				  uint16_t clear)
{
	uint32_t v = 0;
	int ret = pcicfg_pread(fd, off, 2, &v);

	if (ret)
		return ret;
	return pcicfg_pwrite(fd, off, 2, (uint16_t)((v | set) & ~clear));
}

/* pcicfg_read() - read @width (1, 2, 4) bytes at @off; 0 or -errno. */
static inline int pcicfg_read(const char *bdf, unsigned int off,
			      unsigned int width, uint32_t *val)
{
	int ret, fd = pcicfg_open(bdf, O_RDONLY);

	if (fd < 0)
		return fd;
	ret = pcicfg_pread(fd, off, width, val);
	close(fd);
	return ret;
}

/* pcicfg_read16() - a 16-bit register, 0xffff when it cannot be read. */
static inline uint16_t pcicfg_read16(const char *bdf, unsigned int off)
{
	uint32_t v;

	return pcicfg_read(bdf, off, 2, &v) ? 0xffff : (uint16_t)v;
}

/* pcicfg_find_cap() - offset of standard capability @id, or -ENOENT. */
static inline int pcicfg_find_cap(const char *bdf, unsigned int id)
{
	uint32_t v = 0, pos = 0;
	int hops;

	if (pcicfg_read(bdf, PCICFG_STATUS, 2, &v) || !(v & PCICFG_STATUS_CAPS) ||
	    pcicfg_read(bdf, PCICFG_CAP_PTR, 1, &pos))
		return -ENOENT;
	for (hops = 0; hops < 48 && pos >= 0x40; hops++) {
		pos &= ~3u;
		if (pcicfg_read(bdf, pos, 2, &v))
			return -ENOENT;
		if ((v & 0xff) == id)
			return (int)pos;
		pos = (v >> 8) & 0xff;
	}
	return -ENOENT;
}

/* pcicfg_find_ext_cap() - offset of extended capability @id, or -ENOENT. */
static inline int pcicfg_find_ext_cap(const char *bdf, unsigned int id)
{
	uint32_t hdr = 0, pos = 0x100;
	int hops;

	for (hops = 0; hops < 480 && pos >= 0x100; hops++) {
		if (pcicfg_read(bdf, pos, 4, &hdr) || hdr == 0 || hdr == ~0u)
			return -ENOENT;
		if ((hdr & 0xffff) == id)
			return (int)pos;
		pos = (hdr >> 20) & 0xffc;
	}
	return -ENOENT;
}

/* pcicfg_cap_enabled() - whether @bit of the capability's Message Control
 * word (at cap + 2) is set: 1, 0, or -ENOENT without the capability. */
static inline int pcicfg_cap_enabled(const char *bdf, unsigned int id,
				     uint16_t bit)
{
	int pos = pcicfg_find_cap(bdf, id);

	if (pos < 0)
		return pos;
	return (pcicfg_read16(bdf, (unsigned int)pos + 2) & bit) != 0;
}

#endif /* UIO_SVA_PCICFG_H */

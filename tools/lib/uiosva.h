/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uiosva.h - libuiosva, user-space access to PCI devices bound to the
 * uio_pci_sva driver (module uio_pci_generic_sva) with Shared Virtual
 * Addressing.
 *
 * The first open() of /dev/uioX binds the caller's address space to the
 * device; the device then takes plain virtual addresses (malloc(), mmap(),
 * the stack) tagged with the PASID that uiosva_pasid() returns.
 *
 * Conventions:
 *  - Functions that can fail return 0 on success and a negative errno value
 *    on failure. They never print and never exit.
 *  - Functions without a device handle fill a caller-supplied
 *    struct uiosva_error (which may be NULL); functions with a handle record
 *    the error in the handle, see uiosva_last_error().
 *  - Paths are built below the sysfs root and the dev root of a
 *    struct uiosva_config, so that tests can run against a fake tree.
 *
 * See libuiosva(3).
 */
#ifndef UIOSVA_H
#define UIOSVA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** UIOSVA_VERSION_MAJOR - major version; it is the soname version. */
#define UIOSVA_VERSION_MAJOR 1
/** UIOSVA_VERSION_MINOR - minor version; additions only. */
#define UIOSVA_VERSION_MINOR 1

/** UIOSVA_DRIVER - PCI driver name of the kernel driver. */
#define UIOSVA_DRIVER "uio_pci_sva"
/** UIOSVA_MODULE - name of the kernel module that provides the driver. */
#define UIOSVA_MODULE "uio_pci_generic_sva"

/** UIOSVA_MAX_MAPS - memory maps (memory BARs) a UIO device exposes. */
#define UIOSVA_MAX_MAPS 5
/** UIOSVA_MAX_PORTS - port regions (I/O-port BARs) a UIO device exposes. */
#define UIOSVA_MAX_PORTS 5
/** UIOSVA_MAX_BARS - PCI base address registers of a function. */
#define UIOSVA_MAX_BARS 6
/** UIOSVA_NO_PASID - value of struct uiosva_sva.pasid when there is none. */
#define UIOSVA_NO_PASID UINT32_MAX

#define UIOSVA_BDF_MAX 32   /* "0000:00:03.0" and a NUL, with room */
#define UIOSVA_NAME_MAX 64  /* uio names, driver names, map names */
#define UIOSVA_PATH_MAX 512 /* every path the library builds */
#define UIOSVA_MSG_MAX 768  /* struct uiosva_error.msg */

/**
 * struct uiosva_config - where the library looks for sysfs and /dev.
 * @sysfs_root: the sysfs mount point; NULL or "" means "/sys".
 * @dev_root: the device directory; NULL or "" means "/dev".
 *
 * A NULL struct uiosva_config pointer means both defaults.
 */
struct uiosva_config {
	const char *sysfs_root;
	const char *dev_root;
};

/**
 * enum uiosva_errkind - what kind of failure a struct uiosva_error records.
 * @UIOSVA_ERR_NONE: no error.
 * @UIOSVA_ERR_SYS: a system call on @path failed with @errnum.
 * @UIOSVA_ERR_ARG: the caller passed an invalid argument (EINVAL, ERANGE).
 * @UIOSVA_ERR_NO_DEVICE: no PCI device or UIO device of that name (ENOENT).
 * @UIOSVA_ERR_NOT_BOUND: the PCI device is not bound to uio_pci_sva
 *	(ENODEV); struct uiosva_info.driver names its driver, if any.
 * @UIOSVA_ERR_NO_UIO: bound to uio_pci_sva but no uio node (ENOENT).
 * @UIOSVA_ERR_OPEN: open() of /dev/uioX failed; @errnum is the driver's
 *	answer, see uiosva_open_reason().
 * @UIOSVA_ERR_NO_PASID: nothing is bound, the pasid attribute answered
 *	ENODATA.
 * @UIOSVA_ERR_NO_IRQ: the device has no interrupt (EIO from irqcontrol).
 * @UIOSVA_ERR_TIMEOUT: uiosva_irq_wait() timed out (ETIMEDOUT).
 */
enum uiosva_errkind {
	UIOSVA_ERR_NONE = 0,
	UIOSVA_ERR_SYS,
	UIOSVA_ERR_ARG,
	UIOSVA_ERR_NO_DEVICE,
	UIOSVA_ERR_NOT_BOUND,
	UIOSVA_ERR_NO_UIO,
	UIOSVA_ERR_OPEN,
	UIOSVA_ERR_NO_PASID,
	UIOSVA_ERR_NO_IRQ,
	UIOSVA_ERR_TIMEOUT,
};

/**
 * struct uiosva_error - the last failure, with its path and errno.
 * @size: set by the caller to sizeof(struct uiosva_error), as
 *	UIOSVA_ERROR_INIT does; the library writes only the members that fit
 *	in @size, so that later versions can add members at the end without
 *	a new soname. A function given a @size smaller than the 1.0 layout
 *	fails with -EINVAL and leaves the struct alone.
 * @errnum: positive errno value, 0 when there was no error.
 * @kind: an enum uiosva_errkind.
 * @path: the file the failing call worked on, "" when none.
 * @msg: one line for humans, e.g.
 *	"open /dev/uio0: Device or resource busy".
 */
struct uiosva_error {
	size_t size;
	int errnum;
	enum uiosva_errkind kind;
	char path[UIOSVA_PATH_MAX];
	char msg[UIOSVA_MSG_MAX];
};

/** UIOSVA_ERROR_INIT - initialiser of a struct uiosva_error. */
#define UIOSVA_ERROR_INIT { .size = sizeof(struct uiosva_error) }

/**
 * struct uiosva_map - one UIO memory map, i.e. one memory BAR.
 * @index: the UIO map number K (mmap offset K * page size).
 * @bar: the PCI BAR number parsed from the map name "BARn", -1 if the name
 *	is not of that form.
 * @name: the map name from sysfs.
 * @addr: the bus address of the BAR.
 * @size: the size of the BAR in bytes.
 * @offset: offset of the BAR start within its first page.
 */
struct uiosva_map {
	int index;
	int bar;
	char name[UIOSVA_NAME_MAX];
	uint64_t addr;
	uint64_t size;
	uint64_t offset;
};

/**
 * struct uiosva_port - one UIO port region, i.e. one I/O-port BAR.
 * @index: the UIO port region number.
 * @bar: the PCI BAR number parsed from "BARn", -1 if not of that form.
 * @name: the region name from sysfs.
 * @start: the first port.
 * @size: the number of ports.
 * @porttype: "port_x86", "port_gpio", "port_other" or "port_none".
 */
struct uiosva_port {
	int index;
	int bar;
	char name[UIOSVA_NAME_MAX];
	uint64_t start;
	uint64_t size;
	char porttype[UIOSVA_NAME_MAX];
};

/**
 * struct uiosva_info - what sysfs says about a PCI device.
 * @size: set by the caller to sizeof(struct uiosva_info) (UIOSVA_INFO_INIT)
 *	before uiosva_lookup(); growable like struct uiosva_error. The
 *	library sets it in the structs it hands out.
 * @bdf: the PCI address, "DDDD:BB:DD.F".
 * @uio: the UIO device name, e.g. "uio0"; "" when the device has none.
 * @uio_name: the content of /sys/class/uio/uioX/name; "" when none.
 * @driver: the PCI driver bound to the device; "" when none.
 * @vendor: the PCI vendor ID.
 * @device: the PCI device ID.
 * @nmaps: the number of entries in @maps.
 * @maps: memory maps in UIO map order.
 * @nports: the number of entries in @ports.
 * @ports: port regions in UIO order.
 */
struct uiosva_info {
	size_t size;
	char bdf[UIOSVA_BDF_MAX];
	char uio[UIOSVA_NAME_MAX];
	char uio_name[UIOSVA_NAME_MAX];
	char driver[UIOSVA_NAME_MAX];
	uint16_t vendor;
	uint16_t device;
	int nmaps;
	struct uiosva_map maps[UIOSVA_MAX_MAPS];
	int nports;
	struct uiosva_port ports[UIOSVA_MAX_PORTS];
};

/** UIOSVA_INFO_INIT - initialiser of a struct uiosva_info. */
#define UIOSVA_INFO_INIT { .size = sizeof(struct uiosva_info) }

/**
 * enum uiosva_sva_state - the keywords of the sva_status attribute.
 * @UIOSVA_SVA_UNKNOWN: the attribute is missing or holds an unknown word.
 * @UIOSVA_SVA_BOUND: an address space is bound.
 * @UIOSVA_SVA_READY: nothing is bound; open() binds.
 * @UIOSVA_SVA_NO_KERNEL_SVA: kernel without CONFIG_IOMMU_SVA.
 * @UIOSVA_SVA_BLOCKED_BY_KERNEL: the kernel refuses SVA on this arch.
 * @UIOSVA_SVA_NO_IOMMU: the device is not behind an IOMMU.
 * @UIOSVA_SVA_DEVICE_NO_PASID: the device has no PASID capability.
 * @UIOSVA_SVA_DEVICE_NO_ATS: the device has no ATS capability.
 * @UIOSVA_SVA_DEVICE_NO_PRI: the device has no PRI capability.
 * @UIOSVA_SVA_IOMMU_NO_SVA: the IOMMU refused SVA for the device.
 * @UIOSVA_SVA_PASID_EXHAUSTED: the last bind found no free PASID.
 * @UIOSVA_SVA_IOMMU_GROUP_SHARED: the device shares its IOMMU group, and the
 *	IOMMU attaches a PASID only to a device alone in its group.
 */
enum uiosva_sva_state {
	UIOSVA_SVA_UNKNOWN = 0,
	UIOSVA_SVA_BOUND,
	UIOSVA_SVA_READY,
	UIOSVA_SVA_NO_KERNEL_SVA,
	UIOSVA_SVA_BLOCKED_BY_KERNEL,
	UIOSVA_SVA_NO_IOMMU,
	UIOSVA_SVA_DEVICE_NO_PASID,
	UIOSVA_SVA_DEVICE_NO_ATS,
	UIOSVA_SVA_DEVICE_NO_PRI,
	UIOSVA_SVA_IOMMU_NO_SVA,
	UIOSVA_SVA_PASID_EXHAUSTED,
	UIOSVA_SVA_IOMMU_GROUP_SHARED,
};

/**
 * struct uiosva_sva - the SVA attributes of a device bound to uio_pci_sva.
 * @state: parsed from @status.
 * @status: the sva_status keyword as read, "" when unreadable.
 * @pasid: the bound PASID, UIOSVA_NO_PASID when nothing is bound.
 * @pasid_errno: 0 when @pasid is valid, else the errno of reading it
 *	(ENODATA: nothing is bound).
 * @pid: the process that bound, 0 when nothing is bound.
 * @comm: its command name, "" when nothing is bound.
 */
struct uiosva_sva {
	enum uiosva_sva_state state;
	char status[UIOSVA_NAME_MAX];
	uint32_t pasid;
	int pasid_errno;
	pid_t pid;
	char comm[UIOSVA_NAME_MAX];
};

/** struct uiosva_dev - an open device (opaque). */
struct uiosva_dev;

/**
 * typedef uiosva_list_fn - callback of uiosva_list().
 * @info: one device bound to uio_pci_sva.
 * @arg: the caller's pointer.
 *
 * Return: 0 to go on, anything else to stop; uiosva_list() returns it.
 */
typedef int (*uiosva_list_fn)(const struct uiosva_info *info, void *arg);

/**
 * uiosva_version() - the library version.
 *
 * Return: a static string such as "1.0.0".
 */
const char *uiosva_version(void);

/**
 * uiosva_parse_bdf() - normalise a PCI address.
 * @name: "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hexadecimal, any case.
 * @bdf: output buffer, "DDDD:BB:DD.F" in lower case.
 * @size: size of @bdf (UIOSVA_BDF_MAX is enough).
 *
 * Return: 0, or -EINVAL when @name is not a PCI address.
 */
int uiosva_parse_bdf(const char *name, char *bdf, size_t size);

/**
 * uiosva_lookup() - find a device in sysfs without opening it.
 * @cfg: the roots, or NULL for /sys and /dev.
 * @name: a PCI address ("0000:00:03.0", "00:03.0"), a UIO name ("uio0")
 *	or a device path ("/dev/uio0").
 * @info: filled with what sysfs says (also on UIOSVA_ERR_NOT_BOUND, so
 *	that the caller can name the current driver).
 * @err: the failure, or NULL.
 *
 * Succeeds only for devices bound to uio_pci_sva that have a uio node.
 *
 * Return: 0; -ENOENT (UIOSVA_ERR_NO_DEVICE or UIOSVA_ERR_NO_UIO), -ENODEV
 * (UIOSVA_ERR_NOT_BOUND), -EINVAL, or the errno of a failed sysfs read.
 */
int uiosva_lookup(const struct uiosva_config *cfg, const char *name,
		  struct uiosva_info *info, struct uiosva_error *err);

/**
 * uiosva_list() - call @fn for each device bound to uio_pci_sva.
 * @cfg: the roots, or NULL.
 * @fn: the callback, called in PCI address order.
 * @arg: passed to @fn.
 * @err: the failure, or NULL.
 *
 * Devices that vanish while the list is read are skipped.
 *
 * Return: 0 after the last device; the first non-zero value @fn returned;
 * -ENOENT (UIOSVA_ERR_NO_DEVICE) when the driver is not registered, i.e.
 * the module is not loaded; -ENOMEM; another -errno on a sysfs failure.
 */
int uiosva_list(const struct uiosva_config *cfg, uiosva_list_fn fn, void *arg,
		struct uiosva_error *err);

/**
 * uiosva_driver_loaded() - whether the uio_pci_sva driver is registered.
 * @cfg: the roots, or NULL.
 *
 * Return: 1 when <sysfs>/bus/pci/drivers/uio_pci_sva exists, else 0.
 */
int uiosva_driver_loaded(const struct uiosva_config *cfg);

/**
 * uiosva_read_sva() - read sva_status, pasid, sva_pid and sva_comm.
 * @cfg: the roots, or NULL.
 * @bdf: a PCI address (normalised with uiosva_parse_bdf()).
 * @sva: the result; missing attributes leave their fields empty.
 * @err: the failure, or NULL.
 *
 * Return: 0, or -errno when the device directory cannot be read or
 * sva_status is missing (a device not bound to uio_pci_sva).
 */
int uiosva_read_sva(const struct uiosva_config *cfg, const char *bdf,
		    struct uiosva_sva *sva, struct uiosva_error *err);

/**
 * uiosva_sva_state_parse() - map an sva_status keyword to its state.
 * @word: the keyword, with or without a trailing newline.
 *
 * Return: the state, UIOSVA_SVA_UNKNOWN for an unknown word.
 */
enum uiosva_sva_state uiosva_sva_state_parse(const char *word);

/**
 * uiosva_sva_state_name() - the sva_status keyword of a state.
 * @state: the state.
 *
 * Return: a static string, "unknown" for UIOSVA_SVA_UNKNOWN.
 */
const char *uiosva_sva_state_name(enum uiosva_sva_state state);

/**
 * uiosva_sva_state_errno() - the errno open() fails with in @state.
 * @state: the state.
 *
 * Return: a positive errno, or 0 when open() is expected to succeed
 * (ready, and unknown) or fails with EBUSY for another process (bound).
 */
int uiosva_sva_state_errno(enum uiosva_sva_state state);

/**
 * uiosva_open_reason() - what the driver means by an open() errno.
 * @errnum: a positive errno from open() of /dev/uioX.
 *
 * Return: a static one-line explanation (no trailing newline), or NULL
 * when the driver documents no meaning for @errnum.
 */
const char *uiosva_open_reason(int errnum);

/**
 * uiosva_open() - open a device and bind the caller's address space.
 * @cfg: the roots, or NULL.
 * @name: as for uiosva_lookup().
 * @flags: must be 0.
 * @devp: on success, the new handle; free it with uiosva_close().
 * @err: the failure, or NULL.
 *
 * Looks the device up, then opens /dev/uioX read-write; that open() binds
 * the address space and enables bus mastering.
 *
 * Return: 0; the errors of uiosva_lookup(); -ENOMEM; or the errno of
 * open() (UIOSVA_ERR_OPEN): -EBUSY another process's address space is
 * bound, -EOPNOTSUPP the kernel blocks SVA on x86 (use Linux 7.2 or
 * later), -ENODEV the device lacks PASID/ATS/PRI, -ENXIO the IOMMU cannot
 * do SVA for the device, -EPROTONOSUPPORT no CONFIG_IOMMU_SVA, -ENOSPC
 * no free PASID, -EACCES no permission on /dev/uioX.
 */
int uiosva_open(const struct uiosva_config *cfg, const char *name,
		unsigned int flags, struct uiosva_dev **devp,
		struct uiosva_error *err);

/**
 * uiosva_close() - unmap every BAR and close the device.
 * @dev: the handle, or NULL.
 *
 * The last close of /dev/uioX stops the device's DMA and unbinds the
 * address space: memory handed to the device may be freed only after it.
 */
void uiosva_close(struct uiosva_dev *dev);

/**
 * uiosva_last_error() - the last failure recorded in a handle.
 * @dev: the handle.
 *
 * Return: the error, with errnum 0 when the last call succeeded.
 */
const struct uiosva_error *uiosva_last_error(const struct uiosva_dev *dev);

/**
 * uiosva_info() - what sysfs said about the device when it was opened.
 * @dev: the handle.
 *
 * Return: the information, valid until uiosva_close().
 */
const struct uiosva_info *uiosva_info(const struct uiosva_dev *dev);

/**
 * uiosva_fd() - the file descriptor of /dev/uioX.
 * @dev: the handle.
 *
 * Return: the descriptor, owned by the handle.
 */
int uiosva_fd(const struct uiosva_dev *dev);

/**
 * uiosva_dev_path() - the path of /dev/uioX below the dev root.
 * @dev: the handle.
 *
 * Return: the path, valid until uiosva_close().
 */
const char *uiosva_dev_path(const struct uiosva_dev *dev);

/**
 * uiosva_sysfs_path() - the PCI device's sysfs directory.
 * @dev: the handle.
 *
 * Return: e.g. "/sys/bus/pci/devices/0000:00:03.0", valid until
 * uiosva_close().
 */
const char *uiosva_sysfs_path(const struct uiosva_dev *dev);

/**
 * uiosva_pasid() - read the PASID bound to the caller's address space.
 * @dev: the handle.
 * @pasid: the PASID.
 *
 * Return: 0; -ENODATA when nothing is bound (UIOSVA_ERR_NO_PASID); -ERANGE
 * for a value that is not a PASID; another -errno from sysfs.
 */
int uiosva_pasid(struct uiosva_dev *dev, uint32_t *pasid);

/**
 * uiosva_find_map() - the memory map of a BAR.
 * @dev: the handle.
 * @bar: the PCI BAR number, 0 to 5.
 *
 * Return: the map, or NULL when the BAR is not a memory BAR exposed by the
 * driver (the error is recorded: -EINVAL for a bad number, -ENOENT else).
 */
const struct uiosva_map *uiosva_find_map(struct uiosva_dev *dev, int bar);

/**
 * uiosva_bar_map() - mmap a memory BAR, by PCI BAR number.
 * @dev: the handle.
 * @bar: the PCI BAR number, 0 to 5.
 * @addr: the first byte of the BAR (the map's page offset applied).
 * @size: the size of the BAR, may be NULL.
 *
 * The mapping is made once and kept until uiosva_bar_unmap() or
 * uiosva_close(); later calls return the same address.
 *
 * Return: 0, -EINVAL/-ENOENT as for uiosva_find_map(), or the errno of
 * mmap().
 */
int uiosva_bar_map(struct uiosva_dev *dev, int bar, void **addr,
		   uint64_t *size);

/**
 * uiosva_bar_unmap() - unmap a BAR mapped by uiosva_bar_map().
 * @dev: the handle.
 * @bar: the PCI BAR number.
 *
 * Return: 0 (also when the BAR was not mapped), or -EINVAL.
 */
int uiosva_bar_unmap(struct uiosva_dev *dev, int bar);

/**
 * uiosva_read() - read a register of 1, 2, 4 or 8 bytes.
 * @dev: the handle.
 * @bar: the PCI BAR number; the BAR is mapped on first use.
 * @offset: the register offset in the BAR, a multiple of @width.
 * @width: the access width in bytes: 1, 2, 4 or 8.
 * @value: the value read (zero-extended).
 *
 * One access of exactly @width bytes through a volatile pointer, in host
 * byte order. Later memory reads are ordered after it (like readl()), so
 * the caller can read DMA data once a status register says done.
 *
 * Return: 0; -EINVAL for a bad width, an unaligned offset or one beyond
 * the BAR; the errors of uiosva_bar_map().
 */
int uiosva_read(struct uiosva_dev *dev, int bar, uint64_t offset,
		unsigned int width, uint64_t *value);

/**
 * uiosva_write() - write a register of 1, 2, 4 or 8 bytes.
 * @dev: the handle.
 * @bar: the PCI BAR number.
 * @offset: the register offset, a multiple of @width.
 * @width: 1, 2, 4 or 8.
 * @value: the value; -EINVAL when it does not fit in @width bytes.
 *
 * Earlier memory writes are ordered before it (like writel()), so data
 * written to a buffer is visible to the device when it sees a doorbell.
 *
 * Return: as for uiosva_read().
 */
int uiosva_write(struct uiosva_dev *dev, int bar, uint64_t offset,
		 unsigned int width, uint64_t value);

/*
 * Fixed-width forms of uiosva_read() and uiosva_write(); same rules.
 */
int uiosva_read8(struct uiosva_dev *dev, int bar, uint64_t offset,
		 uint8_t *value);
int uiosva_read16(struct uiosva_dev *dev, int bar, uint64_t offset,
		  uint16_t *value);
int uiosva_read32(struct uiosva_dev *dev, int bar, uint64_t offset,
		  uint32_t *value);
int uiosva_read64(struct uiosva_dev *dev, int bar, uint64_t offset,
		  uint64_t *value);
int uiosva_write8(struct uiosva_dev *dev, int bar, uint64_t offset,
		  uint8_t value);
int uiosva_write16(struct uiosva_dev *dev, int bar, uint64_t offset,
		   uint16_t value);
int uiosva_write32(struct uiosva_dev *dev, int bar, uint64_t offset,
		   uint32_t value);
int uiosva_write64(struct uiosva_dev *dev, int bar, uint64_t offset,
		   uint64_t value);

/**
 * uiosva_irq_unmask() - enable (re-enable) the interrupt.
 * @dev: the handle.
 *
 * Writes the s32 1 to /dev/uioX. Call it before starting an operation and
 * after each interrupt, once the device's own interrupt status is
 * cleared.
 *
 * Return: 0; -EIO when the device has no interrupt (UIOSVA_ERR_NO_IRQ);
 * another -errno of write().
 */
int uiosva_irq_unmask(struct uiosva_dev *dev);

/**
 * uiosva_irq_mask() - disable the interrupt (writes the s32 0).
 * @dev: the handle.
 *
 * Return: as for uiosva_irq_unmask().
 */
int uiosva_irq_mask(struct uiosva_dev *dev);

/**
 * uiosva_irq_wait() - wait for an interrupt.
 * @dev: the handle.
 * @timeout_ms: the longest wait in milliseconds; 0 only checks; a
 *	negative value waits forever.
 * @count: the total interrupt count the driver reports, may be NULL.
 *
 * Polls /dev/uioX for input, then reads the 4-byte interrupt count.
 * Interrupts that arrived since the last wait (or since open) satisfy it
 * at once. With INTx the interrupt then stays masked until
 * uiosva_irq_unmask(); MSI-X and MSI are not masked by an interrupt.
 * Calling uiosva_irq_unmask() after each wait, once the device's own
 * interrupt status is cleared, is right for all three.
 *
 * Return: 0; -ETIMEDOUT (UIOSVA_ERR_TIMEOUT); -EINTR when a signal
 * arrived; another -errno of poll() or read().
 */
int uiosva_irq_wait(struct uiosva_dev *dev, int timeout_ms, uint32_t *count);

/**
 * uiosva_prefault() - make a buffer's pages present before DMA (since 1.1).
 * @buf: the first byte; the range is widened to whole pages.
 * @len: the length in bytes; 0 does nothing (then @buf may be NULL).
 * @write: non-zero when the device will write the buffer: the pages are
 *	made present and writable (a copy-on-write or zero page is replaced
 *	by a private page); 0 for a device that only reads it.
 *
 * With SVA the device translates virtual addresses through the process's
 * page tables; a page that is not present costs a page request (PRI) and
 * a fault in the kernel during the DMA. Call this on a buffer before
 * handing it to the device, e.g. once for buffers that are reused.
 * Contents are left unchanged. It uses madvise(MADV_POPULATE_WRITE or
 * MADV_POPULATE_READ) (Linux 5.14); on older kernels it touches one byte
 * of each page instead (an atomic add of 0 for @write), so that an
 * unmapped page, or a read-only one for @write, raises SIGSEGV there
 * as any access would. The pages may be reclaimed later (swap, page
 * cache) unless they are locked with mlock(2).
 *
 * Return: 0; -EINVAL for a NULL @buf with a @len, a range past the end of
 * the address space, or a mapping that cannot be populated so (read-only
 * for @write, PROT_NONE, device memory); -ENOMEM when part of the range is
 * not mapped; -EFAULT when a page cannot be faulted in (a file mapping
 * beyond the end of its file); another -errno of madvise().
 */
int uiosva_prefault(void *buf, size_t len, int write);

#ifdef __cplusplus
}
#endif

#endif /* UIOSVA_H */

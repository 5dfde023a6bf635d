/*
 * QTest of uio-sva-testdev, the uio-pci-sva project's PCIe test endpoint
 *
 * Checks the device against its data sheet (the project's
 * Documentation/uio-sva-testdev.rst) without a guest kernel: identity,
 * BARs, the BAR0 register map (reset values, read-only and writable
 * bits), every error code that needs no guest page tables, ABORT,
 * function-level and system reset, bus-master disable, untagged DMA and
 * PASID-tagged DMA through ATS (intel-iommu with device-iotlb=on and
 * DMA remapping left off, so translations are identity) into guest
 * memory, MSI-X, MSI and INTx, and every QEMU property.
 *
 * Operations run on the device's worker thread.  To catch one while it
 * is running, a test stops the VM first: the device issues no DMA while
 * the VM is paused, so the operation stays BUSY until the test ends it.
 *
 * Copyright (c) 2026 The uio-pci-sva authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"

/* Identity (data sheet, "Identity") */
#define VENDOR_ID               0x1234
#define DEVICE_ID               0x5356
#define REVISION                0x01
#define CLASS                   0xff00
#define ID_VALUE                0x53564131
#define VERSION_VALUE           0x00010000

/* BAR0 registers (data sheet, "Registers") */
#define REG_ID                  0x000
#define REG_VERSION             0x004
#define REG_CAPS                0x008
#define REG_PASID               0x010
#define REG_SRC                 0x018
#define REG_DST                 0x020
#define REG_LEN                 0x028
#define REG_PATTERN             0x030
#define REG_OP                  0x038
#define REG_IRQ_EN              0x03c
#define REG_DOORBELL            0x040
#define REG_STATUS              0x044
#define REG_ERROR               0x048
#define REG_IRQ_STATUS          0x04c
#define REG_FAULT_ADDR          0x050
#define REG_RESULT              0x058
#define REG_COMPLETIONS         0x060
#define REG_CTRL                0x064
#define REG_ATS_REQUESTS        0x068
#define REG_PRI_REQUESTS        0x070
#define REG_INVALIDATIONS       0x078
#define REG_ATC_HITS            0x080
#define REG_PRI_DEPTH           0x090

#define CAPS_PASID              (1u << 0)
#define CAPS_ATS                (1u << 1)
#define CAPS_PRI                (1u << 2)
#define CAPS_MSIX               (1u << 3)
#define CAPS_MSI                (1u << 4)
#define CAPS_ALL                0x1f

#define OP_FILL                 1
#define OP_COPY                 2
#define OP_CHECKSUM             3

#define STATUS_BUSY             (1u << 0)
#define STATUS_DONE             (1u << 1)
#define STATUS_ERROR            (1u << 2)

#define CTRL_ABORT              (1u << 0)
#define CTRL_CLEAR_STATS        (1u << 1)

#define ERR_NONE                0
#define ERR_BAD_OP              1
#define ERR_BAD_PASID           2
#define ERR_BAD_LEN             3
#define ERR_BUS_MASTER_OFF      4
#define ERR_TRANSLATION         5
#define ERR_ABORTED             8
#define ERR_DMA_ERROR           9
#define ERR_BUSY                10
#define ERR_NOT_ENABLED         12

#define NO_PASID                0xffffffffu
#define MAX_LEN                 (1 * GiB)
#define PAGE                    4096

#define FNV1A_INIT              0xcbf29ce484222325ULL
#define FNV1A_PRIME             0x100000001b3ULL

/* q35: the device's slot, and ECAM for the extended config space */
#define DEV_SLOT                4
#define DEV_DEVFN               QPCI_DEVFN(DEV_SLOT, 0)
#define Q35_PCIEXBAR            0x60
#define ECAM_BASE               0xb0000000ULL

/* nothing decodes here: untagged DMA to it fails */
#define UNASSIGNED_ADDR         0x4000000000ULL

#define WAIT_US                 (30 * G_USEC_PER_SEC)

typedef struct TestDev {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *pdev;
    QPCIBar bar0;
    QPCIBar bar2;
    QPCIBar bar4;
    uint64_t bar0_size;
    uint64_t bar2_size;
    uint64_t bar4_size;
} TestDev;

/* ------------------------------------------------------------ set-up */

/*
 * Boot q35 with the device in slot 4 (device properties @props, other
 * QEMU arguments @extra), map BAR0, BAR2 and BAR4 (and BAR1 when MSI-X is
 * enabled later), enable memory, I/O and bus mastering, and ECAM.
 */
static TestDev *dev_start(const char *props, const char *extra)
{
    TestDev *d = g_new0(TestDev, 1);
    bool has_props = props && *props;
    QPCIDevice *mch;

    d->qs = qtest_pc_boot("-machine q35 -nodefaults %s "
                          "-device uio-sva-testdev,addr=%d.0%s%s",
                          extra ? extra : "", DEV_SLOT,
                          has_props ? "," : "", has_props ? props : "");
    d->qts = d->qs->qts;

    mch = qpci_device_find(d->qs->pcibus, 0);
    g_assert(mch);
    qpci_config_writel(mch, Q35_PCIEXBAR + 4, 0);
    qpci_config_writel(mch, Q35_PCIEXBAR, ECAM_BASE | 1);   /* 256 MiB, on */
    g_free(mch);

    d->pdev = qpci_device_find(d->qs->pcibus, DEV_DEVFN);
    g_assert(d->pdev);
    d->bar0 = qpci_iomap(d->pdev, 0, &d->bar0_size);
    d->bar2 = qpci_iomap(d->pdev, 2, &d->bar2_size);
    d->bar4 = qpci_iomap(d->pdev, 4, &d->bar4_size);
    qpci_device_enable(d->pdev);
    return d;
}

static void dev_stop(TestDev *d)
{
    g_free(d->pdev);
    qtest_shutdown(d->qs);
    g_free(d);
}

static uint32_t rd32(TestDev *d, uint64_t reg)
{
    return qpci_io_readl(d->pdev, d->bar0, reg);
}

static uint64_t rd64(TestDev *d, uint64_t reg)
{
    return qpci_io_readq(d->pdev, d->bar0, reg);
}

static void wr32(TestDev *d, uint64_t reg, uint32_t val)
{
    qpci_io_writel(d->pdev, d->bar0, reg, val);
}

static void wr64(TestDev *d, uint64_t reg, uint64_t val)
{
    qpci_io_writeq(d->pdev, d->bar0, reg, val);
}

/* extended config space through ECAM */
static uint64_t ecam(uint16_t off)
{
    return ECAM_BASE + (DEV_DEVFN << 12) + off;
}

static uint32_t ext_readl(TestDev *d, uint16_t off)
{
    return qtest_readl(d->qts, ecam(off));
}

static uint16_t ext_readw(TestDev *d, uint16_t off)
{
    return qtest_readw(d->qts, ecam(off));
}

static void ext_writew(TestDev *d, uint16_t off, uint16_t val)
{
    qtest_writew(d->qts, ecam(off), val);
}

/* offset of extended capability @id, 0 when absent */
static uint16_t find_ext_cap(TestDev *d, uint16_t id)
{
    uint16_t off = PCI_CFG_SPACE_SIZE;
    int n;

    for (n = 0; off && n < 64; n++) {
        uint32_t hdr = ext_readl(d, off);

        if (!hdr || hdr == 0xffffffff) {
            return 0;
        }
        if (PCI_EXT_CAP_ID(hdr) == id) {
            return off;
        }
        off = PCI_EXT_CAP_NEXT(hdr);
    }
    return 0;
}

static void set_bus_master(TestDev *d, bool on)
{
    uint16_t cmd = qpci_config_readw(d->pdev, PCI_COMMAND);

    cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
    qpci_config_writew(d->pdev, PCI_COMMAND, cmd);
}

/* enable PASID and ATS as an OS would for SVA */
static void enable_pasid_ats(TestDev *d, bool pasid, bool ats)
{
    uint16_t p = find_ext_cap(d, PCI_EXT_CAP_ID_PASID);
    uint16_t a = find_ext_cap(d, PCI_EXT_CAP_ID_ATS);

    if (p) {
        ext_writew(d, p + PCI_PASID_CTRL, pasid ? PCI_PASID_CTRL_ENABLE : 0);
    }
    if (a) {
        ext_writew(d, a + PCI_ATS_CTRL, ats ? PCI_ATS_CTRL_ENABLE : 0);
    }
}

static void vm_stop(TestDev *d)
{
    qtest_qmp_assert_success(d->qts, "{ 'execute': 'stop' }");
}

static void vm_cont(TestDev *d)
{
    qtest_qmp_assert_success(d->qts, "{ 'execute': 'cont' }");
}

/* ------------------------------------------------------------ operations */

typedef struct Op {
    uint32_t op;
    uint32_t pasid;
    uint64_t src;
    uint64_t dst;
    uint64_t len;
    uint64_t pattern;
    bool irq;
} Op;

static void op_start(TestDev *d, const Op *op)
{
    wr32(d, REG_PASID, op->pasid);
    wr64(d, REG_SRC, op->src);
    wr64(d, REG_DST, op->dst);
    wr64(d, REG_LEN, op->len);
    wr64(d, REG_PATTERN, op->pattern);
    wr32(d, REG_OP, op->op);
    wr32(d, REG_IRQ_EN, op->irq);
    wr32(d, REG_DOORBELL, 1);
}

/* wait until STATUS is no longer BUSY; returns STATUS */
static uint32_t op_wait(TestDev *d)
{
    int64_t end = g_get_monotonic_time() + WAIT_US;
    uint32_t status;

    while ((status = rd32(d, REG_STATUS)) & STATUS_BUSY) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(100);
    }
    return status;
}

/* run @op to its end; returns ERROR and checks that STATUS agrees */
static uint32_t op_run(TestDev *d, const Op *op)
{
    uint32_t status, err;

    op_start(d, op);
    status = op_wait(d);
    err = rd32(d, REG_ERROR);
    g_assert_cmphex(status, ==, err ? STATUS_ERROR : STATUS_DONE);
    return err;
}

/* expected FILL byte @i of @pattern */
static uint8_t fill_byte(uint64_t pattern, uint64_t i)
{
    return pattern >> (8 * (i % 8));
}

static uint64_t fnv1a(const uint8_t *buf, size_t len)
{
    uint64_t h = FNV1A_INIT;
    size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ buf[i]) * FNV1A_PRIME;
    }
    return h;
}

/* guest memory at @addr, @len bytes of @val */
static void guest_set(TestDev *d, uint64_t addr, uint8_t val, size_t len)
{
    qtest_memset(d->qts, addr, val, len);
}

/* every byte of guest memory [@addr, @addr + @len) is @val */
static void assert_guest_bytes(TestDev *d, uint64_t addr, uint8_t val,
                               size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);
    size_t i;

    qtest_memread(d->qts, addr, buf, len);
    for (i = 0; i < len; i++) {
        if (buf[i] != val) {
            g_error("guest byte at 0x%" PRIx64 " is 0x%02x, expected 0x%02x",
                    addr + i, buf[i], val);
        }
    }
}

/* FILL of @len bytes at @dst wrote the pattern and nothing around it */
static void assert_filled(TestDev *d, uint64_t dst, uint64_t len,
                          uint64_t pattern, uint8_t guard)
{
    g_autofree uint8_t *buf = g_malloc(len);
    uint64_t i;

    qtest_memread(d->qts, dst, buf, len);
    for (i = 0; i < len; i++) {
        if (buf[i] != fill_byte(pattern, i)) {
            g_error("FILL byte %" PRIu64 " is 0x%02x, expected 0x%02x",
                    i, buf[i], fill_byte(pattern, i));
        }
    }
    assert_guest_bytes(d, dst - 16, guard, 16);
    assert_guest_bytes(d, dst + len, guard, 16);
}

/*
 * Start a long untagged FILL into @dst with the VM stopped: the device
 * latches it (BUSY) but issues no DMA until the VM runs.
 */
static Op held_fill(uint64_t dst)
{
    return (Op) { .op = OP_FILL, .pasid = NO_PASID, .dst = dst,
                  .len = 4 * PAGE, .pattern = 0x1111111111111111ULL };
}

/*
 * Let the VM run again and prove that the operation that was ended while
 * it was stopped issued no DMA: a later operation completes (the worker
 * runs one at a time, so it has dropped the old one), and @dst still
 * holds @guard.
 */
static void assert_no_late_dma(TestDev *d, uint64_t dst, uint64_t len,
                               uint8_t guard, uint64_t scratch)
{
    Op later = { .op = OP_FILL, .pasid = NO_PASID, .dst = scratch,
                 .len = 8, .pattern = 0x2222222222222222ULL };

    vm_cont(d);
    g_assert_cmpuint(op_run(d, &later), ==, ERR_NONE);
    assert_guest_bytes(d, dst, guard, len);
}

/* ------------------------------------------------------------ identity */

static void test_identity(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint8_t pos;

    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_VENDOR_ID), ==, VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_DEVICE_ID), ==, DEVICE_ID);
    g_assert_cmphex(qpci_config_readb(d->pdev, PCI_REVISION_ID), ==, REVISION);
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_CLASS_DEVICE), ==, CLASS);
    g_assert_cmphex(qpci_config_readb(d->pdev, PCI_HEADER_TYPE) & 0x7f, ==,
                    PCI_HEADER_TYPE_NORMAL);
    g_assert_cmphex(qpci_config_readb(d->pdev, PCI_INTERRUPT_PIN), ==, 1);

    /*
     * PCIe, advertising function-level reset; on q35's root bus the
     * endpoint is a root complex integrated endpoint
     */
    pos = qpci_find_capability(d->pdev, PCI_CAP_ID_EXP, 0);
    g_assert_cmphex(pos, !=, 0);
    g_assert_cmphex((qpci_config_readw(d->pdev, pos + PCI_EXP_FLAGS) &
                     PCI_EXP_FLAGS_TYPE) >> 4, ==, PCI_EXP_TYPE_RC_END);
    g_assert_true(qpci_config_readl(d->pdev, pos + PCI_EXP_DEVCAP) &
                  PCI_EXP_DEVCAP_FLR);

    g_assert_cmphex(rd32(d, REG_ID), ==, ID_VALUE);
    g_assert_cmphex(rd32(d, REG_VERSION), ==, VERSION_VALUE);
    g_assert_cmphex(rd32(d, REG_CAPS), ==, CAPS_ALL);
    dev_stop(d);
}

/* ------------------------------------------------------------ BARs */

static uint32_t bar_size_probe(TestDev *d, int bar)
{
    uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t old = qpci_config_readl(d->pdev, reg), val;

    qpci_config_writel(d->pdev, reg, 0xffffffff);
    val = qpci_config_readl(d->pdev, reg);
    qpci_config_writel(d->pdev, reg, old);
    return val;
}

static void test_bars(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint8_t buf[256], back[256];
    uint32_t bar;
    size_t i;

    /* BAR0: registers, 32-bit memory, non-prefetchable, 4 KiB */
    g_assert_cmpuint(d->bar0_size, ==, 4 * KiB);
    bar = qpci_config_readl(d->pdev, PCI_BASE_ADDRESS_0);
    g_assert_cmphex(bar & ~PCI_BASE_ADDRESS_MEM_MASK, ==,
                    PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32);

    /* BAR1: MSI-X table and PBA, 32-bit memory, 4 KiB */
    bar = bar_size_probe(d, 1);
    g_assert_cmphex(bar & ~PCI_BASE_ADDRESS_MEM_MASK, ==,
                    PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32);
    g_assert_cmphex(bar & PCI_BASE_ADDRESS_MEM_MASK, ==, (uint32_t)-(4 * KiB));

    /* BAR2: scratch RAM, 64-bit prefetchable memory, 64 KiB (BAR3: high) */
    g_assert_cmpuint(d->bar2_size, ==, 64 * KiB);
    bar = qpci_config_readl(d->pdev, PCI_BASE_ADDRESS_2);
    g_assert_cmphex(bar & ~PCI_BASE_ADDRESS_MEM_MASK, ==,
                    PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    g_assert_cmphex(bar_size_probe(d, 3), ==, 0xffffffff);

    /* BAR4: I/O ports, 32 bytes; BAR5: none */
    g_assert_cmpuint(d->bar4_size, ==, 32);
    bar = qpci_config_readl(d->pdev, PCI_BASE_ADDRESS_4);
    g_assert_cmphex(bar & ~PCI_BASE_ADDRESS_IO_MASK, ==, PCI_BASE_ADDRESS_SPACE_IO);
    g_assert_cmphex(bar_size_probe(d, 5), ==, 0);

    /* scratch RAM is plain storage, at its start and at its end */
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 7 + 3;
    }
    qpci_memwrite(d->pdev, d->bar2, 0, buf, sizeof(buf));
    qpci_memwrite(d->pdev, d->bar2, 64 * KiB - sizeof(buf), buf, sizeof(buf));
    qpci_memread(d->pdev, d->bar2, 0, back, sizeof(back));
    g_assert_cmpmem(buf, sizeof(buf), back, sizeof(back));
    qpci_memread(d->pdev, d->bar2, 64 * KiB - sizeof(back), back, sizeof(back));
    g_assert_cmpmem(buf, sizeof(buf), back, sizeof(back));

    /* I/O: ID at 0 (read only), scratch at 4, the rest reads 0 */
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 0), ==, ID_VALUE);
    g_assert_cmphex(qpci_io_readb(d->pdev, d->bar4, 0), ==, ID_VALUE & 0xff);
    qpci_io_writel(d->pdev, d->bar4, 0, 0x12345678);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 0), ==, ID_VALUE);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 4), ==, 0);
    qpci_io_writel(d->pdev, d->bar4, 4, 0xcafef00d);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 4), ==, 0xcafef00d);
    qpci_io_writel(d->pdev, d->bar4, 8, 0xffffffff);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 8), ==, 0);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 28), ==, 0);
    dev_stop(d);
}

/* ------------------------------------------------------------ registers */

typedef struct RegReset {
    uint64_t reg;
    bool is64;
    uint64_t value;
} RegReset;

static const RegReset reset_values[] = {
    { REG_ID, false, ID_VALUE },
    { REG_VERSION, false, VERSION_VALUE },
    { REG_CAPS, false, CAPS_ALL },
    { REG_PASID, false, NO_PASID },
    { REG_SRC, true, 0 },
    { REG_DST, true, 0 },
    { REG_LEN, true, 0 },
    { REG_PATTERN, true, 0 },
    { REG_OP, false, 0 },
    { REG_IRQ_EN, false, 0 },
    { REG_DOORBELL, false, 0 },
    { REG_STATUS, false, 0 },
    { REG_ERROR, false, 0 },
    { REG_IRQ_STATUS, false, 0 },
    { REG_FAULT_ADDR, true, 0 },
    { REG_RESULT, true, 0 },
    { REG_COMPLETIONS, false, 0 },
    { REG_CTRL, false, 0 },
    { REG_ATS_REQUESTS, true, 0 },
    { REG_PRI_REQUESTS, true, 0 },
    { REG_INVALIDATIONS, true, 0 },
    { REG_ATC_HITS, true, 0 },
    { REG_PRI_DEPTH, false, 16 },
};

/* every register holds its reset value */
static void assert_reset_values(TestDev *d, uint32_t caps)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(reset_values); i++) {
        const RegReset *r = &reset_values[i];
        uint64_t want = r->reg == REG_CAPS ? caps : r->value;
        uint64_t got = r->is64 ? rd64(d, r->reg) : rd32(d, r->reg);

        if (got != want) {
            g_error("register 0x%03" PRIx64 " reads 0x%" PRIx64
                    ", reset value 0x%" PRIx64, r->reg, got, want);
        }
    }
}

static void test_reset_values(void)
{
    TestDev *d = dev_start(NULL, NULL);

    assert_reset_values(d, CAPS_ALL);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 4), ==, 0);
    dev_stop(d);
}

static void test_read_only(void)
{
    static const uint64_t ro32[] = {
        REG_ID, REG_VERSION, REG_CAPS, REG_STATUS, REG_ERROR, REG_COMPLETIONS,
    };
    static const uint64_t ro64[] = {
        REG_FAULT_ADDR, REG_RESULT, REG_ATS_REQUESTS, REG_PRI_REQUESTS,
        REG_INVALIDATIONS, REG_ATC_HITS,
    };
    TestDev *d = dev_start(NULL, NULL);
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ro32); i++) {
        wr32(d, ro32[i], 0xffffffff);
    }
    for (i = 0; i < ARRAY_SIZE(ro64); i++) {
        wr64(d, ro64[i], ~0ULL);
        wr32(d, ro64[i], 0xffffffff);
        wr32(d, ro64[i] + 4, 0xffffffff);
    }
    assert_reset_values(d, CAPS_ALL);
    dev_stop(d);
}

static void test_undefined_offsets(void)
{
    static const uint64_t undef[] = { 0x00c, 0x014, 0x088, 0x100, 0xffc };
    TestDev *d = dev_start(NULL, NULL);
    size_t i;

    for (i = 0; i < ARRAY_SIZE(undef); i++) {
        wr32(d, undef[i], 0xffffffff);
        g_assert_cmphex(rd32(d, undef[i]), ==, 0);
    }
    /* nothing else changed, and nothing started */
    assert_reset_values(d, CAPS_ALL);
    dev_stop(d);
}

static void test_writable(void)
{
    static const uint64_t rw64[] = { REG_SRC, REG_DST, REG_LEN, REG_PATTERN };
    TestDev *d = dev_start(NULL, NULL);
    size_t i;

    /* 32-bit registers keep every bit, IRQ_EN only bit 0 */
    wr32(d, REG_PASID, 0xa5a5a5a5);
    g_assert_cmphex(rd32(d, REG_PASID), ==, 0xa5a5a5a5);
    wr32(d, REG_PASID, 0);
    g_assert_cmphex(rd32(d, REG_PASID), ==, 0);
    wr32(d, REG_OP, 0xdeadbeef);
    g_assert_cmphex(rd32(d, REG_OP), ==, 0xdeadbeef);
    wr32(d, REG_IRQ_EN, 0xffffffff);
    g_assert_cmphex(rd32(d, REG_IRQ_EN), ==, 1);
    wr32(d, REG_IRQ_EN, 0xfffffffe);
    g_assert_cmphex(rd32(d, REG_IRQ_EN), ==, 0);

    /* 64-bit registers: one 64-bit access, or two 32-bit halves */
    for (i = 0; i < ARRAY_SIZE(rw64); i++) {
        uint64_t v = 0x0123456789abcdefULL ^ ((uint64_t)i << 56);

        wr64(d, rw64[i], v);
        g_assert_cmphex(rd64(d, rw64[i]), ==, v);
        g_assert_cmphex(rd32(d, rw64[i]), ==, (uint32_t)v);
        g_assert_cmphex(rd32(d, rw64[i] + 4), ==, v >> 32);
        wr32(d, rw64[i], 0x11223344);
        g_assert_cmphex(rd64(d, rw64[i]), ==, (v & ~0xffffffffULL) | 0x11223344);
        wr32(d, rw64[i] + 4, 0x55667788);
        g_assert_cmphex(rd64(d, rw64[i]), ==, 0x5566778811223344ULL);
    }

    /* write-only registers read 0; CTRL writes without a run are harmless */
    wr32(d, REG_CTRL, CTRL_ABORT | CTRL_CLEAR_STATS);
    g_assert_cmphex(rd32(d, REG_CTRL), ==, 0);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, 0);
    g_assert_cmphex(rd32(d, REG_COMPLETIONS), ==, 0);
    dev_stop(d);
}

/* ------------------------------------------------------------ errors */

/* run @op, expect error @err with no DMA and COMPLETIONS incremented */
static void expect_error(TestDev *d, const Op *op, uint32_t err)
{
    uint32_t before = rd32(d, REG_COMPLETIONS);

    g_assert_cmpuint(op_run(d, op), ==, err);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, before + 1);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_ERROR);
}

static void test_errors(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 4 * PAGE);
    Op op = { .op = OP_FILL, .pasid = NO_PASID, .dst = buf + 16, .len = 64,
              .pattern = 0x3333333333333333ULL };

    guest_set(d, buf, 0x5a, 4 * PAGE);

    /* BAD_OP: OP not 1, 2 or 3 */
    op.op = 0;
    expect_error(d, &op, ERR_BAD_OP);
    op.op = 4;
    expect_error(d, &op, ERR_BAD_OP);
    op.op = OP_FILL;

    /* BAD_PASID: neither NO_PASID nor 20 bits */
    op.pasid = 1u << 20;
    expect_error(d, &op, ERR_BAD_PASID);
    op.pasid = 0xfffffffe;
    expect_error(d, &op, ERR_BAD_PASID);
    op.pasid = NO_PASID;

    /* BAD_LEN: above 1 GiB, or the range wraps */
    op.len = MAX_LEN + 1;
    expect_error(d, &op, ERR_BAD_LEN);
    op.len = 64;
    op.dst = ~0ULL - 15;
    expect_error(d, &op, ERR_BAD_LEN);
    op = (Op) { .op = OP_COPY, .pasid = NO_PASID, .src = ~0ULL - 15,
                .dst = buf + 16, .len = 64 };
    expect_error(d, &op, ERR_BAD_LEN);
    op = (Op) { .op = OP_CHECKSUM, .pasid = NO_PASID, .src = ~0ULL - 15,
                .len = 64 };
    expect_error(d, &op, ERR_BAD_LEN);
    /* CHECKSUM writes nothing: DST does not matter */
    op = (Op) { .op = OP_CHECKSUM, .pasid = NO_PASID, .src = buf,
                .dst = ~0ULL, .len = 64 };
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);

    /* NOT_ENABLED: a PASID while the OS has not enabled PASID and ATS */
    op = (Op) { .op = OP_FILL, .pasid = 1, .dst = buf + 16, .len = 64 };
    expect_error(d, &op, ERR_NOT_ENABLED);
    enable_pasid_ats(d, true, false);
    expect_error(d, &op, ERR_NOT_ENABLED);
    enable_pasid_ats(d, false, true);
    expect_error(d, &op, ERR_NOT_ENABLED);
    enable_pasid_ats(d, false, false);

    /* DMA_ERROR: untagged DMA that hits no memory; FAULT_ADDR says where */
    op = (Op) { .op = OP_FILL, .pasid = NO_PASID, .dst = UNASSIGNED_ADDR,
                .len = 64 };
    expect_error(d, &op, ERR_DMA_ERROR);
    g_assert_cmphex(rd64(d, REG_FAULT_ADDR), ==, UNASSIGNED_ADDR);
    op = (Op) { .op = OP_COPY, .pasid = NO_PASID, .src = UNASSIGNED_ADDR + 8,
                .dst = buf + 16, .len = 64 };
    expect_error(d, &op, ERR_DMA_ERROR);
    g_assert_cmphex(rd64(d, REG_FAULT_ADDR), ==, UNASSIGNED_ADDR + 8);

    /* BUS_MASTER_OFF before the operation */
    set_bus_master(d, false);
    op = (Op) { .op = OP_FILL, .pasid = NO_PASID, .dst = buf + 16, .len = 64 };
    expect_error(d, &op, ERR_BUS_MASTER_OFF);
    set_bus_master(d, true);

    /* none of these wrote anything */
    assert_guest_bytes(d, buf, 0x5a, 4 * PAGE);

    /* success clears ERROR and FAULT_ADDR */
    op.pattern = 0x0102030405060708ULL;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmphex(rd64(d, REG_FAULT_ADDR), ==, 0);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_DONE);
    assert_filled(d, buf + 16, 64, op.pattern, 0x5a);
    dev_stop(d);
}

/* TRANSLATION: a PASID without an IOMMU that has device-TLB support */
static void test_error_translation(gconstpointer data)
{
    const char *extra = data;
    TestDev *d = dev_start(NULL, extra);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    Op op = { .op = OP_FILL, .pasid = 1, .dst = buf, .len = 64 };

    guest_set(d, buf, 0x5a, PAGE);
    enable_pasid_ats(d, true, true);
    expect_error(d, &op, ERR_TRANSLATION);
    assert_guest_bytes(d, buf, 0x5a, PAGE);
    dev_stop(d);
}

/* BUSY: DOORBELL during an operation; the operation continues */
static void test_error_busy(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 4 * PAGE);
    Op op = held_fill(buf);

    guest_set(d, buf, 0x5a, 4 * PAGE);
    vm_stop(d);
    op_start(d, &op);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    wr32(d, REG_DOORBELL, 1);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_BUSY);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 0);
    vm_cont(d);
    g_assert_cmphex(op_wait(d), ==, STATUS_DONE);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_NONE);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 1);
    assert_guest_bytes(d, buf, 0x11, 4 * PAGE);
    dev_stop(d);
}

/* ------------------------------------------------------------ quiescing */

static void test_abort(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 5 * PAGE);
    Op op = held_fill(buf);

    guest_set(d, buf, 0x5a, 5 * PAGE);
    vm_stop(d);
    op_start(d, &op);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    wr32(d, REG_CTRL, CTRL_ABORT);
    /* ended when the write returns */
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_ERROR);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_ABORTED);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 1);
    assert_no_late_dma(d, buf, 4 * PAGE, 0x5a, buf + 4 * PAGE);
    dev_stop(d);
}

/* LEN = 1 GiB is accepted (and aborted before it moves a byte) */
static void test_max_len(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 2 * PAGE);
    Op op = held_fill(buf);

    guest_set(d, buf, 0x5a, 2 * PAGE);
    op.len = MAX_LEN;
    vm_stop(d);
    op_start(d, &op);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_NONE);
    wr32(d, REG_CTRL, CTRL_ABORT);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_ABORTED);
    assert_no_late_dma(d, buf, PAGE, 0x5a, buf + PAGE);
    dev_stop(d);
}

static void test_bus_master_off(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 5 * PAGE);
    Op op = held_fill(buf);

    guest_set(d, buf, 0x5a, 5 * PAGE);
    vm_stop(d);
    op_start(d, &op);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    set_bus_master(d, false);
    /* ended when the config write returns */
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_ERROR);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_BUS_MASTER_OFF);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 1);
    set_bus_master(d, true);
    assert_no_late_dma(d, buf, 4 * PAGE, 0x5a, buf + 4 * PAGE);
    dev_stop(d);
}

/* ------------------------------------------------------------ resets */

/* registers and the I/O scratch away from their reset values */
static void dirty_registers(TestDev *d, uint64_t buf)
{
    Op op = { .op = OP_CHECKSUM, .pasid = NO_PASID, .src = buf, .len = 16 };

    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);     /* RESULT, DONE */
    op = (Op) { .op = OP_FILL, .pasid = NO_PASID, .dst = UNASSIGNED_ADDR,
                .len = 8, .irq = true };
    g_assert_cmpuint(op_run(d, &op), ==, ERR_DMA_ERROR);  /* FAULT_ADDR */
    wr32(d, REG_PASID, 7);
    wr64(d, REG_SRC, 1);
    wr64(d, REG_DST, 2);
    wr64(d, REG_LEN, 3);
    wr64(d, REG_PATTERN, 4);
    wr32(d, REG_OP, 5);
    qpci_io_writel(d->pdev, d->bar4, 4, 0xcafef00d);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 2);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 1);
    g_assert_cmphex(rd32(d, REG_IRQ_EN), ==, 1);
    g_assert_cmphex(rd64(d, REG_RESULT), !=, 0);
}

/* function-level reset through the PCIe capability */
static void flr(TestDev *d)
{
    uint8_t pos = qpci_find_capability(d->pdev, PCI_CAP_ID_EXP, 0);
    uint32_t bars[6];
    uint16_t cmd = qpci_config_readw(d->pdev, PCI_COMMAND);
    int i;

    for (i = 0; i < 6; i++) {
        bars[i] = qpci_config_readl(d->pdev, PCI_BASE_ADDRESS_0 + 4 * i);
    }
    qpci_config_writew(d->pdev, pos + PCI_EXP_DEVCTL,
                       qpci_config_readw(d->pdev, pos + PCI_EXP_DEVCTL) |
                       PCI_EXP_DEVCTL_BCR_FLR);
    /* the reset cleared the BARs and the command register: restore them */
    g_assert_cmphex(qpci_config_readw(d->pdev, PCI_COMMAND) & PCI_COMMAND_MASTER,
                    ==, 0);
    for (i = 0; i < 6; i++) {
        qpci_config_writel(d->pdev, PCI_BASE_ADDRESS_0 + 4 * i, bars[i]);
    }
    qpci_config_writew(d->pdev, PCI_COMMAND, cmd);
}

static void test_flr(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);

    dirty_registers(d, buf);
    flr(d);
    assert_reset_values(d, CAPS_ALL);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 4), ==, 0);
    dev_stop(d);
}

/* an operation killed by FLR stays visible as ABORTED */
static void test_flr_busy(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 5 * PAGE);
    Op op = held_fill(buf);

    guest_set(d, buf, 0x5a, 5 * PAGE);
    vm_stop(d);
    op_start(d, &op);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_BUSY);
    flr(d);
    g_assert_cmphex(rd32(d, REG_STATUS), ==, STATUS_ERROR);
    g_assert_cmpuint(rd32(d, REG_ERROR), ==, ERR_ABORTED);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 0);
    g_assert_cmphex(rd32(d, REG_PASID), ==, NO_PASID);
    g_assert_cmphex(rd64(d, REG_DST), ==, 0);
    assert_no_late_dma(d, buf, 4 * PAGE, 0x5a, buf + 4 * PAGE);
    dev_stop(d);
}

static void test_system_reset(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    QPCIDevice *mch;

    dirty_registers(d, buf);
    qtest_qmp_assert_success(d->qts, "{ 'execute': 'system_reset' }");
    qtest_qmp_eventwait(d->qts, "RESET");
    /* firmware's job after a reset: ECAM, BARs, command register */
    mch = qpci_device_find(d->qs->pcibus, 0);
    qpci_config_writel(mch, Q35_PCIEXBAR + 4, 0);
    qpci_config_writel(mch, Q35_PCIEXBAR, ECAM_BASE | 1);
    g_free(mch);
    qpci_config_writel(d->pdev, PCI_BASE_ADDRESS_0, d->bar0.addr);
    qpci_config_writel(d->pdev, PCI_BASE_ADDRESS_2, d->bar2.addr);
    qpci_config_writel(d->pdev, PCI_BASE_ADDRESS_4, d->bar4.addr);
    qpci_device_enable(d->pdev);
    assert_reset_values(d, CAPS_ALL);
    g_assert_cmphex(qpci_io_readl(d->pdev, d->bar4, 4), ==, 0);
    dev_stop(d);
}

/* ------------------------------------------------------------ untagged DMA */

static void test_dma_fill(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, 6 * PAGE);
    uint64_t dst = buf + PAGE + 3, len = 3 * PAGE + 100;
    Op op = { .op = OP_FILL, .pasid = NO_PASID, .dst = dst, .len = len,
              .pattern = 0x0123456789abcdefULL };

    guest_set(d, buf, 0x5a, 6 * PAGE);
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_filled(d, dst, len, op.pattern, 0x5a);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 1);
    /* untagged DMA needs no translation: no ATS, no PRI */
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_PRI_REQUESTS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 0);

    /* a one-byte pattern, as the data sheet writes it */
    op.pattern = 0xababababababababULL;
    op.dst = buf + 8;
    op.len = 13;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_guest_bytes(d, buf + 8, 0xab, 13);
    assert_guest_bytes(d, buf + 21, 0x5a, 16);

    /* LEN 0 succeeds without touching memory */
    op.dst = buf;
    op.len = 0;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_guest_bytes(d, buf, 0x5a, 8);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 3);
    dev_stop(d);
}

static void test_dma_copy_checksum(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t len = 2 * PAGE + 777;
    uint64_t src = guest_alloc(&d->qs->alloc, 4 * PAGE) + 5;
    uint64_t buf = guest_alloc(&d->qs->alloc, 4 * PAGE);
    uint64_t dst = buf + PAGE - 9;
    g_autofree uint8_t *data = g_malloc(len);
    g_autofree uint8_t *back = g_malloc(len);
    Op op = { .op = OP_COPY, .pasid = NO_PASID, .src = src, .dst = dst,
              .len = len };
    uint64_t i;

    for (i = 0; i < len; i++) {
        data[i] = g_test_rand_int();
    }
    qtest_memwrite(d->qts, src, data, len);
    guest_set(d, buf, 0x5a, 4 * PAGE);

    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    qtest_memread(d->qts, dst, back, len);
    g_assert_cmpmem(data, len, back, len);
    assert_guest_bytes(d, dst - 16, 0x5a, 16);
    assert_guest_bytes(d, dst + len, 0x5a, 16);

    op = (Op) { .op = OP_CHECKSUM, .pasid = NO_PASID, .src = src, .len = len };
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmphex(rd64(d, REG_RESULT), ==, fnv1a(data, len));

    /* the checksum of 0 bytes is the initial value */
    op.len = 0;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmphex(rd64(d, REG_RESULT), ==, FNV1A_INIT);
    dev_stop(d);
}

/* ------------------------------------------------------------ PASID DMA */

/*
 * PASID-tagged FILL through ATS.  intel-iommu with device-iotlb=on and
 * DMA remapping off (no guest enabled it) answers every translation
 * request with the address itself, read-write: the data lands at the
 * "virtual" address, and the statistics show one translation request per
 * page, then ATC hits.
 */
static void test_dma_pasid_ats(void)
{
    TestDev *d = dev_start(NULL, "-device intel-iommu,device-iotlb=on");
    uint64_t buf = guest_alloc(&d->qs->alloc, 6 * PAGE);
    uint64_t dst = buf + PAGE + 5, len = 3 * PAGE;    /* touches 4 pages */
    Op op = { .op = OP_FILL, .pasid = 1, .dst = dst, .len = len,
              .pattern = 0x8877665544332211ULL };

    guest_set(d, buf, 0x5a, 6 * PAGE);
    enable_pasid_ats(d, true, true);
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_filled(d, dst, len, op.pattern, 0x5a);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 4);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_PRI_REQUESTS), ==, 0);

    /* the same pages again: all from the ATC */
    op.pattern = 0x1122334455667788ULL;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_filled(d, dst, len, op.pattern, 0x5a);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 4);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 4);

    /* another PASID: the device rebinds and starts with an empty ATC */
    op.pasid = 2;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 8);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 4);

    /* CTRL bit 1 clears the statistics, not COMPLETIONS */
    wr32(d, REG_CTRL, CTRL_CLEAR_STATS);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_PRI_REQUESTS), ==, 0);
    g_assert_cmpuint(rd64(d, REG_INVALIDATIONS), ==, 0);
    g_assert_cmpuint(rd32(d, REG_COMPLETIONS), ==, 3);

    /* disabling ATS empties the ATC */
    enable_pasid_ats(d, true, false);
    enable_pasid_ats(d, true, true);
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 4);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 0);

    /* FLR empties it too */
    flr(d);
    enable_pasid_ats(d, true, true);
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmpuint(rd64(d, REG_ATS_REQUESTS), ==, 4);
    g_assert_cmpuint(rd64(d, REG_ATC_HITS), ==, 0);
    assert_filled(d, dst, len, op.pattern, 0x5a);
    dev_stop(d);
}

/* ------------------------------------------------------------ interrupts */

/* a completion, with IRQ_EN: IRQ_STATUS bit 0 set */
static void run_irq_op(TestDev *d, uint64_t buf)
{
    Op op = { .op = OP_FILL, .pasid = NO_PASID, .dst = buf, .len = 32,
              .pattern = 0x4444444444444444ULL, .irq = true };

    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 1);
}

/* wait until the 32-bit word at @addr is @val (an MSI write) */
static void wait_guest_word(TestDev *d, uint64_t addr, uint32_t val)
{
    int64_t end = g_get_monotonic_time() + WAIT_US;

    while (qtest_readl(d->qts, addr) != val) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(100);
    }
}

static void test_msix(void)
{
    TestDev *d = dev_start(NULL, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    uint64_t msg = guest_alloc(&d->qs->alloc, 4);
    uint8_t pos = qpci_find_capability(d->pdev, PCI_CAP_ID_MSIX, 0);
    uint64_t entry;

    g_assert_cmphex(pos, !=, 0);
    g_assert_cmpuint(qpci_msix_table_size(d->pdev), ==, 1);
    qpci_msix_enable(d->pdev);
    g_assert_cmpuint(d->pdev->msix_table_bar.addr, !=, 0);
    entry = d->pdev->msix_table_off;
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_LOWER_ADDR, (uint32_t)msg);
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_UPPER_ADDR, msg >> 32);
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_DATA, 0x5a5a0001);
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    qtest_writel(d->qts, msg, 0);

    run_irq_op(d, buf);
    wait_guest_word(d, msg, 0x5a5a0001);
    g_assert_false(qpci_msix_pending(d->pdev, 0));

    /* without IRQ_EN: no message */
    qtest_writel(d->qts, msg, 0);
    wr32(d, REG_IRQ_STATUS, 1);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 0);
    wr32(d, REG_IRQ_EN, 0);
    wr32(d, REG_DOORBELL, 1);
    op_wait(d);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 0);
    g_assert_cmphex(qtest_readl(d->qts, msg), ==, 0);

    /* masked: pending in the PBA instead */
    qpci_io_writel(d->pdev, d->pdev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_VECTOR_CTRL,
                   PCI_MSIX_ENTRY_CTRL_MASKBIT);
    run_irq_op(d, buf);
    g_assert_true(qpci_msix_pending(d->pdev, 0));
    g_assert_cmphex(qtest_readl(d->qts, msg), ==, 0);
    dev_stop(d);
}

static void test_msi(gconstpointer data)
{
    const char *props = data;
    TestDev *d = dev_start(props, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    uint64_t msg = guest_alloc(&d->qs->alloc, 4);
    uint8_t pos = qpci_find_capability(d->pdev, PCI_CAP_ID_MSI, 0);
    uint16_t flags;

    g_assert_cmphex(pos, !=, 0);
    flags = qpci_config_readw(d->pdev, pos + PCI_MSI_FLAGS);
    g_assert_true(flags & PCI_MSI_FLAGS_64BIT);
    g_assert_cmphex(flags & PCI_MSI_FLAGS_QMASK, ==, 0);     /* 1 vector */
    qpci_config_writel(d->pdev, pos + PCI_MSI_ADDRESS_LO, (uint32_t)msg);
    qpci_config_writel(d->pdev, pos + PCI_MSI_ADDRESS_HI, msg >> 32);
    qpci_config_writew(d->pdev, pos + PCI_MSI_DATA_64, 0x5a02);
    qpci_config_writew(d->pdev, pos + PCI_MSI_FLAGS, flags | PCI_MSI_FLAGS_ENABLE);
    qtest_writel(d->qts, msg, 0);

    run_irq_op(d, buf);
    wait_guest_word(d, msg, 0x5a02);
    dev_stop(d);
}

/* the IOAPIC input that the device's INTx drives, -1 when none is high */
static int intx_gsi(TestDev *d)
{
    int gsi, found = -1;

    for (gsi = 16; gsi < 24; gsi++) {   /* q35: PIRQ A-H */
        if (qtest_get_irq(d->qts, gsi)) {
            g_assert_cmpint(found, ==, -1);
            found = gsi;
        }
    }
    return found;
}

static bool intx_status(TestDev *d)
{
    return qpci_config_readw(d->pdev, PCI_STATUS) & PCI_STATUS_INTERRUPT;
}

static void test_intx(gconstpointer data)
{
    const char *props = data;
    TestDev *d = dev_start(props, NULL);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    Op err = { .op = 0, .pasid = NO_PASID, .irq = true };
    uint16_t cmd;

    g_assert_false(intx_status(d));
    g_assert_cmpint(intx_gsi(d), ==, -1);

    /* asserted until IRQ_STATUS is cleared */
    run_irq_op(d, buf);
    g_assert_true(intx_status(d));
    g_assert_cmpint(intx_gsi(d), >=, 16);
    wr32(d, REG_IRQ_STATUS, 0);     /* writing 0 clears nothing */
    g_assert_true(intx_status(d));
    wr32(d, REG_IRQ_STATUS, 1);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 0);
    g_assert_false(intx_status(d));
    g_assert_cmpint(intx_gsi(d), ==, -1);

    /* an operation that fails interrupts too */
    g_assert_cmpuint(op_run(d, &err), ==, ERR_BAD_OP);
    g_assert_cmphex(rd32(d, REG_IRQ_STATUS), ==, 1);
    g_assert_true(intx_status(d));
    wr32(d, REG_IRQ_STATUS, 1);

    /* INTx disabled in the command register: pending, not delivered */
    cmd = qpci_config_readw(d->pdev, PCI_COMMAND);
    qpci_config_writew(d->pdev, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
    run_irq_op(d, buf);
    g_assert_true(intx_status(d));
    g_assert_cmpint(intx_gsi(d), ==, -1);
    wr32(d, REG_IRQ_STATUS, 1);
    g_assert_false(intx_status(d));
    dev_stop(d);
}

/* ------------------------------------------------------------ PRI depth */

/*
 * PRI_DEPTH: reset value = pri-outstanding = the PRI capability's
 * Outstanding Page Request Capacity; writes are clamped to 1..capacity;
 * FLR restores the reset value.
 */
static void test_pri_depth(gconstpointer data)
{
    uint32_t cap = GPOINTER_TO_UINT(data);
    g_autofree char *props = g_strdup_printf("pri-outstanding=%u", cap);
    TestDev *d = dev_start(cap == 16 ? NULL : props, NULL);
    uint16_t pri = find_ext_cap(d, PCI_EXT_CAP_ID_PRI);

    g_assert_cmpuint(pri, !=, 0);
    g_assert_cmpuint(ext_readl(d, pri + PCI_PRI_MAX_REQ), ==, cap);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, cap);
    wr32(d, REG_PRI_DEPTH, 1);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, 1);
    wr32(d, REG_PRI_DEPTH, 0);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, 1);
    wr32(d, REG_PRI_DEPTH, cap + 1);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, cap);
    wr32(d, REG_PRI_DEPTH, 0xffffffff);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, cap);
    wr32(d, REG_PRI_DEPTH, 2);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, MIN(2, cap));
    flr(d);
    g_assert_cmpuint(rd32(d, REG_PRI_DEPTH), ==, cap);
    dev_stop(d);
}

/* ------------------------------------------------------------ properties */

typedef struct PropCase {
    const char *name;       /* test path component */
    const char *props;      /* -device properties */
    uint32_t caps;          /* CAPS register and config space */
} PropCase;

static const PropCase prop_cases[] = {
    { "default", NULL, CAPS_ALL },
    { "pasid-off", "pasid=off", CAPS_ALL & ~CAPS_PASID },
    { "ats-off", "ats=off", CAPS_ALL & ~CAPS_ATS },
    { "pri-off", "pri=off", CAPS_ALL & ~CAPS_PRI },
    { "msix-off", "msix=off", CAPS_ALL & ~CAPS_MSIX },
    { "msi-off", "msi=off", CAPS_ALL & ~CAPS_MSI },
    { "msix-msi-off", "msix=off,msi=off", CAPS_ALL & ~(CAPS_MSIX | CAPS_MSI) },
};

static void test_properties(gconstpointer data)
{
    const PropCase *c = data;
    TestDev *d = dev_start(c->props, NULL);
    uint16_t pasid = find_ext_cap(d, PCI_EXT_CAP_ID_PASID);
    uint16_t ats = find_ext_cap(d, PCI_EXT_CAP_ID_ATS);
    uint16_t pri = find_ext_cap(d, PCI_EXT_CAP_ID_PRI);
    uint64_t buf = guest_alloc(&d->qs->alloc, PAGE);
    Op op = { .op = OP_FILL, .pasid = 1, .dst = buf, .len = 8 };

    g_assert_cmphex(rd32(d, REG_CAPS), ==, c->caps);
    g_assert_cmpuint(!!pasid, ==, !!(c->caps & CAPS_PASID));
    g_assert_cmpuint(!!ats, ==, !!(c->caps & CAPS_ATS));
    g_assert_cmpuint(!!pri, ==, !!(c->caps & CAPS_PRI));
    g_assert_cmpuint(!!qpci_find_capability(d->pdev, PCI_CAP_ID_MSIX, 0), ==,
                     !!(c->caps & CAPS_MSIX));
    g_assert_cmpuint(!!qpci_find_capability(d->pdev, PCI_CAP_ID_MSI, 0), ==,
                     !!(c->caps & CAPS_MSI));
    /* the MSI-X BAR goes with the capability */
    g_assert_cmpuint(!!bar_size_probe(d, 1), ==, !!(c->caps & CAPS_MSIX));
    /* INTx pin A always */
    g_assert_cmphex(qpci_config_readb(d->pdev, PCI_INTERRUPT_PIN), ==, 1);

    if (pasid) {
        /* 20 bits, no execute or privileged mode; disabled at reset */
        g_assert_cmphex(ext_readw(d, pasid + PCI_PASID_CAP), ==, 20 << 8);
        g_assert_cmphex(ext_readw(d, pasid + PCI_PASID_CTRL), ==, 0);
    }
    if (ats) {
        g_assert_cmphex(ext_readw(d, ats + PCI_ATS_CAP) &
                        PCI_ATS_CAP_PAGE_ALIGNED, ==, PCI_ATS_CAP_PAGE_ALIGNED);
        g_assert_cmphex(ext_readw(d, ats + PCI_ATS_CTRL), ==, 0);
    }
    if (pri) {
        g_assert_true(ext_readw(d, pri + PCI_PRI_STATUS) & PCI_PRI_STATUS_PASID);
        g_assert_cmpuint(ext_readl(d, pri + PCI_PRI_MAX_REQ), ==, 16);
        g_assert_cmphex(ext_readw(d, pri + PCI_PRI_CTRL), ==, 0);
    }

    /* without PASID or ATS the device cannot be enabled for PASID DMA */
    enable_pasid_ats(d, true, true);
    if (!pasid || !ats) {
        guest_set(d, buf, 0x5a, 8);
        g_assert_cmpuint(op_run(d, &op), ==, ERR_NOT_ENABLED);
        assert_guest_bytes(d, buf, 0x5a, 8);
    }
    /* untagged DMA works in every variant */
    op.pasid = NO_PASID;
    op.pattern = 0x7777777777777777ULL;
    g_assert_cmpuint(op_run(d, &op), ==, ERR_NONE);
    assert_guest_bytes(d, buf, 0x77, 8);
    dev_stop(d);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);

    qtest_add_func("uio-sva-testdev/identity", test_identity);
    qtest_add_func("uio-sva-testdev/bars", test_bars);
    qtest_add_func("uio-sva-testdev/registers/reset-values", test_reset_values);
    qtest_add_func("uio-sva-testdev/registers/read-only", test_read_only);
    qtest_add_func("uio-sva-testdev/registers/undefined", test_undefined_offsets);
    qtest_add_func("uio-sva-testdev/registers/writable", test_writable);
    qtest_add_data_func("uio-sva-testdev/registers/pri-depth",
                        GUINT_TO_POINTER(16), test_pri_depth);
    qtest_add_data_func("uio-sva-testdev/registers/pri-depth-outstanding-4",
                        GUINT_TO_POINTER(4), test_pri_depth);
    qtest_add_data_func("uio-sva-testdev/registers/pri-depth-outstanding-1",
                        GUINT_TO_POINTER(1), test_pri_depth);
    qtest_add_func("uio-sva-testdev/errors/refused", test_errors);
    qtest_add_data_func("uio-sva-testdev/errors/translation/no-iommu",
                        "", test_error_translation);
    qtest_add_data_func("uio-sva-testdev/errors/translation/no-device-iotlb",
                        "-device intel-iommu", test_error_translation);
    qtest_add_func("uio-sva-testdev/errors/busy", test_error_busy);
    qtest_add_func("uio-sva-testdev/quiesce/abort", test_abort);
    qtest_add_func("uio-sva-testdev/quiesce/max-len-abort", test_max_len);
    qtest_add_func("uio-sva-testdev/quiesce/bus-master-off", test_bus_master_off);
    qtest_add_func("uio-sva-testdev/reset/flr", test_flr);
    qtest_add_func("uio-sva-testdev/reset/flr-busy", test_flr_busy);
    qtest_add_func("uio-sva-testdev/reset/system", test_system_reset);
    qtest_add_func("uio-sva-testdev/dma/untagged-fill", test_dma_fill);
    qtest_add_func("uio-sva-testdev/dma/untagged-copy-checksum",
                   test_dma_copy_checksum);
    qtest_add_func("uio-sva-testdev/dma/pasid-ats", test_dma_pasid_ats);
    qtest_add_func("uio-sva-testdev/irq/msix", test_msix);
    qtest_add_data_func("uio-sva-testdev/irq/msi", "", test_msi);
    qtest_add_data_func("uio-sva-testdev/irq/msi-msix-off", "msix=off",
                        test_msi);
    qtest_add_data_func("uio-sva-testdev/irq/intx", "", test_intx);
    qtest_add_data_func("uio-sva-testdev/irq/intx-msix-msi-off",
                        "msix=off,msi=off", test_intx);
    for (i = 0; i < ARRAY_SIZE(prop_cases); i++) {
        g_autofree char *path = g_strdup_printf("uio-sva-testdev/properties/%s",
                                                prop_cases[i].name);

        qtest_add_data_func(path, &prop_cases[i], test_properties);
    }
    return g_test_run();
}

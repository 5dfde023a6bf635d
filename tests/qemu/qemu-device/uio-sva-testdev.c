/*
 * uio-sva-testdev: a PCIe endpoint that DMAs by PASID with ATS and PRI
 *
 * The register map is the data sheet in the uio-pci-sva project,
 * Documentation/uio-sva-testdev.rst.  In short: the host programs a
 * PASID, addresses, a length and an operation (FILL, COPY, CHECKSUM) in
 * BAR0 and rings a doorbell.  With a PASID the device translates every
 * page it touches with ATS through a 64-entry address translation cache
 * (ATC) kept coherent by the vIOMMU's device-TLB invalidations, and asks
 * for missing pages with PRI; without one (NO_PASID) it issues ordinary
 * untagged DMA through its requester ID.
 *
 * Data moves on a worker thread.  Everything the worker shares with the
 * rest of QEMU (registers, ATC, PRI state) is protected by the BQL; the
 * worker holds the BQL while it handles one page and drops it between
 * pages and while it waits for page responses, so vCPUs (and the guest's
 * I/O page-fault handler) keep running.  Abort, bus-master disable, reset
 * and unplug finish the operation at once under the BQL and bump a
 * generation number (with bm-pause=on a bus-master disable pauses the
 * operation instead, until bus mastering is on again); the worker sees
 * the change before its next page and drops the job without issuing any
 * more DMA.  While the VM is paused the worker issues no DMA, and the
 * page-response timeout counts guest time.
 *
 * Page requests are pipelined.  When the translation of a page fails, the
 * device looks ahead in the job's range (the same direction: source pages
 * for reads, destination pages for writes; at most 4 N pages ahead) with
 * translation requests and sends one page request for each page that is
 * missing, up to N requests in all (the failing page first; each request
 * is a page request group of its own with Last set, so one group index
 * each), without waiting for the responses in between.  Then it waits,
 * BQL dropped, for the response of every request it sent (10 s of guest
 * time for the batch, else TIMEOUT), and translates the failing page
 * again; the pages ahead are translated when the job reaches them (a page
 * whose response was not Success is asked for again then, first in a
 * batch of its own, so ERROR and FAULT_ADDR name the first page that
 * failed, as with one request at a time).  N is the smallest of: the
 * PRI_DEPTH register (BAR0 0x090, RW32; reset value: the property below;
 * writes are clamped to 1 .. the property), the Outstanding Page Request
 * Allocation the OS wrote to the PRI capability (read from config space
 * before every batch) and the capacity the capability advertises (the
 * "pri-outstanding" property, 1 to 64, default 16).  So the device never
 * has more requests outstanding than the OS allocated.  PRI_DEPTH = 1 is
 * the former behaviour: one request at a time.
 *
 * Copyright (c) 2026 The uio-pci-sva authors
 *
 * This work is licensed under the terms of the GNU GPL, version 2 or later.
 * See the COPYING file in the top-level directory.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/dma.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "block/aio.h"

#define TYPE_UIO_SVA_TESTDEV "uio-sva-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(UioSvaState, UIO_SVA_TESTDEV)

#define UIO_SVA_DEVICE_ID       0x5356
#define UIO_SVA_REVISION        0x01
#define UIO_SVA_CLASS           0xff00

#define UIO_SVA_ID_VALUE        0x53564131
#define UIO_SVA_VERSION_VALUE   0x00010000

/* BAR0 registers */
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

#define OP_FILL                 1
#define OP_COPY                 2
#define OP_CHECKSUM             3

#define STATUS_BUSY             (1u << 0)
#define STATUS_DONE             (1u << 1)
#define STATUS_ERROR            (1u << 2)

#define CTRL_ABORT              (1u << 0)
#define CTRL_CLEAR_STATS        (1u << 1)

enum {
    ERR_NONE = 0,
    ERR_BAD_OP = 1,
    ERR_BAD_PASID = 2,
    ERR_BAD_LEN = 3,
    ERR_BUS_MASTER_OFF = 4,
    ERR_TRANSLATION = 5,
    ERR_PRI_FAILURE = 6,
    ERR_PERMISSION = 7,
    ERR_ABORTED = 8,
    ERR_DMA_ERROR = 9,
    ERR_BUSY = 10,
    ERR_TIMEOUT = 11,
    ERR_NOT_ENABLED = 12,
};

#define UIO_SVA_NO_PASID        0xffffffffu
#define UIO_SVA_PASID_WIDTH     20
#define UIO_SVA_PASID_MAX       ((1u << UIO_SVA_PASID_WIDTH) - 1)
#define UIO_SVA_MAX_LEN         (1 * GiB)
#define UIO_SVA_PAGE_SIZE       4096ULL
#define UIO_SVA_PAGE_MASK       (~(UIO_SVA_PAGE_SIZE - 1))
#define UIO_SVA_ATC_ENTRIES     64
#define UIO_SVA_PRI_OUTSTANDING 16      /* default of "pri-outstanding" */
#define UIO_SVA_PRI_MAX         64      /* most "pri-outstanding" can be */
#define UIO_SVA_PRI_TIMEOUT_MS  10000    /* of guest (virtual) time */

#define UIO_SVA_BAR0_SIZE       (4 * KiB)
#define UIO_SVA_SCRATCH_SIZE    (64 * KiB)
#define UIO_SVA_IO_SIZE         32

/* FNV-1a 64 */
#define FNV1A_INIT              0xcbf29ce484222325ULL
#define FNV1A_PRIME             0x100000001b3ULL

typedef struct UioSvaAtcEntry {
    bool valid;
    uint32_t pasid;
    hwaddr iova;            /* aligned to addr_mask + 1 */
    hwaddr translated_addr;
    hwaddr addr_mask;
    IOMMUAccessFlags perm;
    AddressSpace *target_as;
} UioSvaAtcEntry;

/* One operation, as latched when DOORBELL was written */
/* One page request in flight (BQL) */
typedef struct UioSvaPageReq {
    hwaddr page;
    uint16_t prgi;
    bool waiting;           /* sent, no response yet */
    bool answered;
    IOMMUPRIResponseCode code;
} UioSvaPageReq;

typedef struct UioSvaJob {
    uint32_t gen;
    uint32_t op;
    uint32_t pasid;
    uint64_t src;
    uint64_t dst;
    uint64_t len;
    uint64_t pattern;
} UioSvaJob;

struct UioSvaState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion scratch;
    MemoryRegion io;

    /* properties */
    bool prop_pasid;
    bool prop_ats;
    bool prop_pri;
    bool prop_msix;
    bool prop_msi;
    bool prop_bm_pause;     /* pause, not abort, when bus mastering goes off */
    uint32_t prop_pri_outstanding; /* PRI capacity, PRI_DEPTH reset value */

    /* registers (BQL) */
    uint32_t caps;
    uint32_t pasid;
    uint64_t src;
    uint64_t dst;
    uint64_t len;
    uint64_t pattern;
    uint32_t op;
    uint32_t irq_en;
    uint32_t status;
    uint32_t error;
    uint32_t irq_status;
    uint64_t fault_addr;
    uint64_t result;
    uint32_t completions;
    uint64_t ats_requests;
    uint64_t pri_requests;
    uint64_t invalidations;
    uint64_t atc_hits;
    uint32_t io_scratch;
    uint32_t pri_depth;     /* PRI_DEPTH: most page requests in flight */

    /* operation state (BQL) */
    bool busy;
    bool job_pending;
    uint32_t gen;           /* bumped whenever an operation ends */
    UioSvaJob job;

    /* ATC and the PASID it is registered for (BQL) */
    UioSvaAtcEntry atc[UIO_SVA_ATC_ENTRIES];
    unsigned atc_next;
    uint32_t bound_pasid;   /* notifiers registered for it, or NO_PASID */
    IOMMUNotifier iotlb_notifier;
    IOMMUPRINotifier pri_notifier;

    /* page requests in flight: the batch being waited for (BQL) */
    UioSvaPageReq pri_req[UIO_SVA_PRI_MAX];
    unsigned pri_count;     /* sent in the batch */
    unsigned pri_pending;   /* of which not answered yet */
    uint16_t next_prgi;

    /* worker */
    QemuThread thread;
    QemuCond cond;          /* used with the BQL */
    bool thread_started;
    bool stopping;
};

/* ---------------------------------------------------------------- helpers */

static bool uio_sva_bus_master(UioSvaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

static void uio_sva_raise_irq(UioSvaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    s->irq_status |= 1;
    if (msix_enabled(pdev)) {
        msix_notify(pdev, 0);
    } else if (msi_enabled(pdev)) {
        msi_notify(pdev, 0);
    } else {
        pci_set_irq(pdev, 1);
    }
}

/*
 * End the running operation with @err.  Bumping the generation tells the
 * worker that its job is gone; wake it if it waits for a page response.
 */
static void uio_sva_complete(UioSvaState *s, uint32_t err, uint64_t fault,
                             bool notify)
{
    if (!s->busy) {
        return;
    }
    s->busy = false;
    s->job_pending = false;
    s->pri_count = 0;
    s->pri_pending = 0;
    s->gen++;
    s->error = err;
    s->fault_addr = err ? fault : 0;
    s->status = err ? STATUS_ERROR : STATUS_DONE;
    s->completions++;
    if (notify && (s->irq_en & 1)) {
        uio_sva_raise_irq(s);
    }
    qemu_cond_broadcast(&s->cond);
}

/* ------------------------------------------------------------------- ATC */

static void uio_sva_atc_flush(UioSvaState *s)
{
    memset(s->atc, 0, sizeof(s->atc));
    s->atc_next = 0;
}

static UioSvaAtcEntry *uio_sva_atc_lookup(UioSvaState *s, uint32_t pasid,
                                          hwaddr addr)
{
    int i;

    for (i = 0; i < UIO_SVA_ATC_ENTRIES; i++) {
        UioSvaAtcEntry *e = &s->atc[i];

        if (e->valid && e->pasid == pasid &&
            (addr & ~e->addr_mask) == e->iova) {
            return e;
        }
    }
    return NULL;
}

static void uio_sva_atc_insert(UioSvaState *s, uint32_t pasid,
                               const IOMMUTLBEntry *t)
{
    UioSvaAtcEntry *e = uio_sva_atc_lookup(s, pasid, t->iova);

    if (!e) {
        e = &s->atc[s->atc_next];
        s->atc_next = (s->atc_next + 1) % UIO_SVA_ATC_ENTRIES;
    }
    e->valid = true;
    e->pasid = pasid;
    e->addr_mask = t->addr_mask;
    e->iova = t->iova & ~t->addr_mask;
    e->translated_addr = t->translated_addr & ~t->addr_mask;
    e->perm = t->perm & IOMMU_RW;
    e->target_as = t->target_as ? t->target_as : &address_space_memory;
}

/* Device-TLB invalidation from the vIOMMU (vCPU thread, BQL held) */
static void uio_sva_iotlb_notify(IOMMUNotifier *n, IOMMUTLBEntry *data)
{
    UioSvaState *s = container_of(n, UioSvaState, iotlb_notifier);
    hwaddr first = data->iova & ~data->addr_mask;
    hwaddr last = first + data->addr_mask;
    int i;

    s->invalidations++;
    for (i = 0; i < UIO_SVA_ATC_ENTRIES; i++) {
        UioSvaAtcEntry *e = &s->atc[i];

        if (!e->valid || e->pasid != data->pasid) {
            continue;
        }
        if (e->iova <= last && first <= e->iova + e->addr_mask) {
            e->valid = false;
        }
    }
}

/* Page group response from the vIOMMU (vCPU thread, BQL held) */
static void uio_sva_pri_notify(IOMMUPRINotifier *n, IOMMUPRIResponse *resp)
{
    UioSvaState *s = container_of(n, UioSvaState, pri_notifier);
    unsigned i;

    for (i = 0; i < s->pri_count; i++) {
        UioSvaPageReq *r = &s->pri_req[i];

        if (r->waiting && r->prgi == resp->prgi) {
            r->waiting = false;
            r->answered = true;
            r->code = resp->response_code;
            if (--s->pri_pending == 0) {
                qemu_cond_broadcast(&s->cond);
            }
            return;
        }
    }
    /* late answer for a request we gave up on */
}

/*
 * The generic helpers refuse to unregister while the guest has PASID
 * disabled, but the vIOMMU must never keep a notifier of ours after the
 * PASID changed, the device was reset or unplugged: present the capability
 * as enabled for the duration of the call.
 */
static void uio_sva_unbind(UioSvaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t *ctrl;
    uint16_t saved;

    if (s->bound_pasid != UIO_SVA_NO_PASID) {
        ctrl = pdev->config + pdev->exp.pasid_cap + PCI_PASID_CTRL;
        saved = pci_get_word(ctrl);
        pci_set_word(ctrl, saved | PCI_PASID_CTRL_ENABLE);
        pci_iommu_unregister_iotlb_notifier(pdev, s->bound_pasid,
                                            &s->iotlb_notifier);
        pci_set_word(ctrl, saved);
        if (pdev->exp.pri_cap) {
            pci_pri_unregister_notifier(pdev, s->bound_pasid);
        }
        s->bound_pasid = UIO_SVA_NO_PASID;
    }
    uio_sva_atc_flush(s);
}

/*
 * Registering a device-TLB notifier on an intel-iommu without
 * device-iotlb=on (or with snoop-control=on) is fatal in QEMU 10.2:
 * check first, a guest may enable ATS by hand.
 */
static bool uio_sva_iommu_has_devtlb(void)
{
    Object *iommu = object_resolve_path_type("", "intel-iommu", NULL);

    if (!iommu) {
        return false;
    }
    return object_property_get_bool(iommu, "device-iotlb", NULL) &&
           !object_property_get_bool(iommu, "snoop-control", NULL);
}

static uint32_t uio_sva_bind(UioSvaState *s, uint32_t pasid)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->bound_pasid == pasid) {
        return ERR_NONE;
    }
    uio_sva_unbind(s);

    if (!uio_sva_iommu_has_devtlb()) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: ATS needs an intel-iommu with "
                      "device-iotlb=on\n", TYPE_UIO_SVA_TESTDEV);
        return ERR_TRANSLATION;
    }
    if (pci_iommu_init_iotlb_notifier(pdev, &s->iotlb_notifier,
                                      uio_sva_iotlb_notify, s) ||
        pci_iommu_register_iotlb_notifier(pdev, pasid, &s->iotlb_notifier)) {
        return ERR_TRANSLATION;
    }
    s->bound_pasid = pasid;
    if (pdev->exp.pri_cap) {
        /* fails only when PASID is disabled, checked by the caller */
        pci_pri_register_notifier(pdev, pasid, &s->pri_notifier);
    }
    return ERR_NONE;
}

/* ---------------------------------------------------------------- worker */

/* Internal to the worker: the page must be translated again (bm-pause). */
#define UIO_SVA_RETRY           0x100

/* Is the job still the running one?  Called with the BQL held. */
static bool uio_sva_job_live(UioSvaState *s, const UioSvaJob *job)
{
    return !s->stopping && s->busy && s->gen == job->gen;
}

/*
 * Bus mastering is off.  Without bm-pause the job ends (BUS_MASTER_OFF).
 * With bm-pause it waits, BQL dropped, until bus mastering is on again
 * and then goes on where it stopped, as many real engines do: returns
 * ERR_NONE then, ERR_ABORTED if the job ended meanwhile (abort, reset).
 */
static uint32_t uio_sva_bus_master_off(UioSvaState *s, const UioSvaJob *job)
{
    if (!s->prop_bm_pause) {
        return ERR_BUS_MASTER_OFF;
    }
    while (!uio_sva_bus_master(s)) {
        if (!uio_sva_job_live(s, job)) {
            return ERR_ABORTED;
        }
        qemu_cond_timedwait_bql(&s->cond, 100);
    }
    return uio_sva_job_live(s, job) ? ERR_NONE : ERR_ABORTED;
}

/* Send one ATS translation request for the page at @page. */
static bool uio_sva_ats(UioSvaState *s, const UioSvaJob *job, hwaddr page,
                        bool write, IOMMUTLBEntry *t)
{
    uint32_t err_count = 0;

    memset(t, 0, sizeof(*t));
    s->ats_requests++;
    return pci_ats_request_translation(PCI_DEVICE(s), job->pasid, false, false,
                                       page, UIO_SVA_PAGE_SIZE, !write, t, 1,
                                       &err_count) == 1 &&
           !(t->perm & IOMMU_UNTRANSLATED_ONLY);
}

/*
 * How many page requests the device may have outstanding now: PRI_DEPTH,
 * the Outstanding Page Request Allocation the OS enabled in the PRI
 * capability (config space, as a real function reads it) and the capacity
 * the capability advertises, whichever is smallest.
 */
static unsigned uio_sva_pri_window(UioSvaState *s)
{
    uint32_t alloc = pcie_pri_get_req_alloc(PCI_DEVICE(s));

    return MIN(MIN(s->pri_depth, alloc), s->prop_pri_outstanding);
}

/* Forget the batch: responses still to come are late ones. */
static void uio_sva_pri_drop(UioSvaState *s)
{
    s->pri_count = 0;
    s->pri_pending = 0;
}

/* Send one page request (one page, last in its group) into the batch. */
static int uio_sva_pri_send(UioSvaState *s, const UioSvaJob *job,
                            hwaddr page, bool write)
{
    UioSvaPageReq *r = &s->pri_req[s->pri_count];
    int ret;

    r->page = page;
    r->prgi = s->next_prgi;
    r->waiting = true;
    r->answered = false;
    s->pri_requests++;
    ret = pci_pri_request_page(PCI_DEVICE(s), job->pasid, false, false, page,
                               true, r->prgi, !write, write);
    if (ret) {
        r->waiting = false;
        qemu_log_mask(LOG_GUEST_ERROR, "%s: page request for 0x%" PRIx64
                      " not sent (%d)\n", TYPE_UIO_SVA_TESTDEV,
                      (uint64_t)page, ret);
        return ret;
    }
    s->next_prgi = (s->next_prgi + 1) & PCI_PRI_PRGI_MASK;
    s->pri_count++;
    s->pri_pending++;
    return 0;
}

/*
 * Send a batch of page requests: for @page, then for the pages after it
 * up to @end (exclusive) that the job will need and that are not present
 * (or not writable for a write), up to uio_sva_pri_window() requests in
 * all and looking at most 4 times that many pages ahead.  Then wait for
 * every response with the BQL dropped.  Returns the outcome for @page:
 * ERR_NONE when the OS answered Success, ERR_ABORTED when the job ended
 * meanwhile.  The responses for the other pages do not matter here: the
 * job translates those pages again when it gets to them.
 */
static uint32_t uio_sva_page_request(UioSvaState *s, const UioSvaJob *job,
                                     hwaddr page, hwaddr end, bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    IOMMUAccessFlags need = write ? IOMMU_WO : IOMMU_RO;
    IOMMUPRIResponseCode code;
    uint64_t ahead, i;
    unsigned window;
    int64_t deadline;
    int ret;

    if (!pcie_pri_enabled(pdev) || !pcie_pri_get_req_alloc(pdev)) {
        return ERR_NOT_ENABLED;
    }
    window = uio_sva_pri_window(s);
    uio_sva_pri_drop(s);
    ret = uio_sva_pri_send(s, job, page, write);
    if (ret) {
        /*
         * -EINVAL/-EPERM: the IOMMU has no first-stage table for the PASID
         * or takes no page requests from us; else the queue is full.
         */
        return ret == -EINVAL || ret == -EPERM ? ERR_TRANSLATION
                                               : ERR_PRI_FAILURE;
    }

    /* pages of the range after @page (@end > @page: no wrap) */
    ahead = MIN((end - 1 - page) / UIO_SVA_PAGE_SIZE, 4ULL * window);
    for (i = 1; i <= ahead && s->pri_count < window; i++) {
        hwaddr next = page + i * UIO_SVA_PAGE_SIZE;
        UioSvaAtcEntry *e = uio_sva_atc_lookup(s, job->pasid, next);
        IOMMUTLBEntry t;

        if (e && (e->perm & need) == need) {
            continue;
        }
        if (uio_sva_ats(s, job, next, write, &t) && (t.perm & need) == need) {
            continue;
        }
        if (uio_sva_pri_send(s, job, next, write)) {
            break;  /* queue full: wait for the requests already sent */
        }
    }

    /* virtual time: a paused VM answers nothing but is not late either */
    deadline = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + UIO_SVA_PRI_TIMEOUT_MS;
    while (s->pri_pending) {
        int64_t left = deadline - qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL);

        if (!uio_sva_job_live(s, job)) {
            return ERR_ABORTED;
        }
        if (!uio_sva_bus_master(s)) {
            uio_sva_pri_drop(s);
            /* bm-pause: the requests are dropped, ask again after resuming */
            ret = uio_sva_bus_master_off(s, job);
            return ret == ERR_NONE ? UIO_SVA_RETRY : ret;
        }
        if (left <= 0) {
            uio_sva_pri_drop(s);
            return ERR_TIMEOUT;
        }
        qemu_cond_timedwait_bql(&s->cond, MIN(left, 1000));
    }
    if (!uio_sva_job_live(s, job)) {
        return ERR_ABORTED;
    }
    code = s->pri_req[0].code;
    uio_sva_pri_drop(s);
    switch (code) {
    case IOMMU_PRI_RESP_SUCCESS:
        return ERR_NONE;
    case IOMMU_PRI_RESP_INVALID_REQUEST:
        return ERR_TRANSLATION;
    default:
        return ERR_PRI_FAILURE;
    }
}

/*
 * Write access to @page was refused although the OS answered: tell a page
 * the process may only read (PERMISSION) from an unmapped one
 * (TRANSLATION) by asking for read access the same way.
 */
static uint32_t uio_sva_write_denied(UioSvaState *s, const UioSvaJob *job,
                                     hwaddr page)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    IOMMUTLBEntry t;
    uint32_t err;

    if (uio_sva_ats(s, job, page, false, &t) && (t.perm & IOMMU_RO)) {
        return ERR_PERMISSION;
    }
    if (!pdev->exp.pri_cap) {
        return ERR_TRANSLATION;
    }
    err = uio_sva_page_request(s, job, page, page + UIO_SVA_PAGE_SIZE, false);
    if (err == UIO_SVA_RETRY) {
        return uio_sva_write_denied(s, job, page);
    }
    if (err == ERR_ABORTED || err == ERR_BUS_MASTER_OFF) {
        return err;
    }
    if (!err && uio_sva_ats(s, job, page, false, &t) && (t.perm & IOMMU_RO)) {
        return ERR_PERMISSION;
    }
    return ERR_TRANSLATION;
}

/*
 * Translate the page at @addr for @job's PASID: ATC, else a translation
 * request, else a page request and one more translation request.  On
 * success *@e is an ATC entry that grants the access.  ERR_ABORTED means
 * the job is gone (do not touch the registers).
 */
static uint32_t uio_sva_translate(UioSvaState *s, const UioSvaJob *job,
                                  hwaddr addr, bool write,
                                  UioSvaAtcEntry **e)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    IOMMUAccessFlags need = write ? IOMMU_WO : IOMMU_RO;
    hwaddr page = addr & UIO_SVA_PAGE_MASK;
    /* the end of the range this access belongs to, for the look-ahead */
    hwaddr end = (write ? job->dst : job->src) + job->len;
    IOMMUTLBEntry t;
    uint32_t err;
    int attempt;

    *e = uio_sva_atc_lookup(s, job->pasid, addr);
    if (*e && ((*e)->perm & need) == need) {
        s->atc_hits++;
        return ERR_NONE;
    }

    for (attempt = 0; ; attempt++) {
        if (!uio_sva_bus_master(s)) {
            err = uio_sva_bus_master_off(s, job);
            if (err) {
                return err;
            }
        }
        if (!pcie_ats_enabled(pdev) || !pcie_pasid_enabled(pdev)) {
            return ERR_NOT_ENABLED;
        }
        if (uio_sva_ats(s, job, page, write, &t) && (t.perm & need) == need) {
            uio_sva_atc_insert(s, job->pasid, &t);
            *e = uio_sva_atc_lookup(s, job->pasid, addr);
            return *e ? ERR_NONE : ERR_TRANSLATION;
        }
        /* not present, or read-only for a write */
        if (attempt > 0 || !pdev->exp.pri_cap) {
            /* still no access after a successful page response, or no PRI */
            return write ? uio_sva_write_denied(s, job, page)
                         : ERR_TRANSLATION;
        }
        err = uio_sva_page_request(s, job, page, end, write);
        if (err == UIO_SVA_RETRY) {
            attempt = -1;
            continue;
        }
        if (err == ERR_TRANSLATION && write) {
            return uio_sva_write_denied(s, job, page);
        }
        if (err) {
            return err;
        }
    }
}

/*
 * Move up to one page of data at @addr.  Called with the BQL held and the
 * job live.
 */
static uint32_t uio_sva_access(UioSvaState *s, const UioSvaJob *job,
                               hwaddr addr, void *buf, hwaddr len, bool write)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    UioSvaAtcEntry *e;
    MemTxResult res;
    uint32_t err;

    if (!uio_sva_bus_master(s)) {
        err = uio_sva_bus_master_off(s, job);
        if (err) {
            return err;
        }
    }
    if (job->pasid == UIO_SVA_NO_PASID) {
        res = pci_dma_rw(pdev, addr, buf, len,
                         write ? DMA_DIRECTION_FROM_DEVICE
                               : DMA_DIRECTION_TO_DEVICE,
                         MEMTXATTRS_UNSPECIFIED);
        return res == MEMTX_OK ? ERR_NONE : ERR_DMA_ERROR;
    }

    err = uio_sva_translate(s, job, addr, write, &e);
    if (err) {
        return err;
    }
    res = address_space_rw(e->target_as,
                           e->translated_addr | (addr & e->addr_mask),
                           MEMTXATTRS_UNSPECIFIED, buf, len, write);
    return res == MEMTX_OK ? ERR_NONE : ERR_DMA_ERROR;
}

/*
 * Run @job page by page.  Returns with the BQL held; ERR_ABORTED with
 * the job no longer live means someone else already ended it.
 */
static uint32_t uio_sva_run(UioSvaState *s, const UioSvaJob *job,
                            uint64_t *fault, uint64_t *result)
{
    uint8_t buf[UIO_SVA_PAGE_SIZE];
    uint64_t hash = FNV1A_INIT;
    uint64_t done = 0;
    uint32_t err = ERR_NONE;

    if (job->pasid != UIO_SVA_NO_PASID) {
        err = uio_sva_bind(s, job->pasid);
        if (err) {
            return err;
        }
    }

    while (done < job->len) {
        uint64_t src = job->src + done;
        uint64_t dst = job->dst + done;
        uint64_t chunk = job->len - done;
        uint64_t i;

        /* one page of the source and of the destination at most */
        if (job->op != OP_FILL) {
            chunk = MIN(chunk, UIO_SVA_PAGE_SIZE - (src & ~UIO_SVA_PAGE_MASK));
        }
        if (job->op != OP_CHECKSUM) {
            chunk = MIN(chunk, UIO_SVA_PAGE_SIZE - (dst & ~UIO_SVA_PAGE_MASK));
        }

        /* let vCPUs in between pages, then check we may go on */
        bql_unlock();
        g_thread_yield();
        bql_lock();
        if (!uio_sva_job_live(s, job)) {
            return ERR_ABORTED;
        }
        /* no DMA while the VM is paused */
        while (!runstate_is_running()) {
            qemu_cond_timedwait_bql(&s->cond, 100);
            if (!uio_sva_job_live(s, job)) {
                return ERR_ABORTED;
            }
        }

        if (job->op == OP_FILL) {
            for (i = 0; i < chunk; i++) {
                buf[i] = job->pattern >> (8 * ((done + i) % 8));
            }
        } else {
            err = uio_sva_access(s, job, src, buf, chunk, false);
            if (err) {
                *fault = src;
                return err;
            }
            if (!uio_sva_job_live(s, job)) {
                return ERR_ABORTED;
            }
        }

        if (job->op == OP_CHECKSUM) {
            for (i = 0; i < chunk; i++) {
                hash = (hash ^ buf[i]) * FNV1A_PRIME;
            }
        } else {
            err = uio_sva_access(s, job, dst, buf, chunk, true);
            if (err) {
                *fault = dst;
                return err;
            }
        }
        done += chunk;
    }
    *result = hash;
    return ERR_NONE;
}

static void uio_sva_thread_done_bh(void *opaque)
{
    UioSvaState *s = opaque;

    qemu_thread_join(&s->thread);
    object_unref(OBJECT(s));
}

static void *uio_sva_thread(void *opaque)
{
    UioSvaState *s = opaque;

    rcu_register_thread();
    bql_lock();
    for (;;) {
        UioSvaJob job;
        uint64_t fault = 0, result = 0;
        uint32_t err;

        while (!s->stopping && !s->job_pending) {
            qemu_cond_wait_bql(&s->cond);
        }
        if (s->stopping) {
            break;
        }
        s->job_pending = false;
        job = s->job;

        err = uio_sva_run(s, &job, &fault, &result);
        if (!uio_sva_job_live(s, &job)) {
            continue;   /* already ended by abort, reset or unplug */
        }
        if (!err && job.op == OP_CHECKSUM) {
            s->result = result;
        }
        uio_sva_complete(s, err, fault, true);
    }
    aio_bh_schedule_oneshot(qemu_get_aio_context(), uio_sva_thread_done_bh, s);
    bql_unlock();
    rcu_unregister_thread();
    return NULL;
}

/* -------------------------------------------------------------- registers */

static bool uio_sva_range_ok(uint64_t addr, uint64_t len)
{
    return addr + len >= addr;  /* LEN <= 1 GiB, so only wrapping matters */
}

static void uio_sva_doorbell(UioSvaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t err = ERR_NONE;

    if (s->busy) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: DOORBELL while busy\n",
                      TYPE_UIO_SVA_TESTDEV);
        s->error = ERR_BUSY;
        return;
    }

    s->busy = true;
    s->status = STATUS_BUSY;
    s->error = ERR_NONE;
    s->fault_addr = 0;

    if (s->op < OP_FILL || s->op > OP_CHECKSUM) {
        err = ERR_BAD_OP;
    } else if (s->pasid != UIO_SVA_NO_PASID && s->pasid > UIO_SVA_PASID_MAX) {
        err = ERR_BAD_PASID;
    } else if (s->len > UIO_SVA_MAX_LEN ||
               (s->op != OP_FILL && !uio_sva_range_ok(s->src, s->len)) ||
               (s->op != OP_CHECKSUM && !uio_sva_range_ok(s->dst, s->len))) {
        err = ERR_BAD_LEN;
    } else if (!uio_sva_bus_master(s)) {
        err = ERR_BUS_MASTER_OFF;
    } else if (s->pasid != UIO_SVA_NO_PASID &&
               (!pcie_pasid_enabled(pdev) || !pcie_ats_enabled(pdev))) {
        err = ERR_NOT_ENABLED;
    }
    if (err) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: operation refused, error %u\n",
                      TYPE_UIO_SVA_TESTDEV, err);
        uio_sva_complete(s, err, 0, true);
        return;
    }
    if (s->len == 0) {
        if (s->op == OP_CHECKSUM) {
            s->result = FNV1A_INIT;
        }
        uio_sva_complete(s, ERR_NONE, 0, true);
        return;
    }

    s->job = (UioSvaJob) {
        .gen = s->gen,
        .op = s->op,
        .pasid = s->pasid,
        .src = s->src,
        .dst = s->dst,
        .len = s->len,
        .pattern = s->pattern,
    };
    s->job_pending = true;
    qemu_cond_broadcast(&s->cond);
}

static uint32_t uio_sva_read32(UioSvaState *s, hwaddr addr)
{
    switch (addr) {
    case REG_ID:
        return UIO_SVA_ID_VALUE;
    case REG_VERSION:
        return UIO_SVA_VERSION_VALUE;
    case REG_CAPS:
        return s->caps;
    case REG_PASID:
        return s->pasid;
    case REG_SRC:
        return s->src;
    case REG_SRC + 4:
        return s->src >> 32;
    case REG_DST:
        return s->dst;
    case REG_DST + 4:
        return s->dst >> 32;
    case REG_LEN:
        return s->len;
    case REG_LEN + 4:
        return s->len >> 32;
    case REG_PATTERN:
        return s->pattern;
    case REG_PATTERN + 4:
        return s->pattern >> 32;
    case REG_OP:
        return s->op;
    case REG_IRQ_EN:
        return s->irq_en;
    case REG_STATUS:
        return s->status;
    case REG_ERROR:
        return s->error;
    case REG_IRQ_STATUS:
        return s->irq_status;
    case REG_FAULT_ADDR:
        return s->fault_addr;
    case REG_FAULT_ADDR + 4:
        return s->fault_addr >> 32;
    case REG_RESULT:
        return s->result;
    case REG_RESULT + 4:
        return s->result >> 32;
    case REG_COMPLETIONS:
        return s->completions;
    case REG_ATS_REQUESTS:
        return s->ats_requests;
    case REG_ATS_REQUESTS + 4:
        return s->ats_requests >> 32;
    case REG_PRI_REQUESTS:
        return s->pri_requests;
    case REG_PRI_REQUESTS + 4:
        return s->pri_requests >> 32;
    case REG_INVALIDATIONS:
        return s->invalidations;
    case REG_INVALIDATIONS + 4:
        return s->invalidations >> 32;
    case REG_ATC_HITS:
        return s->atc_hits;
    case REG_ATC_HITS + 4:
        return s->atc_hits >> 32;
    case REG_PRI_DEPTH:
        return s->pri_depth;
    default:
        return 0;   /* DOORBELL, CTRL and undefined offsets */
    }
}

static void uio_sva_set_half(uint64_t *reg, hwaddr addr, hwaddr base,
                             uint32_t val)
{
    if (addr == base) {
        *reg = deposit64(*reg, 0, 32, val);
    } else {
        *reg = deposit64(*reg, 32, 32, val);
    }
}

static void uio_sva_write32(UioSvaState *s, hwaddr addr, uint32_t val)
{
    switch (addr) {
    case REG_PASID:
        s->pasid = val;
        break;
    case REG_SRC:
    case REG_SRC + 4:
        uio_sva_set_half(&s->src, addr, REG_SRC, val);
        break;
    case REG_DST:
    case REG_DST + 4:
        uio_sva_set_half(&s->dst, addr, REG_DST, val);
        break;
    case REG_LEN:
    case REG_LEN + 4:
        uio_sva_set_half(&s->len, addr, REG_LEN, val);
        break;
    case REG_PATTERN:
    case REG_PATTERN + 4:
        uio_sva_set_half(&s->pattern, addr, REG_PATTERN, val);
        break;
    case REG_OP:
        s->op = val;
        break;
    case REG_IRQ_EN:
        s->irq_en = val & 1;
        break;
    case REG_DOORBELL:
        uio_sva_doorbell(s);
        break;
    case REG_IRQ_STATUS:
        if (val & 1) {
            s->irq_status &= ~1u;
            pci_set_irq(PCI_DEVICE(s), 0);
        }
        break;
    case REG_PRI_DEPTH:
        /* takes effect at the next batch of page requests */
        s->pri_depth = MAX(1, MIN(val, s->prop_pri_outstanding));
        break;
    case REG_CTRL:
        if (val & CTRL_ABORT) {
            uio_sva_complete(s, ERR_ABORTED, 0, true);
        }
        if (val & CTRL_CLEAR_STATS) {
            s->ats_requests = 0;
            s->pri_requests = 0;
            s->invalidations = 0;
            s->atc_hits = 0;
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write of 0x%x to read-only or "
                      "undefined offset 0x%" HWADDR_PRIx "\n",
                      TYPE_UIO_SVA_TESTDEV, val, addr);
        break;
    }
}

static uint64_t uio_sva_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    UioSvaState *s = opaque;
    uint64_t val = uio_sva_read32(s, addr);

    if (size == 8) {
        val |= (uint64_t)uio_sva_read32(s, addr + 4) << 32;
    }
    return val;
}

static void uio_sva_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    UioSvaState *s = opaque;

    uio_sva_write32(s, addr, val);
    if (size == 8) {
        uio_sva_write32(s, addr + 4, val >> 32);
    }
}

static const MemoryRegionOps uio_sva_mmio_ops = {
    .read = uio_sva_mmio_read,
    .write = uio_sva_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

static uint64_t uio_sva_io_read(void *opaque, hwaddr addr, unsigned size)
{
    UioSvaState *s = opaque;

    switch (addr) {
    case 0:
        return UIO_SVA_ID_VALUE;
    case 4:
        return s->io_scratch;
    default:
        return 0;
    }
}

static void uio_sva_io_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    UioSvaState *s = opaque;

    if (addr == 4) {
        s->io_scratch = val;
    }
}

static const MemoryRegionOps uio_sva_io_ops = {
    .read = uio_sva_io_read,
    .write = uio_sva_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/* ------------------------------------------------------------ PCI plumbing */

static void uio_sva_write_config(PCIDevice *pdev, uint32_t addr, uint32_t val,
                                 int len)
{
    UioSvaState *s = UIO_SVA_TESTDEV(pdev);

    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);

    /* disabling ATS invalidates the ATC */
    if (!pcie_ats_enabled(pdev)) {
        uio_sva_atc_flush(s);
    }

    if (range_covers_byte(addr, len, PCI_COMMAND)) {
        if (!uio_sva_bus_master(s) && !s->prop_bm_pause) {
            uio_sva_complete(s, ERR_BUS_MASTER_OFF, 0, true);
        }
        /* bm-pause: a paused job goes on */
        qemu_cond_broadcast(&s->cond);
    }
}

static void uio_sva_reset(DeviceState *dev)
{
    UioSvaState *s = UIO_SVA_TESTDEV(dev);
    bool was_busy = s->busy;

    uio_sva_complete(s, ERR_ABORTED, 0, false);
    uio_sva_unbind(s);
    pci_set_irq(PCI_DEVICE(s), 0);

    s->pasid = UIO_SVA_NO_PASID;
    s->src = 0;
    s->dst = 0;
    s->len = 0;
    s->pattern = 0;
    s->op = 0;
    s->irq_en = 0;
    s->irq_status = 0;
    s->result = 0;
    s->completions = 0;
    s->ats_requests = 0;
    s->pri_requests = 0;
    s->invalidations = 0;
    s->atc_hits = 0;
    s->io_scratch = 0;
    s->pri_depth = s->prop_pri_outstanding;
    uio_sva_pri_drop(s);
    s->next_prgi = 0;
    /* an operation killed by the reset stays visible as ABORTED */
    if (!was_busy) {
        s->status = 0;
        s->error = ERR_NONE;
        s->fault_addr = 0;
    }
}

static void uio_sva_realize(PCIDevice *pdev, Error **errp)
{
    UioSvaState *s = UIO_SVA_TESTDEV(pdev);
    uint16_t ext = PCI_CONFIG_SPACE_SIZE;
    int ret;

    if (s->prop_pri_outstanding < 1 ||
        s->prop_pri_outstanding > UIO_SVA_PRI_MAX) {
        error_setg(errp, "pri-outstanding must be 1 to %u",
                   UIO_SVA_PRI_MAX);
        return;
    }
    pci_config_set_interrupt_pin(pdev->config, 1);

    ret = pcie_endpoint_cap_init(pdev, 0);
    if (ret < 0) {
        error_setg(errp, "cannot add the PCI Express capability");
        return;
    }
    pcie_cap_flr_init(pdev);

    memory_region_init_io(&s->mmio, OBJECT(s), &uio_sva_mmio_ops, s,
                          "uio-sva-testdev-regs", UIO_SVA_BAR0_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);

    if (s->prop_msix) {
        if (msix_init_exclusive_bar(pdev, 1, 1, errp)) {
            return;
        }
        msix_vector_use(pdev, 0);
        s->caps |= CAPS_MSIX;
    }
    if (s->prop_msi) {
        if (msi_init(pdev, 0, 1, true, false, errp)) {
            goto fail_msix;
        }
        s->caps |= CAPS_MSI;
    }

    if (!memory_region_init_ram_nomigrate(&s->scratch, OBJECT(s),
                                          "uio-sva-testdev-scratch",
                                          UIO_SVA_SCRATCH_SIZE, errp)) {
        goto fail_msi;
    }
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                              PCI_BASE_ADDRESS_MEM_TYPE_64 |
                              PCI_BASE_ADDRESS_MEM_PREFETCH, &s->scratch);

    memory_region_init_io(&s->io, OBJECT(s), &uio_sva_io_ops, s,
                          "uio-sva-testdev-io", UIO_SVA_IO_SIZE);
    pci_register_bar(pdev, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    if (s->prop_pasid) {
        pcie_pasid_init(pdev, ext, UIO_SVA_PASID_WIDTH, false, false);
        ext += PCI_EXT_CAP_PASID_SIZEOF;
        s->caps |= CAPS_PASID;
    }
    if (s->prop_ats) {
        pcie_ats_init(pdev, ext, true);
        ext += PCI_EXT_CAP_ATS_SIZEOF;
        s->caps |= CAPS_ATS;
    }
    if (s->prop_pri) {
        pcie_pri_init(pdev, ext, s->prop_pri_outstanding, true);
        ext += PCI_EXT_CAP_PRI_SIZEOF;
        s->caps |= CAPS_PRI;
    }

    s->pasid = UIO_SVA_NO_PASID;
    s->bound_pasid = UIO_SVA_NO_PASID;
    s->pri_depth = s->prop_pri_outstanding;
    s->pri_notifier.notify = uio_sva_pri_notify;

    qemu_cond_init(&s->cond);
    object_ref(OBJECT(s));  /* dropped once the worker has exited */
    qemu_thread_create(&s->thread, "uio-sva-testdev", uio_sva_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->thread_started = true;
    return;

fail_msi:
    msi_uninit(pdev);
fail_msix:
    if (s->prop_msix) {
        msix_uninit_exclusive_bar(pdev);
    }
}

static void uio_sva_exit(PCIDevice *pdev)
{
    UioSvaState *s = UIO_SVA_TESTDEV(pdev);

    /*
     * The BQL is held: end the operation and tell the worker to exit.  It
     * runs nothing more on the device once it gets the BQL back, and it
     * keeps a reference on us until it has gone.  Do not wait for it here.
     */
    uio_sva_complete(s, ERR_ABORTED, 0, false);
    s->stopping = true;
    qemu_cond_broadcast(&s->cond);
    uio_sva_unbind(s);

    msi_uninit(pdev);
    if (s->prop_msix) {
        msix_uninit_exclusive_bar(pdev);
    }
}

static void uio_sva_finalize(Object *obj)
{
    UioSvaState *s = UIO_SVA_TESTDEV(obj);

    if (s->thread_started) {
        qemu_cond_destroy(&s->cond);
    }
}

static const Property uio_sva_properties[] = {
    DEFINE_PROP_BOOL("pasid", UioSvaState, prop_pasid, true),
    DEFINE_PROP_BOOL("ats", UioSvaState, prop_ats, true),
    DEFINE_PROP_BOOL("pri", UioSvaState, prop_pri, true),
    DEFINE_PROP_BOOL("msix", UioSvaState, prop_msix, true),
    DEFINE_PROP_BOOL("msi", UioSvaState, prop_msi, true),
    DEFINE_PROP_BOOL("bm-pause", UioSvaState, prop_bm_pause, false),
    DEFINE_PROP_UINT32("pri-outstanding", UioSvaState, prop_pri_outstanding,
                       UIO_SVA_PRI_OUTSTANDING),
};

static const VMStateDescription vmstate_uio_sva = {
    .name = TYPE_UIO_SVA_TESTDEV,
    .unmigratable = 1,
};

static void uio_sva_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = uio_sva_realize;
    k->exit = uio_sva_exit;
    k->config_write = uio_sva_write_config;
    k->vendor_id = PCI_VENDOR_ID_QEMU;
    k->device_id = UIO_SVA_DEVICE_ID;
    k->revision = UIO_SVA_REVISION;
    k->class_id = UIO_SVA_CLASS;
    dc->desc = "PCIe test endpoint with PASID, ATS and PRI (uio-pci-sva)";
    dc->vmsd = &vmstate_uio_sva;
    device_class_set_legacy_reset(dc, uio_sva_reset);
    device_class_set_props(dc, uio_sva_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo uio_sva_types[] = {
    {
        .name          = TYPE_UIO_SVA_TESTDEV,
        .parent        = TYPE_PCI_DEVICE,
        .instance_size = sizeof(UioSvaState),
        .instance_finalize = uio_sva_finalize,
        .class_init    = uio_sva_class_init,
        .interfaces    = (const InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { },
        },
    },
};

DEFINE_TYPES(uio_sva_types)

# uio-sva profile: uio-sva-testdev, the project's emulated PCIe device
# (QEMU, tests/qemu/). Register map: Documentation/uio-sva-testdev.rst.
#
# Format (uio-sva(1), section PROFILES): one "key = value" or
# "key name = value" per line; '#' starts a comment; numbers are decimal
# or 0x hexadecimal; register widths are in bits.

name = uio-sva-testdev
device = 1234:5356            # vendor:device this profile is for

bar = 0                       # the BAR that holds the registers

#        name          offset width
register id          = 0x000  32
register version     = 0x004  32
register pasid       = 0x010  32
register src         = 0x018  64
register dst         = 0x020  64
register len         = 0x028  64
register pattern     = 0x030  64
register op          = 0x038  32
register irq_enable  = 0x03c  32
register doorbell    = 0x040  32
register status      = 0x044  32
register error       = 0x048  32
register irq_status  = 0x04c  32   # write irq_ack_value to clear (RW1C)
register fault_addr  = 0x050  64
register result      = 0x058  64
register completions = 0x060  32
register ctrl        = 0x064  32
register page_requests = 0x070 64  # PRI_REQUESTS: page requests sent

expect id = 0x53564131        # checked before the first operation

op fill     = 1
op copy     = 2
op checksum = 3

status busy  = 0x1
status done  = 0x2
status error = 0x4

doorbell_value   = 1          # any write starts the operation
irq_enable_value = 1
irq_ack_value    = 1
abort_value      = 1          # ctrl bit 0: ABORT

no_pasid   = 0xffffffff       # untagged DMA through the requester ID
pasid_bits = 20
max_len    = 1G
checksum   = fnv1a64

#     code   name             description
error 0  = NONE
error 1  = BAD_OP             OP is not 1, 2 or 3
error 2  = BAD_PASID          PASID is neither NO_PASID nor a 20-bit value
error 3  = BAD_LEN            LEN above 1 GiB, or SRC/DST + LEN wraps
error 4  = BUS_MASTER_OFF     bus mastering is disabled (device closed or unbound)
error 5  = TRANSLATION        the IOMMU refused the address (not mapped in the process)
error 6  = PRI_FAILURE        the page request was answered Response Failure
error 7  = PERMISSION         write to a page the process can only read
error 8  = ABORTED            CTRL.ABORT, device reset or hot unplug
error 9  = DMA_ERROR          untagged (NO_PASID) DMA failed in the IOMMU
error 10 = BUSY               doorbell written while an operation ran
error 11 = TIMEOUT            no page response within 10 seconds
error 12 = NOT_ENABLED        PASID, ATS or PRI is not enabled by the OS

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mmio.h - one device register access of exactly the requested width,
 * with the ordering of the Linux kernel's writel()/readl() on the same
 * architecture:
 *
 *   writeX(): earlier writes to normal memory (the DMA buffer, a
 *             descriptor) reach the device before the MMIO write (the
 *             doorbell);
 *   readX():  the MMIO read (a completion status) happens before later
 *             reads of normal memory (the data the device wrote).
 *
 * The accesses are single instructions with plain base-register
 * addressing, as the kernel's __raw_writel() and __raw_readl() emit them,
 * so that a hypervisor trapping the access can decode it.
 *
 * Architectures whose ordering rules this file does not spell out fail to
 * build: a generic fence (on riscv64 "fence rw,rw") may not order device
 * I/O at all, and a doorbell could overtake the buffer it announces.
 */
#ifndef UIOSVA_MMIO_H
#define UIOSVA_MMIO_H

#include <stdint.h>

#if defined(__x86_64__)

/*
 * x86-64: stores are not reordered with other stores nor loads with later
 * loads, and uncached MMIO is strongly ordered; the kernel's writel() and
 * readl() are plain "mov" instructions with a compiler barrier.
 */
#define UIOSVA_MMIO_ACCESSORS(bits)                                          \
	static inline void mmio_write##bits(volatile void *p, uint##bits##_t v) \
	{                                                                    \
		__asm__ __volatile__("" ::: "memory");                       \
		*(volatile uint##bits##_t *)p = v;                           \
	}                                                                    \
	static inline uint##bits##_t mmio_read##bits(const volatile void *p) \
	{                                                                    \
		uint##bits##_t v = *(const volatile uint##bits##_t *)p;      \
		__asm__ __volatile__("" ::: "memory");                       \
		return v;                                                    \
	}
UIOSVA_MMIO_ACCESSORS(8)
UIOSVA_MMIO_ACCESSORS(16)
UIOSVA_MMIO_ACCESSORS(32)
UIOSVA_MMIO_ACCESSORS(64)
#undef UIOSVA_MMIO_ACCESSORS

#elif defined(__aarch64__)

/*
 * arm64: writel() is __iowmb() (dma_wmb(): "dmb oshst") then "str";
 * readl() is "ldr" then __iormb() (dma_rmb(): "dmb oshld", and a dummy
 * control dependency on the value read so that a later delay loop cannot
 * start before the read completed).
 */
static inline void mmio_wmb(void)
{
	__asm__ __volatile__("dmb oshst" ::: "memory");
}

static inline void mmio_rmb(uint64_t v)
{
	uint64_t tmp;

	__asm__ __volatile__("dmb oshld" ::: "memory");
	__asm__ __volatile__("eor %0, %1, %1\n\tcbnz %0, ."
			     : "=r"(tmp) : "r"(v) : "memory");
}

#define UIOSVA_MMIO_ACCESSORS(bits, st, ld, reg)                             \
	static inline void mmio_write##bits(volatile void *p, uint##bits##_t v) \
	{                                                                    \
		mmio_wmb();                                                  \
		__asm__ __volatile__(st " %" reg "0, [%1]"                   \
				     : : "rZ"(v), "r"(p) : "memory");        \
	}                                                                    \
	static inline uint##bits##_t mmio_read##bits(const volatile void *p) \
	{                                                                    \
		uint##bits##_t v;                                            \
		__asm__ __volatile__(ld " %" reg "0, [%1]"                   \
				     : "=r"(v) : "r"(p) : "memory");         \
		mmio_rmb(v);                                                 \
		return v;                                                    \
	}
UIOSVA_MMIO_ACCESSORS(8, "strb", "ldrb", "w")
UIOSVA_MMIO_ACCESSORS(16, "strh", "ldrh", "w")
UIOSVA_MMIO_ACCESSORS(32, "str", "ldr", "w")
UIOSVA_MMIO_ACCESSORS(64, "str", "ldr", "x")
#undef UIOSVA_MMIO_ACCESSORS

#elif defined(__riscv) && __riscv_xlen == 64

/*
 * riscv64: RISC-V orders nothing between memory and device I/O unless
 * told. writel() is __io_bw() ("fence w,o": earlier memory writes before
 * later device output) then "sw"; readl() is "lw" then __io_ar()
 * ("fence i,ir": the device input before later device input and memory
 * reads, as Linux since 5.x; "fence i,r" in older kernels).
 */
#define UIOSVA_MMIO_ACCESSORS(bits, st, ld)                                  \
	static inline void mmio_write##bits(volatile void *p, uint##bits##_t v) \
	{                                                                    \
		__asm__ __volatile__("fence w,o" ::: "memory");              \
		__asm__ __volatile__(st " %0, 0(%1)"                         \
				     : : "r"(v), "r"(p) : "memory");         \
	}                                                                    \
	static inline uint##bits##_t mmio_read##bits(const volatile void *p) \
	{                                                                    \
		uint##bits##_t v;                                            \
		__asm__ __volatile__(ld " %0, 0(%1)"                         \
				     : "=r"(v) : "r"(p) : "memory");         \
		__asm__ __volatile__("fence i,ir" ::: "memory");             \
		return v;                                                    \
	}
UIOSVA_MMIO_ACCESSORS(8, "sb", "lbu")
UIOSVA_MMIO_ACCESSORS(16, "sh", "lhu")
UIOSVA_MMIO_ACCESSORS(32, "sw", "lw")
UIOSVA_MMIO_ACCESSORS(64, "sd", "ld")
#undef UIOSVA_MMIO_ACCESSORS

#else
#error "libuiosva: no MMIO ordering for this architecture; add the kernel's writel()/readl() barriers to tools/lib/mmio.h"
#endif

#endif /* UIOSVA_MMIO_H */

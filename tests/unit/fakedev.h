/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fakedev.h - a fake uio-sva-testdev (tools/profiles/uio-sva-testdev.profile)
 * behind the fake /dev/uio0 of a fake tree, for uio-sva dma on the host.
 */
#ifndef UIOSVA_FAKEDEV_H
#define UIOSVA_FAKEDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "fakesys.h"

#define PASID 5 /* the PASID the fake device accepts */

enum emu_mode { EMU_OK, EMU_NEVER, EMU_CORRUPT, EMU_NOT_BUSY_CLEAR };

struct emu {
	volatile uint8_t *bar0;
	enum emu_mode mode;
	uint32_t completions;
	int ops;
};

/* Map BAR0 of @f's uio0 and set the ID registers; 0 or -1. */
int emu_init(struct emu *e, struct fake *f);
/* One step of the device (struct tsys.device_step). */
void emu_step(void *arg);

#endif

# SPDX-License-Identifier: GPL-2.0
#
# uio-pci-sva: out-of-tree build of uio_pci_generic_sva.ko and the project's
# entry points. Kbuild (read by the kernel's build system) lists the module.
#
#   make demo                no SVA hardware needed: boot Linux 7.2 in QEMU with the
#                            emulated SVA device, bind it, DMA into malloc() memory
#   make                     build the module for the running kernel
#   make KDIR=<headers>      build it against other kernel headers
#   make load                build the module and tools/, load uio and the module
#   make modules_install     install it under /lib/modules/<kernel>/updates
#   make install             modules_install, depmod, and tools/ (PREFIX=/usr/local);
#                            with DESTDIR=<root> the module goes under
#                            <root>/lib/modules and depmod does not run
#   make check               sparse (C=2), checkpatch --strict, W=1 on the matrix
#   make test                host unit tests, the kernel matrix and the QEMU suites
#                            (after tests/setup.sh, the one install step)
#   make test-debug          the debug-kernel lane: KASAN/lockdep/kmemleak 7.2 built
#                            from source (an hour and more cold), its suites
#   make test-fresh          the set-up and make test in a pristine Debian 12 chroot
#   make bench               the benchmark (QEMU guest): tools/bench/results.{md,csv}
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
MODULE := uio_pci_generic_sva

all: modules

# Without kernel headers, say what to install instead of make's bare
# "No such file or directory".
kdir-check:
	@if [ ! -d "$(KDIR)/" ]; then \
		echo "error: no kernel headers at $(KDIR)" >&2; \
		echo "  for the running kernel: apt install linux-headers-$$(uname -r)" >&2; \
		echo "  for another kernel:     make $(or $(MAKECMDGOALS),modules) KDIR=/path/to/its/headers" >&2; \
		echo "  no SVA hardware at hand? 'make demo' runs everything in QEMU" >&2; \
		exit 1; \
	fi

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# A DESTDIR staging tree (packaging) gets the module under
# $(DESTDIR)/lib/modules; the live system's module index is left alone.
modules_install: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR) DEPMOD=true) \
		modules_install

load: modules
	$(MAKE) -C tools
	modprobe uio
	-rmmod $(MODULE) 2>/dev/null
	insmod ./$(MODULE).ko

install: modules_install
ifeq ($(DESTDIR),)
	depmod -a $$(modinfo -F vermagic ./$(MODULE).ko | cut -d' ' -f1)
endif
	$(MAKE) -C tools install

check:
	./scripts/check.sh

demo:
	./tests/qemu/demo.sh

test:
	./tests/run-all.sh

test-debug:
	UIO_SVA_DEBUG_LANE=1 UIO_SVA_KERNELS=7.2-debug ./tests/run-all.sh

test-fresh:
	./tests/fresh-machine.sh

bench:
	./tools/bench/run-bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers conftest.h
	rm -rf build
	$(MAKE) -C tools clean

.PHONY: all kdir-check modules modules_install load install check demo test test-debug test-fresh bench clean

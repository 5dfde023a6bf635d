# SPDX-License-Identifier: GPL-2.0
#
# uio-pci-sva: out-of-tree build of uio_pci_generic_sva.ko and the project's
# entry points. Kbuild (read by the kernel's build system) lists the module.
#
#   make                     build the module for the running kernel
#   make KDIR=<headers>      build it against other kernel headers
#   make load                build the module and tools/, load uio and the module
#   make modules_install     install it under /lib/modules/<kernel>/updates
#   make install             modules_install, depmod, and tools/ (PREFIX=/usr/local)
#   make check               sparse (C=2), checkpatch --strict, W=1 on the matrix
#   make test                host unit tests, the kernel matrix and the QEMU suites
#                            (after tests/setup.sh, the one install step)
#   make test-fresh          the set-up and make test in a pristine Debian 12 chroot
#   make bench               the benchmark (QEMU guest): tools/bench/results.{md,csv}
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
MODULE := uio_pci_generic_sva

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install

load: modules
	$(MAKE) -C tools
	modprobe uio
	-rmmod $(MODULE) 2>/dev/null
	insmod ./$(MODULE).ko

install: modules_install
	depmod -a $$(modinfo -F vermagic ./$(MODULE).ko | cut -d' ' -f1)
	$(MAKE) -C tools install

check:
	./scripts/check.sh

test:
	./tests/run-all.sh

test-fresh:
	./tests/fresh-machine.sh

bench:
	./tools/bench/run-bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers conftest.h
	rm -rf build
	$(MAKE) -C tools clean

.PHONY: all modules modules_install load install check test test-fresh bench clean

# SPDX-License-Identifier: GPL-2.0
#
# uio-pci-sva: out-of-tree build of uio_pci_generic_sva.ko and the project's
# entry points. Kbuild (read by the kernel's build system) lists the module.
#
#   make                     build the module for the running kernel
#   make KDIR=<headers>      build it against other kernel headers
#   make load                build, then load uio and the module
#   make modules_install     install it under /lib/modules/<kernel>/updates
#   make check               sparse (C=2), checkpatch --strict, W=1 on the matrix
#   make test                host unit tests, the kernel matrix and the QEMU suites
#   make bench               the benchmark (QEMU guest), writes bench/results.md
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
MODULE := uio_pci_generic_sva

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install

load: modules
	modprobe uio
	-rmmod $(MODULE) 2>/dev/null
	insmod ./$(MODULE).ko

check:
	./scripts/check.sh

test:
	./tests/run-all.sh

bench:
	./tools/bench/run-bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers conftest.h
	rm -rf build

.PHONY: all modules modules_install load check test bench clean

# SPDX-License-Identifier: GPL-2.0
# demo: what `make demo` shows (tests/qemu/demo.sh prints the commands and
# their output). The main job end to end with the uio-sva command: bind
# the test device to uio_pci_sva, list it, DMA into a 64 MiB malloc()
# buffer that the CPU has not touched (every page reaches the device
# through a PRI page request), check every byte, and unbind.
#
#@ qemu: -device uio-sva-testdev,id=dev0
#@ timeout: 600
#@ kernels: 7.2

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

ktap_print_header
ktap_set_plan 4
need_testdev

cli uio-sva bind "$BDF"
rc 0 && has "bound to uio_pci_sva" && [ "$(driver_of "$BDF")" = uio_pci_sva ]
verdict "uio-sva bind: $BDF is bound to uio_pci_sva" $?

cli uio-sva list
rc 0 && has "$BDF" "1234:5356" "sva: ready"
verdict "uio-sva list: the device is ready for SVA" $?

# --no-touch: the CPU touches no page before the device does, so every
# page arrives by a PRI page request; generous timeout for TCG under load
cli uio-sva dma "$BDF" --op fill --size 64M --buffer malloc --no-touch --timeout 120000
pasid=$(printf '%s\n' "$CLI_OUT" | sed -n 's/.*: pasid \([0-9][0-9]*\),.*/\1/p' | head -n1)
served=$(printf '%s\n' "$CLI_OUT" | sed -n 's/.* \([0-9][0-9]*\) page requests served.*/\1/p' | head -n1)
rc 0 && has "67108864 bytes verified" && [ -n "$pasid" ] && [ "${served:-0}" -gt 0 ]
verdict "uio-sva dma: the device filled 64 MiB of malloc() memory through PASID ${pasid:-?} (${served:-no} page requests served), the CPU verified every byte" $?

cli uio-sva unbind "$BDF"
rc 0 && [ -z "$(driver_of "$BDF")" ]
verdict "uio-sva unbind: the device has no driver again" $?

ktap_finished

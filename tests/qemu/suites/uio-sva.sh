# SPDX-License-Identifier: GPL-2.0
# uio-sva: the command line tool on a kernel that binds SVA. bind (with
# the module loaded by /init, and with --module after rmmod), list, dma
# with the shipped profile for fill, copy and checksum over malloc, fresh
# mmap (--no-touch) and stack buffers, the error paths (an unmapped
# buffer: exit 5 naming TRANSLATION; a device held by another process:
# exit 4 naming its pid; not bound: exit 3) and unbind, which leaves the
# device without a driver as before; bind/unbind --persist with Debian's
# driverctl, and a simulated reboot in which driverctl binds again. Exit
# statuses and message texts are those of tools/man/uio-sva.1. The holder
# is tests/qemu/guest/sva-hold.c.
#
#@ kernels: 7.2 7.3 7.2-debug
# On 7.2-debug only in make test-debug: every open()+mmap() there draws
# lockdep's report of UIO's info_lock -> iommu_sva_lock -> mmap_lock
# (the bind in open(), under UIO's info_lock) against mmap_lock ->
# info_lock (UIO's mmap); see Documentation/uio-pci-sva.rst, "Lock order".
#@ lane-only: 7.2-debug
#@ qemu: -device uio-sva-testdev,id=dev0
#@ guest-pkgs: bash-static driverctl
#@ timeout: 600

. /lib/uio-sva/ktap.sh
. /lib/uio-sva/suite.sh

MOD=uio_pci_generic_sva
PROFILE=uio-sva-testdev

sva_attr() {
	cat "/sys/bus/pci/devices/$BDF/$1" 2>/dev/null
}

ktap_print_header
ktap_set_plan 32
ktap_print_msg "kernel $(uname -r), $(uio-sva --version 2>&1)"

need_testdev

# --- bind and list ------------------------------------------------------

cli uio-sva bind "$BDF"
rc 0 && has "$BDF: bound to uio_pci_sva as uio" "previous driver: none" &&
	[ "$(driver_of "$BDF")" = uio_pci_sva ] &&
	grep -qx 'driver=' "/run/uio-sva/$BDF"
verdict "bind BDF (module loaded by /init): exit 0, the device is bound, the previous driver (none) is recorded" $?
UIO=$(uio_of "$BDF")
ktap_print_msg "record: $(tr '\n' ' ' < "/run/uio-sva/$BDF" 2>&1); node /dev/$UIO"

cli uio-sva bind "$BDF"
rc 0 && has "already bound to uio_pci_sva"
verdict "bind BDF again: exit 0, already bound" $?

cli uio-sva list
rc 0 && has "$BDF" "/dev/$UIO" "1234:5356" "sva: ready" "pasid - (nothing bound)" \
	"BAR0  map0" "BAR1  map1" "BAR2  map2" "BAR4  port0"
verdict "list: the device, /dev/$UIO, sva_status ready and why there is no PASID, BARs 0 1 2 as maps and BAR 4 as ports" $?

# --- dma: every operation on every kind of buffer ---------------------------

for op in fill copy checksum; do
	for buf in malloc mmap stack; do
		touch_opt=
		[ "$buf" = mmap ] && touch_opt=--no-touch
		# shellcheck disable=SC2086
		cli uio-sva dma "$BDF" -p "$PROFILE" -o "$op" -s 256K -b "$buf" $touch_opt
		rc 0 && has "verified"
		verdict "dma -o $op -b $buf${touch_opt:+ $touch_opt}: exit 0, data verified" $?
	done
done

cli uio-sva dma "$BDF" -s 1M --repeat 3
rc 0 && has "#3 fill 1 MiB" "verified"
verdict "dma without --profile picks the shipped profile by vendor:device: 3 fills of 1 MiB verified" $?

# --- error paths ---------------------------------------------------------

cli uio-sva dma "$BDF" -p "$PROFILE" -b unmapped
rc 5 && has "device error 5 TRANSLATION" "fault address"
verdict "dma -b unmapped: exit 5, the device error TRANSLATION and the fault address are printed" $?

cli uio-sva dma "$BDF" -p "$PROFILE" -b unmapped --expect-error translation
rc 0 && has "failed as expected" "TRANSLATION"
verdict "dma -b unmapped --expect-error translation: exit 0" $?

hold_out=/tmp/sva-hold.out
sva-hold "$BDF" > "$hold_out" 2>&1 &
holder=$!
ktap_wait 10 grep -q '^holding' "$hold_out"
[ "$(sva_attr sva_status)" = bound ] && [ "$(sva_attr sva_pid)" = "$holder" ]
verdict "a second process (sva-hold, pid $holder) opens the device: sva_status bound, sva_pid names it" $?
ktap_print_msg "sva-hold: $(cat "$hold_out")"

cli uio-sva dma "$BDF" -p "$PROFILE"
rc 4 && has "busy" "PID $holder (sva-hold)"
verdict "dma while another process holds the device: exit 4, EBUSY and the holder's pid $holder" $?

cli uio-sva list "$BDF"
rc 0 && has "sva: bound" "pasid $(sva_attr pasid)" "pid $holder (sva-hold)"
verdict "list BDF while held: sva_status bound, the PASID and the holder" $?

cli uio-sva unbind "$BDF"
rc 1 && has "in use by PID $holder" && [ "$(driver_of "$BDF")" = uio_pci_sva ]
verdict "unbind while held: exit 1, names the holder, the device stays bound" $?

kill "$holder"
wait "$holder"
hold_rc=$?
[ "$hold_rc" = 0 ] && [ "$(sva_attr sva_status)" = ready ] && ! sva_attr pasid > /dev/null
verdict "the holder closes on SIGTERM (exit $hold_rc): sva_status ready, pasid unreadable" $?

cli uio-sva unbind "$BDF"
rc 0 && has "left without a driver, as before" && [ -z "$(driver_of "$BDF")" ] &&
	[ ! -e "/dev/$UIO" ] && [ ! -e "/run/uio-sva/$BDF" ]
verdict "unbind: exit 0, the device is left without a driver as before, /dev/$UIO and the record are gone" $?
ktap_print_msg "driver_override now: $(cat "/sys/bus/pci/devices/$BDF/driver_override")"

cli uio-sva dma "$BDF" -p "$PROFILE"
rc 3 && has "not bound to uio_pci_sva" "uio-sva bind $BDF"
verdict "dma on the unbound device: exit 3, says to run uio-sva bind" $?

# --- bind --persist with the real driverctl ---------------------------------
# driverctl (Debian's package, #@ guest-pkgs) is a bash script; its udev
# rule runs "driverctl load-override BDF" when the device appears at boot.

ln -sf bash-static /bin/bash
conf=/etc/driverctl.d/pci-$BDF
cli env PATH=/bin:/sbin uio-sva bind "$BDF" --persist
rc 3 && has "--persist needs driverctl, which is not installed" \
	"only until the next boot" "apt install driverctl" &&
	[ "$(driver_of "$BDF")" = uio_pci_sva ] && [ ! -e "$conf" ]
verdict "bind --persist without driverctl on PATH: exit 3, says so, bound for this boot only" $?

uio-sva unbind "$BDF" > /dev/null 2>&1
cli uio-sva bind "$BDF" --persist
rc 0 && has "driverctl keeps uio_pci_sva across reboots" "$BDF: bound to uio_pci_sva as uio" &&
	[ "$(driver_of "$BDF")" = uio_pci_sva ] && [ "$(cat "$conf" 2>&1)" = uio_pci_sva ] &&
	[ "$(cat "/sys/bus/pci/devices/$BDF/driver_override")" = uio_pci_sva ]
verdict "bind --persist with Debian's driverctl: exit 0, bound, $conf names uio_pci_sva" $?

# What the next boot does: no driver, no override, no record, no module;
# then driverctl's udev action, which loads the module by the driver's name
# (the module's alias) and binds.
echo "$BDF" > /sys/bus/pci/drivers/uio_pci_sva/unbind
echo > "/sys/bus/pci/devices/$BDF/driver_override"
rm -f "/run/uio-sva/$BDF"
rmmod "$MOD"
cli driverctl load-override "$BDF"
rc 0 && [ -d "/sys/module/$MOD" ] && [ "$(driver_of "$BDF")" = uio_pci_sva ]
verdict "after a simulated reboot, driverctl load-override loads $MOD through its alias uio_pci_sva and binds" $?

cli uio-sva dma "$BDF" -p "$PROFILE" -s 64K
rc 0 && has "verified"
verdict "dma on the device driverctl bound: 64 KiB fill verified" $?

cli uio-sva unbind "$BDF" --persist
rc 0 && has "driverctl override removed" && [ ! -e "$conf" ] && [ -z "$(driver_of "$BDF")" ] &&
	[ "$(cat "/sys/bus/pci/devices/$BDF/driver_override")" = "(null)" ]
verdict "unbind --persist: exit 0, $conf is gone, no driver, no override" $?

# --- bind --module after rmmod ----------------------------------------------

rmmod "$MOD"
cli uio-sva list
rc 3 && has "not loaded"
verdict "rmmod, then list: exit 3, the module is not loaded" $?

cli uio-sva bind --module "$UIO_SVA_KO" "$BDF"
rc 0 && has "$BDF: bound to uio_pci_sva as uio" && [ -d "/sys/module/$MOD" ] &&
	[ "$(driver_of "$BDF")" = uio_pci_sva ]
verdict "bind --module \$UIO_SVA_KO BDF: loads the module from the file and binds" $?

cli uio-sva dma "$BDF" -p "$PROFILE" -o copy -s 1M -b mmap --no-touch
rc 0 && has "verified"
verdict "dma after the reload: copy of 1 MiB between fresh mmaps verified" $?

cli uio-sva unbind "$BDF"
rc 0 && [ -z "$(driver_of "$BDF")" ]
verdict "unbind again: exit 0, no driver" $?

ktap_run "rmmod $MOD" rmmod "$MOD"

ktap_finished

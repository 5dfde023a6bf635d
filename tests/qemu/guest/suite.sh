# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest suites (busybox sh), installed as
# /lib/uio-sva/suite.sh next to ktap.sh, which must be sourced first.

# find_dev VENDOR DEVICE: the BDF of the first matching PCI function.
find_dev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# cli CMD...: run CMD; its output (stdout and stderr) in CLI_OUT, shown as
# diagnostics, its exit status in CLI_RC.
cli() {
	CLI_OUT=$("$@" 2>&1)
	CLI_RC=$?
	ktap_print_msg "\$ $*  (exit $CLI_RC)"
	[ -z "$CLI_OUT" ] || printf '%s\n' "$CLI_OUT" | sed 's/^/#   /'
}

# has TEXT...: every TEXT is in CLI_OUT.
has() {
	for want in "$@"; do
		case "$CLI_OUT" in
		*"$want"*) ;;
		*) ktap_print_msg "not in the output: '$want'"; return 1 ;;
		esac
	done
	return 0
}

# rc N: CLI_RC is N.
rc() {
	[ "$CLI_RC" = "$1" ] && return 0
	ktap_print_msg "exit status $CLI_RC, expected $1"
	return 1
}

# drv_log TEXT: the driver's own kernel log lines ("uio_pci_sva BDF: ...")
# that contain TEXT, without timestamps. Never the suite's output, which
# /init relays into the same log as "@@| ...".
drv_log() {
	dmesg | sed 's/^\[[^]]*\] *//' | grep '^uio_pci_sva ' | grep -F -- "$1"
}

# verdict DESC STATUS: pass when STATUS is 0.
verdict() {
	if [ "$2" = 0 ]; then ktap_test_pass "$1"; else ktap_test_fail "$1"; fi
}

driver_of() {
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	basename "$l"
}

# uio_of BDF: the uioN node of a PCI function bound to a UIO driver.
uio_of() {
	for u in "/sys/bus/pci/devices/$1/uio/"*; do
		[ -e "$u" ] && { basename "$u"; return 0; }
	done
}

# need_testdev: set BDF to the first uio-sva-testdev; when there is none,
# or the driver did not load, finish the suite (its missing cases fail).
need_testdev() {
	BDF=$(find_dev 1234 5356) || BDF=
	if [ -z "$BDF" ] || [ "$UIO_SVA_LOAD_RC" != 0 ]; then
		ktap_print_msg "test device: ${BDF:-none}; insmod exit status: ${UIO_SVA_LOAD_RC:-not loaded}"
		ktap_finished
	fi
}

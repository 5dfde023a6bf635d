#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh - the DKMS cycle of the driver against the kernel headers
# installed on this machine: copy the sources to /usr/src/uio-pci-sva-VER,
# then dkms add, build and install for every kernel with headers, check the
# installed module, and dkms remove. TAP on stdout, ending with
# "N passed, N failed" (or SKIP with the reason).
#
# Needs root. Installs nothing: tests/setup.sh installs dkms and Debian's
# linux-headers-amd64 (tests/deps/dkms.list; bookworm's 6.1 headers, which
# need no linux-image). DKMS is tested the way users have it, against
# headers installed in /lib/modules/KVER/build, not against the unpacked
# headers of the cache. When dkms or headers are missing: a failure in CI
# (CI=true), else a skip.
#
# Usage: tests/dkms-check.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=0
failed=0

ok() {		# ok CONDITION-EXIT DESCRIPTION [LOG]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 40 "$3" | sed 's/^/# /'
	fi
}

skip() {	# skip REASON: the whole check
	if [ "${CI:-}" = true ]; then
		echo "TAP version 13"
		echo "not ok 1 - DKMS: $1 (in CI that is a failure; tests/setup.sh installs it)"
		echo "1..1"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

finish() {
	echo "1..$n"
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

conf_value() {	# conf_value KEY: a value of dkms.conf
	sed -n "s/^$1=\"\(.*\)\"/\1/p" "$top/dkms.conf"
}

ensure_packages() {
	command -v dkms > /dev/null || skip "dkms is not installed (run tests/setup.sh as root)"
	[ -n "$(kernels)" ] || skip "no kernel headers in /lib/modules/*/build (run tests/setup.sh as root: it installs linux-headers-amd64)"
}

kernels() {	# the kernels whose headers are installed
	local d
	for d in /lib/modules/*/build; do
		[ -f "$d/Makefile" ] && basename "$(dirname "$d")"
	done
}

# The driver's sources: tracked files at the top and scripts/ (no tests,
# tools or build output).
copy_sources() {	# copy_sources DEST
	local f
	mkdir -p "$1/scripts"
	if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
		git -C "$top" ls-files | grep -E '^[^/]+$|^scripts/' |
			while read -r f; do cp -p "$top/$f" "$1/$f"; done
	else
		cp -p "$top"/{Makefile,Kbuild,Kconfig,dkms.conf,*.c,*.h} "$1/"
		cp -p "$top"/scripts/* "$1/scripts/"
	fi
	# Sources not committed yet (a working tree) still belong in.
	for f in Makefile Kbuild Kconfig dkms.conf uio_pci_generic_sva.c compat.h scripts/conftest.sh; do
		[ -f "$top/$f" ] && cp -p "$top/$f" "$1/$f"
	done
}

[ "$(id -u)" -eq 0 ] || skip "needs root (dkms installs into /lib/modules and /usr/src)"
[ -f "$top/dkms.conf" ] || skip "no dkms.conf"
module=$(sed -n 's/^BUILT_MODULE_NAME\[0\]="\(.*\)"/\1/p' "$top/dkms.conf")
[ -f "$top/$module.c" ] && [ -f "$top/Makefile" ] ||
	skip "the driver source ($module.c, Makefile) is not in the tree yet"

log=$(mktemp /tmp/dkms-check.XXXXXX)
trap 'rm -f "$log"' EXIT
ensure_packages
name=$(conf_value PACKAGE_NAME)
version=$(conf_value PACKAGE_VERSION)
src=/usr/src/$name-$version
echo "TAP version 13"
echo "# dkms $(dkms --version 2>/dev/null | head -1); kernels: $(kernels | tr '\n' ' ')"

dkms remove "$name/$version" --all > /dev/null 2>&1
rm -rf "$src"
copy_sources "$src"
ok $? "sources copied to $src"

: > "$log"
dkms add "$name/$version" > "$log" 2>&1
ok $? "dkms add $name/$version" "$log"

for k in $(kernels); do
	: > "$log"
	if ! echo "$k" | grep -Eq "$(conf_value BUILD_EXCLUSIVE_KERNEL)"; then
		echo "ok $((n += 1)) - $k: not supported (BUILD_EXCLUSIVE_KERNEL) # SKIP"
		continue
	fi
	dkms build "$name/$version" -k "$k" > "$log" 2>&1
	ok $? "$k: dkms build" "$log"
	dkms install "$name/$version" -k "$k" > "$log" 2>&1
	ok $? "$k: dkms install" "$log"
	ko=$(find "/lib/modules/$k" -name "$module.ko*" 2>/dev/null | head -1)
	[ -n "$ko" ]
	ok $? "$k: module installed (${ko:-none})"
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	[ "$vermagic" = "$k" ]
	ok $? "$k: vermagic $vermagic"
	dkms status "$name/$version" -k "$k" 2>/dev/null | grep -q installed
	ok $? "$k: dkms status says installed"
done

: > "$log"
dkms remove "$name/$version" --all > "$log" 2>&1
ok $? "dkms remove --all" "$log"
left=$(find /lib/modules -name "$module.ko*" -path '*dkms*' 2>/dev/null | head -1)
[ -z "$left" ]
ok $? "no module left behind${left:+ ($left)}"
rm -rf "$src"
finish

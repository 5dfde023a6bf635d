#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs of a test guest (gzip'd newc cpio).
#
# Usage:
#   tests/qemu/mkinitramfs.sh -o OUT.cpio.gz -m MODDIR [-k DRIVER.ko] [DIR...]
#
#   -o OUT     the initramfs to write
#   -m MODDIR  a kernel's trimmed module tree (MODDIR of kernels.sh); it
#              becomes /lib/modules/KVER (KVER = its last path component)
#   -k KO      the driver, installed as /lib/modules/KVER/extra/<name>.ko
#   DIR...     directories whose contents are copied over the root, in order
#              (suites in DIR/suites/NAME.sh, static programs in DIR/bin/, ...)
#
# The image holds busybox (busybox-static, with all applet links), /init
# (tests/qemu/guest/init: mounts, insmod uio.ko and the driver, runs the
# suite named by uio_sva.suite= on the kernel command line, powers off) and
# the KTAP helpers at /lib/uio-sva/ktap.sh and the suite helpers at
# /lib/uio-sva/suite.sh.
# Exit 0 on success, 1 on failure, 2 on a usage error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"

usage() { sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

out='' moddir='' ko=''
while getopts o:m:k:h opt; do
	case "$opt" in
	o) out=$OPTARG ;;
	m) moddir=$OPTARG ;;
	k) ko=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] && [ -n "$moddir" ] || usage
[ -f "$moddir/modules.dep" ] || die "$moddir is not a module tree (no modules.dep); use MODDIR from tests/qemu/kernels.sh"
[ -z "$ko" ] || [ -f "$ko" ] || die "no such module: $ko"
for d in "$@"; do [ -d "$d" ] || die "no such directory: $d"; done

apt_install busybox-static cpio kmod

kver=$(basename "$moddir")
stage=$(mktemp -d "${TMPDIR:-/tmp}/uio-sva-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,suites,lib/uio-sva,lib/modules}
cp /bin/busybox "$stage/bin/busybox"
/bin/busybox --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	ln -sf /bin/busybox "$stage/$applet"
done
# Keep a console node: the kernel opens /dev/console before /init runs.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
fi
install -m 755 "$here/guest/init" "$stage/init"
install -m 644 "$here/guest/ktap.sh" "$stage/lib/uio-sva/ktap.sh"
install -m 644 "$here/guest/suite.sh" "$stage/lib/uio-sva/suite.sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\n' > "$stage/etc/group"

cp -a "$moddir" "$stage/lib/modules/$kver"
if [ -n "$ko" ]; then
	mkdir -p "$stage/lib/modules/$kver/extra"
	cp "$ko" "$stage/lib/modules/$kver/extra/"
	/sbin/depmod -b "$stage" "$kver"
fi
for d in "$@"; do
	cp -a "$d/." "$stage/"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible -R 0:0 --quiet) | gzip -n -6 > "$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $out: $(du -h "$out" | cut -f1)"

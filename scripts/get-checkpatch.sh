#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# get-checkpatch.sh - print the path of checkpatch.pl, fetched from Debian's
# newest linux-source-X.Y package (with spelling.txt and
# const_structs.checkpatch beside it, as checkpatch expects) and cached
# under $UIO_SVA_CACHE/checkpatch/<package version>/. checker-valid.sh
# comes along: Debian's 7.x header packages lack it, and without it
# Kbuild silently turns C=2 (sparse) off.
set -euo pipefail
# shellcheck source=../tests/qemu/lib/common.sh
. "$(dirname "$0")/../tests/qemu/lib/common.sh"

apt_ready
pkg=$(apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
	awk '{print $1}' | sort -V | tail -n 1)
[ -n "$pkg" ] || die "no linux-source package in the apt sources"
ver=$(apt-cache show "$pkg" | awk '/^Version:/ {print $2}' | sort -V | tail -n 1)
dest=$UIO_SVA_CACHE/checkpatch/$pkg-$ver
if [ ! -x "$dest/scripts/checkpatch.pl" ] || [ ! -f "$dest/scripts/checker-valid.sh" ]; then
	apt_install perl xz-utils
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	log "fetching checkpatch from $pkg $ver"
	(cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1) ||
		die "apt-get download $pkg=$ver failed"
	dpkg-deb --fsys-tarfile "$tmp"/*.deb |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	mkdir -p "$tmp/out"
	tar -x -J -C "$tmp/out" --strip-components=1 \
		-f "$tmp"/usr/src/linux-source-*.tar.xz --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/checker-valid.sh'
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	mv "$tmp/out" "$dest"
fi
echo "$dest/scripts/checkpatch.pl"

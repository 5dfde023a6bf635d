#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (cached) the debug guest kernel: Debian's linux-source-7.2 with
# "make allnoconfig" plus tests/qemu/debug-kernel/debug.config (KASAN,
# lockdep, kmemleak, DEBUG_OBJECTS, UBSAN, KFENCE, fault injection).
#
# Usage:
#   tests/qemu/debug-kernel/build.sh NAME   build if needed; print the facts
#                                           of tests/qemu/kernels.sh NAME
#
# NAME is the kernel's name in the test matrix (7.2-debug). stdout: the
# same shell assignments as tests/qemu/kernels.sh (KNAME KVER KPKGVER
# VMLINUZ KCONFIG MODDIR BUILD_ENV KDIR BUILD_CHROOT); BUILD_ENV is "host"
# and KDIR the kernel's build tree: the kernel is built with this
# machine's gcc, so out-of-tree modules are too. Logs go to stderr.
#
# Cache: $UIO_SVA_CACHE/debug-kernel/KEY/ with src/ (the source), build/
# (the O= tree, KDIR), lib/modules/KVER/ (every module, uncompressed, with
# modules.dep) and .ready. KEY = hash of the source package version, the
# config fragment, this script and the compiler version. A cold build takes
# long (see tests/qemu/README.md); it runs niced on 2 jobs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/common.sh"

SRCPKG=linux-source-7.2
RELEASE=sid	# the suite that serves $SRCPKG (configured by setup-apt.sh)
fragment=$here/debug.config

usage() { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 1 ] || usage
case "$1" in -*) usage ;; esac
kname=$1

apt_ready
srcver=$(apt-cache policy "$SRCPKG" | awk -v rel="$RELEASE" '
	/Version table:/ { t = 1; next }
	!t { next }
	$1 == "***" { ver = $2; next }
	NF == 2 { ver = $1; next }
	ver != "" && index($0, " " rel "/") { print ver; exit }')
[ -n "$srcver" ] || die "no $SRCPKG in $RELEASE; is setup-apt.sh's suite list complete?"
apt_install gcc make flex bison bc libelf-dev libssl-dev kmod xz-utils
key=$(hash_inputs "$SRCPKG=$srcver" "$(gcc --version | head -n1)" "$(cat "$fragment")" "$(cat "$here/build.sh")")
top=$UIO_SVA_CACHE/debug-kernel/$key

build() {
	local t0=$SECONDS tmp=$top.tmp sym want got bad=0
	rm -rf "$tmp"
	mkdir -p "$tmp/dl"
	log "debug kernel: fetching $SRCPKG=$srcver"
	(cd "$tmp/dl" && apt-get download -q -o APT::Sandbox::User=root "$SRCPKG=$srcver" >/dev/null) ||
		die "apt-get download $SRCPKG=$srcver failed"
	mkdir -p "$tmp/src"
	dpkg-deb --fsys-tarfile "$tmp"/dl/*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | xz -dc |
		tar -x -C "$tmp/src" --strip-components=1
	rm -rf "$tmp/dl"
	# The tree is built where it will stay: the O= tree and the modules
	# built against it record absolute paths.
	mv "$tmp" "$top"
	log "debug kernel: configuring (allnoconfig + $(basename "$fragment"))"
	KCONFIG_ALLCONFIG=$fragment make -s -C "$top/src" O="$top/build" allnoconfig >&2
	# Every line of the fragment must have taken: an unmet dependency or a
	# renamed symbol silently drops an option.
	while IFS= read -r want; do
		case "$want" in
		CONFIG_*=*) sym=${want%%=*} ;;
		"# CONFIG_"*" is not set") sym=${want#"# "}; sym=${sym%% *} ;;
		*) continue ;;
		esac
		got=$(grep -E "^$sym=|^# $sym is not set" "$top/build/.config" || true)
		if [ "$got" != "$want" ] && ! { [ -z "$got" ] && [ "${want#"# "}" != "$want" ]; }; then
			log "debug.config: wanted '$want', got '${got:-nothing}'"
			bad=1
		fi
	done < "$fragment"
	[ $bad = 0 ] || die "the debug kernel config does not match $fragment (see above)"
	log "debug kernel: building (nice, -j2; a cold build takes a while)"
	nice -n 10 make -C "$top/src" O="$top/build" -j2 bzImage modules > "$top/build.log" 2>&1 || {
		tail -n 30 "$top/build.log" >&2
		die "building the debug kernel failed (log: $top/build.log)"
	}
	kver=$(make -s -C "$top/src" O="$top/build" kernelrelease)
	rm -rf "${top:?}/lib"
	make -s -C "$top/src" O="$top/build" INSTALL_MOD_PATH="$top" modules_install >&2 ||
		die "modules_install failed"
	rm -f "$top/lib/modules/$kver/build" "$top/lib/modules/$kver/source"
	echo "$kver" > "$top/.ready"
	log "debug kernel $kver built in $((SECONDS - t0))s: $top"
}

if [ ! -f "$top/.ready" ]; then
	cache_lock "debug-kernel-$key"
	if [ ! -f "$top/.ready" ]; then
		rm -rf "$top"
		build
		# Drop the entries of older keys (each is a few GB).
		for old in "$UIO_SVA_CACHE"/debug-kernel/*; do
			[ "$old" = "$top" ] || [ ! -d "$old" ] || { log "removing old $old"; rm -rf "$old"; }
		done
	fi
	cache_unlock
fi
kver=$(cat "$top/.ready")
printf '%s=%q\n' KNAME "$kname" KVER "$kver" KPKGVER "$srcver+debug.$key" \
	VMLINUZ "$top/build/arch/x86/boot/bzImage" KCONFIG "$top/build/.config" \
	MODDIR "$top/lib/modules/$kver" BUILD_ENV host KDIR "$top/build" BUILD_CHROOT ''

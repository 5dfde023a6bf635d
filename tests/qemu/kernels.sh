#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch a Debian kernel for the QEMU guests and make its headers usable.
#
# Usage:
#   tests/qemu/kernels.sh NAME            fetch (cached) and print the kernel's facts
#   tests/qemu/kernels.sh --resolve NAME  resolve packages only (no download)
#   tests/qemu/kernels.sh --list          print the known NAMEs, one a line
#   tests/qemu/kernels.sh --list-debug    print the debug kernels' NAMEs (built
#                                         from source; `make test-debug`)
#   tests/qemu/kernels.sh --build-envs    print the BUILD_ENVs in use, one a line
#   tests/qemu/kernels.sh --build-deps ENV
#                                         print the packages (one a line) that
#                                         building against the headers of every
#                                         kernel built in ENV needs (compiler,
#                                         kbuild's libraries), from the
#                                         packages' own Depends
#
# NAME is a row of the KERNELS table below (6.1, 6.12, 7.2, 7.3), or 7.2-debug:
# the debug kernel that tests/qemu/debug-kernel/build.sh builds from source
# (KASAN, lockdep, kmemleak, fault injection; same facts). The exact
# package is resolved at run time through the row's metapackage, so a new
# Debian upload is picked up by itself (and cached under a new version).
#
# Output of "kernels.sh NAME" (stdout, one shell assignment a line, values
# quoted with printf %q, so `eval "$(tests/qemu/kernels.sh 7.2)"` works):
#   KNAME=7.2                      the table row
#   KVER=7.2.13+deb14-amd64        the kernel release (uname -r, Debian ABI)
#   KPKGVER=7.2.13-1               the Debian package version
#   VMLINUZ=/path/vmlinuz          bootable image
#   KCONFIG=/path/config           the kernel's .config
#   MODDIR=/path/lib/modules/KVER  trimmed module tree (uncompressed .ko,
#                                  modules.dep): copy to /lib/modules/KVER
#   BUILD_ENV=host|sid|trixie      where out-of-tree modules are built: this
#                                  machine, or a chroot of that Debian suite
#                                  (tests/qemu/build-chroot.sh)
#   KDIR=/path/usr/src/linux-headers-KVER
#                                  the headers, unpacked into the cache (the
#                                  same path on the host and in the chroot)
#   BUILD_CHROOT=/path             the chroot (empty for BUILD_ENV=host)
# Logs go to stderr. Exit 0 on success, 1 on failure, 2 on a usage error.
#
# Cache: $UIO_SVA_CACHE/kernels/KVER/ holds vmlinuz, config, lib/modules/
# and .version (the package version it was made from); a different version
# replaces the entry. $UIO_SVA_CACHE/headers/KVER/ holds linux-headers-KVER,
# its -common package and linux-kbuild, unpacked with dpkg-deb -x (never
# installed on the host: 6.12's headers depend on its linux-image, whose
# installation regenerates the host's initramfs).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The kernel table: add a row to add a kernel.
#   NAME  RELEASE  METAPACKAGE  BUILD_ENV
# RELEASE "-" takes apt's candidate (bookworm, bookworm-security,
# bookworm-backports by pin); otherwise the highest version that the named
# suite serves (the suite must be configured in setup-apt.sh). BUILD_ENV
# "host" builds on this machine; a Debian suite name builds in a chroot of
# that suite (tests/qemu/build-chroot.sh), for headers that need another
# compiler than Debian 12's: 7.2 (sid) needs gcc 16, 7.3 (trixie-backports)
# gcc 14 as trixie has it (sid's gcc-14 is a newer point release, and Kbuild
# warns when the compiler differs from the kernel's).
KERNELS='
6.1   -                 linux-image-amd64       host
6.12  -                 linux-image-6.12-amd64  host
7.2   sid               linux-image-amd64       sid
7.3   trixie-backports  linux-image-amd64       trixie
'

# Modules the guests need besides our driver, by module name (dependencies
# are added from the modules' own "depends" field). Missing or built-in
# ones are fine: modprobe in the guest knows the built-in ones.
WANT_MODULES='uio uio_pci_generic vfio vfio_pci vfio_pci_core vfio_iommu_type1 iommufd'

usage() { sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

row() { # row NAME -> "RELEASE META ENV"
	awk -v n="$1" '$1 == n { print $2, $3, $4; found=1 } END { exit !found }' <<<"$KERNELS"
}

# version_in META RELEASE: the version to use.
version_in() {
	local meta=$1 rel=$2
	if [ "$rel" = - ]; then
		apt-cache policy "$meta" | awk '/Candidate:/ { if ($2 != "(none)") print $2; exit }'
	else
		# Version lines have 2 fields ("[***] VER PRIO"), origin lines
		# more ("PRIO URI SUITE/COMP ARCH Packages"); the table is sorted
		# from the highest version down.
		apt-cache policy "$meta" | awk -v rel="$rel" '
			/Version table:/ { t = 1; next }
			!t { next }
			$1 == "***" { ver = $2; next }
			NF == 2 { ver = $1; next }
			ver != "" && index($0, " " rel "/") { print ver; exit }'
	fi
}

# resolve NAME: sets RELEASE META BUILD_ENV KPKGVER KVER IMAGE_PKG
resolve() {
	local r dep
	r=$(row "$1") || die "unknown kernel '$1' (known: $(awk 'NF {printf "%s ", $1}' <<<"$KERNELS"))"
	read -r RELEASE META BUILD_ENV <<<"$r"
	apt_ready
	# apt-cache takes ~0.7 s a call with sid's lists: remember the answer
	# until the package lists change.
	local memo
	memo=$UIO_SVA_CACHE/kernels/.resolved-$(hash_inputs "$r" \
		"$(stat -c '%Y %Z' /var/lib/apt/lists /var/lib/apt/lists/*_Packages* 2>/dev/null)")
	if [ -f "$memo" ]; then
		read -r KPKGVER IMAGE_PKG < "$memo"
		KVER=${IMAGE_PKG#linux-image-}
		[ -n "$KPKGVER" ] && [ -n "$KVER" ] && return 0
	fi
	local mver
	mver=$(version_in "$META" "$RELEASE")
	[ -n "$mver" ] || die "no version of $META in ${RELEASE/-/the default suites}; is setup-apt.sh's suite list complete?"
	# The metapackage depends on linux-image-ABI (= VERSION).
	dep=$(apt-cache show "$META=$mver" | awk -F': ' '/^Depends:/ { print $2; exit }' |
		tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\) (= \([^)]*\)).*/\1 \2/p' | head -n1)
	[ -n "$dep" ] || die "cannot find the linux-image-ABI dependency of $META=$mver"
	read -r IMAGE_PKG KPKGVER <<<"$dep"
	KVER=${IMAGE_PKG#linux-image-}
	mkdir -p "${memo%/*}"
	echo "$KPKGVER $IMAGE_PKG" > "$memo.$$" && mv "$memo.$$" "$memo"
}

first_file() { local f; for f; do [ -f "$f" ] && { echo "$f"; return 0; }; done; return 1; }

headers_pkg() { echo "linux-headers-$KVER"; }

# pkg_depends PKG=VER: its Depends, one package name a line (first
# alternative, no version).
pkg_depends() {
	apt-cache show "$1" | awk -F': ' '/^Depends:/ { print $2; exit }' |
		tr ',' '\n' | sed 's/|.*//; s/(.*//; s/^ *//; s/ *$//' | sed '/^$/d'
}

# header_pkgs: "PKG=VER" of linux-headers-KVER, its -common and linux-kbuild.
header_pkgs() {
	local h p
	h=$(headers_pkg)
	echo "$h=$KPKGVER"
	for p in $(pkg_depends "$h=$KPKGVER"); do
		case "$p" in
		linux-headers-*-common*|linux-kbuild-*) echo "$p=$KPKGVER" ;;
		esac
	done
}

# build_deps: what building against these headers needs besides them.
build_deps() {
	local p
	for p in $(header_pkgs); do
		pkg_depends "$p"
	done | grep -Ev '^linux-(headers|image|kbuild|base|binary|modules)-|^linux-base$|^(dracut|initramfs-tools)$' | LC_ALL=C sort -u
}

# fetch_headers: unpack the headers into the cache; sets HCACHE.
# Bumped when fetch_headers lays the headers out differently.
HEADERS_LAYOUT=layout2

fetch_headers() {
	HCACHE=$UIO_SVA_CACHE/headers/$KVER
	local kdir=$HCACHE/usr/src/linux-headers-$KVER
	if [ "$(cat "$HCACHE/.version" 2>/dev/null)" = "$KPKGVER $HEADERS_LAYOUT" ] && [ -f "$kdir/Makefile" ]; then
		return 0
	fi
	cache_lock "headers-$KVER"
	if [ "$(cat "$HCACHE/.version" 2>/dev/null)" = "$KPKGVER $HEADERS_LAYOUT" ]; then
		cache_unlock
		return 0
	fi
	local pkgs tmp p
	mapfile -t pkgs < <(header_pkgs)
	log "unpacking ${pkgs[*]}"
	mkdir -p "$UIO_SVA_CACHE/headers"
	tmp=$(mktemp -d "$UIO_SVA_CACHE/headers/.tmp-$KVER.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	mkdir -p "$tmp/dl" "$tmp/root"
	(cd "$tmp/dl" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") \
		> "$tmp/download.log" 2>&1 || {
		sed 's/^/  /' "$tmp/download.log" >&2
		die "apt-get download ${pkgs[*]} failed"
	}
	for p in "$tmp"/dl/*.deb; do
		dpkg-deb -x "$p" "$tmp/root"
	done
	# The flavour's Makefile includes the -common one by its absolute
	# /usr/src path: make it relative (make -C runs in the flavour's
	# directory). 7.x's also sets KBUILD_OUTPUT to its /usr/src path, which
	# Kbuild resolves with realpath: point it at the cache (the chroots
	# bind-mount the cache at the same path). The scripts and tools links
	# are relative (../../lib/linux-kbuild-*) already.
	local mk=$tmp/root/usr/src/linux-headers-$KVER/Makefile
	[ -f "$mk" ] || die "no usr/src/linux-headers-$KVER/Makefile in ${pkgs[*]}"
	sed -i -e "s|^include /usr/src/|include ../|" \
	       -e "s|^KBUILD_OUTPUT *:\\?= */usr/src/linux-headers-$KVER\$|KBUILD_OUTPUT=$kdir|" "$mk"
	if grep -qE '(^include |=)/usr/src/' "$mk"; then
		die "unexpected /usr/src path left in $mk: $(grep -E '(^include |=)/usr/src/' "$mk")"
	fi
	echo "$KPKGVER $HEADERS_LAYOUT" > "$tmp/root/.version"
	rm -rf "$HCACHE"
	mv "$tmp/root" "$HCACHE"
	rm -rf "$tmp"
	trap - EXIT
	cache_unlock
	[ -e "$kdir/scripts/Makefile.build" ] || die "the headers of $KVER lack scripts/ (kbuild) after unpacking"
}

# fetch: download and trim into the cache; sets KCACHE.
fetch() {
	KCACHE=$UIO_SVA_CACHE/kernels/$KVER
	if [ "$(cat "$KCACHE/.version" 2>/dev/null)" = "$KPKGVER" ] &&
	   [ -f "$KCACHE/vmlinuz" ] && [ -f "$KCACHE/lib/modules/$KVER/modules.dep" ]; then
		return 0
	fi
	cache_lock "kernel-$KVER"
	if [ "$(cat "$KCACHE/.version" 2>/dev/null)" = "$KPKGVER" ]; then
		cache_unlock
		return 0
	fi
	apt_install kmod xz-utils
	log "fetching $IMAGE_PKG=$KPKGVER"
	local dl root pkgs p deps
	mkdir -p "$UIO_SVA_CACHE/kernels"
	tmp=$(mktemp -d "$UIO_SVA_CACHE/kernels/.tmp-$KVER.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dl=$tmp/dl root=$tmp/root
	mkdir -p "$dl" "$root"
	# Since 7.x (sid) linux-image-ABI is empty and depends on
	# linux-binary-ABI (vmlinuz), linux-modules-ABI (modules) and
	# linux-base-ABI (config, modules.builtin), all in usr/lib/modules/ABI.
	pkgs=("$IMAGE_PKG=$KPKGVER")
	deps=$(apt-cache show "$IMAGE_PKG=$KPKGVER" | awk -F': ' '/^Depends:/ { print $2; exit }')
	for p in binary modules base; do
		if grep -q "linux-$p-$KVER " <<<"$deps"; then
			pkgs+=("linux-$p-$KVER=$KPKGVER")
		fi
	done
	(cd "$dl" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}") > "$tmp/download.log" 2>&1 || {
		sed 's/^/  /' "$tmp/download.log" >&2
		die "apt-get download ${pkgs[*]} failed (is the package still served? try again after apt-get update)"
	}
	for p in "$dl"/*.deb; do
		dpkg-deb -x "$p" "$root"
	done
	local src=$root/lib/modules/$KVER out=$tmp/out
	[ -d "$src" ] || src=$root/usr/lib/modules/$KVER
	[ -d "$src" ] || die "no modules directory in ${pkgs[*]}"
	local vmlinuz config
	vmlinuz=$(first_file "$root"/boot/vmlinuz-"$KVER" "$src/vmlinuz") ||
		die "no vmlinuz in ${pkgs[*]}"
	mkdir -p "$out/lib/modules/$KVER"
	cp "$vmlinuz" "$out/vmlinuz"
	if config=$(first_file "$root"/boot/config-"$KVER" "$src/config"); then
		cp "$config" "$out/config"
	else
		log "warning: no kernel config in ${pkgs[*]}"
	fi
	for p in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$src/$p" ] && cp "$src/$p" "$out/lib/modules/$KVER/"
	done
	# Index the package's modules by name (module names treat - and _ alike).
	local index=$tmp/index
	(cd "$src" && find kernel -name '*.ko*') |
		awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n); gsub(/-/, "_", n); print n, $0 }' \
		> "$index"
	local queue=() seen=" " m path ko dst
	for m in $WANT_MODULES; do queue+=("${m//-/_}"); done
	while [ ${#queue[@]} -gt 0 ]; do
		m=${queue[0]}
		queue=("${queue[@]:1}")
		case "$seen" in *" $m "*) continue ;; esac
		seen+="$m "
		path=$(awk -v n="$m" '$1 == n { print $2; exit }' "$index")
		if [ -z "$path" ]; then
			grep -q "/$m.ko" "$src/modules.builtin" 2>/dev/null ||
			grep -q "/${m//_/-}.ko" "$src/modules.builtin" 2>/dev/null ||
				log "note: module $m is neither built in nor shipped in $KVER"
			continue
		fi
		dst=$out/lib/modules/$KVER/${path%.*}
		case "$path" in
		*.ko.xz)  mkdir -p "${dst%/*}"; xz -dc "$src/$path" > "$dst" ;;
		*.ko.zst) mkdir -p "${dst%/*}"; zstd -qdc "$src/$path" > "$dst" ;;
		*.ko.gz)  mkdir -p "${dst%/*}"; gzip -dc "$src/$path" > "$dst" ;;
		*)        dst=$out/lib/modules/$KVER/$path; mkdir -p "${dst%/*}"; cp "$src/$path" "$dst" ;;
		esac
		for ko in $(/sbin/modinfo -F depends "$dst" | tr ',' ' '); do
			queue+=("${ko//-/_}")
		done
	done
	/sbin/depmod -b "$out" "$KVER" || die "depmod failed for $KVER"
	echo "$KPKGVER" > "$out/.version"
	rm -rf "$KCACHE"
	mv "$out" "$KCACHE"
	rm -rf "$tmp"
	trap - EXIT
	cache_unlock
	log "cached $KVER ($KPKGVER): $(cd "$KCACHE/lib/modules/$KVER" && find . -name '*.ko' | sed 's|.*/||' | tr '\n' ' ')"
}

print_facts() {
	printf '%s=%q\n' KNAME "$KNAME" KVER "$KVER" KPKGVER "$KPKGVER" \
		VMLINUZ "$KCACHE/vmlinuz" KCONFIG "$KCACHE/config" \
		MODDIR "$KCACHE/lib/modules/$KVER" BUILD_ENV "$BUILD_ENV" \
		KDIR "$HCACHE/usr/src/linux-headers-$KVER" BUILD_CHROOT "${BUILD_CHROOT:-}"
}

case "${1:-}" in
--list)
	awk 'NF { print $1 }' <<<"$KERNELS"
	;;
--list-debug)
	echo 7.2-debug
	;;
--resolve)
	[ $# -eq 2 ] || usage
	KNAME=$2
	resolve "$KNAME"
	printf '%s=%q\n' KNAME "$KNAME" KVER "$KVER" KPKGVER "$KPKGVER" \
		IMAGE_PKG "$IMAGE_PKG" HEADERS_PKG "$(headers_pkg)" BUILD_ENV "$BUILD_ENV"
	;;
--build-envs)
	awk 'NF { print $4 }' <<<"$KERNELS" | awk '!seen[$0]++'
	;;
--build-deps)
	[ $# -eq 2 ] || usage
	for KNAME in $(awk -v e="$2" 'NF && $4 == e { print $1 }' <<<"$KERNELS"); do
		resolve "$KNAME"
		build_deps
	done | LC_ALL=C sort -u
	;;
-h|--help|'')
	usage
	;;
-*)
	usage
	;;
7.2-debug)
	[ $# -eq 1 ] || usage
	exec bash "$(dirname "$0")/debug-kernel/build.sh" "$1"
	;;
*)
	[ $# -eq 1 ] || usage
	KNAME=$1
	resolve "$KNAME"
	fetch
	fetch_headers
	case "$BUILD_ENV" in
	host)
		;;
	*)
		BUILD_CHROOT=$(bash "$(dirname "$0")/build-chroot.sh" "$BUILD_ENV" ensure) ||
			die "cannot prepare the $BUILD_ENV chroot (see above)"
		;;
	esac
	print_facts
	;;
esac

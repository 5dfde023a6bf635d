#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch a Debian kernel for the QEMU guests and make its headers usable.
#
# Usage:
#   tests/qemu/kernels.sh NAME            fetch (cached) and print the kernel's facts
#   tests/qemu/kernels.sh --resolve NAME  resolve packages only (no download)
#   tests/qemu/kernels.sh --list          print the known NAMEs, one a line
#   tests/qemu/kernels.sh --headers-for ENV
#                                         print "linux-headers-ABI=VERSION" for
#                                         every kernel built in ENV (sid)
#
# NAME is a row of the KERNELS table below (6.1, 6.12, 7.2), or 7.2-debug:
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
#   BUILD_ENV=host|sid             where out-of-tree modules are built
#   KDIR=/usr/src/linux-headers-KVER  headers, as seen in BUILD_ENV
#   SID_CHROOT=/path               the chroot (empty for BUILD_ENV=host)
# Logs go to stderr. Exit 0 on success, 1 on failure, 2 on a usage error.
#
# Cache: $UIO_SVA_CACHE/kernels/KVER/ holds vmlinuz, config, lib/modules/
# and .version (the package version it was made from); a different version
# replaces the entry.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The kernel table: add a row to add a kernel.
#   NAME  RELEASE  METAPACKAGE  BUILD_ENV
# RELEASE "-" takes apt's candidate (bookworm, bookworm-security,
# bookworm-backports by pin); otherwise the highest version that the named
# suite serves (the suite must be configured in setup-apt.sh, e.g. a future
# "7.3 trixie-backports linux-image-amd64 sid" row needs trixie-backports
# there). BUILD_ENV "host" installs linux-headers-ABI on this machine,
# "sid" installs it into the sid chroot (tests/qemu/sid-chroot.sh), for
# headers that need a newer compiler than Debian 12's.
KERNELS='
6.1   -    linux-image-amd64       host
6.12  -    linux-image-6.12-amd64  host
7.2   sid  linux-image-amd64       sid
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
	(cd "$dl" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >/dev/null) ||
		die "apt-get download ${pkgs[*]} failed (is the package still served? try again after apt-get update)"
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
		KDIR "/usr/src/linux-headers-$KVER" SID_CHROOT "${SID_CHROOT:-}"
}

case "${1:-}" in
--list)
	awk 'NF { print $1 }' <<<"$KERNELS"
	;;
--resolve)
	[ $# -eq 2 ] || usage
	KNAME=$2
	resolve "$KNAME"
	printf '%s=%q\n' KNAME "$KNAME" KVER "$KVER" KPKGVER "$KPKGVER" \
		IMAGE_PKG "$IMAGE_PKG" HEADERS_PKG "$(headers_pkg)" BUILD_ENV "$BUILD_ENV"
	;;
--headers-for)
	[ $# -eq 2 ] || usage
	for KNAME in $(awk -v e="$2" 'NF && $4 == e { print $1 }' <<<"$KERNELS"); do
		resolve "$KNAME"
		echo "$(headers_pkg)=$KPKGVER"
	done
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
	case "$BUILD_ENV" in
	host)
		apt_install "$(headers_pkg)"
		[ -f "/usr/src/linux-headers-$KVER/Makefile" ] ||
			die "linux-headers-$KVER is installed but /usr/src/linux-headers-$KVER is missing"
		;;
	sid)
		SID_CHROOT=$(bash "$(dirname "$0")/sid-chroot.sh" ensure) ||
			die "cannot prepare the sid chroot (see above)"
		[ -f "$SID_CHROOT/usr/src/linux-headers-$KVER/Makefile" ] ||
			die "the sid chroot $SID_CHROOT lacks linux-headers-$KVER"
		;;
	*)
		die "unknown BUILD_ENV '$BUILD_ENV' in the kernel table"
		;;
	esac
	print_facts
	;;
esac

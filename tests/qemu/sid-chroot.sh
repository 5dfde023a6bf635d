#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A cached Debian sid chroot for building modules against kernel headers
# that need a newer compiler than Debian 12 has (Linux 7.x: gcc 16).
#
# Usage:
#   tests/qemu/sid-chroot.sh ensure       create the chroot if needed; print its path
#   tests/qemu/sid-chroot.sh path         print the path of the current chroot
#                                         (exit 1 if it has not been created)
#   tests/qemu/sid-chroot.sh run CMD...   run CMD inside (creating it if needed)
#
# "run" sees the project checkout (and $SID_CHROOT_BIND, a space-separated
# list of extra directories) at the same absolute path as on the host, and
# starts in the caller's working directory, which must lie in one of them.
# The bind mounts live in a private mount namespace (unshare), so they go
# away when CMD ends, even when it fails or is killed. CMD runs as the
# caller's uid/gid; the exit status is CMD's. Needs root (or sudo).
#
# The chroot is debootstrap --variant=minbase sid from this machine's Debian
# mirror, plus $PACKAGES and linux-headers-ABI for every kernel that
# tests/qemu/kernels.sh builds in "sid". It lives in
# $UIO_SVA_CACHE/sid-chroot-KEY, KEY = hash of those package names and
# versions; a new sid kernel makes a new chroot and the old ones are deleted.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"

# Build tools besides what linux-headers-ABI pulls (gcc-N-for-host, kbuild).
PACKAGES='make libc6-dev sparse perl kmod'
RECIPE=1	# bump to force a rebuild after changing the recipe below

usage() { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

headers=$(bash "$here/kernels.sh" --headers-for sid) || die "cannot resolve the sid kernel headers"
key=$(hash_inputs "recipe=$RECIPE" "packages=$PACKAGES" "$headers")
root=$UIO_SVA_CACHE/sid-chroot-$key

ready() { [ -f "$root/.uio-sva-ready" ]; }

# in_chroot DIR CMD...: run CMD in chroot DIR with /proc, /dev and the bind
# directories mounted, in a private mount namespace.
in_chroot() {
	local dir=$1 spec=
	shift
	if [ "$(id -u)" != 0 ]; then spec=--userspec=$(id -u):$(id -g); fi
	# shellcheck disable=SC2016
	as_root unshare --mount --propagation private -- bash -euc '
		dir=$1 cwd=$2 spec=$3 binds=$4
		shift 4
		mount -t proc proc "$dir/proc"
		mount --bind /dev "$dir/dev"
		for b in $binds; do
			[ -d "$b" ] || continue
			mkdir -p "$dir$b"
			mount --bind "$b" "$dir$b"
		done
		[ -n "$spec" ] || spec=--userspec=0:0
		exec chroot "$spec" "$dir" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' _ "$dir" "$PWD" "$spec" "$UIO_SVA_TOP ${SID_CHROOT_BIND:-}" "$@"
}

create() {
	cache_lock sid-chroot
	if ready; then cache_unlock; return 0; fi
	apt_install debootstrap
	local mirror tmp t0=$SECONDS
	mirror=$(debian_mirror) || die "no Debian mirror in the apt sources"
	tmp=$UIO_SVA_CACHE/.sid-chroot-$key.tmp
	as_root rm -rf "$tmp"
	log "creating the sid chroot ($mirror), a few minutes"
	as_root debootstrap --variant=minbase sid "$tmp" "$mirror" > "$UIO_SVA_CACHE/.sid-debootstrap.log" 2>&1 || {
		tail -n 20 "$UIO_SVA_CACHE/.sid-debootstrap.log" >&2
		die "debootstrap sid failed (log: $UIO_SVA_CACHE/.sid-debootstrap.log)"
	}
	log "debootstrap done after $((SECONDS - t0))s; installing $PACKAGES and $headers"
	as_root cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
	# The machine's own apt access settings (proxy, a mirror snapshot whose
	# Release files are past Valid-Until, ...) apply in the chroot too.
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|Retries|https?::Proxy)' |
		as_root tee "$tmp/etc/apt/apt.conf.d/99uio-sva-host" >/dev/null || true
	# shellcheck disable=SC2086
	(cd / && in_chroot "$tmp" sh -ec '
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		apt-get install -y -q --no-install-recommends "$@"
		apt-get clean
		rm -rf /var/lib/apt/lists/*
	' sh $PACKAGES $headers) > "$UIO_SVA_CACHE/.sid-install.log" 2>&1 || {
		tail -n 20 "$UIO_SVA_CACHE/.sid-install.log" >&2
		die "installing build packages into the sid chroot failed (log: $UIO_SVA_CACHE/.sid-install.log)"
	}
	printf '%s\n' "$PACKAGES" $headers | as_root tee "$tmp/.uio-sva-ready" >/dev/null
	as_root mv "$tmp" "$root"
	# Drop chroots made for older header versions.
	local old
	for old in "$UIO_SVA_CACHE"/sid-chroot-*; do
		[ "$old" = "$root" ] || [ ! -d "$old" ] || { log "removing old $old"; as_root rm -rf "$old"; }
	done
	cache_unlock
	log "sid chroot ready after $((SECONDS - t0))s: $root"
}

case "${1:-}" in
ensure)
	ready || create
	echo "$root"
	;;
path)
	ready || { echo "error: the sid chroot has not been created; run: $0 ensure" >&2; exit 1; }
	echo "$root"
	;;
run)
	shift
	[ $# -gt 0 ] || usage
	ready || create
	case "$PWD/" in
	"$UIO_SVA_TOP"/*) ;;
	*)
		ok=
		for b in ${SID_CHROOT_BIND:-}; do
			case "$PWD/" in "${b%/}"/*) ok=1 ;; esac
		done
		[ -n "$ok" ] || die "the working directory $PWD is not visible in the chroot; cd into $UIO_SVA_TOP or add it to SID_CHROOT_BIND"
		;;
	esac
	in_chroot "$root" "$@"
	;;
*)
	usage
	;;
esac

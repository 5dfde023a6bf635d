#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A cached Debian chroot of SUITE (sid, trixie) for building modules against
# kernel headers that need another compiler than Debian 12 has (Linux 7.2:
# sid's gcc 16; 7.3 from trixie-backports: trixie's gcc 14).
#
# Usage:
#   tests/qemu/build-chroot.sh SUITE ensure      create the chroot if needed; print its path
#   tests/qemu/build-chroot.sh SUITE path        print the path of the current chroot
#                                                (exit 1 if it has not been created)
#   tests/qemu/build-chroot.sh SUITE run CMD...  run CMD inside (creating it if needed)
#
# "run" sees the project checkout, the unpacked kernel headers of the cache
# ($UIO_SVA_CACHE/headers) and $BUILD_CHROOT_BIND (a space-separated list
# of extra directories) at the same absolute path as on the host, and
# starts in the caller's working directory, which must lie in one of them.
# The bind mounts live in a private mount namespace (unshare), so they go
# away when CMD ends, even when it fails or is killed. CMD runs as the
# caller's uid/gid; the exit status is CMD's. Needs root (or sudo).
#
# The chroot is debootstrap --variant=minbase SUITE from this machine's
# Debian mirror, plus $PACKAGES and what the headers of every kernel that
# tests/qemu/kernels.sh builds in SUITE depend on (the compiler, kbuild's
# libraries: kernels.sh --build-deps SUITE). The headers themselves are not
# installed (kernels.sh unpacks them into the cache), so a new kernel upload
# does not make a new chroot. It lives in $UIO_SVA_CACHE/chroot-SUITE-KEY,
# KEY = hash of the suite and those package names; chroots of other keys
# unused for two days are deleted.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"

# Build tools besides the headers' own dependencies (gcc-N-for-host, ...).
PACKAGES='make libc6-dev sparse perl kmod'
# Suites whose sparse is too old for their kernels: 7.3's Kbuild turns
# sparse off unless it knows __typeof_unqual__ (scripts/checker-valid.sh),
# which trixie's 0.6.4 does not. They get sid's sparse binary as well,
# unpacked into /opt/sparse-sid (dpkg-deb -x; it needs only libc6 >= 2.38)
# and first in PATH (/usr/local/bin/sparse), while the compiler stays the
# suite's own, the one the kernel was built with.
SPARSE_FROM_SID='trixie'
RECIPE=1	# bump to force a rebuild after changing the recipe below

usage() { sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
suite=$1
shift
case "$suite" in *[!a-z]*|'') usage ;; esac
deps=$(bash "$here/kernels.sh" --build-deps "$suite") || die "cannot resolve the build dependencies of the $suite kernels"
deps=$(tr '\n' ' ' <<<"$deps")
deps=${deps% }
sparse_sid=
case " $SPARSE_FROM_SID " in *" $suite "*) sparse_sid=1 ;; esac
key=$(hash_inputs "recipe=$RECIPE" "suite=$suite" "packages=$PACKAGES $deps" "sparse-from-sid=$sparse_sid")
root=$UIO_SVA_CACHE/chroot-$suite-$key

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
	' _ "$dir" "$PWD" "$spec" "$UIO_SVA_TOP $UIO_SVA_CACHE/headers ${BUILD_CHROOT_BIND:-}" "$@"
}

create() {
	cache_lock "chroot-$suite"
	if ready; then cache_unlock; return 0; fi
	apt_install debootstrap
	local mirror tmp t0=$SECONDS logd=$UIO_SVA_CACHE/.chroot-$suite
	mirror=$(debian_mirror) || die "no Debian mirror in the apt sources"
	tmp=$UIO_SVA_CACHE/.chroot-$suite-$key.tmp
	as_root rm -rf "$tmp"
	log "creating the $suite chroot ($mirror), a few minutes"
	as_root debootstrap --variant=minbase "$suite" "$tmp" "$mirror" > "$logd-debootstrap.log" 2>&1 || {
		tail -n 20 "$logd-debootstrap.log" >&2
		die "debootstrap $suite failed (log: $logd-debootstrap.log)"
	}
	log "debootstrap done after $((SECONDS - t0))s; installing $PACKAGES $deps"
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
	' sh $PACKAGES $deps) > "$logd-install.log" 2>&1 || {
		tail -n 20 "$logd-install.log" >&2
		die "installing build packages into the $suite chroot failed (log: $logd-install.log)"
	}
	# shellcheck disable=SC2086  # word lists
	if [ -n "$sparse_sid" ]; then
		local dl
		dl=$(mktemp -d)
		(cd "$dl" && apt-get download -q -o APT::Sandbox::User=root sparse/sid) > "$logd-sparse.log" 2>&1 ||
			{ cat "$logd-sparse.log" >&2; die "apt-get download sparse/sid failed"; }
		as_root dpkg-deb -x "$dl"/sparse_*.deb "$tmp/opt/sparse-sid"
		as_root ln -sf /opt/sparse-sid/usr/bin/sparse "$tmp/usr/local/bin/sparse"
		rm -rf "$dl"
		(cd / && in_chroot "$tmp" sh -c 'command -v sparse; sparse --version') >&2 ||
			die "sid's sparse does not run in the $suite chroot"
	fi
	printf '%s\n' $PACKAGES $deps | as_root tee "$tmp/.uio-sva-ready" >/dev/null
	as_root mv "$tmp" "$root"
	# Drop chroots of other keys that nobody used for two days (the
	# cache is shared with checkouts of other versions).
	find "$UIO_SVA_CACHE" -mindepth 1 -maxdepth 1 -type d -name "chroot-$suite-*" \
		! -path "$root" -mtime +1 -exec rm -rf {} + 2>/dev/null || true
	cache_unlock
	log "$suite chroot ready after $((SECONDS - t0))s: $root"
}

case "${1:-}" in
ensure)
	ready || create
	touch "$root"	# in use: not pruned
	echo "$root"
	;;
path)
	ready || { echo "error: the $suite chroot has not been created; run: $0 $suite ensure" >&2; exit 1; }
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
		for b in ${BUILD_CHROOT_BIND:-}; do
			case "$PWD/" in "${b%/}"/*) ok=1 ;; esac
		done
		[ -n "$ok" ] || die "the working directory $PWD is not visible in the chroot; cd into $UIO_SVA_TOP or add it to BUILD_CHROOT_BIND"
		;;
	esac
	in_chroot "$root" "$@"
	;;
*)
	usage
	;;
esac

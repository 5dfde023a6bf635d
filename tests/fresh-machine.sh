#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test-fresh: the README's set-up and test commands on a brand-new
# Debian 12, proving that no step depends on what an earlier run installed.
#
# Usage: tests/fresh-machine.sh [--until-setup]     (as root)
#
#   --until-setup  stop after the set-up command (tests/setup.sh), which
#                  proves the install step; without it, `make test` follows
#                  (about 21 min on 2 cores: QEMU, kernels and chroots are all
#                  made from nothing).
#
# A pristine `debootstrap --variant=minbase bookworm` (the debootstrap
# result is cached as a tarball keyed by the mirror and this recipe; the
# chroot itself is unpacked anew each time, under /var/tmp) that holds only
# a clean clone of the checkout's HEAD (/work/uio-pci-sva) and a copy of
# ../shared beside it (/work/shared), and this machine's own apt sources
# (those that setup-apt.sh derives its mirror from; not the project's
# additions, which the set-up must make itself). /proc, /sys and /dev are
# mounted in a private mount namespace, so they go away with it, even on
# an interrupt; the chroot is deleted at the end (UIO_SVA_FRESH_KEEP=1 keeps
# it). Inside, as root, with CI=true and an empty cache:
#
#   bash tests/setup.sh && make test
#
# The last line of stdout is make test's closing line (or "0 passed, 1
# failed" when the set-up failed), followed by nothing; the whole log is in
# $UIO_SVA_CACHE/fresh/last.log. Needs debootstrap (tests/setup.sh installs
# it), about 8 GiB free under /var/tmp, and Debian's mirror.
# The whole script is one brace group, read before it runs: editing or
# checking out this file during a run does not change the running one.
{
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=qemu/lib/common.sh
. "$top/tests/qemu/lib/common.sh"

RECIPE=1	# bump after changing how the base tarball is made
until_setup=
case "${1:-}" in
"") ;;
--until-setup) until_setup=1 ;;
*) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || die "make test-fresh needs root (debootstrap, chroot, mounts)"
command -v debootstrap > /dev/null ||
	die "debootstrap is not installed: run tests/setup.sh (tests/deps/chroot.list) first"
shared=$(cd "$top/../shared" 2>/dev/null && pwd) ||
	die "no ../shared beside the checkout ($top/../shared)"
git -C "$top" rev-parse --verify -q HEAD > /dev/null || die "$top is not a git checkout"

mirror=$(debian_mirror) || die "no Debian mirror in the apt sources"
key=$(hash_inputs "recipe=$RECIPE" "mirror=$mirror" "suite=bookworm")
cache=$UIO_SVA_CACHE/fresh
base=$cache/bookworm-$key.tar
mkdir -p "$cache"
t_all=$SECONDS

# 1. The base system, cached as a tarball.
if [ ! -f "$base" ]; then
	cache_lock fresh-base
	if [ ! -f "$base" ]; then
		log "debootstrap --variant=minbase bookworm ($mirror), a few minutes"
		t0=$SECONDS
		tmp=$(mktemp -d /var/tmp/uio-sva-fresh-base.XXXXXX)
		debootstrap --variant=minbase bookworm "$tmp" "$mirror" > "$cache/debootstrap.log" 2>&1 || {
			tail -n 20 "$cache/debootstrap.log" >&2
			rm -rf --one-file-system "$tmp"
			die "debootstrap bookworm failed (log: $cache/debootstrap.log)"
		}
		tar -C "$tmp" -cf "$base.tmp" . && mv "$base.tmp" "$base"
		rm -rf --one-file-system "$tmp"
		log "base system made in $((SECONDS - t0)) s: $base"
	fi
	cache_unlock
fi

# 2. A fresh chroot from it.
root=$(mktemp -d /var/tmp/uio-sva-fresh.XXXXXX)
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local rc=$?
	# The mounts lived in the namespace of the unshare below, which has
	# ended; refuse to delete anything that is still a mount point.
	if grep -q " $root/" /proc/self/mountinfo; then
		log "mounts left under $root; not deleting it"
	elif [ -n "${UIO_SVA_FRESH_KEEP:-}" ]; then
		log "kept $root"
	else
		rm -rf --one-file-system "$root"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "unpacking a fresh bookworm into $root"
tar -C "$root" -xf "$base"

head=$(git -C "$top" rev-parse HEAD)
mkdir -p "$root/work"
git clone -q --no-checkout "$top" "$root/work/uio-pci-sva"
git -C "$root/work/uio-pci-sva" checkout -q "$head"
cp -a "$shared/." "$root/work/shared"
log "clean clone of $head and a copy of $shared in $root/work"

# This machine's apt sources and access settings (not the project's own).
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	case "$(basename "$f")" in uio-pci-sva*) continue ;; esac
	cp "$f" "$root$f"
done
apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|Retries|https?::Proxy)' \
	> "$root/etc/apt/apt.conf.d/99uio-sva-host" || true
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# 3. The README's commands, as root, CI=true, an empty cache.
cmds='bash tests/setup.sh'
[ -n "$until_setup" ] || cmds+=' && make test'
log "running in the chroot: $cmds"
t0=$SECONDS
set +e
# shellcheck disable=SC2016
unshare --mount --propagation private -- bash -euc '
	root=$1 cmds=$2
	# The root a mount point, as on a real machine (unshare --propagation
	# inside, e.g. build-chroot.sh, needs that).
	mount --bind "$root" "$root"
	mount -t proc proc "$root/proc"
	mount -t sysfs sys "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs tmpfs "$root/tmp"
	exec chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb CI=true \
		/bin/bash -c "cd /work/uio-pci-sva && $cmds"
' _ "$root" "$cmds" 2>&1 | tee "$cache/last.log"
rc=${PIPESTATUS[0]}
set -e
took=$((SECONDS - t0))
closing=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$cache/last.log" | tail -n 1)
echo "# fresh machine: '$cmds' took $took s (exit $rc); all steps $((SECONDS - t_all)) s"
if [ -n "$until_setup" ]; then
	[ "$rc" -eq 0 ] && echo "# the set-up passed on a pristine bookworm"
	echo "${closing:-0 passed, 1 failed}"
else
	# make test's own line, or one failure when it never printed one.
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$cache/last.log" | tail -n 1)
	echo "${last:-0 passed, 1 failed, 0 skipped}"
fi
exit "$rc"
}

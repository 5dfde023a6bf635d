# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for the QEMU platform scripts. Source it; do not run it.
#
# Cache layout: every large artifact lives under $UIO_SVA_CACHE (default
# ~/.cache/uio-pci-sva) in a directory named after the hash of its inputs,
# so a change of input builds a new entry and a warm cache costs seconds.

UIO_SVA_CACHE=${UIO_SVA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uio-pci-sva}
UIO_SVA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# hash_inputs FILE|STRING...: short sha256 over file contents and strings.
hash_inputs() {
	local a
	for a in "$@"; do
		if [ -f "$a" ]; then
			sha256sum "$a"
		else
			printf '%s\n' "$a"
		fi
	done | sha256sum | cut -c1-16
}

# as_root CMD...: run CMD as root (CI runs as root; elsewhere use sudo).
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_ready: make sure the extra Debian suites are configured and the
# package lists are current for this run (once per process tree).
apt_ready() {
	[ -n "${UIO_SVA_APT_READY:-}" ] && return 0
	as_root bash "$UIO_SVA_TOP/tests/qemu/setup-apt.sh" || die "apt setup failed"
	export UIO_SVA_APT_READY=1
}

# apt_missing PKG...: print the PKGs that are not installed, one a line.
# A PKG may name a suite: meson/bookworm-backports.
apt_missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "${p%%/*}" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

# apt_install PKG...: make sure the packages are installed. tests/setup.sh
# installs every package of tests/deps/*.list first; with
# UIO_SVA_NO_INSTALL=1 (make test, CI) a missing package is an error
# naming it, never an installation in the middle of a checked step.
# Otherwise (a script run by itself) it is installed, and apt's output goes
# to a log, never to stdout or stderr, which checkers read.
apt_install() {
	local missing aptlog
	mapfile -t missing < <(apt_missing "$@")
	[ ${#missing[@]} -eq 0 ] && return 0
	[ -z "${UIO_SVA_NO_INSTALL:-}" ] ||
		die "not installed: ${missing[*]}; run tests/setup.sh as root (and list them in tests/deps/*.list if they are not there)"
	apt_ready
	log "installing ${missing[*]}"
	aptlog=$(mktemp)
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}" > "$aptlog" 2>&1 || {
		sed 's/^/  apt: /' "$aptlog" | tail -n 30 >&2
		rm -f "$aptlog"
		die "apt-get install ${missing[*]} failed"
	}
	rm -f "$aptlog"
}

# ---- Additions for the guest platform (kernels, chroot, runner) ----

# debian_mirror: the Debian mirror URI of this machine's apt sources
# (the same one setup-apt.sh uses); never hard-code a host name.
debian_mirror() {
	bash "$UIO_SVA_TOP/tests/qemu/setup-apt.sh" --print-mirror
}

# cache_lock NAME: serialise creation of a cache entry between concurrent
# runs (other engineers share the machine and the cache). The lock is held
# until cache_unlock or the end of the process.
cache_lock() {
	mkdir -p "$UIO_SVA_CACHE"
	exec {UIO_SVA_LOCK_FD}>"$UIO_SVA_CACHE/.lock-$1"
	flock "$UIO_SVA_LOCK_FD"
}
cache_unlock() {
	[ -n "${UIO_SVA_LOCK_FD:-}" ] || return 0
	exec {UIO_SVA_LOCK_FD}>&-
	UIO_SVA_LOCK_FD=
}

# timed LABEL CMD...: run CMD, then log how long it took (stderr).
timed() {
	local label=$1 t0 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" || rc=$?
	log "$label: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s$([ $rc = 0 ] || echo " (exit $rc)")"
	return $rc
}

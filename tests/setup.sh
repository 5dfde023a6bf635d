#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The one install step of the tests: everything that later steps need is
# installed or fetched here, before anything is built or checked, and this
# step prints what it installs. `make test` (tests/run-all.sh) runs it first
# and then forbids installing (UIO_SVA_NO_INSTALL=1): a later step that
# misses a package fails and names it.
#
# Usage: tests/setup.sh        (as root; idempotent, seconds when all is there)
#
# 1. apt sources: bookworm-backports, sid (deb-src), trixie-backports
#    (tests/qemu/setup-apt.sh), pinned so nothing is upgraded from them;
# 2. apt packages: every tests/deps/*.list, plus the compiler and kbuild
#    libraries of the host-built kernels' headers (kernels.sh --build-deps);
#    apt's output goes to a log that is shown only on failure;
# 3. the build chroots of the 7.x kernels (tests/qemu/build-chroot.sh);
# 4. every kernel of tests/qemu/kernels.sh: image, modules and headers,
#    unpacked into the cache (never installed on this machine).
#
# Output: TAP, one test per step, ending with "N passed, N failed". As a
# non-root user it only reports what is missing (1..0 # SKIP when something
# is, since it cannot install). Exit 0 when every step passed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
qemu_dir=$top/tests/qemu
# shellcheck source-path=SCRIPTDIR source=qemu/lib/common.sh
. "$qemu_dir/lib/common.sh"
unset UIO_SVA_NO_INSTALL

n=0 failed=0
step() {	# step DESCRIPTION CMD...: run CMD (stderr shown and kept), report it
	local desc=$1 t0=$SECONDS out rc=0
	shift
	out=$(mktemp)
	{ "$@" 2>&1 1>&3 | tee "$out" >&2; rc=${PIPESTATUS[0]}; } 3>&1
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $n - $desc ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc (exit $rc after $((SECONDS - t0)) s)"
		tail -n 30 "$out" | sed 's/^/# /'
	fi
	rm -f "$out"
	return $rc
}

packages() {	# every package of the lists, one a line
	sed 's/#.*//' "$top"/tests/deps/*.list | awk 'NF { print $1 }'
	bash "$qemu_dir/kernels.sh" --build-deps host
}

install_packages() {
	local want missing aptlog
	mapfile -t want < <(packages | awk '!seen[$0]++')
	[ ${#want[@]} -gt 0 ] || { echo "no packages listed" >&2; return 1; }
	mapfile -t missing < <(apt_missing "${want[@]}")
	if [ ${#missing[@]} -eq 0 ]; then
		echo "# all ${#want[@]} packages are installed"
		return 0
	fi
	echo "# installing ${#missing[@]} of ${#want[@]} packages: ${missing[*]}"
	aptlog=$(mktemp)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}" > "$aptlog" 2>&1 || {
		sed 's/^/apt: /' "$aptlog" | tail -n 40 >&2
		rm -f "$aptlog"
		return 1
	}
	rm -f "$aptlog"
	mapfile -t missing < <(apt_missing "${want[@]}")
	[ ${#missing[@]} -eq 0 ] || { echo "still not installed: ${missing[*]}" >&2; return 1; }
}

build_chroots() {
	local env
	for env in $(bash "$qemu_dir/kernels.sh" --build-envs); do
		[ "$env" = host ] && continue
		echo "# build chroot: $env"
		bash "$qemu_dir/build-chroot.sh" "$env" ensure > /dev/null || return 1
	done
}

fetch_kernels() {
	local k
	for k in $(bash "$qemu_dir/kernels.sh" --list); do
		echo "# kernel $k"
		bash "$qemu_dir/kernels.sh" "$k" > /dev/null || return 1
	done
}

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	# Not root: nothing can be installed; say what is missing.
	mapfile -t listed < <(sed 's/#.*//' "$top"/tests/deps/*.list | awk 'NF { print $1 }')
	mapfile -t missing < <(apt_missing "${listed[@]}")
	if [ ${#missing[@]} -gt 0 ]; then
		echo "1..0 # SKIP not root; missing packages: ${missing[*]} (run tests/setup.sh as root)"
		exit 0
	fi
	echo "1..0 # SKIP not root: the packages are installed; kernels and chroots are made when first used"
	exit 0
fi

t_all=$SECONDS
step "apt sources (tests/qemu/setup-apt.sh)" bash "$qemu_dir/setup-apt.sh" &&
	export UIO_SVA_APT_READY=1
step "apt packages (tests/deps/*.list, kernels.sh --build-deps host)" install_packages
step "build chroots of the 7.x kernels (tests/qemu/build-chroot.sh)" build_chroots
step "kernels and headers unpacked into the cache (tests/qemu/kernels.sh)" fetch_kernels
echo "1..$n"
echo "# setup took $((SECONDS - t_all)) s"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

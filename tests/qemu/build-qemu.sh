#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the patched QEMU (intel-iommu svm=on, uio-sva-testdev) for the
# guest tests, or reuse the cached build.
#
# Usage:
#   build-qemu.sh                        build or reuse; the LAST line of
#                                        stdout is the absolute path of
#                                        qemu-system-x86_64 (nothing else
#                                        goes to stdout, logs go to stderr)
#   build-qemu.sh --print-firmware-args  print the -L arguments QEMU needs
#                                        at run time (one line), e.g.
#                                        "-L /usr/share/seabios -L /usr/share/qemu"
#   build-qemu.sh --help
#
# Exit status: 0 success; 77 when the QEMU source cannot be obtained (one
# line on stderr starting with "SKIP:"), except in CI (CI=true), where a
# missing input is a failure (exit 1); anything else is a failure.
#
# Inputs: Debian's QEMU source package QEMU_DEB_VERSION below. It is taken
# from $UIO_SVA_QEMU_SRC (default: ../shared/qemu-src beside the checkout)
# when that directory exists: its SHA256SUMS must match. Only when it is
# absent is it downloaded with `apt-get source` from sid's deb-src (set up by
# setup-apt.sh; UIO_SVA_NO_APT_SOURCE=1 forbids that, to prove that a build
# does not need it). The bytes are the same either way, so the cache key
# does not depend on where they came from.
# tests/qemu/qemu-patches/*.patch are applied
# in name order with patch -p1, tests/qemu/qemu-device/uio-sva-testdev.c
# copied to hw/misc/ and tests/qemu/qtest/uio-sva-testdev-test.c (the
# device's qtest) to tests/qtest/ first, and the configure flags below.
#
# Cache ($UIO_SVA_CACHE/qemu):
#   <hash>/qemu-system-x86_64  the result; <hash> covers the source version,
#                              every patch, the device source, its qtest,
#                              the configure flags and this script. A
#                              present binary is complete (it is moved into
#                              place, after the qtest). Results
#                              unused for two days are pruned after a build.
#   <hash>/uio-sva-testdev-test the device's qtest, built with it
#                              (run by tests/qemu/run-qtest.sh)
#   src/                       the downloaded source package (unused when
#                              the shared copy exists)
#   tree/                      the unpacked, patched source and its build/
#                              directory, reused so that a change of patch
#                              or device source rebuilds incrementally. Only
#                              the patches that changed are reverted and
#                              reapplied; a tree that cannot be reverted is
#                              unpacked again.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$here/lib/common.sh"

QEMU_DEB_VERSION=1:10.2.2+ds-1
QEMU_DSC=qemu_10.2.2+ds-1.dsc
# The device's qtest (tests/qemu/qtest/$QTEST.c), built beside QEMU.
QTEST=uio-sva-testdev-test
QEMU_SHARED_SRC=${UIO_SVA_QEMU_SRC:-$UIO_SVA_TOP/../shared/qemu-src}
CONFIGURE_FLAGS=(
	--target-list=x86_64-softmmu
	--python=/usr/bin/python3
	--without-default-features
	--disable-docs
	--disable-rust
	--enable-tcg
	--disable-werror
	--disable-install-blobs
	--enable-slirp
)
BUILD_DEPS=(
	dpkg-dev ninja-build pkg-config flex bison python3 python3-venv
	meson/bookworm-backports python3-pycotap/bookworm-backports
	libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev
)
# What the binary needs at run time: shared libraries and firmware.
RUN_DEPS=(libglib2.0-0 libfdt1 libslirp0 seabios qemu-system-data)
FIRMWARE_DIRS=(/usr/share/seabios /usr/share/qemu)

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

skip() {
	if [ "${CI:-}" = true ]; then
		die "$* (in CI a missing QEMU source is a failure, not a skip)"
	fi
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

print_firmware_args() {
	local d out=()
	apt_install seabios qemu-system-data
	for d in "${FIRMWARE_DIRS[@]}"; do
		[ -d "$d" ] || die "firmware directory $d is missing"
		out+=(-L "$d")
	done
	echo "${out[*]}"
}

# cache_key: hash of every input, independent of where the checkout lives.
cache_key() {
	local patches
	(
		cd "$UIO_SVA_TOP"
		patches=$(LC_ALL=C ls tests/qemu/qemu-patches/*.patch)
		# shellcheck disable=SC2086
		hash_inputs "qemu $QEMU_DEB_VERSION" \
			"configure ${CONFIGURE_FLAGS[*]}" \
			tests/qemu/build-qemu.sh \
			tests/qemu/qemu-device/uio-sva-testdev.c \
			tests/qemu/qtest/uio-sva-testdev-test.c \
			$patches
	)
}

# fetch_source DIR: print the directory that holds the verified source
# package: the shared copy when it exists, else DIR (downloaded into it).
fetch_source() {
	local dir=$1
	if [ -d "$QEMU_SHARED_SRC" ]; then
		[ -f "$QEMU_SHARED_SRC/$QEMU_DSC" ] ||
			die "$QEMU_SHARED_SRC has no $QEMU_DSC (its README says what belongs there)"
		(cd "$QEMU_SHARED_SRC" && sha256sum --quiet --strict -c SHA256SUMS) >&2 ||
			die "$QEMU_SHARED_SRC does not match its SHA256SUMS"
		log "QEMU source: $(cd "$QEMU_SHARED_SRC" && pwd) (SHA256SUMS verified)"
		cd "$QEMU_SHARED_SRC" && pwd
		return 0
	fi
	mkdir -p "$dir"
	if [ -f "$dir/$QEMU_DSC" ] &&
	   (cd "$dir" && dscverify_files "$QEMU_DSC"); then
		echo "$dir"
		return 0
	fi
	[ -z "${UIO_SVA_NO_APT_SOURCE:-}" ] ||
		skip "no $QEMU_SHARED_SRC and UIO_SVA_NO_APT_SOURCE forbids apt-get source"
	( apt_ready ) || skip "apt sources could not be set up, no QEMU source"
	log "downloading QEMU source $QEMU_DEB_VERSION"
	(cd "$dir" && apt-get source -q --download-only "qemu=$QEMU_DEB_VERSION") \
		>"$dir/download.log" 2>&1 ||
		skip "apt-get source qemu=$QEMU_DEB_VERSION failed: $(grep -E '^E:' "$dir/download.log" | head -1)"
	[ -f "$dir/$QEMU_DSC" ] || skip "apt-get source did not produce $QEMU_DSC"
	echo "$dir"
}

# dscverify_files DSC: all files listed in DSC are present with their size.
dscverify_files() {
	local size name ok=0
	while read -r _ size name; do
		[ -n "$name" ] || continue
		[ -f "$name" ] && [ "$(stat -c %s "$name")" = "$size" ] || ok=1
	done < <(awk '/^Checksums-Sha256:/ {f=1; next} /^[^ ]/ {f=0} f' "$1")
	return $ok
}

# unpack_tree SRC TREE: unpack (and apply Debian's patches) into TREE.
unpack_tree() {
	local src=$1 tree=$2 tmp
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tmp=$tree.tmp/qemu
	log "unpacking the QEMU source"
	dpkg-source -x "$src/$QEMU_DSC" "$tmp" >"$tree.tmp/unpack.log" 2>&1 || {
		tail -20 "$tree.tmp/unpack.log" >&2
		[ "$src" = "$(cd "$QEMU_SHARED_SRC" 2>/dev/null && pwd)" ] ||
			rm -f "$src/$QEMU_DSC"	# download again next time
		die "dpkg-source -x $QEMU_DSC failed"
	}
	mkdir -p "$tmp/.uio-sva/applied"
	echo "$QEMU_DEB_VERSION" > "$tmp/.uio-sva/source"
	mv "$tmp" "$tree"
	rm -rf "$tree.tmp"
}

# patch_tree TREE PATCH...: bring the tree's patch stack to PATCH...,
# reverting only what differs from what is applied.
patch_tree() {
	local tree=$1 state applied=() keep=0 i p name want
	shift
	want=("$@")
	state=$tree/.uio-sva/applied
	if [ -f "$state/series" ]; then
		mapfile -t applied < "$state/series"
	fi
	# Keep the longest common prefix of identical patches.
	while [ $keep -lt ${#applied[@]} ] && [ $keep -lt ${#want[@]} ]; do
		p=${want[$keep]}
		if [ "$(basename "$p")" != "${applied[$keep]}" ] ||
		   ! cmp -s "$p" "$state/${applied[$keep]}"; then
			break
		fi
		keep=$((keep + 1))
	done
	for ((i = ${#applied[@]} - 1; i >= keep; i--)); do
		name=${applied[$i]}
		log "reverting $name"
		(cd "$tree" && patch -p1 -R -s --dry-run < "$state/$name" >/dev/null &&
		 patch -p1 -R -s < "$state/$name" >&2) || return 1
		rm -f "$state/$name"
		printf '%s\n' "${applied[@]:0:$i}" | sed '/^$/d' > "$state/series"
	done
	for p in "${want[@]:$keep}"; do
		name=$(basename "$p")
		log "applying $name"
		(cd "$tree" && patch -p1 -s --dry-run < "$p" >/dev/null) ||
			die "$name does not apply to QEMU $QEMU_DEB_VERSION"
		(cd "$tree" && patch -p1 -s --no-backup-if-mismatch < "$p" >&2) ||
			die "$name failed to apply"
		cp "$p" "$state/$name"
		echo "$name" >> "$state/series"
	done
}

# make_with_progress LOG ARGS...: make ARGS with its output appended to
# LOG; every 30 s, log how far the build is (ninja's latest "[N/M]"), so
# that a cold build of several minutes is not silent.
make_with_progress() {
	local logf=$1 pid rc=0 n=0 step
	shift
	make "$@" >>"$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		n=$((n + 1))
		if [ $((n % 15)) -eq 0 ]; then
			step=$(grep -o '^\[[0-9]*/[0-9]*\]' "$logf" | tail -n1 || true)
			log "  still building QEMU: step ${step:-[starting]} after $((n * 2)) s"
		fi
	done
	wait "$pid" || rc=$?
	return "$rc"
}

build() {
	local key out base tree src patches=() dev qtest flags t0
	key=$(cache_key)
	base=$UIO_SVA_CACHE/qemu
	out=$base/$key/qemu-system-x86_64

	if [ -x "$out" ] && [ -x "$base/$key/$QTEST" ]; then
		apt_install "${RUN_DEPS[@]}"
		touch "$base/$key"	# in use: not pruned
		log "QEMU $key is cached"
		echo "$out" >&3
		return 0
	fi

	mkdir -p "$base"
	exec 9>"$base/.lock"
	if ! flock -n 9; then
		log "waiting for another run's QEMU build to finish (a cold build takes 5 to 10 min)"
		flock 9
	fi
	if [ -x "$out" ] && [ -x "$base/$key/$QTEST" ]; then	# built meanwhile
		apt_install "${RUN_DEPS[@]}"
		echo "$out" >&3
		return 0
	fi

	t0=$(date +%s)
	apt_install dpkg-dev
	src=$(fetch_source "$base/src")
	apt_install "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}"

	tree=$base/tree
	if [ "$(cat "$tree/.uio-sva/source" 2>/dev/null)" != "$QEMU_DEB_VERSION" ]; then
		unpack_tree "$src" "$tree"
	fi

	mapfile -t patches < <(LC_ALL=C ls "$UIO_SVA_TOP"/tests/qemu/qemu-patches/*.patch)
	dev=$UIO_SVA_TOP/tests/qemu/qemu-device/uio-sva-testdev.c
	qtest=$UIO_SVA_TOP/tests/qemu/qtest/$QTEST.c
	# Copy only on change, so that make sees an unchanged file as such.
	cmp -s "$dev" "$tree/hw/misc/uio-sva-testdev.c" ||
		cp "$dev" "$tree/hw/misc/uio-sva-testdev.c"
	cmp -s "$qtest" "$tree/tests/qtest/$QTEST.c" ||
		cp "$qtest" "$tree/tests/qtest/$QTEST.c"
	if ! patch_tree "$tree" "${patches[@]}"; then
		log "the cached tree cannot be reverted; unpacking it again"
		unpack_tree "$src" "$tree"
		cp "$dev" "$tree/hw/misc/uio-sva-testdev.c"
		cp "$qtest" "$tree/tests/qtest/$QTEST.c"
		patch_tree "$tree" "${patches[@]}" || die "patching failed"
	fi

	flags="${CONFIGURE_FLAGS[*]}"
	if [ "$(cat "$tree/build/.uio-sva-configure" 2>/dev/null)" != "$flags" ]; then
		log "configuring QEMU"
		rm -rf "$tree/build"
		mkdir -p "$tree/build"
		(cd "$tree/build" && ../configure "${CONFIGURE_FLAGS[@]}") \
			>"$base/configure.log" 2>&1 || {
			tail -30 "$base/configure.log" >&2
			die "QEMU configure failed (log: $base/configure.log)"
		}
		echo "$flags" > "$tree/build/.uio-sva-configure"
	fi

	log "building qemu-system-x86_64 and the device's qtest (make -j2; a cold build takes ~5 min)"
	# Two runs: the first regenerates the build files when a patch changed
	# a meson.build, and only then does make know the qtest's target.
	: > "$base/build.log"
	{ make_with_progress "$base/build.log" -C "$tree/build" -j2 qemu-system-x86_64 &&
	  make_with_progress "$base/build.log" -C "$tree/build" -j2 "tests/qtest/$QTEST"; } || {
		grep -E 'error|Error' "$base/build.log" | head -20 >&2
		tail -20 "$base/build.log" >&2
		die "QEMU build failed (log: $base/build.log)"
	}
	"$tree/build/qemu-system-x86_64" -device uio-sva-testdev,help >/dev/null 2>&1 ||
		die "the built QEMU has no uio-sva-testdev device"

	mkdir -p "$base/$key"
	cp "$tree/build/tests/qtest/$QTEST" "$base/$key/$QTEST.tmp.$$"
	mv -f "$base/$key/$QTEST.tmp.$$" "$base/$key/$QTEST"
	cp "$tree/build/qemu-system-x86_64" "$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	log "QEMU $key built in $(($(date +%s) - t0)) s"
	# Drop builds of other inputs that nobody used for two days.
	find "$base" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
		-regex '.*/[0-9a-f]{16}' ! -name "$key" -mtime +1 \
		-exec rm -rf {} + 2>/dev/null || true
	echo "$out" >&3
}

main() {
	case "${1:-}" in
	"")
		exec 3>&1 1>&2
		build
		;;
	--print-firmware-args)
		exec 3>&1 1>&2
		print_firmware_args >&3
		;;
	-h|--help)
		usage
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
}

# One line, read whole before it runs: editing or checking out this file
# while a build runs does not make bash read a changed file.
main "$@"; exit

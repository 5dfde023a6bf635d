#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run one guest suite on one kernel: TAP on stdout.
#
# Usage:
#   tests/qemu/run-suite.sh [options] KERNEL SUITE [QEMU-ARGS...]
#
#   KERNEL     a kernel of tests/qemu/kernels.sh (6.1, 6.12, 7.2)
#   SUITE      tests/qemu/suites/SUITE.sh
#   QEMU-ARGS  extra QEMU arguments, e.g. -device uio-sva-testdev,id=dev0;
#              default: the suite's "#@ qemu:" lines
# Options:
#   --timeout S     guest timeout (default: the suite's "#@ timeout:", else 600)
#   --append STR    more kernel command line (after the suite's "#@ append:")
#   --verbose       copy the guest console to stderr
#   --interactive   boot the same guest with a shell on this terminal
#                   (the suite is /suites/SUITE.sh; poweroff -f to leave)
#
# Steps: kernels.sh KERNEL, build-qemu.sh (exit 77 -> the suite is reported
# as skipped; $UIO_SVA_QEMU=PATH skips the step, $UIO_SVA_QEMU_SKIP=REASON
# reports the skip directly), build-module.sh KERNEL, the static guest programs
# (tests/qemu/guest/NAME.c -> /bin/NAME; if tools/Makefile exists, `make
# -C tools static` -> /bin/uio-sva and tools/profiles/* ->
# /usr/local/share/uio-sva/profiles/), mkinitramfs.sh, run-guest.py. The console log is kept in
# build/logs/KVER/SUITE.log.
#
# Suite header lines ("#@ KEY: VALUE", read on the host):
#   #@ qemu: ARGS      QEMU arguments (several lines add up)
#   #@ timeout: S      guest timeout in seconds
#   #@ append: STR     kernel command line additions
#   #@ mem: SIZE       guest memory (default 1G)
#   #@ smp: N          vCPUs (default 2)
#   #@ kernels: K...   the kernels run-all.sh runs the suite on (tests/qemu/matrix.sh)
#   #@ iommu: PROPS    the intel-iommu properties, or "none" for no vIOMMU
#                      (default: run-guest.py's, with svm=on)
#   #@ qemu-expect: RE  QEMU stderr / -d guest_errors lines matching RE are
#                      expected (the suite provokes them on purpose)
#   #@ qemu-require: RE such a line must appear (several lines add up)
#   #@ guest-pkgs: PKG...  installed Debian packages whose programs (the
#                      files dpkg lists under bin/ and sbin/ directories) are
#                      copied into the guest, e.g. a real driverctl; list
#                      them in tests/deps/guest.list
#
# Exit status: 0 if all tests passed or were skipped, 1 otherwise, 2 on a
# usage error. Every failure is also a "not ok" line in the TAP.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"

usage() { sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

timeout='' append='' verbose=() interactive=''
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--verbose) verbose=(--verbose); shift ;;
	--interactive) interactive=1; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
kname=$1 suite=$2
shift 2
name="$suite@$kname"
suite_file=$here/suites/$suite.sh

# tap_one RESULT TEXT: a one-test TAP stream.
tap_one() {
	printf 'KTAP version 1\n1..1\n%s 1 %s\n' "$1" "$2"
}
fail() {
	tap_one "not ok" "$name: $*"
	exit 1
}

[ -f "$suite_file" ] || fail "no suite $suite_file"

meta() { sed -n "s/^#@ $1: *//p" "$suite_file"; }

# 1. Kernel.
facts=$(bash "$here/kernels.sh" "$kname") || fail "kernel $kname is not available (kernels.sh failed, see stderr)"
eval "$facts"

# 2. QEMU ($UIO_SVA_QEMU / $UIO_SVA_QEMU_SKIP: already built / skipped by
# the caller, e.g. tests/run-all.sh).
qemu_rc=0 reason=
if [ -n "${UIO_SVA_QEMU_SKIP:-}" ]; then
	qemu_rc=77 reason=$UIO_SVA_QEMU_SKIP
elif [ -n "${UIO_SVA_QEMU:-}" ]; then
	qemu_out=$UIO_SVA_QEMU
else
	errf=$(mktemp)
	qemu_out=$( { bash "$here/build-qemu.sh" 2>&1 1>&4 | tee "$errf" >&2; exit "${PIPESTATUS[0]}"; } 4>&1 ) ||
		qemu_rc=$?
	reason=$(sed -n 's/^SKIP: *//p' "$errf" | head -n1)
	rm -f "$errf"
fi
if [ $qemu_rc -eq 77 ]; then
	tap_one ok "$name # SKIP ${reason:-QEMU cannot be built here}"
	exit 0
fi
[ $qemu_rc -eq 0 ] || fail "building QEMU failed (build-qemu.sh exit $qemu_rc, see stderr)"
qemu=$(tail -n1 <<<"$qemu_out")
[ -x "$qemu" ] || fail "build-qemu.sh printed no QEMU path"
fw=$(bash "$here/build-qemu.sh" --print-firmware-args) || fail "build-qemu.sh --print-firmware-args failed"
read -r -a fwargs <<<"$fw"

# 3. The driver.
ko=$(bash "$here/build-module.sh" "$kname" | tail -n1) || fail "building the driver for $KVER failed (see stderr)"

# 4. Guest files: suites, KTAP helpers (mkinitramfs), static programs, tools.
work=$UIO_SVA_TOP/build/$KVER/guest-$suite
# One run of a suite on a kernel at a time: the work tree and the console
# log (build/logs/KVER/SUITE.log) belong to it.
mkdir -p "$UIO_SVA_TOP/build/$KVER"
exec 9>"$UIO_SVA_TOP/build/$KVER/.lock-$suite"
flock 9
rm -rf "$work"
mkdir -p "$work/stage/suites" "$work/stage/bin"
cp "$here"/suites/*.sh "$work/stage/suites/"
# tools/: the uio-sva command and libuiosva, which the guest programs link.
make -C "$UIO_SVA_TOP/tools" -j2 all static >&2 ||
	fail "make -C tools all static failed (see stderr)"
cp "$UIO_SVA_TOP/tools/build/static/uio-sva" "$work/stage/bin/"
mkdir -p "$work/stage/usr/local/share/uio-sva/profiles"
cp "$UIO_SVA_TOP"/tools/profiles/* "$work/stage/usr/local/share/uio-sva/profiles/"
libuiosva=$UIO_SVA_TOP/tools/build/libuiosva.a
# tests/qemu/guest/NAME.c -> /bin/NAME (static, glibc, linked with
# libuiosva), rebuilt when it, a header beside it or the library changed.
progs=$UIO_SVA_TOP/build/guest-bin
mkdir -p "$progs"
newest_dep=$(ls -t "$here"/guest/*.h "$libuiosva" "$here/guest" 2>/dev/null | head -n1 || true)
for c in "$here"/guest/*.c; do
	[ -f "$c" ] || continue
	p=$progs/$(basename "$c" .c)
	if [ ! -x "$p" ] || [ "$c" -nt "$p" ] || [ "$newest_dep" -nt "$p" ]; then
		apt_install gcc libc6-dev
		log "compiling guest program $(basename "$c")"
		gcc -static -O2 -Wall -Wextra -Werror -std=c11 -I"$here/guest" \
			-I"$UIO_SVA_TOP/tools/lib" -o "$p.tmp" "$c" "$libuiosva" >&2 ||
			fail "compiling tests/qemu/guest/$(basename "$c") failed (see stderr)"
		mv "$p.tmp" "$p"
	fi
	cp "$p" "$work/stage/bin/"
done
# Programs of real Debian packages the suite runs (#@ guest-pkgs).
read -r -a gpkgs <<<"$(meta guest-pkgs | tr '\n' ' ')"
if [ ${#gpkgs[@]} -gt 0 ]; then
	apt_install "${gpkgs[@]}"
	for pkg in "${gpkgs[@]}"; do
		n=0
		while read -r f; do
			[ -f "$f" ] && [ ! -L "$f" ] || continue
			mkdir -p "$work/stage$(dirname "$f")"
			cp -p "$f" "$work/stage$f"
			n=$((n + 1))
		done < <(dpkg -L "$pkg" | grep -E '/s?bin/[^/]+$')
		[ "$n" -gt 0 ] || fail "package $pkg (#@ guest-pkgs) has no programs in bin/ or sbin/"
	done
fi
diag=()

# 5. Initramfs.
initrd=$work/initramfs.cpio.gz
bash "$here/mkinitramfs.sh" -o "$initrd" -m "$MODDIR" -k "$ko" "$work/stage" ||
	fail "building the initramfs failed (see stderr)"

# 6. Boot.
if [ -z "$timeout" ]; then
	timeout=$(meta timeout | tail -n1)
	# KASAN, lockdep and kmemleak make the debug kernel several times
	# slower under TCG (tests/qemu/debug-kernel/).
	case "$kname" in *-debug) timeout=$((${timeout:-600} * 3)) ;; esac
fi
mem=$(meta mem | tail -n1)
smp=$(meta smp | tail -n1)
iommu=$(meta iommu | tail -n1)
full_append="uio_sva.suite=$suite $(meta append | tr '\n' ' ')$append"
qargs=("$@")
if [ ${#qargs[@]} -eq 0 ]; then
	read -r -a qargs <<<"$(meta qemu | tr '\n' ' ')"
fi
logdir=$UIO_SVA_TOP/build/logs/$KVER
mkdir -p "$logdir"
args=(--qemu "$qemu" --kernel "$VMLINUZ" --initrd "$initrd" --append "$full_append"
	--timeout "${timeout:-600}" --mem "${mem:-1G}" --smp "${smp:-2}"
	--name "$name" --log "$logdir/$suite.log" "${verbose[@]}")
[ -n "$iommu" ] && args+=(--iommu "$iommu")
while IFS= read -r re; do
	[ -n "$re" ] && args+=(--qemu-expect "$re")
done < <(meta qemu-expect)
while IFS= read -r re; do
	[ -n "$re" ] && args+=(--qemu-require "$re")
done < <(meta qemu-require)
case "$kname" in *-debug) args+=(--boot-timeout 600 --stall-timeout 900) ;; esac
for ((i = 0; i < ${#fwargs[@]}; i += 2)); do
	[ "${fwargs[$i]}" = -L ] && args+=(-L "${fwargs[$((i + 1))]}")
done
if [ -n "$interactive" ]; then
	exec python3 "$here/run-guest.py" "${args[@]}" --interactive -- "${qargs[@]}"
fi
log "booting $name ($KVER, $(basename "$qemu"))"
rc=0
python3 "$here/run-guest.py" "${args[@]}" -- "${qargs[@]}" || rc=$?
for d in "${diag[@]}"; do echo "$d"; done
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the QEMU qtest of the test device (tests/qemu/qtest/uio-sva-testdev-test.c):
# its registers, error codes, ABORT, FLR, bus-master disable, untagged and
# PASID DMA, interrupts and properties, against the data sheet
# (Documentation/uio-sva-testdev.rst), without a guest kernel.
#
# Usage:
#   tests/qemu/run-qtest.sh [-v] [PATH-SUBSTRING...]
#
# Builds QEMU and the qtest with build-qemu.sh (cached; its log goes to
# stderr), then runs every test case of the qtest binary in a process of
# its own (a case that aborts or hangs fails alone; 60 s each), and prints
# TAP on stdout: one line per case, the failing case's output as "#"
# diagnostics (with -v every case's). PATH-SUBSTRINGs select cases.
#
# Exit status: 0 every case passed, 1 a case failed, 77 QEMU cannot be
# built here (build-qemu.sh said SKIP; one "ok 1 ... # SKIP" line).
#
# Environment: UIO_SVA_QEMU, the path of a qemu-system-x86_64 built by
# build-qemu.sh, skips the build (the qtest is taken from its directory).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$here/lib/common.sh"

QTEST=uio-sva-testdev-test
CASE_TIMEOUT=60

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
case "${1:-}" in
-h|--help)
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit 0
	;;
esac

qemu=${UIO_SVA_QEMU:-}
if [ -z "$qemu" ]; then
	rc=0
	out=$(bash "$here/build-qemu.sh") || rc=$?
	if [ "$rc" -eq 77 ]; then
		printf 'TAP version 13\n1..1\nok 1 %s # SKIP QEMU cannot be built here\n' "$QTEST"
		exit 77
	fi
	[ "$rc" -eq 0 ] || die "build-qemu.sh failed (exit $rc)"
	qemu=$(tail -n1 <<<"$out")
fi
bin=$(dirname "$qemu")/$QTEST
[ -x "$bin" ] || die "$bin is missing: build-qemu.sh builds it beside QEMU"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# libqtest starts $QTEST_QEMU_BINARY (through sh -c) and takes the target
# from its name: a wrapper of that name adds the firmware directories.
fw=$(bash "$here/build-qemu.sh" --print-firmware-args)
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexec %q %s "$@"\n' "$qemu" "$fw" > "$tmp/bin/qemu-system-x86_64"
chmod +x "$tmp/bin/qemu-system-x86_64"
export QTEST_QEMU_BINARY=$tmp/bin/qemu-system-x86_64

mapfile -t all < <("$bin" -l | grep '^/')
cases=()
for c in "${all[@]}"; do
	if [ $# -eq 0 ]; then
		cases+=("$c")
		continue
	fi
	for want in "$@"; do
		case "$c" in *"$want"*) cases+=("$c"); break ;; esac
	done
done
[ ${#cases[@]} -gt 0 ] || die "no test case of $QTEST matches: $*"

echo "TAP version 13"
echo "1..${#cases[@]}"
n=0 failed=0 t_all=$(date +%s%N)
for c in "${cases[@]}"; do
	n=$((n + 1))
	t0=$(date +%s%N)
	rc=0
	timeout -k 5 "$CASE_TIMEOUT" "$bin" --tap -p "$c" > "$tmp/out" 2>&1 || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -eq 0 ] && grep -q '^ok ' "$tmp/out"; then
		echo "ok $n $c ($ms ms)"
		[ "$verbose" -eq 0 ] || sed 's/^/# /' "$tmp/out"
	else
		[ "$rc" -ne 124 ] || echo "timed out after $CASE_TIMEOUT s" >> "$tmp/out"
		sed 's/^/# /' "$tmp/out"
		echo "not ok $n $c (exit $rc)"
		failed=$((failed + 1))
	fi
done
echo "# $QTEST: $((n - failed)) passed, $failed failed in $((($(date +%s%N) - t_all) / 1000000)) ms"
[ "$failed" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's whole test run (what `make test` calls).
#
# Usage:
#   tests/run-all.sh
#
# 1. host unit tests: `make -C tools test` when tools/Makefile exists;
# 2. the kernel matrix: the driver built for every kernel of MATRIX below
#    (tests/qemu/build-module.sh; extra make arguments from $UIO_SVA_MAKE_ARGS);
# 3. make check: checkpatch --strict, W=1 and sparse on every kernel;
# 4. DKMS: add, build, install and remove against the installed headers;
# 5. the QEMU guest suites of MATRIX (tests/qemu/run-suite.sh KERNEL SUITE).
#
# Output: KTAP on stdout, one subtest per group (indented), then exactly one
# closing line "N passed, N failed, N skipped" that counts individual test
# cases. A suite whose guest did not run counts as failed, unless it was
# reported as skipped (e.g. the QEMU source cannot be fetched: exit 77 of
# build-qemu.sh). Exit status 0 when nothing failed, 1 otherwise.
#
# Environment (all optional):
#   UIO_SVA_KERNELS="6.1 7.2"  only these kernels
#   UIO_SVA_SUITES="smoke"     only these suites (also "check", "dkms")
#   UIO_SVA_MAKE_ARGS="W=1"    extra make arguments for the module builds
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
qemu_dir=$top/tests/qemu
. "$qemu_dir/lib/common.sh"

# The matrix: one row per kernel (a NAME of tests/qemu/kernels.sh), then
# the suites (tests/qemu/suites/SUITE.sh) to run on it, in order.
MATRIX='
6.1   smoke portability uio-sva-blocked no-iommu
6.12  smoke portability uio-sva-blocked
7.2   smoke sva-dma lifecycle irq bad-input identity no-iommu iommu-no-sva uio-sva
7.2-debug smoke sva-dma lifecycle bad-input irq identity uio-sva debug-reload fault-inject
'

want() { # want LIST ITEM: ITEM is in the space-separated LIST, or LIST is empty
	[ -z "$1" ] && return 0
	case " $1 " in *" $2 "*) return 0 ;; esac
	return 1
}

kernels=()
while read -r k _; do
	[ -n "$k" ] && want "${UIO_SVA_KERNELS:-}" "$k" && kernels+=("$k")
done <<<"$MATRIX"

npass=0 nfail=0 nskip=0 groups=0 dma_cases=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count_tap FILE: add FILE's top-level test lines to the totals; sets
# g_pass g_fail g_skip for the group.
count_tap() {
	local line
	g_pass=0 g_fail=0 g_skip=0
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			if grep -qiE '#[[:space:]]*TODO' <<<"$line"; then
				g_pass=$((g_pass + 1))
			else
				g_fail=$((g_fail + 1))
			fi
			;;
		"ok "*)
			if grep -qiE '#[[:space:]]*SKIP' <<<"$line"; then
				g_skip=$((g_skip + 1))
			else
				g_pass=$((g_pass + 1))
			fi
			;;
		esac
	done < "$1"
}

# group NAME RC FILE: print FILE indented as a subtest of NAME, count it.
group() {
	local name=$1 rc=$2 file=$3 result
	count_tap "$file"
	# A failed step that reported no failing test still counts as one.
	if [ "$rc" -ne 0 ] && [ "$g_fail" -eq 0 ]; then
		echo "not ok $((g_pass + g_fail + g_skip + 1)) $name exited with status $rc" >> "$file"
		g_fail=$((g_fail + 1))
	fi
	if [ $((g_pass + g_fail + g_skip)) -eq 0 ]; then
		echo "not ok 1 $name ran no test" >> "$file"
		g_fail=1
	fi
	sed 's/^/    /' "$file"
	# Guest programs report "SVA DMA cases verified by the CPU: N".
	dma_cases=$((dma_cases + $(sed -n 's/.*SVA DMA cases verified by the CPU: \([0-9]*\).*/\1/p' "$file" |
		awk '{s += $1} END {print s + 0}')))
	npass=$((npass + g_pass)) nfail=$((nfail + g_fail)) nskip=$((nskip + g_skip))
	groups=$((groups + 1))
	if [ "$g_fail" -gt 0 ]; then
		result="not ok $groups $name"
	elif [ "$g_pass" -eq 0 ]; then
		result="ok $groups $name # SKIP all skipped"
	else
		result="ok $groups $name"
	fi
	echo "# $name: $g_pass passed, $g_fail failed, $g_skip skipped"
	echo "$result"
}

echo "KTAP version 1"
t_all=$SECONDS

# 1. Host unit tests.
if [ -f "$top/tools/Makefile" ]; then
	log "host unit tests: make -C tools test"
	rc=0
	make -s -C "$top/tools" -j2 test > "$tmp/unit.raw" 2>&1 || rc=$?
	# Keep their TAP; their own closing "N passed, N failed" line becomes a
	# diagnostic, so that ours stays the only one.
	sed -E 's/^(([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed.*)$/# \1/' "$tmp/unit.raw" > "$tmp/unit.tap"
	group "host unit tests (make -C tools test)" "$rc" "$tmp/unit.tap"
fi

# 2. The kernel matrix: module builds.
: > "$tmp/builds.tap"
n=0
for k in "${kernels[@]}"; do
	n=$((n + 1))
	t0=$SECONDS
	log "building the driver for $k"
	# shellcheck disable=SC2086
	if ko=$(bash "$qemu_dir/build-module.sh" "$k" ${UIO_SVA_MAKE_ARGS:-} 2> "$tmp/build-$k.log" | tail -n1) &&
	   [ -f "$ko" ]; then
		echo "ok $n build uio_pci_generic_sva.ko for $k ($(basename "$(dirname "$ko")"), $((SECONDS - t0)) s)" >> "$tmp/builds.tap"
	else
		sed 's/^/# /' "$tmp/build-$k.log" | tail -n 40 >> "$tmp/builds.tap"
		echo "not ok $n build uio_pci_generic_sva.ko for $k" >> "$tmp/builds.tap"
	fi
done
if [ $n -gt 0 ]; then
	{ printf 'KTAP version 1\n1..%d\n' "$n"; cat "$tmp/builds.tap"; } > "$tmp/builds.ktap"
	group "module builds" 0 "$tmp/builds.ktap"
fi

# 3. make check: the static checks, on every kernel of the matrix.
if want "${UIO_SVA_SUITES:-}" check; then
	log "make check"
	rc=0
	# The debug kernel is 7.2's source: its W=1 and sparse run adds nothing.
	check_kernels=()
	for k in "${kernels[@]}"; do
		case "$k" in *-debug) ;; *) check_kernels+=("$k") ;; esac
	done
	"$top/scripts/check.sh" "${check_kernels[@]}" > "$tmp/check.tap" 2> "$tmp/check.err" || rc=$?
	[ "$rc" -ne 0 ] && tail -n 20 "$tmp/check.err" | sed 's/^/# /' >> "$tmp/check.tap"
	group "make check (checkpatch --strict, W=1, sparse)" "$rc" "$tmp/check.tap"
fi

# 4. DKMS, against the kernel headers installed on this machine.
if want "${UIO_SVA_SUITES:-}" dkms && [ -x "$top/tests/dkms-check.sh" ]; then
	log "DKMS: tests/dkms-check.sh"
	rc=0
	"$top/tests/dkms-check.sh" > "$tmp/dkms.raw" 2> "$tmp/dkms.err" || rc=$?
	# Its closing "N passed" line becomes a diagnostic; a whole-run skip
	# ("1..0 # SKIP why") is one skipped test.
	sed -E -e 's/^(([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed.*)$/# \1/' \
	       -e 's/^1\.\.0 # SKIP (.*)$/ok 1 DKMS # SKIP \1/' "$tmp/dkms.raw" > "$tmp/dkms.tap"
	[ "$rc" -ne 0 ] && tail -n 20 "$tmp/dkms.err" | sed 's/^/# /' >> "$tmp/dkms.tap"
	group "DKMS (tests/dkms-check.sh)" "$rc" "$tmp/dkms.tap"
fi

# 5. The QEMU suites. Build QEMU once first (its log appears once) and
# probe the accelerator once.
errf=$tmp/build-qemu.err
qemu_rc=0
qemu=$( { bash "$qemu_dir/build-qemu.sh" 2>&1 1>&4 | tee "$errf" >&2; exit "${PIPESTATUS[0]}"; } 4>&1 ) ||
	qemu_rc=$?
qemu=$(tail -n1 <<<"$qemu")
qemu_fail=
case $qemu_rc in
0)
	export UIO_SVA_QEMU=$qemu	# run-suite.sh uses it instead of building
	if [ -z "${UIO_SVA_ACCEL:-}" ]; then
		UIO_SVA_ACCEL=$(python3 "$qemu_dir/run-guest.py" --probe-accel --qemu "$qemu")
		export UIO_SVA_ACCEL
	fi
	log "guests run with $UIO_SVA_ACCEL"
	;;
77)
	UIO_SVA_QEMU_SKIP=$(sed -n 's/^SKIP: *//p' "$errf" | head -n1)
	export UIO_SVA_QEMU_SKIP=${UIO_SVA_QEMU_SKIP:-QEMU cannot be built here}
	;;
*)
	qemu_fail="building QEMU failed (tests/qemu/build-qemu.sh exit $qemu_rc, see stderr)"
	;;
esac
while read -r k suites; do
	[ -n "$k" ] || continue
	want "${UIO_SVA_KERNELS:-}" "$k" || continue
	for s in $suites; do
		want "${UIO_SVA_SUITES:-}" "$s" || continue
		t0=$SECONDS
		log "suite $s on $k"
		rc=0
		if [ -n "$qemu_fail" ]; then
			printf 'KTAP version 1\n1..1\nnot ok 1 %s@%s: %s\n' "$s" "$k" "$qemu_fail" > "$tmp/suite.tap"
			rc=1
		else
			bash "$qemu_dir/run-suite.sh" "$k" "$s" > "$tmp/suite.tap" || rc=$?
		fi
		echo "# $s@$k took $((SECONDS - t0)) s" >> "$tmp/suite.tap"
		group "$s@$k" "$rc" "$tmp/suite.tap"
	done
done <<<"$MATRIX"

echo "1..$groups"
echo "# real SVA DMA cases whose data the CPU verified: $dma_cases"
echo "# total time $((SECONDS - t_all)) s"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]

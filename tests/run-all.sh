#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's whole test run (what `make test` calls).
#
# Usage:
#   tests/run-all.sh
#
# 0. set-up: tests/setup.sh, the one step that installs (apt packages of
#    tests/deps/*.list, build chroots, kernels into the cache); afterwards
#    nothing installs (UIO_SVA_NO_INSTALL=1): a missing package fails;
# 1. host unit tests: `make -C tools test` when tools/Makefile exists;
# 2. the driver built for every kernel of tests/qemu/kernels.sh
#    (tests/qemu/build-module.sh; extra make arguments from $UIO_SVA_MAKE_ARGS);
# 3. make check: checkpatch --strict, W=1 and sparse on every kernel;
# 4. DKMS: add, build, install and remove against the installed headers;
# 5. the kernel table of README.md against the suites' "#@ kernels:" lines;
# 6. the test device's qtests (tests/qemu/run-qtest.sh, group "qtest"), then
#    the QEMU guest suites, each on the kernels of its "#@ kernels:" line
#    (tests/qemu/matrix.sh; tests/qemu/run-suite.sh KERNEL SUITE).
#
# Output: KTAP on stdout, one subtest per group (indented), then exactly one
# closing line "N passed, N failed, N skipped" that counts individual test
# cases. A suite whose guest did not run counts as failed, unless it was
# reported as skipped (a local non-root run without the inputs: exit 77 of
# build-qemu.sh; in CI, CI=true, a missing input is a failure). Exit status
# 0 when nothing failed, 1 otherwise.
#
# Environment (all optional):
#   UIO_SVA_KERNELS="6.1 7.2"  only these kernels
#   UIO_SVA_SUITES="smoke"     only these suites (also "check", "dkms", "matrix", "qtest", "cross", "crossmod", "planted")
#   UIO_SVA_MAKE_ARGS="W=1"    extra make arguments for the module builds
#   UIO_SVA_DEBUG_LANE=ci      (default) the debug kernels (kernels.sh
#                              --list-debug) with the suites not marked
#                              "#@ lane-only:" for them, and the planted bugs
#                              (tests/qemu/debug-kernel/plant.sh) they must catch;
#                              =1 every suite of theirs (`make test-debug`);
#                              =0 none
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
qemu_dir=$top/tests/qemu
. "$qemu_dir/lib/common.sh"

want() { # want LIST ITEM: ITEM is in the space-separated LIST, or LIST is empty
	[ -z "$1" ] && return 0
	case " $1 " in *" $2 "*) return 0 ;; esac
	return 1
}

kernels=()
debug_kernels=
[ "${UIO_SVA_DEBUG_LANE:-ci}" != 0 ] && debug_kernels=$(bash "$qemu_dir/kernels.sh" --list-debug)
for k in $(bash "$qemu_dir/kernels.sh" --list) $debug_kernels; do
	want "${UIO_SVA_KERNELS:-}" "$k" && kernels+=("$k")
done

npass=0 nfail=0 nskip=0 groups=0 dma_cases=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count_tap FILE: add FILE's top-level test lines to the totals; sets
# g_pass g_fail g_skip g_xfail for the group. A known failure ("not ok ...
# # TODO", "ok ... # XFAIL") is never a pass: it counts in g_xfail and, so
# that the closing line stays "N passed, N failed, N skipped", as failed.
count_tap() {
	local line
	g_pass=0 g_fail=0 g_skip=0 g_xfail=0
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			g_fail=$((g_fail + 1))
			if grep -qiE '#[[:space:]]*TODO' <<<"$line"; then
				g_xfail=$((g_xfail + 1))
			fi
			;;
		"ok "*)
			if grep -qiE '#[[:space:]]*XFAIL' <<<"$line"; then
				g_fail=$((g_fail + 1)) g_xfail=$((g_xfail + 1))
			elif grep -qiE '#[[:space:]]*SKIP' <<<"$line"; then
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
	local name=$1 rc=$2 file=$3 result xf=''
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
	[ "$g_xfail" -eq 0 ] || xf=" ($g_xfail of them xfail/todo)"
	echo "# $name: $g_pass passed, $g_fail failed$xf, $g_skip skipped"
	echo "$result"
}

echo "KTAP version 1"
t_all=$SECONDS

# 0. The one install step; its log lines go to stderr as they come.
log "set-up: tests/setup.sh"
rc=0
bash "$top/tests/setup.sh" > "$tmp/setup.raw" || rc=$?
sed -E -e 's/^([0-9]+ passed, [0-9]+ failed.*)$/# \1/' \
       -e 's/^1\.\.0 # SKIP (.*)$/ok 1 set-up # SKIP \1/' "$tmp/setup.raw" > "$tmp/setup.tap"
group "set-up (tests/setup.sh: apt packages, chroots, kernels)" "$rc" "$tmp/setup.tap"
export UIO_SVA_NO_INSTALL=1 UIO_SVA_APT_READY=1

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

# 1a. libuiosva and uio-sva off x86: arm64 and riscv64 cross builds, their
# MMIO barriers, the unit tests under qemu-user.
if want "${UIO_SVA_SUITES:-}" cross && [ -x "$top/tests/cross-check.sh" ]; then
	log "cross builds: tests/cross-check.sh"
	rc=0
	"$top/tests/cross-check.sh" > "$tmp/cross.tap" 2> "$tmp/cross.err" || rc=$?
	[ "$rc" -ne 0 ] && tail -n 20 "$tmp/cross.err" | sed 's/^/# /' >> "$tmp/cross.tap"
	group "cross builds (tests/cross-check.sh: arm64, riscv64)" "$rc" "$tmp/cross.tap"
fi

# 1b. The driver off x86: uio_pci_generic_sva.ko for arm64 and riscv64
# against sid's linux-source-7.2 (cached modules_prepare trees), W=1 and
# sparse clean.
if want "${UIO_SVA_SUITES:-}" crossmod && [ -x "$top/tests/cross-module.sh" ]; then
	log "module cross builds: tests/cross-module.sh"
	rc=0
	"$top/tests/cross-module.sh" > "$tmp/crossmod.tap" 2> "$tmp/crossmod.err" || rc=$?
	[ "$rc" -ne 0 ] && tail -n 20 "$tmp/crossmod.err" | sed 's/^/# /' >> "$tmp/crossmod.tap"
	group "module cross builds (tests/cross-module.sh: arm64, riscv64; W=1, sparse)" "$rc" "$tmp/crossmod.tap"
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

# 5. The README's kernel table against the suite headers.
if want "${UIO_SVA_SUITES:-}" matrix; then
	rc=0
	bash "$qemu_dir/matrix.sh" --check "$top/README.md" > "$tmp/matrix.tap" 2>&1 || rc=$?
	group "kernel table of README.md (tests/qemu/matrix.sh --check)" "$rc" "$tmp/matrix.tap"
fi

# 6. The QEMU suites. Build QEMU once first (its log appears once) and
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

# 5a. The test device's own qtests (QEMU's libqtest, no guest kernel).
if want "${UIO_SVA_SUITES:-}" qtest; then
	log "uio-sva-testdev qtests: tests/qemu/run-qtest.sh"
	rc=0
	bash "$qemu_dir/run-qtest.sh" > "$tmp/qtest.tap" 2> "$tmp/qtest.err" || rc=$?
	case $rc in
	0) ;;
	77) [ "${CI:-}" = true ] || rc=0 ;;	# SKIP: QEMU cannot be built here (in CI: a failure)
	*) tail -n 20 "$tmp/qtest.err" | sed 's/^/# /' >> "$tmp/qtest.tap" ;;
	esac
	group "uio-sva-testdev qtests (tests/qemu/run-qtest.sh)" "$rc" "$tmp/qtest.tap"
fi

bash "$qemu_dir/matrix.sh" > "$tmp/matrix.txt"
while read -r k s; do
	want "${UIO_SVA_KERNELS:-}" "$k" || continue
	want "${UIO_SVA_SUITES:-}" "$s" || continue
	{
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
	} </dev/null
done < "$tmp/matrix.txt"

# 7. The debug lane proves itself: each planted bug of
# tests/qemu/debug-kernel/planted/ must fail its suite on the debug kernel
# with the report that bug must cause.
for k in $debug_kernels; do
	want "${UIO_SVA_KERNELS:-}" "$k" || continue
	want "${UIO_SVA_SUITES:-}" planted || continue
	log "planted bugs on $k: tests/qemu/debug-kernel/plant.sh"
	: > "$tmp/planted.tap"
	rc=0 n=0
	for p in "$qemu_dir"/debug-kernel/planted/*.patch; do
		n=$((n + 1)) prc=0
		bash "$qemu_dir/debug-kernel/plant.sh" "$(basename "$p" .patch)" "" "$k" \
			> "$tmp/plant.tap" 2> "$tmp/plant.err" </dev/null || prc=$?
		sed -E "s/^(not )?ok 1 /\1ok $n /" "$tmp/plant.tap" >> "$tmp/planted.tap"
		[ $prc -eq 0 ] || { rc=1; tail -n 5 "$tmp/plant.err" | sed 's/^/# /' >> "$tmp/planted.tap"; }
	done
	echo "1..$n" >> "$tmp/planted.tap"
	group "planted bugs on $k (tests/qemu/debug-kernel/plant.sh)" "$rc" "$tmp/planted.tap"
done

echo "1..$groups"
echo "# real SVA DMA cases whose data the CPU verified: $dma_cases"
echo "# total time $((SECONDS - t_all)) s"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]

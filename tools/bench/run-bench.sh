#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the benchmark (tools/bench/uio-sva-bench) in one QEMU guest and write
# its tables.
#
# Usage:
#   tools/bench/run-bench.sh [--smoke] [--verbose] [--guest-args "ARGS"]
#
#   (none)        full run: Linux 7.2 guest, 2 GiB, 8 test devices, every
#                 figure 5 runs; writes tools/bench/results.md and
#                 tools/bench/results.csv (and results-raw.csv) when every
#                 measurement succeeded (make bench)
#   --smoke       small sizes, 3 runs, 2 devices (CI); writes
#                 build/bench/smoke/results.{md,csv} only
#   --verbose     copy the guest console to stderr
#   --guest-args  extra uio-sva-bench arguments, e.g. "--only irq+open"
#                 (results then go to build/bench/<mode>/ only)
#
# Steps: tests/qemu/kernels.sh 7.2, build-qemu.sh, build-module.sh,
# make -C tools (libuiosva), make -C tools/bench (static uio-sva-bench),
# mkinitramfs.sh with /suites/bench.sh (tools/bench/bench-suite.sh),
# run-guest.py; the BENCHCSV rows come from the guest console
# (build/bench/<mode>/console.log) and report.py makes the tables.
#
# Exit status: 0 every measurement ran and the tables are written;
# 1 a measurement failed, the guest failed (kernel warning, timeout) or a
# build step failed; 2 usage error; 77 QEMU cannot be built here (skip).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
qemu_dir=$top/tests/qemu
# shellcheck source-path=SCRIPTDIR source=../../tests/qemu/lib/common.sh
. "$qemu_dir/lib/common.sh"

KERNEL=7.2
MEM=2G
SMP=2

usage() { sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

smoke='' verbose=() guest_args=''
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1; shift ;;
	--verbose) verbose=(--verbose); shift ;;
	--guest-args) [ $# -ge 2 ] || usage; guest_args=$2; shift 2 ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done

if [ -n "$smoke" ]; then
	mode=smoke ndev=2 timeout=600 args="--smoke"
else
	mode=full ndev=8 timeout=2400 args=""
fi
[ -z "$guest_args" ] || args="$args $guest_args"
work=$top/build/bench/$mode
final=$work
[ -n "$smoke" ] || [ -n "$guest_args" ] || final=$here
rm -rf "$work"
mkdir -p "$work/stage/bin" "$work/stage/suites"
t_start=$(date +%s)

# stall_guard PID NOTE: stop the runner PID when its QEMU has used less
# than 3% of a CPU for $STALL seconds. Under TCG the guest sometimes stops
# for good while vfio-pci opens or closes a device: a vCPU keeps its local
# timer interrupt in service, the FLR's msleep() never returns (the same
# happens with QEMU's nvme device; see README). Such a guest idles until
# the runner's timeout; a working benchmark keeps TCG far busier than 3%.
# NOTE gets one line when the guard stops the guest.
STALL=${UIO_SVA_BENCH_STALL:-90}
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
stall_guard() {
	local qemu_pid='' t0=0 now waited=0 limit
	limit=$(($(getconf CLK_TCK) * STALL * 3 / 100))
	while kill -0 "$1" 2>/dev/null; do
		sleep 10
		if [ -z "$qemu_pid" ] || [ ! -e "/proc/$qemu_pid" ]; then
			qemu_pid=$(pgrep -P "$1" -f qemu-system | head -n1)
			t0=$(cpu_ticks "${qemu_pid:-0}") waited=0
			continue
		fi
		waited=$((waited + 10))
		[ "$waited" -ge "$STALL" ] || continue
		now=$(cpu_ticks "$qemu_pid")
		if [ $((now - t0)) -lt "$limit" ]; then
			log "STALL: the guest idled for $STALL s (QEMU used $(((now - t0) * 100 / $(getconf CLK_TCK))) cs of CPU); stopping it"
			echo "guest idle for $STALL s, stopped" > "$2"
			kill "$1"
			return
		fi
		t0=$now waited=0
	done
}

# boot_once: one guest run; sets guest_rc. 0 = the runner finished (passed
# or failed), 1 = the stall guard stopped the guest, 2 = QEMU died on a
# signal (under TCG it can abort in its own memory core during vfio-pci's
# function reset; its message is in the console log).
boot_once() {
	local runner guard
	rm -f "$work/stall.txt"
	guest_rc=0
	python3 "$qemu_dir/run-guest.py" "${gargs[@]}" -- "${qargs[@]}" > "$work/tap.txt" &
	runner=$!
	stall_guard "$runner" "$work/stall.txt" &
	guard=$!
	wait "$runner" || guest_rc=$?
	kill "$guard" 2>/dev/null || true
	[ -s "$work/stall.txt" ] && return 1
	grep -q '^@@RUNNER qemu exit -[0-9]' "$work/console.log" && return 2
	return 0
}

# 1. Kernel, QEMU, driver.
facts=$(bash "$qemu_dir/kernels.sh" "$KERNEL") || die "kernel $KERNEL is not available (kernels.sh failed)"
eval "$facts"
qemu_rc=0
if [ -n "${UIO_SVA_QEMU:-}" ]; then
	qemu_out=$UIO_SVA_QEMU
else
	qemu_out=$(bash "$qemu_dir/build-qemu.sh") || qemu_rc=$?
fi
if [ $qemu_rc -eq 77 ]; then
	log "SKIP: QEMU cannot be built here (build-qemu.sh exit 77)"
	exit 77
fi
[ $qemu_rc -eq 0 ] || die "building QEMU failed (build-qemu.sh exit $qemu_rc)"
qemu=$(tail -n1 <<<"$qemu_out")
[ -x "$qemu" ] || die "build-qemu.sh printed no QEMU path"
read -r -a fw <<<"$(bash "$qemu_dir/build-qemu.sh" --print-firmware-args)"
ko=$(bash "$qemu_dir/build-module.sh" "$KERNEL" | tail -n1) || die "building the driver for $KVER failed"

# 2. The benchmark program and the guest image.
make -s -C "$top/tools" -j2 all >&2 || die "make -C tools failed"
apt_install gcc libc6-dev
make -s -C "$here" O="$top/build/bench" >&2 || die "make -C tools/bench failed"
cp "$top/build/bench/uio-sva-bench" "$work/stage/bin/"
install -m 644 "$here/bench-suite.sh" "$work/stage/suites/bench.sh"
bash "$qemu_dir/mkinitramfs.sh" -o "$work/initramfs.cpio.gz" -m "$MODDIR" \
	-k "$ko" "$work/stage" || die "building the initramfs failed"

# 3. Boot: $ndev identical test devices on the root bus, guest RAM
# preallocated (QEMU touches all of it before the guest starts), so that no
# host page fault for guest memory lands in a measurement.
qargs=(-mem-prealloc)
for ((i = 0; i < ndev; i++)); do
	qargs+=(-device "uio-sva-testdev,id=dev$i")
done
# tsc=reliable: under TCG the guest TSC follows the host's, but a loaded
# host delays the emulated HPET reads of the clocksource watchdog, which
# then switches the guest to the HPET in mid-run (a syscall and an
# emulated MMIO read per clock_gettime()).
append="uio_sva.suite=bench ${UIO_SVA_BENCH_APPEND-tsc=reliable}"
[ -z "$args" ] || append="$append uio_sva.args=$(tr -s ' ' ',' <<<"${args# }")"
gargs=(--qemu "$qemu" --kernel "$VMLINUZ" --initrd "$work/initramfs.cpio.gz"
	--append "$append" --timeout "$timeout" --mem "$MEM" --smp "$SMP"
	--name "bench-$mode" --log "$work/console.log" "${verbose[@]}")
for ((i = 0; i < ${#fw[@]}; i += 2)); do
	[ "${fw[$i]}" = -L ] && gargs+=(-L "${fw[$((i + 1))]}")
done
log "booting the $mode benchmark ($KVER, $ndev devices, $MEM; see $work/console.log)"
# Host facts, measured here and printed by report.py: CPUs, kernel,
# clocksource, and the load around the guest run (1/5/15-min load average
# before and after, the CPU pressure stall total of /proc/pressure/cpu).
psi_total() { sed -n 's/^some .*total=\([0-9]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || true; }
host_cpus=$(nproc)
host_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
host_clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo '?')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
psi_before=$(psi_total)
t_boot=$(date +%s)
# Every 5 s: the host's 1-minute load average, and the CPUs that processes
# other than this benchmark's QEMU used in those 5 s (the host's busy time
# in /proc/stat less the QEMU process's own, all its threads; "-" across a
# QEMU start or exit). report.py marks the run disturbed by the second.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
qemu_pids() { pgrep -f "^[^ ]*qemu-system-x86_64 .*$work/initramfs" | tr '\n' ' '; }
qemu_ticks() {
	local p t=0
	for p in $1; do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
sample_load() {
	local hz b q t pids pb pq pt ppids other
	hz=$(getconf CLK_TCK)
	pids=$(qemu_pids) b=$(busy_ticks) q=$(qemu_ticks "$pids") t=$(cut -d' ' -f1 /proc/uptime)
	while sleep 5; do
		ppids=$pids pb=$b pq=$q pt=$t
		pids=$(qemu_pids) b=$(busy_ticks) q=$(qemu_ticks "$pids") t=$(cut -d' ' -f1 /proc/uptime)
		other=-
		if [ -n "$pids" ] && [ "$pids" = "$ppids" ]; then
			other=$(awk -v db=$((b - pb)) -v dq=$((q - pq)) -v t0="$pt" -v t1="$t" -v hz="$hz" \
				'BEGIN { o = (db - dq) / ((t1 - t0) * hz); printf "%.2f", o < 0 ? 0 : o }')
		fi
		echo "$(cut -d' ' -f1 /proc/loadavg) $other"
	done
}
sample_load > "$work/load.txt" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
# A stalled guest (see stall_guard), or one whose QEMU died on a signal, is
# booted again, up to $ATTEMPTS times in all; any other failure is final.
# Both are QEMU TCG faults around vfio-pci's function reset (README.md).
ATTEMPTS=${UIO_SVA_BENCH_ATTEMPTS:-5}
attempt=1 stalls=0 crashes=0
while :; do
	why=0
	boot_once || why=$?
	[ "$why" -eq 0 ] && break
	if [ "$why" -eq 1 ]; then
		stalls=$((stalls + 1))
		kept=$work/console-stall$stalls.log
	else
		crashes=$((crashes + 1))
		kept=$work/console-crash$crashes.log
		log "QEMU died: $(grep -m1 '^\[qemu-stderr\]' "$work/console.log" || grep -m1 '^@@RUNNER qemu exit' "$work/console.log")"
	fi
	cp "$work/console.log" "$kept"
	if [ "$attempt" -ge "$ATTEMPTS" ]; then
		log "the guest stalled or QEMU died on every one of $ATTEMPTS attempts; giving up"
		guest_rc=1
		break
	fi
	attempt=$((attempt + 1))
	log "booting again (attempt $attempt of $ATTEMPTS); the failed console is $kept"
done
t_end=$(date +%s)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
psi_after=$(psi_total)
kill "$sampler" 2>/dev/null || true
# The TAP without the data rows (those are in the tables and raw.txt).
grep -v -e '^# | BENCH' -e '^# BENCH' "$work/tap.txt" || true

# 4. Tables.
sed -n 's/.*@@| \(# \)\{0,1\}\(BENCH\(CSV\|INFO\),.*\)$/\2/p' "$work/console.log" | tr -d '\r' > "$work/raw.txt"
accel=$(sed -n 's/.*(accel \([a-z]*\)).*/\1/p' "$work/tap.txt" | tail -n1)
meta=(--date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	--qemu-version "$("$qemu" --version | head -n1)"
	--accel "${accel:-unknown}" --kernel-pkg "$KPKGVER"
	--host-cpus "$host_cpus" --host-cpu-model "${host_model:-?}"
	--host-kernel "$(uname -r) ($(uname -m))" --host-clocksource "$host_clock"
	--load-before "$load_before" --load-after "$load_after"
	--cpu-pressure-before "${psi_before:-?}" --cpu-pressure-after "${psi_after:-?}"
	--guest-seconds "$((t_end - t_boot))"
	--guest "$SMP vCPUs, $MEM, $ndev uio-sva-testdev"
	--wall "$((t_end - t_boot)) s in the guest, $((t_end - t_start)) s in all"
	--load-file "$work/load.txt"
	--attempts "$attempt boot(s), $stalls stopped by the stall guard, $crashes ended by a QEMU crash"
	--source "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)$(
		git -C "$top" status --porcelain -- uio_pci_generic_sva.c compat.h tests/qemu/qemu-device \
			tests/qemu/qemu-patches tools/lib tools/bench 2>/dev/null |
		awk '$1 != "??" { m = m " " $2 } END { if (m) printf " (uncommitted:%s)", m }')"
	--mode "$mode")
report_rc=0
python3 "$here/report.py" "${meta[@]}" --raw "$work/raw.txt" \
	--md "$work/results.md" --csv "$work/results.csv" \
	--raw-csv "$work/results-raw.csv" || report_rc=$?
log "benchmark $mode: guest $((t_end - t_boot)) s, total $((t_end - t_start)) s (run-guest exit $guest_rc, report exit $report_rc)"
if [ "$guest_rc" -ne 0 ] || [ "$report_rc" -ne 0 ]; then
	log "FAILED: see $work/tap.txt and $work/console.log; tables not published"
	exit 1
fi
if [ "$final" != "$work" ]; then
	cp "$work/results.md" "$work/results.csv" "$work/results-raw.csv" "$final/"
fi
log "tables: $final/results.md, $final/results.csv"
if grep -q '^\*\*Disturbed run\*\*' "$final/results.md"; then
	log "note: a disturbed run (other processes took host CPU time during it; see the header)"
fi
exit 0

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The guest side of tools/bench/run-bench.sh, staged as /suites/bench.sh:
# load the drivers the comparisons need, then run uio-sva-bench with the
# arguments of uio_sva.args= (KTAP and BENCHCSV rows on stdout). Not a
# test suite: tests/run-all.sh never runs it.
#
# Stall guard: when uio-sva-bench writes nothing for STALL seconds, print
# the kernel stacks of it and its children and the blocked tasks (sysrq w),
# then power off, so that a hang fails in minutes, with its evidence.

STALL=240

for m in vfio_iommu_type1 vfio_pci uio_pci_generic; do
	modprobe "$m" || echo "# modprobe $m failed (exit $?)"
done
# Debian's kernels have no IOMMUFD; the benchmark reports n/a without it.
modprobe iommufd 2>/dev/null

# wchar PID: bytes the process has written so far.
wchar() {
	awk '$1 == "wchar:" { print $2 }' "/proc/$1/io" 2>/dev/null
}

# dump_tree PID: state, wchan and kernel stack of PID and its children.
dump_tree() {
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		pp=$(awk '{ print $4 }' "$d/stat" 2>/dev/null)
		[ "$p" = "$1" ] || [ "$pp" = "$1" ] || continue
		echo "# stall: pid $p ($(cat "$d/comm" 2>/dev/null)) state $(awk '{ print $3 }' "$d/stat") wchan $(cat "$d/wchan" 2>/dev/null)"
		sed 's/^/# stall:   /' "$d/stack" 2>/dev/null
	done
}

stall_guard() {
	last='' quiet=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 10
		now=$(wchar "$1")
		if [ "$now" = "$last" ]; then
			quiet=$((quiet + 10))
		else
			quiet=0
			last=$now
		fi
		[ "$quiet" -ge "$STALL" ] || continue
		echo "# stall: uio-sva-bench wrote nothing for $STALL s"
		dump_tree "$1"
		echo w > /proc/sysrq-trigger
		sleep 2
		kill -9 "$1"
		sleep 3
		poweroff -f
	done
}

uio-sva-bench "$@" &
bench=$!
stall_guard "$bench" &
guard=$!
wait "$bench"
rc=$?
kill "$guard" 2>/dev/null
exit "$rc"

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The guest side of tools/bench/run-bench.sh, staged as /suites/bench.sh:
# load the drivers the comparisons need, then run uio-sva-bench with the
# arguments of uio_sva.args= (KTAP and BENCHCSV rows on stdout). Not a
# test suite: tests/run-all.sh never runs it.

for m in vfio_iommu_type1 vfio_pci uio_pci_generic; do
	modprobe "$m" || echo "# modprobe $m failed (exit $?)"
done
# Debian's kernels have no IOMMUFD; the benchmark reports n/a without it.
modprobe iommufd 2>/dev/null
exec uio-sva-bench "$@"

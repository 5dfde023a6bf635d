#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that the debug lane catches a kind of bug: run a suite on the debug
# kernel with a planted bug (tests/qemu/debug-kernel/planted/NAME.patch)
# applied to a copy of the checkout. The suite must FAIL.
#
# Usage:
#   tests/qemu/debug-kernel/plant.sh NAME SUITE [KERNEL]
#
#   NAME    uaf-bond, missing-mmdrop or lock-order
#   SUITE   a suite of tests/qemu/suites (e.g. smoke, sva-dma)
#   KERNEL  default 7.2-debug
#
# The copy is build/planted/NAME/ (the committed files plus the working
# tree's changes); its run-suite.sh output (TAP) goes to stdout. Exit 0 when
# the suite failed as it must, 1 when the bug went unnoticed, 2 on a usage
# error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/common.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
name=$1 suite=$2 kname=${3:-7.2-debug}
patchf=$here/planted/$name.patch
[ -f "$patchf" ] || die "no planted bug $patchf"

copy=$UIO_SVA_TOP/build/planted/$name
rm -rf "$copy"
mkdir -p "$copy"
(cd "$UIO_SVA_TOP" && git ls-files -z --cached --others --exclude-standard |
	cpio -0 -pdm --quiet "$copy")
patch -s -d "$copy" -p1 < "$patchf" || die "$name.patch does not apply"
log "planted $name; running $suite on $kname"
rc=0
bash "$copy/tests/qemu/run-suite.sh" "$kname" "$suite" || rc=$?
if [ $rc = 0 ]; then
	log "$suite passed with $name planted: the bug went unnoticed"
	exit 1
fi
log "$suite failed with $name planted, as it must (console: $copy/build/logs/)"

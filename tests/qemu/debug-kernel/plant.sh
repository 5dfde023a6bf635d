#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that the debug lane catches a kind of bug: run a suite on the debug
# kernel with a planted bug (tests/qemu/debug-kernel/planted/NAME.patch)
# applied to a copy of the checkout. The suite must FAIL, and with the
# report this bug must cause: each "Expect: REGEX" line of the patch's
# header must match the suite's output or its console log (a suite that
# fails for another reason proves nothing). "Append: STR" lines add to the
# guest's kernel command line (e.g. fewer cycles of debug-reload).
#
# Usage:
#   tests/qemu/debug-kernel/plant.sh NAME [SUITE [KERNEL]]
#
#   NAME    uaf-bond, missing-mmdrop or lock-order
#   SUITE   a suite of tests/qemu/suites; default: the patch's "Suite:" line
#   KERNEL  default 7.2-debug
#
# The copy is build/planted/NAME/ (the committed files plus the working
# tree's changes); the suite's output (TAP) goes to stdout as diagnostics,
# then one TAP line for the planted bug. Exit 0 when the suite failed with
# the expected report, 1 when the bug went unnoticed or was reported
# otherwise, 2 on a usage error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/common.sh"

if [ $# -lt 1 ] || [ $# -gt 3 ]; then sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
name=$1
patchf=$here/planted/$name.patch
[ -f "$patchf" ] || die "no planted bug $patchf"
suite=${2:-$(sed -n 's/^Suite: *//p' "$patchf" | head -n1)}
kname=${3:-7.2-debug}
[ -n "$suite" ] || die "$patchf names no suite (Suite: line) and none was given"
mapfile -t expects < <(sed -n 's/^Expect: *//p' "$patchf")
append=$(sed -n 's/^Append: *//p' "$patchf" | tr '\n' ' ')
[ ${#expects[@]} -gt 0 ] || die "$patchf has no Expect: line"

copy=$UIO_SVA_TOP/build/planted/$name
rm -rf "$copy"
mkdir -p "$copy"
(cd "$UIO_SVA_TOP" && git ls-files -z --cached --others --exclude-standard |
	cpio -0 -pdm --quiet "$copy")
patch -s -d "$copy" -p1 < "$patchf" || die "$name.patch does not apply"
# A repository of its own: inside the checkout's build/ every file of the
# copy would count as ignored (build-module.sh leaves ignored files out).
git init -q "$copy"
log "planted $name; running $suite on $kname"
out=$copy/suite.tap
rc=0
bash "$copy/tests/qemu/run-suite.sh" ${append:+--append "$append"} "$kname" "$suite" > "$out" || rc=$?
sed 's/^/# /' "$out"
what="the debug lane catches a planted bug: $name ($suite on $kname)"
if [ $rc = 0 ]; then
	echo "not ok 1 $what: the suite passed, the bug went unnoticed"
	exit 1
fi
missing=()
for re in "${expects[@]}"; do
	# grep reads the files itself: "cat | grep -q" under pipefail fails
	# whenever grep stops early and cat, still writing, gets SIGPIPE.
	grep -qsE -e "$re" "$out" "$copy"/build/logs/*/"$suite.log" || missing+=("$re")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "not ok 1 $what: the suite failed, but without the report: ${missing[*]}"
	exit 1
fi
echo "ok 1 $what"

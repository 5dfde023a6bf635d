#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - static checks of the driver, as TAP: checkpatch --strict
# (from Debian's linux-source), then for every kernel of the matrix
# (tests/qemu/kernels.sh --list) a build with W=1 and sparse (C=2) that
# must print nothing but Kbuild's progress lines. Any finding fails.
#
# Usage: scripts/check.sh [KERNEL...]   (default: the whole matrix)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/qemu/lib/common.sh
. "$top/tests/qemu/lib/common.sh"

SOURCES=(uio_pci_generic_sva.c compat.h Kbuild Kconfig Makefile scripts/conftest.sh)
# Kbuild progress and notices that are not findings.
BENIGN='^make -C |^ *(CONFTEST|CC \[M\]|CC|CHECK|MODPOST|LD \[M\]|BTF \[M\]|LD|AR) |^Skipping BTF generation .* due to unavailability of vmlinux$|^make(\[[0-9]+\])?: (Entering|Leaving) directory|^\[[0-9:]+\] '

n=0
failed=0
result() {	# result OK|FAIL DESCRIPTION [DETAIL-FILE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' "$3"
	fi
}

kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	mapfile -t kernels < <("$top/tests/qemu/kernels.sh" --list)
fi
echo "TAP version 13"
echo "1..$((1 + ${#kernels[@]}))"

out=$(mktemp)
trap 'rm -f "$out"' EXIT

if cp=$("$top/scripts/get-checkpatch.sh") &&
   (cd "$top" && perl "$cp" --strict --no-tree --quiet -f "${SOURCES[@]}") >"$out" 2>&1; then
	result OK "checkpatch --strict: ${SOURCES[*]}"
else
	result FAIL "checkpatch --strict: ${SOURCES[*]}" "$out"
fi

# Debian's 7.x header packages lack scripts/checker-valid.sh; put the one
# from linux-source into the unpacked headers (kernels.sh's cache), or
# Kbuild turns sparse off (with only a warning).
install_checker_valid() {
	local d=$1/scripts
	[ -d "$d" ] && [ ! -f "$d/checker-valid.sh" ] || return 0
	install -m 0755 "$(dirname "$cp")/checker-valid.sh" "$d/"
}

for k in "${kernels[@]}"; do
	facts=$("$top/tests/qemu/kernels.sh" "$k" 2>"$out") && eval "$facts" ||
		{ result FAIL "$k: kernel headers" "$out"; continue; }
	install_checker_valid "$KDIR"
	if ! "$top/tests/qemu/build-module.sh" "$k" W=1 C=2 >/dev/null 2>"$out"; then
		result FAIL "$k: build with W=1 C=2 (sparse)" "$out"
	elif ! grep -q '^ *CHECK ' "$out"; then
		result FAIL "$k: sparse did not run (C=2 gave no CHECK line)" "$out"
	elif grep -Evq "$BENIGN" "$out"; then
		grep -Ev "$BENIGN" "$out" > "$out.f"
		result FAIL "$k: W=1 and sparse findings" "$out.f"
		rm -f "$out.f"
	else
		result OK "$k: W=1 and sparse (C=2) clean"
	fi
done

echo "# check: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

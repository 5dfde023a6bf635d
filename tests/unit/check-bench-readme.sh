#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# README.md's benchmark excerpt is what tools/bench/readme-table.py makes
# of the committed tools/bench/results.{csv,md} (it is generated, not
# typed: after a new `make bench`, run tools/bench/readme-table.py). TAP.
# Usage: check-bench-readme.sh [BUILD_DIR]
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "1..1"
if out=$(python3 "$top/tools/bench/readme-table.py" --check 2>&1); then
	echo "ok 1 - README.md's benchmark excerpt matches tools/bench/results.csv"
else
	echo "not ok 1 - README.md's benchmark excerpt is stale: run tools/bench/readme-table.py"
	printf '%s\n' "$out" | head -n 40 | sed 's/^/# /'
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The benchmark report's self-tests (tests/unit/test_bench_report.py):
# tie and disturbed rules, host facts, sections report.py has no layout
# for, and the README excerpt generator, fed synthetic rows. TAP.
# Usage: check-bench-report.sh [BUILD_DIR]
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/test_bench_report.py"

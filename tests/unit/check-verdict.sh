#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The guest-run verdict's self-tests (tests/qemu/selftest/test_verdict.py):
# synthetic consoles, no QEMU. TAP on stdout.
# Usage: check-verdict.sh [BUILD_DIR]
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/../qemu/selftest/test_verdict.py"

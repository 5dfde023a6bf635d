#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# libuiosva.so exports exactly the functions its public header declares,
# under the version LIBUIOSVA_1.0, with soname libuiosva.so.1. TAP.
# Usage: check-exports.sh BUILD_DIR
build=$1
tools=$(cd "$(dirname "$0")/../../tools" && pwd)
so=$(ls "$build"/libuiosva.so.*.*.* 2>/dev/null | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -o 'uiosva_[a-z0-9_]*(' "$tools/lib/uiosva.h" | tr -d '(' | sort -u > "$tmp/header"
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort -u > "$tmp/exported"
if cmp -s "$tmp/header" "$tmp/exported"; then
	echo "ok 1 - exported symbols match the header ($(wc -l < "$tmp/header") functions)"
else
	echo "not ok 1 - exported symbols match the header"
	diff "$tmp/header" "$tmp/exported" | sed 's/^/# /'
fi
if readelf -d "$so" | grep -q 'Library soname: \[libuiosva.so.1\]'; then
	echo "ok 2 - soname libuiosva.so.1"
else
	echo "not ok 2 - soname libuiosva.so.1"
fi
if objdump -T "$so" | grep -q 'LIBUIOSVA_1.0.*uiosva_open$'; then
	echo "ok 3 - symbols versioned LIBUIOSVA_1.0"
else
	echo "not ok 3 - symbols versioned LIBUIOSVA_1.0"
fi
echo "1..3"

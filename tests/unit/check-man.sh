#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The man pages format without warnings (groff -man -ww), and every option
# that uio-sva's --help texts name is documented in uio-sva(1). TAP.
# Usage: check-man.sh BUILD_DIR
build=$1
tools=$(cd "$(dirname "$0")/../../tools" && pwd)
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

for page in "$tools"/man/uio-sva.1 "$tools"/man/libuiosva.3; do
	if command -v groff > /dev/null; then
		out=$(groff -man -ww -z "$page" 2>&1)
		[ -z "$out" ]
		result $? "groff -man -ww: $(basename "$page") has no warnings"
		[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	elif [ "${CI:-}" = true ]; then
		result 1 "groff -man -ww $(basename "$page"): no groff (tests/deps/lint.list names groff-base)"
	else
		n=$((n + 1))
		echo "ok $n - groff -man -ww $(basename "$page") # SKIP no groff"
	fi
done

# Options of the --help texts, e.g. "--no-touch", against "\-\-no\-touch".
for cmd in "" bind unbind list dma profile; do
	missing=
	for opt in $("$build/uio-sva" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$tools/man/uio-sva.1" || missing="$missing $opt"
	done
	[ -z "$missing" ]
	result $? "uio-sva ${cmd:+$cmd }--help options are in uio-sva(1)${missing:+:$missing}"
done
echo "1..$n"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the host unit tests and the shell checks; print one TAP stream
# (renumbered, the plan at the end) and the line "N passed, N failed".
# Usage: run-tests.sh BUILD_DIR TEST_BINARY...
set -u
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
out=$build/tests/tap.out
: > "$out"

run_one() { # NAME COMMAND...: append its TAP lines, prefixed with NAME
	name=$1
	shift
	"$@" > "$build/tests/$name.log" 2>&1
	rc=$?
	sed -n "s/^\(not ok\|ok\) [0-9]* - /\1 $name: /p; /^#/p" \
		"$build/tests/$name.log" >> "$out"
	if ! grep -q '^1\.\.[0-9]' "$build/tests/$name.log"; then
		echo "not ok $name: exited with status $rc before its plan" >> "$out"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok' "$build/tests/$name.log"; then
		echo "not ok $name: exited with status $rc" >> "$out"
	fi
}

for t in "$@"; do
	# BUILD_DIR/tests/test_x is "test_x"; BUILD_DIR/sanitize/tests/test_x
	# (ASan+UBSan) is "sanitize/test_x".
	case $t in
	*/sanitize/tests/*) name=sanitize-$(basename "$t") ;;
	*) name=$(basename "$t") ;;
	esac
	run_one "$name" "$t"
done
for s in "$here"/check-*.sh; do
	[ -f "$s" ] && run_one "$(basename "$s" .sh)" sh "$s" "$build"
done

awk '
/^(not )?ok / {
	n++
	ok = ($1 == "ok")
	sub(/^(not )?ok /, "")
	printf "%s %d - %s\n", ok ? "ok" : "not ok", n, $0
	if (/# SKIP/) skipped++
	else if (ok) passed++
	else failed++
	next
}
{ print }
END {
	printf "1..%d\n", n
	printf "%d passed, %d failed", passed, failed
	if (skipped) printf ", %d skipped", skipped
	printf "\n"
	exit failed ? 1 : 0
}' "$out"

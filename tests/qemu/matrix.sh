#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test matrix: which QEMU suite runs on which kernel. The only source
# is each suite's header line "#@ kernels: K..." (tests/qemu/suites/*.sh);
# the kernel order is tests/qemu/kernels.sh's table.
#
# Usage:
#   tests/qemu/matrix.sh                 "KERNEL SUITE" lines in run order:
#                                        kernels in table order, on each
#                                        smoke first, then the others by name
#   tests/qemu/matrix.sh --table         the README's "what runs where" table
#                                        (Markdown, between its two markers)
#   tests/qemu/matrix.sh --check FILE    TAP: FILE's table equals --table, and
#                                        every header names known kernels
#   tests/qemu/matrix.sh --update FILE   rewrite FILE's table from the headers
#
# FILE holds the table between the lines "<!-- matrix: begin -->" and
# "<!-- matrix: end -->".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suites_dir=$here/suites
BEGIN='<!-- matrix: begin -->'
END='<!-- matrix: end -->'

usage() { sed -n '7,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The debug kernels (built from source: 5 to 10 minutes cold on 2 CPUs)
# run in make test too, except on the suites whose header says
# "#@ lane-only: KERNEL": those run there only with UIO_SVA_DEBUG_LANE=1
# (make test-debug); the table marks them "test-debug".
# UIO_SVA_DEBUG_LANE=0 leaves the debug kernels out.
DEBUG_KERNELS=$(bash "$here/kernels.sh" --list-debug)
KNOWN=$(bash "$here/kernels.sh" --list; echo "$DEBUG_KERNELS")
is_debug() { grep -qxF "$1" <<<"$DEBUG_KERNELS"; }

suites() {	# suite names: smoke first, then by name
	local all
	all=$(cd "$suites_dir" && for f in *.sh; do echo "${f%.sh}"; done | LC_ALL=C sort)
	grep -x smoke <<<"$all" || true
	grep -vx smoke <<<"$all" || true
}

kernels_of() {	# kernels_of SUITE: its header's kernels
	sed -n 's/^#@ kernels: *//p' "$suites_dir/$1.sh" | tr -s ' \t' '\n' | sed '/^$/d'
}

runs_on() {	# runs_on SUITE KERNEL
	kernels_of "$1" | grep -qxF "$2"
}

lane_only() {	# lane_only SUITE KERNEL: on KERNEL only in make test-debug
	sed -n 's/^#@ lane-only: *//p' "$suites_dir/$1.sh" | tr -s ' \t' '\n' |
		grep -qxF "$2"
}

pairs() {
	local k s
	for k in $KNOWN; do
		if is_debug "$k"; then
			[ "${UIO_SVA_DEBUG_LANE:-ci}" = 0 ] && continue
		fi
		for s in $(suites); do
			runs_on "$s" "$k" || continue
			if is_debug "$k" && [ "${UIO_SVA_DEBUG_LANE:-ci}" != 1 ] &&
			   lane_only "$s" "$k"; then
				continue
			fi
			echo "$k $s"
		done
	done
	return 0
}

table() {
	local k s row
	row="| Suite |"
	for k in $KNOWN; do row+=" $k |"; done
	echo "$row"
	row="| --- |"
	for k in $KNOWN; do row+=" :-: |"; done
	echo "$row"
	for s in $(suites); do
		[ -n "$(kernels_of "$s")" ] || continue
		row="| [$s](tests/qemu/suites/$s.sh) |"
		for k in $KNOWN; do
			if ! runs_on "$s" "$k"; then
				row+=" |"
			elif lane_only "$s" "$k"; then
				row+=" test-debug |"
			else
				row+=" ✓ |"
			fi
		done
		echo "$row"
	done
}

in_file() {	# the table now in FILE
	awk -v b="$BEGIN" -v e="$END" '$0 == e { f = 0 } f { print } $0 == b { f = 1 }' "$1"
}

check() {
	local file=$1 s k n=0 bad=0 diff
	echo "TAP version 13"
	for s in $(suites); do
		n=$((n + 1))
		local unknown=()
		for k in $(kernels_of "$s"); do
			grep -qxF "$k" <<<"$KNOWN" || unknown+=("$k")
		done
		if [ -z "$(kernels_of "$s")" ]; then
			echo "not ok $n - suite $s has no '#@ kernels:' line"
			bad=$((bad + 1))
		elif [ ${#unknown[@]} -gt 0 ]; then
			echo "not ok $n - suite $s names kernels not in tests/qemu/kernels.sh: ${unknown[*]}"
			bad=$((bad + 1))
		else
			echo "ok $n - suite $s runs on $(kernels_of "$s" | tr '\n' ' ')"
		fi
	done
	n=$((n + 1))
	if ! grep -qxF "$BEGIN" "$file" || ! grep -qxF "$END" "$file"; then
		echo "not ok $n - $file has no matrix markers"
		bad=$((bad + 1))
	elif diff=$(diff <(in_file "$file") <(table)); then
		echo "ok $n - the kernel table of $file matches the suite headers"
	else
		echo "not ok $n - the kernel table of $file differs from the suite headers (fix: tests/qemu/matrix.sh --update $file)"
		while IFS= read -r l; do echo "# $l"; done <<<"$diff"
		bad=$((bad + 1))
	fi
	echo "1..$n"
	[ $bad -eq 0 ]
}

update() {
	local file=$1 tmp
	if ! grep -qxF "$BEGIN" "$file" || ! grep -qxF "$END" "$file"; then
		echo "error: $file has no lines '$BEGIN' and '$END'" >&2
		exit 1
	fi
	tmp=$(mktemp)
	awk -v b="$BEGIN" -v e="$END" -v t="$(table)" '
		$0 == b { print; print t; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$file" > "$tmp"
	cat "$tmp" > "$file"
	rm -f "$tmp"
}

case "${1:-}" in
"") pairs ;;
--table) [ $# -eq 1 ] || usage; table ;;
--check) [ $# -eq 2 ] || usage; check "$2" ;;
--update) [ $# -eq 2 ] || usage; update "$2" ;;
*) usage ;;
esac

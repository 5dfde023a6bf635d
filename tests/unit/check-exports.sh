#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# libuiosva.so exports exactly the functions its public header declares,
# each under the version node of libuiosva.map that lists it by name
# (LIBUIOSVA_1.0, then one node per release, each inheriting the previous
# one), with soname libuiosva.so.1. TAP.
# Usage: check-exports.sh BUILD_DIR
build=$1
tools=$(cd "$(dirname "$0")/../../tools" && pwd)
map=$tools/lib/libuiosva.map
# The file the soname link names: a build directory may still hold the
# library of an earlier release.
so=$(readlink -f "$build/libuiosva.so.1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

grep -o 'uiosva_[a-z0-9_]*(' "$tools/lib/uiosva.h" | tr -d '(' | sort -u > "$tmp/header"

# The map as "SYMBOL NODE" lines; nodes as "NODE PARENT" lines; problems
# (globs, malformed nodes) on stderr.
sed 's|/\*.*\*/||; /^\/\*/,/\*\//d' "$map" | awk -v nodes="$tmp/nodes" '
/^[ \t]*$/ { next }
/^[A-Z0-9_.]+[ \t]*\{/ { node = $1; scope = ""; next }
/^[ \t]*(global|local):/ { scope = $1; next }
/^\}/ {
	parent = $0; gsub(/[} ;\t]/, "", parent)
	print node, (parent == "" ? "-" : parent) > nodes
	node = ""; next
}
{
	gsub(/[ \t;]/, "")
	if (scope == "global:") {
		if ($0 ~ /[*?\[]/) print "glob in " node ": " $0 > "/dev/stderr"
		else print $0, node
	} else if (scope == "local:" && $0 != "*") {
		print "local entry " $0 > "/dev/stderr"
	}
}' > "$tmp/mapsyms" 2> "$tmp/maperr"
[ ! -s "$tmp/maperr" ]
result $? "libuiosva.map lists names, no globs$(sed 's/^/; /' "$tmp/maperr" | tr -d '\n')"

cut -d' ' -f1 "$tmp/mapsyms" | sort | uniq -d > "$tmp/dups"
cut -d' ' -f1 "$tmp/mapsyms" | sort -u > "$tmp/listed"
if [ ! -s "$tmp/dups" ] && cmp -s "$tmp/header" "$tmp/listed"; then
	result 0 "every function of uiosva.h is in exactly one version node ($(wc -l < "$tmp/header"))"
else
	result 1 "every function of uiosva.h is in exactly one version node"
	sed 's/^/# twice: /' "$tmp/dups"
	diff "$tmp/header" "$tmp/listed" | sed -n 's/^</# header only:/p; s/^>/# map only:/p'
fi

# Nodes LIBUIOSVA_1.0, 1.1, ... each inheriting the previous; as many as
# UIOSVA_VERSION_MINOR says releases there were.
minor=$(sed -n 's/^#define UIOSVA_VERSION_MINOR \([0-9]*\).*/\1/p' "$tools/lib/uiosva.h")
awk -v minor="$minor" '
{ want = "LIBUIOSVA_1." (NR - 1)
  if ($1 != want) { print "node " NR " is " $1 ", want " want; bad = 1 }
  if (NR == 1 && $2 != "-") { print $1 " inherits " $2; bad = 1 }
  if (NR > 1 && $2 != prev) { print $1 " inherits " $2 ", want " prev; bad = 1 }
  prev = $1 }
END { if (NR != minor + 1) { print NR " nodes for UIOSVA_VERSION_MINOR " minor; bad = 1 }
      exit bad }' "$tmp/nodes" > "$tmp/nodeerr"
result $? "one version node per release, chained, matching UIOSVA_VERSION_MINOR $minor$(sed 's/^/; /' "$tmp/nodeerr" | tr -d '\n')"

# What the shared library exports, with versions: readelf --dyn-syms.
readelf -W --dyn-syms "$so" | awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" {
	split($8, a, "@"); print a[1], a[length(a)] }' | sort > "$tmp/exported"
sort "$tmp/mapsyms" > "$tmp/mapsorted"
if cmp -s "$tmp/mapsorted" "$tmp/exported"; then
	result 0 "exported symbols and their versions are the map's ($(wc -l < "$tmp/exported"))"
else
	result 1 "exported symbols and their versions are the map's"
	diff "$tmp/mapsorted" "$tmp/exported" | sed 's/^/# /'
fi

readelf -d "$so" | grep -q 'Library soname: \[libuiosva.so.1\]'
result $? "soname libuiosva.so.1"
echo "1..$n"

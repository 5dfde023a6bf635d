#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Print every uio-sva command line shown as an example in the man pages
# (.EX/.EE blocks) and in tools/README.md (```sh blocks), one per line as
# "FILE:LINE<TAB>ARGUMENTS" (without "sudo", the path and "uio-sva";
# continuation lines joined, man escapes and trailing comments removed).
# test_examples runs each against the fake tree, so a new example is
# tested as soon as it is written.
# Usage: examples.sh TOOLS_DIR
tools=$1
for f in "$tools"/man/*.[1-8] "$tools"/README.md; do
	awk -v file="${f#"$tools"/}" '
	FILENAME ~ /\.md$/ {
		if (/^```sh/) { on = 1; next }
		if (/^```/) { on = 0; next }
	}
	FILENAME !~ /\.md$/ {
		if (/^\.EX/) { on = 1; next }
		if (/^\.EE/) { on = 0; next }
		gsub(/\\-/, "-"); gsub(/\\e/, "\\")
	}
	!on { next }
	cont != "" { cmd = cmd " " $0; sub(/^ +/, "", $0) }
	cont == "" {
		if ($0 !~ /^(sudo +)?([^ ]*\/)?uio-sva( |$)/) next
		cmd = $0; start = FNR
	}
	{
		cont = (cmd ~ /\\$/) ? "x" : ""
		if (cont != "") { sub(/\\$/, "", cmd); next }
		sub(/[ \t]+#.*$/, "", cmd)
		sub(/^(sudo +)?([^ ]*\/)?uio-sva */, "", cmd)
		gsub(/[ \t]+/, " ", cmd)
		print file ":" start "\t" cmd
	}' "$f"
done

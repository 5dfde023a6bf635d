#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The bash completion of uio-sva completes commands, each command's
# options (from its --help) and option values. TAP.
# Usage: check-completion.sh BUILD_DIR
build=$(cd "$1" && pwd)
tools=$(cd "$(dirname "$0")/../../tools" && pwd)
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# complete WORD...: what completing the last WORD offers, one per line.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_uio_sva; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$tools/completion/uio-sva.bash" "$build/uio-sva" "$@"
}

has() { # WANT... -- GOT: every WANT is a line of GOT
	got=$(eval "printf '%s' \"\$$#\"")
	while [ "$1" != -- ]; do
		printf '%s\n' "$got" | grep -qx -- "$1" || return 1
		shift
	done
}

got=$(complete_words "")
has bind unbind list dma profile help -- "$got"
result $? "commands"
got=$(complete_words "l")
[ "$got" = list ]
result $? "l -> list"
got=$(complete_words dma 00:03.0 --)
has --profile --op --size --buffer --no-touch --poll --expect-error -- "$got"
result $? "dma options from dma --help"
got=$(complete_words list --j)
[ "$got" = --json ]
result $? "list --j -> --json"
got=$(complete_words dma 00:03.0 --op "")
has fill copy checksum -- "$got"
result $? "dma --op values"
got=$(complete_words dma 00:03.0 -b m)
has malloc mmap -- "$got"
result $? "dma -b m -> malloc mmap"
got=$(complete_words --sysfs /sys "")
has bind dma -- "$got"
result $? "commands after a global option with its value"
echo "1..$n"

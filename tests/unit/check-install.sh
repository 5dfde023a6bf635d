#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make install into a DESTDIR: the files land where PREFIX and LIBDIR say,
# and the example of libuiosva(3) builds with pkg-config against the
# installed header and shared library and runs. TAP.
# Usage: check-install.sh BUILD_DIR
tools=$(cd "$(dirname "$0")/../../tools" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$tools" O="$tmp/build" -j2 install DESTDIR="$dest" PREFIX=/usr \
	LIBDIR=/usr/lib/x86_64-linux-gnu WITH_UDEV=1 > "$tmp/log" 2>&1
result $? "make install DESTDIR PREFIX=/usr LIBDIR WITH_UDEV=1"
[ $n -eq 1 ] && grep -v '^make' "$tmp/log" | sed 's/^/# /'

lib=$dest/usr/lib/x86_64-linux-gnu
missing=
for f in usr/bin/uio-sva usr/include/uiosva.h \
	usr/lib/x86_64-linux-gnu/libuiosva.so.1.0.0 \
	usr/lib/x86_64-linux-gnu/libuiosva.so.1 \
	usr/lib/x86_64-linux-gnu/libuiosva.so \
	usr/lib/x86_64-linux-gnu/libuiosva.a \
	usr/lib/x86_64-linux-gnu/pkgconfig/libuiosva.pc \
	usr/share/man/man1/uio-sva.1 usr/share/man/man3/libuiosva.3 \
	usr/share/uio-sva/profiles/uio-sva-testdev.profile \
	usr/share/doc/uio-sva/examples/70-uio-sva.rules \
	usr/share/doc/uio-sva/examples/uio-pci-sva.conf \
	etc/udev/rules.d/70-uio-sva.rules; do
	[ -e "$dest/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
result $? "installed files${missing:+, missing:$missing}"

grep -q '^libdir=/usr/lib/x86_64-linux-gnu$' "$lib/pkgconfig/libuiosva.pc"
result $? "pkg-config file names the libdir"

# The EXAMPLES program of libuiosva(3).
sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$tools/man/libuiosva.3" |
	sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
	sed -e 's/\\e/\\/g' -e 's/\\-/-/g' > "$tmp/demo.c"
if command -v pkg-config > /dev/null; then
	flags=$(PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest \
		pkg-config --cflags --libs libuiosva)
	# shellcheck disable=SC2086
	cc -std=c11 -Wall -Wextra -Werror -o "$tmp/demo" "$tmp/demo.c" $flags \
		> "$tmp/cc.log" 2>&1
	result $? "the libuiosva(3) example builds with pkg-config"
	sed 's/^/# /' "$tmp/cc.log"
	out=$(LD_LIBRARY_PATH=$lib timeout 20 "$tmp/demo" 2>&1)
	[ $? -eq 1 ] && echo "$out" | grep -q '0000:00:03.0'
	result $? "... and runs against libuiosva.so.1 (no device here: \"$out\")"
else
	n=$((n + 1)); echo "ok $n - example with pkg-config # SKIP no pkg-config"
fi
"$dest/usr/bin/uio-sva" --version > /dev/null
result $? "the installed uio-sva runs"
echo "1..$n"

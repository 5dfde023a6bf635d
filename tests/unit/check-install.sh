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

# LDCONFIG=false, SYSUSERS=false: with a DESTDIR neither may run.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$tools" O="$tmp/build" -j2 install DESTDIR="$dest" PREFIX=/usr \
	LIBDIR=/usr/lib/x86_64-linux-gnu WITH_UDEV=1 LDCONFIG=false \
	SYSUSERS=false > "$tmp/log" 2>&1
result $? "make install DESTDIR PREFIX=/usr LIBDIR WITH_UDEV=1 (no ldconfig, no sysusers)"
[ $n -eq 1 ] && grep -v '^make' "$tmp/log" | sed 's/^/# /'

lib=$dest/usr/lib/x86_64-linux-gnu
missing=
for f in usr/bin/uio-sva usr/include/uiosva.h \
	usr/lib/x86_64-linux-gnu/libuiosva.so.1.1.0 \
	usr/lib/x86_64-linux-gnu/libuiosva.so.1 \
	usr/lib/x86_64-linux-gnu/libuiosva.so \
	usr/lib/x86_64-linux-gnu/libuiosva.a \
	usr/lib/x86_64-linux-gnu/pkgconfig/libuiosva.pc \
	usr/share/man/man1/uio-sva.1 usr/share/man/man3/libuiosva.3 \
	usr/share/uio-sva/profiles/uio-sva-testdev.profile \
	usr/share/doc/uio-sva/examples/70-uio-sva.rules \
	usr/share/doc/uio-sva/examples/uio-pci-sva.conf \
	usr/share/doc/uio-sva/COPYING.libuiosva \
	usr/lib/sysusers.d/uio-sva.conf \
	usr/share/bash-completion/completions/uio-sva \
	etc/udev/rules.d/70-uio-sva.rules; do
	[ -e "$dest/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
result $? "installed files${missing:+, missing:$missing}"

grep -q '^libdir=/usr/lib/x86_64-linux-gnu$' "$lib/pkgconfig/libuiosva.pc"
result $? "pkg-config file names the libdir"

group=$(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' "$tools/udev/70-uio-sva.rules")
[ -n "$group" ] && grep -q "^g $group " "$dest/usr/lib/sysusers.d/uio-sva.conf"
result $? "sysusers.d creates the udev rule's group \"$group\""

# Without DESTDIR, ldconfig runs after the shared library is installed
# (into a scratch PREFIX here, LDCONFIG recording that it ran).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$tools" O="$tmp/build" install \
	PREFIX="$tmp/prefix" LDCONFIG="touch $tmp/ldconfig-ran" > "$tmp/log2" 2>&1 &&
	[ -e "$tmp/ldconfig-ran" ] && [ -e "$tmp/prefix/lib/libuiosva.so.1" ]
result $? "make install without DESTDIR runs ldconfig"

# dpkg-buildflags: CPPFLAGS reach every compilation; WERROR=0 drops -Werror.
cmds=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B -C "$tools" O="$tmp/flags" \
	CPPFLAGS="-D_FORTIFY_SOURCE=2 -DCHECK_CPPFLAGS" WERROR=0 all 2>&1)
[ "$(echo "$cmds" | grep -c ' -c ')" -gt 0 ] &&
	! echo "$cmds" | grep ' -c ' | grep -qv -- '-DCHECK_CPPFLAGS' &&
	! echo "$cmds" | grep -q -- '-Werror'
result $? "CPPFLAGS in every compilation, WERROR=0 drops -Werror"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B -C "$tools" O="$tmp/flags" all 2>&1 |
	grep ' -c ' | grep -q -- '-Werror'
result $? "-Werror by default"

# The module: make install DESTDIR=... stages it under DESTDIR and runs no
# depmod on the live system (make -n, the recursive makes only echoed).
top=$(cd "$tools/.." && pwd)
staged=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$top" install \
	DESTDIR=/stage KDIR=/kdir MAKE="echo make" 2>&1)
live=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -C "$top" install \
	KDIR=/kdir MAKE="echo make" 2>&1)
echo "$staged" | grep -q 'INSTALL_MOD_PATH=/stage DEPMOD=true' &&
	! echo "$staged" | grep -q '^depmod' &&
	echo "$live" | grep -q '^depmod -a' &&
	! echo "$live" | grep -q 'INSTALL_MOD_PATH'
result $? "root make install DESTDIR=/stage: module under /stage, no depmod"

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

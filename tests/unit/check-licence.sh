#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# libuiosva (its sources, header, version script and .pc template) is
# LGPL-2.1-or-later and ships the licence text; the uio-sva command and the
# module stay GPL-2.0. TAP.
# Usage: check-licence.sh BUILD_DIR
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

spdx() { # FILE: the licence of its SPDX line
	sed -n 's|.*SPDX-License-Identifier: \([^ *]*\).*|\1|p;3q' "$1"
}

bad=
for f in "$top"/tools/lib/*.c "$top"/tools/lib/*.h "$top"/tools/lib/libuiosva.map \
	"$top"/tools/lib/libuiosva.pc.in; do
	[ "$(spdx "$f")" = LGPL-2.1-or-later ] || bad="$bad ${f#"$top"/}"
done
[ -z "$bad" ]
result $? "libuiosva files are LGPL-2.1-or-later${bad:+ (not:$bad)}"

grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' "$top/tools/lib/COPYING" &&
	grep -q 'Version 2.1, February 1999' "$top/tools/lib/COPYING"
result $? "tools/lib/COPYING holds the LGPL-2.1 text"

bad=
for f in "$top"/tools/uio-sva/*.[ch]; do
	case $(spdx "$f") in GPL-2.0-only | GPL-2.0) ;; *) bad="$bad ${f#"$top"/}" ;; esac
done
for f in "$top"/uio_pci_generic_sva.c "$top"/compat.h; do
	[ -f "$f" ] || continue
	case $(spdx "$f") in GPL-2.0-only | GPL-2.0) ;; *) bad="$bad ${f#"$top"/}" ;; esac
done
[ -z "$bad" ]
result $? "uio-sva and the module stay GPL-2.0${bad:+ (not:$bad)}"
echo "1..$n"

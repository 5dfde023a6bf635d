#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the driver for one kernel of tests/qemu/kernels.sh.
#
# Usage:
#   tests/qemu/build-module.sh [--src DIR] NAME [MAKE-ARGS...]
#
#   NAME       a kernel of tests/qemu/kernels.sh (6.1, 6.12, 7.2)
#   --src DIR  where the driver's sources are (default: the checkout root)
#   MAKE-ARGS  passed to make, e.g. W=1 or C=2 (sparse)
#
# Copies Makefile, Kbuild, Kconfig, *.c, *.h (not those git ignores, such
# as a generated conftest.h) and scripts/ from DIR into build/KVER/src/,
# runs `make -j2 KDIR=<headers> MAKE-ARGS` there (on this machine for
# 6.x, inside the kernel's build chroot for 7.x: tests/qemu/build-chroot.sh)
# and copies the result to
# build/KVER/uio_pci_generic_sva.ko (skipped when sources, kernel and
# arguments are those of the last build). The contract with the driver: `make
# KDIR=<dir>` in a directory holding those files builds
# uio_pci_generic_sva.ko in that directory.
#
# stdout: one line, the absolute path of the built .ko; the build log goes
# to stderr. Exit 0 on success, 1 if the build fails, 2 on a usage error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"

MODULE=uio_pci_generic_sva

usage() { sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

src=$UIO_SVA_TOP
while [ $# -gt 0 ]; do
	case "$1" in
	--src) [ $# -ge 2 ] || usage; src=$(cd "$2" && pwd); shift 2 ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
name=$1
shift

[ -f "$src/Makefile" ] && [ -f "$src/$MODULE.c" ] ||
	die "no driver sources in $src (need Makefile and $MODULE.c; the driver provides them at the repository root)"

facts=$(bash "$here/kernels.sh" "$name") || die "kernel $name is not available (see above)"
eval "$facts"

out=$UIO_SVA_TOP/build/$KVER
bsrc=$out/src
is_git=
git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 && is_git=1
files=()
for f in "$src"/Makefile "$src"/Kbuild "$src"/Kconfig "$src"/*.c "$src"/*.h; do
	[ -f "$f" ] || continue
	if [ -n "$is_git" ] && git -C "$src" check-ignore -q "$f"; then
		continue
	fi
	files+=("$f")
done
if [ -d "$src/scripts" ]; then
	while IFS= read -r f; do files+=("$f"); done < <(find "$src/scripts" -type f | LC_ALL=C sort)
fi

# Skip the build when nothing changed since the last one (same sources,
# kernel package, build environment and make arguments).
stamp=$(hash_inputs "$KVER $KPKGVER $BUILD_ENV ${BUILD_CHROOT:-} $KDIR" "args: $*" \
	"${files[@]}" "names: ${files[*]#"$src"/}")
if [ -f "$out/$MODULE.ko" ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
	log "$MODULE for $KVER is up to date"
	echo "$out/$MODULE.ko"
	exit 0
fi

rm -rf "$bsrc" "$out/.stamp"
mkdir -p "$bsrc"
for f in "${files[@]}"; do
	mkdir -p "$bsrc/$(dirname "${f#"$src"/}")"
	cp -p "$f" "$bsrc/${f#"$src"/}"
done

for a in "$@"; do
	case "$a" in C=*) [ "$BUILD_ENV" = host ] && apt_install sparse ;; esac
done
[ "$BUILD_ENV" = host ] && apt_install make gcc
apt_install kmod	# modinfo, below

log "building $MODULE for $KVER ($BUILD_ENV) ${*:-}"
t0=$SECONDS
rc=0
case "$BUILD_ENV" in
host)
	make -C "$bsrc" -j2 KDIR="$KDIR" "$@" >&2 || rc=$?
	;;
*)
	(cd "$UIO_SVA_TOP" && bash "$here/build-chroot.sh" "$BUILD_ENV" run make -C "$bsrc" -j2 KDIR="$KDIR" "$@") >&2 || rc=$?
	;;
esac
[ $rc -eq 0 ] || die "building $MODULE for $KVER failed (make exit $rc); the sources are in $bsrc"
[ -f "$bsrc/$MODULE.ko" ] || die "make succeeded but left no $MODULE.ko in $bsrc (the Makefile must build it in place)"
cp "$bsrc/$MODULE.ko" "$out/$MODULE.ko"
echo "$stamp" > "$out/.stamp"
vermagic=$(/sbin/modinfo -F vermagic "$out/$MODULE.ko")
case "$vermagic" in
"$KVER "*) ;;
*) die "$MODULE.ko has vermagic '$vermagic', expected $KVER" ;;
esac
log "built $out/$MODULE.ko in $((SECONDS - t0))s"
echo "$out/$MODULE.ko"

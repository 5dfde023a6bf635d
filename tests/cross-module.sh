#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver off x86: uio_pci_generic_sva.ko cross-built for arm64 and
# riscv64 with Debian's cross gcc against Debian's newest linux-source
# (sid's linux-source-7.2), W=1 and sparse (C=2) clean.
#
# Usage: tests/cross-module.sh [ARCH...]    (default: arm64 riscv64)
#
# Per architecture the kernel tree is prepared once and cached:
# `make defconfig`, the options the driver needs (scripts/config, then
# olddefconfig; every one must have taken), `make modules_prepare`. Cache:
# $UIO_SVA_CACHE/cross-module/src-VERSION/ (the unpacked source, shared by
# the architectures; a linux-source .deb already in the cache, such as the
# debug kernel's download, is reused) and
# $UIO_SVA_CACHE/cross-module/ARCH-KEY/build/ (the O= tree), KEY = hash of
# the source version, the architecture, the cross compiler's version, the
# config options and this script.
#
# A modules_prepare tree has no Module.symvers, so modpost reports every
# symbol the module imports as undefined: those warnings are checked
# against the EXPORT_SYMBOL*() of the source instead (each must be there).
# Any other line of output than Kbuild's progress is a finding and fails.
#
# Sparse: 7.2's Kbuild turns it off unless it knows __typeof_unqual__
# (scripts/checker-valid.sh), which bookworm's 0.6.4 does not; sid's
# sparse of the 7.2 build chroot (tests/qemu/build-chroot.sh sid) runs on
# this machine through that chroot's own dynamic loader and libc.
#
# Output: TAP, per architecture: prepare, build W=1, sparse; with times.
# Exit status 0 when every step passed. With UIO_SVA_NO_INSTALL=1 nothing
# is installed (a missing package fails, see tests/deps/).
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/qemu/lib/common.sh
. "$top/tests/qemu/lib/common.sh"

SRCPKG=linux-source-7.2
RELEASE=sid	# the suite that serves $SRCPKG (configured by setup-apt.sh)
MODULE=uio_pci_generic_sva
# Kbuild progress lines and notices that are not findings.
BENIGN='^make -C |^ *(CONFTEST|CC \[M\]|CC|CHECK|MODPOST|LD \[M\]|LD|AR) |^Skipping BTF generation |^make(\[[0-9]+\])?: (Entering|Leaving) directory'
# modpost without Module.symvers (see above; KBUILD_MODPOST_WARN=1 makes
# its errors warnings): its notice, one warning per imported symbol (ten
# at most), which imports_exported checks instead.
MODPOST_NOTICE='^WARNING: .*Module\.symvers is missing\.$|^ +(Modules may not have dependencies or modversions\.|You may get many unresolved symbol (errors|warnings)\.|You can set KBUILD_MODPOST_WARN=1 to turn errors into warning|if you want to proceed at your own risk\.)$'
MODPOST_UNDEF='^WARNING: modpost: ("[A-Za-z0-9_.$]+" \[.*\] undefined!|suppressed [0-9]+ unresolved symbol warnings because there were too many\))$'

archs=("$@")
[ ${#archs[@]} -eq 0 ] && archs=(arm64 riscv64)

triplet() {
	case $1 in
	arm64) echo aarch64-linux-gnu ;;
	riscv64) echo riscv64-linux-gnu ;;
	*) die "unknown architecture $1 (arm64, riscv64)" ;;
	esac
}
karch() { case $1 in riscv64) echo riscv ;; *) echo "$1" ;; esac; }

# config_options ARCH: what the driver needs on top of defconfig, as the
# lines .config must hold afterwards. PCI_ATS and IOMMU_SVA cannot be set:
# drivers select them. On riscv64 no IOMMU driver of 7.2 selects
# IOMMU_SVA (the RISC-V IOMMU has no SVA support yet), so the driver is
# built against the SVA stubs there.
config_options() {
	echo CONFIG_UIO=m
	echo CONFIG_PCI_PASID=y
	echo CONFIG_PCI_PRI=y
	echo CONFIG_PCI_ATS=y
	echo CONFIG_IOMMU_API=y
	case $1 in
	arm64)
		echo CONFIG_ARM_SMMU_V3=y
		echo CONFIG_ARM_SMMU_V3_SVA=y
		echo CONFIG_IOMMU_SVA=y
		;;
	riscv64)
		echo CONFIG_RISCV_IOMMU=y
		;;
	esac
}

pkgs=(make gcc flex bison bc libelf-dev libssl-dev xz-utils sparse)
for a in "${archs[@]}"; do
	t=$(triplet "$a")
	pkgs+=("gcc-$t" "binutils-$t")
done
apt_install "${pkgs[@]}"

apt_ready
srcver=$(apt-cache policy "$SRCPKG" | awk -v rel="$RELEASE" '
	/Version table:/ { t = 1; next }
	!t { next }
	$1 == "***" { ver = $2; next }
	NF == 2 { ver = $1; next }
	ver != "" && index($0, " " rel "/") { print ver; exit }')
[ -n "$srcver" ] || die "no $SRCPKG in $RELEASE; is setup-apt.sh's suite list complete?"
srcdir=$UIO_SVA_CACHE/cross-module/src-$srcver

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0 failed=0

# $out/sparse: sid's sparse (see above), for CHECK=.
sid_sparse() {
	local root verb=ensure
	[ -n "${UIO_SVA_NO_INSTALL:-}" ] && verb=path
	root=$(bash "$top/tests/qemu/build-chroot.sh" sid "$verb") || die "no sid build chroot"
	[ -x "$root/usr/bin/sparse" ] || die "$root has no sparse"
	cat > "$out/sparse" <<-EOF
	#!/bin/sh
	exec "$root/lib64/ld-linux-x86-64.so.2" \\
		--library-path "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" \\
		"$root/usr/bin/sparse" "\$@"
	EOF
	chmod +x "$out/sparse"
	"$out/sparse" --version
}

# step NAME COMMAND...: run it (in a subshell: die ends only the step),
# print "ok N - NAME (T s)" or "not ok" with the last lines of its output.
step() {
	local name=$1 start rc
	shift
	start=$SECONDS
	("$@") > "$out/log" 2>&1
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $n - $name ($((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name ($((SECONDS - start)) s)"
		tail -n 30 "$out/log" | sed 's/^/# /'
	fi
	return $rc
}

# unpack_source: $srcdir/linux, the source, once per source version.
unpack_source() {
	local deb tmp
	[ -f "$srcdir/.ready" ] && return 0
	cache_lock "cross-module-src-$srcver"
	if [ ! -f "$srcdir/.ready" ]; then
		rm -rf "$srcdir"
		tmp=$srcdir.tmp
		rm -rf "$tmp"
		mkdir -p "$tmp/dl" "$tmp/linux"
		deb=$(find "$UIO_SVA_CACHE" -maxdepth 3 -name "${SRCPKG}_${srcver//:/%3a}_all.deb" \
			-size +1M 2>/dev/null | head -n1)
		if [ -n "$deb" ] && [ "$(dpkg-deb -f "$deb" Version 2>/dev/null)" = "$srcver" ]; then
			log "reusing $deb"
		else
			log "fetching $SRCPKG=$srcver"
			(cd "$tmp/dl" && apt-get download -q -o APT::Sandbox::User=root "$SRCPKG=$srcver" >/dev/null) ||
				die "apt-get download $SRCPKG=$srcver failed"
			deb=$(echo "$tmp"/dl/*.deb)
		fi
		log "unpacking $SRCPKG $srcver"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | xz -dc |
			tar -x -C "$tmp/linux" --strip-components=1 ||
			die "unpacking $deb failed"
		rm -rf "$tmp/dl"
		touch "$tmp/.ready"
		mv "$tmp" "$srcdir"
		# Older source versions (1.8 GB each) go.
		for old in "$UIO_SVA_CACHE"/cross-module/src-*; do
			[ "$old" = "$srcdir" ] || [ ! -d "$old" ] || { log "removing old $old"; rm -rf "$old"; }
		done
	fi
	cache_unlock
}

# kmake ARCH TRIPLET ARGS...: make in the cached tree of ARCH.
kmake() {
	local a=$1 t=$2
	shift 2
	nice -n 10 make -C "$srcdir/linux" ARCH="$(karch "$a")" CROSS_COMPILE="$t-" "$@"
}

# prepare ARCH TRIPLET TOP: the O= tree TOP/build, once per key.
prepare() {
	local a=$1 t=$2 ktop=$3 want sym got bad=0
	unpack_source
	[ -f "$ktop/.ready" ] && { log "$a: cached $ktop"; return 0; }
	cache_lock "cross-module-$(basename "$ktop")"
	if [ ! -f "$ktop/.ready" ]; then
		rm -rf "$ktop"
		mkdir -p "$ktop/build"
		kmake "$a" "$t" O="$ktop/build" defconfig || die "$a: make defconfig failed"
		config_options "$a" > "$ktop/options"
		while IFS= read -r want; do
			sym=${want%%=*}
			sym=${sym#CONFIG_}
			case ${want#*=} in
			m) "$srcdir/linux/scripts/config" --file "$ktop/build/.config" -m "$sym" ;;
			*) "$srcdir/linux/scripts/config" --file "$ktop/build/.config" -e "$sym" ;;
			esac
		done < "$ktop/options"
		kmake "$a" "$t" O="$ktop/build" olddefconfig || die "$a: make olddefconfig failed"
		# An unmet dependency or a renamed symbol silently drops an option.
		while IFS= read -r want; do
			got=$(grep -E "^${want%%=*}=" "$ktop/build/.config" || true)
			[ "$got" = "$want" ] || { echo "$a: wanted $want, got '${got:-nothing}'"; bad=1; }
		done < "$ktop/options"
		[ $bad = 0 ] || die "$a: the kernel config lacks what the driver needs (see above)"
		kmake "$a" "$t" O="$ktop/build" -j2 modules_prepare ||
			die "$a: make modules_prepare failed"
		# What the kernel of ARCH exports: EXPORT_SYMBOL*(NAME) outside
		# the other architectures, and the exports that macros generate
		# (define_dev_printk_level(_dev_err, ...)).
		find "$srcdir/linux" -mindepth 1 -maxdepth 1 ! -name arch -print0 |
			xargs -0 nice -n 10 grep -rhoE --include='*.[chS]' \
			-e 'EXPORT_SYMBOL(_GPL|_NS|_NS_GPL|_GPL_FOR_MODULES|_FOR_MODULES)?\([A-Za-z0-9_]+' \
			-e '^define_dev_printk_level\([A-Za-z0-9_]+' \
			"$srcdir/linux/arch/$(karch "$a")" | sed 's/.*(//' | LC_ALL=C sort -u > "$ktop/exports"
		[ -s "$ktop/exports" ] || die "$a: found no EXPORT_SYMBOL in $SRCPKG"
		touch "$ktop/.ready"
		for old in "$UIO_SVA_CACHE/cross-module/$a"-*; do
			[ "$old" = "$ktop" ] || [ ! -d "$old" ] || { log "removing old $old"; rm -rf "$old"; }
		done
	fi
	cache_unlock
}

# copy_driver DIR: the driver's sources (as tests/qemu/build-module.sh
# copies them: not a generated conftest.h) into DIR.
copy_driver() {
	local f
	rm -rf "$1"
	mkdir -p "$1/scripts"
	for f in "$top"/Makefile "$top"/Kbuild "$top"/Kconfig "$top"/*.c "$top"/*.h; do
		[ -f "$f" ] && [ "$(basename "$f")" != conftest.h ] && cp -p "$f" "$1/"
	done
	cp -p "$top"/scripts/*.sh "$1/scripts/"
}

# imports_exported TRIPLET KO EXPORTS: every symbol KO imports is in
# EXPORTS, what modpost checks when it has Module.symvers.
imports_exported() {
	local sym bad=0
	while read -r _ sym; do
		grep -qxF "$sym" "$3" ||
			{ echo "$sym: imported by $(basename "$2") but exported nowhere in $SRCPKG"; bad=1; }
	done < <("$1-nm" -u "$2")
	return $bad
}

# build ARCH TRIPLET TOP DIR ARGS...: build the module in DIR; the output
# must hold nothing but progress (and what modpost cannot resolve).
build() {
	local a=$1 t=$2 ktop=$3 dir=$4
	shift 4
	nice -n 10 make -C "$dir" -j2 KDIR="$ktop/build" ARCH="$(karch "$a")" \
		CROSS_COMPILE="$t-" KBUILD_MODPOST_WARN=1 "$@" > "$out/build.log" 2>&1 || {
		cat "$out/build.log"
		die "$a: make $* failed"
	}
	[ -f "$dir/$MODULE.ko" ] || die "$a: no $MODULE.ko"
	grep -Ev "$BENIGN|$MODPOST_NOTICE|$MODPOST_UNDEF" "$out/build.log" > "$out/findings"
	[ ! -s "$out/findings" ] || { cat "$out/findings"; die "$a: make $*: findings (above)"; }
	imports_exported "$t" "$dir/$MODULE.ko" "$ktop/exports" || die "$a: unresolvable imports (above)"
	case " $* " in
	*" C=2 "*) grep -q '^ *CHECK ' "$out/build.log" ||
		{ cat "$out/build.log"; die "$a: sparse did not run (no CHECK line)"; } ;;
	esac
	return 0
}

sid_sparse > /dev/null || die "cannot run sid's sparse (see above)"
for a in "${archs[@]}"; do
	t=$(triplet "$a")
	key=$(hash_inputs "$SRCPKG=$srcver" "arch $a" "$("$t-gcc" --version | head -n1)" \
		"$("$t-ld" --version | head -n1)" "$(config_options "$a")" "$(cat "$top/tests/cross-module.sh")")
	ktop=$UIO_SVA_CACHE/cross-module/$a-$key
	cached=cold
	[ -f "$ktop/.ready" ] && cached=cached
	step "$a: prepare $SRCPKG $srcver (defconfig + driver options, modules_prepare; $cached)" \
		prepare "$a" "$t" "$ktop" || continue
	copy_driver "$out/mod-$a"
	step "$a: build $MODULE.ko W=1 ($t-gcc $("$t-gcc" -dumpversion))" \
		build "$a" "$t" "$ktop" "$out/mod-$a" W=1 || continue
	step "$a: sparse (C=2, sid's sparse $("$out/sparse" --version | tr -d '\n')) clean" \
		build "$a" "$t" "$ktop" "$out/mod-$a" W=1 C=2 CHECK="$out/sparse"
done
echo "1..$n"
[ $failed -eq 0 ]

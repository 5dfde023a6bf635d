#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libuiosva and uio-sva off x86: cross-built for arm64 and riscv64 with
# Debian's cross compilers, the MMIO barriers of the cross-built regs.o
# checked instruction by instruction, and the host unit tests run under
# qemu-user (no binfmt needed: qemu-ARCH -L /usr/TRIPLET).
#
# Usage: tests/cross-check.sh [ARCH...]    (default: arm64 riscv64)
#
# Output: TAP, one line per architecture and step with its time, e.g.
#   ok 1 - arm64: build libuiosva, uio-sva and the unit tests (41 s)
# Exit status 0 when every step passed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/qemu/lib/common.sh
. "$top/tests/qemu/lib/common.sh"

archs=("$@")
[ ${#archs[@]} -eq 0 ] && archs=(arm64 riscv64)

triplet() {
	case $1 in
	arm64) echo aarch64-linux-gnu ;;
	riscv64) echo riscv64-linux-gnu ;;
	*) die "unknown architecture $1 (arm64, riscv64)" ;;
	esac
}

pkgs=(qemu-user)
for a in "${archs[@]}"; do
	t=$(triplet "$a")
	pkgs+=("gcc-$t" "binutils-$t" "libc6-dev-${a}-cross")
done
apt_install "${pkgs[@]}"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0 failed=0

# step NAME COMMAND...: run it, print "ok N - NAME (T s)" or "not ok" with
# the last lines of its output as diagnostics.
step() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	"$@" > "$out/log" 2>&1
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok $n - $name ($(($(date +%s) - start)) s)"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name ($(($(date +%s) - start)) s)"
		tail -n 20 "$out/log" | sed 's/^/# /'
	fi
}

build() { # ARCH TRIPLET BUILD_DIR
	nice make -s -C "$top/tools" -j2 O="$3" CC="$2-gcc" AR="$2-ar" test-bins
}

# barriers TRIPLET REGS_O WBARRIER STORE_RE RBARRIER LOAD_RE: in
# uiosva_write every write barrier comes right before a store (at most two
# instructions apart) and there are four (one per width); in uiosva_read
# every read barrier comes right after a load. No generic full fence.
barriers() {
	"$1-objdump" -d --no-show-raw-insn "$2" > "$out/regs.dis" || return 1
	awk -v wb="$3" -v st="$4" -v rb="$5" -v ld="$6" '
	# riscv objects keep local labels (<.LVL12>): not functions.
	/^[0-9a-f]+ <\..*>:$/ { next }
	/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); k = 0; next }
	/^ *[0-9a-f]+:/ {
		sub(/^ *[0-9a-f]+:[ \t]*/, "")
		ins[fn, ++k] = $0
		nins[fn] = k
	}
	END {
		bad = 0
		for (f in nins) for (i = 1; i <= nins[f]; i++)
			if (ins[f, i] ~ /fence([ \t]+(rw,rw|iorw,iorw))?[ \t]*$/) {
				print "generic fence in " f ": " ins[f, i]; bad = 1
			}
		nw = 0
		for (i = 1; i <= nins["uiosva_write"]; i++) {
			if (ins["uiosva_write", i] !~ wb) continue
			nw++
			ok = 0
			for (j = i + 1; j <= i + 3 && j <= nins["uiosva_write"]; j++)
				if (ins["uiosva_write", j] ~ st) ok = 1
			if (!ok) { print "write barrier not followed by a store: " ins["uiosva_write", i]; bad = 1 }
		}
		nr = 0
		for (i = 1; i <= nins["uiosva_read"]; i++) {
			if (ins["uiosva_read", i] !~ rb) continue
			nr++
			ok = 0
			for (j = i - 1; j >= i - 3 && j >= 1; j--)
				if (ins["uiosva_read", j] ~ ld) ok = 1
			if (!ok) { print "read barrier not preceded by a load: " ins["uiosva_read", i]; bad = 1 }
		}
		printf "uiosva_write: %d write barriers; uiosva_read: %d read barriers\n", nw, nr
		if (nw != 4 || nr != 4) bad = 1
		exit bad
	}' "$out/regs.dis"
}

# unit_tests TRIPLET BUILD_DIR: every unit test program under qemu-user.
unit_tests() {
	local qemu=qemu-${1%%-*} t rc=0 pass=0 fail=0 skip=0
	for t in "$2"/tests/test_*; do
		[ -x "$t" ] || continue
		"$qemu" -L "/usr/$1" "$t" > "$out/unit.log" 2>&1 || rc=1
		# grep -c prints 0 and fails when nothing matches
		pass=$((pass + $(grep '^ok' "$out/unit.log" | grep -vc '# SKIP' || true)))
		skip=$((skip + $(grep -c '^ok .*# SKIP' "$out/unit.log" || true)))
		fail=$((fail + $(grep -c '^not ok' "$out/unit.log" || true)))
		grep -e '^not ok' -e '^ok .*# SKIP' "$out/unit.log"
		grep -q '^1\.\.[0-9]' "$out/unit.log" || { echo "$t: no plan"; rc=1; }
	done
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ] && [ $rc -eq 0 ]
}

for a in "${archs[@]}"; do
	t=$(triplet "$a")
	b=$out/build-$a
	step "$a: build libuiosva, uio-sva and the unit tests ($t-gcc)" build "$a" "$t" "$b"
	case $a in
	arm64) step "$a: regs.o: dmb oshst before each MMIO store, dmb oshld after each load" \
		barriers "$t" "$b/lib/regs.o" 'dmb[ \t]+oshst' '^(str|strb|strh)[ \t]' \
		'dmb[ \t]+oshld' '^(ldr|ldrb|ldrh)[ \t]' ;;
	riscv64) step "$a: regs.o: fence w,o before each MMIO store, fence i,ir after each load" \
		barriers "$t" "$b/lib/regs.o" 'fence[ \t]+w,o' '^s[bhwd][ \t]' \
		'fence[ \t]+i,ir' '^l(bu|hu|w|d)[ \t]' ;;
	esac
	step "$a: unit tests under qemu-$(echo "$t" | cut -d- -f1) -L /usr/$t" unit_tests "$t" "$b"
	grep -h 'passed,' "$out/log" | sed 's/^/# /'
done
echo "1..$n"
[ $failed -eq 0 ]

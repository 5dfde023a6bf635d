#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the main job on a machine without an SVA device. Boots
# Debian's Linux 7.2 in QEMU (TCG) with the patched intel-iommu (svm=on)
# and the emulated SVA device (uio-sva-testdev), then, in the guest:
# uio-sva bind, uio-sva list, uio-sva dma into a 64 MiB malloc() buffer
# (the PASID, the page requests served and the bytes verified), uio-sva
# unbind (tests/qemu/suites/demo.sh).
#
# Usage: tests/qemu/demo.sh [KERNEL]     (default 7.2; as root)
#
# The first run installs what it needs through apt, fetches the kernel,
# builds QEMU (about 5 to 10 minutes) and the module; it prints progress
# as it goes, and a "still working" line after 30 s without one. Later
# runs take one to two minutes. Output: the progress lines, then the guest's
# commands with their output and a verdict per step; the whole console is
# kept in build/logs/KVER/demo.log.
#
# Exit status: 0 when every step passed, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$here/lib/common.sh"

kernel=${1:-7.2}
case "$kernel" in
-h|--help)
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit 0
	;;
esac

# relay: the progress lines ("[HH:MM:SS] ...") of the set-up scripts, and
# the guest's commands, their output and verdicts (the "@@| " lines of
# the console); not the kernel's boot messages or build output. Reports
# how long it has been busy after 30 s without news.
relay() {
	local line payload last="starting" since=$SECONDS shown=$SECONDS
	while :; do
		if IFS= read -r -t 5 line; then
			line=${line%$'\r'}
			case "$line" in
			\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]\ *|"[run-guest] "*)
				printf '%s\n' "$line"
				last=${line#*] } since=$SECONDS shown=$SECONDS
				;;
			*"@@| "*)
				payload=${line#*@@| }
				case "$payload" in
				"# \$ "*) printf '\n  %s\n' "${payload#\# }" ;;
				"#   "*) printf '    %s\n' "${payload#\#   }" ;;
				"ok "*|"not ok "*) printf '  => %s\n' "$payload" ;;
				esac
				last="guest: $payload" since=$SECONDS shown=$SECONDS
				;;
			"error: "*|"SKIP: "*)
				printf '%s\n' "$line"
				shown=$SECONDS
				;;
			esac
		elif [ $? -le 128 ]; then
			break	# end of input
		fi
		# the kernel's boot messages and build output are not shown:
		# say that something is going on
		if [ $((SECONDS - shown)) -ge 30 ]; then
			log "... still working ($((SECONDS - since)) s): $last"
			shown=$SECONDS
		fi
	done
}

if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
	die "make demo installs packages and builds QEMU: run it as root (or with sudo rights)"
fi

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
t0=$SECONDS
log "make demo: Linux $kernel in QEMU with an emulated SVA device (PASID, ATS, PRI) behind a virtual VT-d IOMMU"
log "set-up: kernel $kernel, QEMU, the driver and tools/; the first run takes 10 minutes or more"
# run-suite.sh: TAP to $tap; its stderr (progress, and with --verbose the
# guest console) through relay.
set +e
bash "$here/run-suite.sh" --verbose "$kernel" demo 2>&1 >"$tap" | relay
rc=${PIPESTATUS[0]}
set -e

echo
if [ "$rc" -eq 0 ] && grep -q '^ok ' "$tap" && ! grep -q '^not ok ' "$tap"; then
	log "demo passed in $((SECONDS - t0)) s: bound, listed, 64 MiB DMA into malloc() memory verified, unbound"
	exit 0
fi
grep -E '^(not ok|# )' "$tap" | grep -v '^# |' | head -n 40 >&2 || true
log "demo FAILED after $((SECONDS - t0)) s (console log: build/logs/*/demo.log)"
exit 1

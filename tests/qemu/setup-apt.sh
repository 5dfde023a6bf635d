#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Add the Debian suites the platform needs (bookworm-backports, sid with
# deb-src, trixie-backports for the 7.3 kernel) next to the machine's own sources, pinned so that nothing is
# upgraded from them by accident, then refresh the package lists.
# The mirror URI is taken from the machine's existing apt sources.
# Idempotent; run as root.
#
#   setup-apt.sh                 configure and refresh (root)
#   setup-apt.sh --print-mirror  print the Debian mirror URI and exit (any user)
set -euo pipefail

src=/etc/apt/sources.list.d/uio-pci-sva.sources
pin=/etc/apt/preferences.d/uio-pci-sva
# trixie-backports has a file of its own, so that a checkout that predates
# it does not remove it from a shared machine.
src_trixie=/etc/apt/sources.list.d/uio-pci-sva-trixie.sources
pin_trixie=/etc/apt/preferences.d/uio-pci-sva-trixie
stamp=/var/lib/apt/lists/.uio-pci-sva-updated

mirror_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case "$f" in "$src"|"$src_trixie") continue ;; esac
		uri=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	if [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $2 !~ /^\[/ && $2 ~ /\/debian\/?$/ {print $2; exit}
			   $1 == "deb" && $2 ~ /^\[/ && $3 ~ /\/debian\/?$/ {print $3; exit}' \
			/etc/apt/sources.list)
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	fi
	return 1
}

uri=$(mirror_uri) || { echo "setup-apt: no Debian mirror in the apt sources" >&2; exit 1; }
if [ "${1:-}" = --print-mirror ]; then
	echo "$uri"
	exit 0
fi

want=$(cat <<EOT
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: $uri
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
)
want_pin=$(cat <<EOT
Package: *
Pin: release n=sid
Pin-Priority: 1
EOT
)
want_trixie=$(cat <<EOT
Types: deb
URIs: $uri
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
)
want_pin_trixie=$(cat <<EOT
Package: *
Pin: release n=trixie-backports
Pin-Priority: 1
EOT
)

# Concurrent runs (several engineers share a machine) take turns.
exec 9>/var/lib/apt/lists/.uio-pci-sva.lock
flock 9

changed=
put() { # put FILE CONTENT: write FILE when it differs
	[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
	printf '%s\n' "$2" > "$1"
	changed=1
}
put "$src" "$want"
put "$pin" "$want_pin"
put "$src_trixie" "$want_trixie"
put "$pin_trixie" "$want_pin_trixie"
# Refresh when the sources changed or the lists are older than 6 hours.
if [ -n "$changed" ] || [ -z "$(find "$stamp" -mmin -360 2>/dev/null)" ]; then
	# apt's output goes to a log (shown on failure), never to stderr,
	# which checkers of later steps may read.
	if ! apt-get update -q > /var/lib/apt/lists/.uio-pci-sva-update.log 2>&1; then
		sed 's/^/  apt: /' /var/lib/apt/lists/.uio-pci-sva-update.log >&2
		echo "setup-apt: apt-get update failed" >&2
		exit 1
	fi
	touch "$stamp"
fi

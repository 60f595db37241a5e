# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# debian-mirror.sh - sourced by deps.sh and mainline-kernel.sh: the Debian
# mirror this machine already uses, so that the project never names a host.

# debian_mirror: prints the URI of the machine's bookworm source (deb822
# .sources first, then the one-line sources.list); fails when there is none.
debian_mirror() {
	local f uri=""

	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
			/^$/ { if (s && u != "") { print u; done = 1; exit } u = ""; s = 0 }
			END { if (!done && s && u != "") print u }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
	fi
	if [ -z "$uri" ]; then
		echo "no Debian bookworm source found to copy the mirror from" >&2
		return 1
	fi
	echo "$uri"
}

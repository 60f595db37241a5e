#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install what building and testing ipto needs on Debian 12.
#
# Idempotent: when every package is present it only checks and exits in
# well under a second.  The 6.12 kernel, and the 6.12 kernel source whose
# netlink spec schemas and ynl CLI the tests use (selftests/vm/ynl.sh), come
# from bookworm-backports; the
# backports source reuses the mirror of the machine's own Debian source, so
# no host name is written anywhere by this project.
set -euo pipefail

# Host build and test tools.  The guest shares the host's root file system,
# so everything a test runs inside the VM is installed here too.
PKGS=(
	build-essential pkg-config kmod cpio xz-utils zstd
	linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static
	iproute2 iputils-ping arping ndisc6 procps psmisc python3 nftables
	libmnl-dev libjson-c-dev libcmocka-dev libinih-dev libsodium-dev libsystemd-dev
	sparse systemd linux-source-6.1 cppcheck clang shellcheck
	keepalived iperf3 gnuplot-nox postgresql curl
	flex bison bc libelf-dev libssl-dev dkms debootstrap
	debhelper dh-dkms lintian
	python3-jsonschema python3-yaml
)
BACKPORTS_LIST=/etc/apt/sources.list.d/ipto-bookworm-backports.sources

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
have_bpo_kernel() {
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-6.12*-amd64' 2>/dev/null |
		grep -q 'install ok installed' &&
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-headers-6.12*-amd64' 2>/dev/null |
		grep -q 'install ok installed'
}
have_bpo_source() {
	dpkg-query -W -f='${Status}\n' linux-source-6.12 2>/dev/null | grep -q '^install ok installed$'
}

if [ ${#missing[@]} -eq 0 ] && have_bpo_kernel && have_bpo_source; then
	echo "deps: all present"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }

if [ ! -f "$BACKPORTS_LIST" ]; then
	# shellcheck source=selftests/vm/debian-mirror.sh
	. "$(dirname "$0")/debian-mirror.sh"
	uri=$(debian_mirror) || { echo "deps: no mirror for bookworm-backports" >&2; exit 1; }
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$keyring" >"$BACKPORTS_LIST"
	echo "deps: added bookworm-backports from the mirror $uri"
fi

apt_get update
[ ${#missing[@]} -eq 0 ] || apt_get install --no-install-recommends "${missing[@]}"

if ! have_bpo_kernel; then
	# The backports metapackage names the current 6.12 ABI; install only
	# that image and its headers, by package/suite, never with -t: that
	# would also move the 6.1 metapackages and other installed packages
	# to their backports versions.
	ver=$(apt-cache madison linux-image-amd64 | awk -F'|' '$3 ~ /bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$ver" ] || { echo "deps: no linux-image-amd64 in bookworm-backports" >&2; exit 1; }
	img=$(apt-cache depends "linux-image-amd64=$ver" | awk '/Depends: linux-image-6/ { print $2; exit }')
	hdr=${img/linux-image/linux-headers}
	apt_get install --no-install-recommends "$img/bookworm-backports" "$hdr/bookworm-backports"
fi
if ! have_bpo_source; then
	# By package/suite as the kernel above, matching its version; the
	# package only puts a tarball under /usr/src.
	apt_get install --no-install-recommends linux-source-6.12/bookworm-backports
fi
echo "deps: done"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - "make deps": what building and testing ipto needs on Debian 12,
# without changing how the machine boots or what it runs.
#
#   - Build and test tools are installed with apt (the guest shares the
#     machine's root, so every program a test runs in the guest is one of
#     these).  None of them ships a service that Debian enables; the list
#     of enabled units is compared before and after, and a change fails.
#   - The guest kernels (6.1 from bookworm, the current 6.12 from
#     bookworm-backports: image, modules, headers, kbuild), the kernel
#     sources and the test-only servers that ship services (PostgreSQL,
#     keepalived) are downloaded with apt-get download and unpacked with
#     dpkg-deb -x into $IPTO_CACHE (cache.sh), through a private apt
#     configuration there.  Nothing goes to /etc/apt, /boot, /lib/modules
#     or /usr/src, no initramfs is made, no service is started or enabled.
#
# It says what it will install or download before it does.  When all is
# present it only checks, in well under a second.  The cache is checked
# against the archive again when it is a week old (a newer kernel is then
# downloaded and the older one removed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/vm/cache.sh
. "$here/cache.sh"
# shellcheck source=selftests/vm/debian-mirror.sh
. "$here/debian-mirror.sh"

# What the unpacked kernel headers depend on to build a module is among
# these: gcc, libelf, libssl, pahole (dwarves: 6.12's kbuild makes BTF).
HOST_PKGS=(
	build-essential pkg-config kmod cpio xz-utils zstd
	qemu-system-x86 busybox-static
	iproute2 iputils-ping arping ndisc6 procps psmisc python3 nftables
	libmnl-dev libjson-c-dev libcmocka-dev libinih-dev libsodium-dev libsystemd-dev
	libcpg-dev libvotequorum-dev libquorum-dev libcmap-dev libcorosync-common-dev
	sparse cppcheck clang shellcheck
	iperf3 gnuplot-nox curl
	flex bison bc libelf-dev libssl-dev dkms debootstrap
	dwarves
	debhelper dh-dkms lintian
	python3-jsonschema python3-yaml
)
KERNEL_SERIES=(6.1 6.12)
SOURCE_SERIES=(6.1 6.12)
# Unpacked, not installed: each ships a service Debian would enable (and
# PostgreSQL would create a database cluster).  The tests start their own.
# corosync, corosync-qnetd and corosync-qdevice are the membership of
# iptod's corosync mode; prometheus brings promtool, which checks the
# metrics iptod writes.
CACHE_PKGS=(postgresql-15 postgresql-client-15 keepalived corosync corosync-qnetd
	corosync-qdevice prometheus)
MAX_AGE_DAYS=7

APT_DIR=$IPTO_CACHE/apt
export DEBIAN_FRONTEND=noninteractive
host_apt() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
cache_apt() {
	APT_CONFIG=$APT_DIR/apt.conf apt-get -q -y -o APT::Sandbox::User=root "$@"
}
cache_apt_cache() { APT_CONFIG=$APT_DIR/apt.conf apt-cache "$@"; }

missing_host_pkgs() {
	local p status
	declare -A have=()
	while read -r p status; do
		[ "$status" = installed ] && have[$p]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${HOST_PKGS[@]}" 2>/dev/null)
	for p in "${HOST_PKGS[@]}"; do
		[ -n "${have[$p]:-}" ] || echo "$p"
	done
}

cache_complete() {
	local s
	for s in "${KERNEL_SERIES[@]}"; do
		[ -f "$(cache_kernel_dir "$s")/done" ] || return 1
	done
	for s in "${SOURCE_SERIES[@]}"; do
		[ -f "$(cache_source "$s")" ] || return 1
	done
	cache_pkgs_present
}

cache_pkgs_present() { [ "$(cat "$CACHE_ROOT/.done" 2>/dev/null)" = "${CACHE_PKGS[*]}" ]; }

cache_fresh() {
	[ -f "$APT_DIR/resolved" ] &&
		[ -z "$(find "$APT_DIR/resolved" -mtime +$((MAX_AGE_DAYS - 1)))" ]
}

# The private apt: the machine's sources (copied) and bookworm-backports
# from the same mirror, with lists and archives of its own.
cache_apt_setup() {
	local uri f

	mkdir -p "$APT_DIR"/{sources.list.d,lists/partial,archives/partial,cache}
	rm -f "$APT_DIR"/sources.list.d/*
	[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$APT_DIR/sources.list.d/machine.list"
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && cp "$f" "$APT_DIR/sources.list.d/machine-$(basename "$f")"
	done
	uri=$(debian_mirror)
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
		"$uri" /usr/share/keyrings/debian-archive-keyring.gpg \
		>"$APT_DIR/sources.list.d/ipto-bookworm-backports.sources"
	cat >"$APT_DIR/apt.conf" <<-EOF
		Dir::Etc::SourceList "/dev/null";
		Dir::Etc::SourceParts "$APT_DIR/sources.list.d";
		Dir::State::Lists "$APT_DIR/lists";
		Dir::Cache "$APT_DIR/cache";
		Dir::Cache::archives "$APT_DIR/archives";
	EOF
	cache_apt update >"$APT_DIR/update.log" 2>&1 || {
		echo "deps: apt-get update of the private lists failed:" >&2
		tail -n 5 "$APT_DIR/update.log" >&2
		return 1
	}
}

# kernel_packages SERIES: "package=version" of the image, its headers and
# what the headers need from the same build (common headers, kbuild).
# 6.1 is linux-image-amd64's candidate (bookworm and its security
# updates); 6.12 the version of that metapackage in bookworm-backports.
kernel_packages() {
	local ver img hdr dep
	if [ "$1" = 6.1 ]; then
		ver=$(cache_apt_cache policy linux-image-amd64 | awk '$1 == "Candidate:" { print $2 }')
	else
		ver=$(cache_apt_cache madison linux-image-amd64 |
			awk -F'|' '$3 ~ /bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	fi
	case $ver in
	"$1".*) ;;
	*) echo "deps: no $1 kernel among linux-image-amd64's versions (got '$ver')" >&2; return 1 ;;
	esac
	img=$(cache_apt_cache depends "linux-image-amd64=$ver" | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	hdr=${img/linux-image/linux-headers}
	echo "$img=$ver"
	echo "$hdr=$ver"
	for dep in $(cache_apt_cache depends "$hdr=$ver" | awk '$1 ~ /Depends:/ && $2 ~ /^linux-(headers|kbuild)-/ { print $2 }'); do
		echo "$dep=$ver"
	done | sort -u
}

# unpack_debs DIR DEB...: dpkg-deb -x each into DIR.
unpack_debs() {
	local dir=$1 deb
	shift
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir" || return 1
	done
}

# download PKG=VER...: into $APT_DIR/archives; prints the files' paths.
download() {
	(cd "$APT_DIR/archives" && cache_apt download "$@" >&2) || return 1
	local p
	for p in "$@"; do
		ls "$APT_DIR/archives/${p%%=*}_"*.deb | sort -V | tail -n 1
	done
}

# fetch_kernel SERIES PKG=VER...: unpacks them into kernels/SERIES/root,
# and makes the headers' paths point into the cache (Debian's headers name
# /usr/src in their Makefile and /lib/modules/KVER/build).
fetch_kernel() {
	local series=$1 dir new kver debs
	shift
	dir=$(cache_kernel_dir "$series")
	new=$dir.new
	rm -rf "$new" && mkdir -p "$new/root"
	mapfile -t debs < <(download "$@") && unpack_debs "$new/root" "${debs[@]}" || return 1
	kver=$(ls "$new/root/lib/modules")
	[ -d "$new/root/usr/src/linux-headers-$kver" ] || {
		echo "deps: no headers for $kver among $*" >&2; return 1; }
	# The tree's final place: kernels/SERIES/root.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
		"$new/root/usr/src/linux-headers-$kver/Makefile"
	ln -sfn "$dir/root/usr/src/linux-headers-$kver" "$new/root/lib/modules/$kver/build"
	rm -f "$new/root/lib/modules/$kver/source"
	# modules.dep, for the initramfs's modprobe (the package's postinst
	# would run depmod).
	depmod -b "$new/root" "$kver" || return 1
	echo "$kver" >"$new/kernel.release"
	printf '%s\n' "$@" >"$new/packages"
	touch "$new/done"
	rm -rf "$dir" && mv "$new" "$dir"
	rm -f "${debs[@]}"
}

fetch_source() {
	local series=$1 ver tmp deb
	ver=$(cache_apt_cache madison "linux-source-$series" | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
	[ -n "$ver" ] || { echo "deps: no linux-source-$series" >&2; return 1; }
	[ "$(cache_source_version "$series")" = "$ver" ] && return 0
	echo "deps: linux-source-$series=$ver into $IPTO_CACHE/sources/"
	deb=$(download "linux-source-$series=$ver") || return 1
	tmp=$(mktemp -d "$IPTO_CACHE/sources/.unpack.XXXXXX")
	dpkg-deb -x "$deb" "$tmp" &&
	mv "$tmp"/usr/src/linux-source-"$series".tar.xz "$(cache_source "$series")" &&
	echo "$ver" >"$IPTO_CACHE/sources/linux-source-$series.version"
	rm -rf "$tmp" "$deb"
}

# The test-only servers and, from what apt would install with them, the
# packages this machine does not have (their libraries).
fetch_cache_pkgs() {
	local pkgs debs
	mapfile -t pkgs < <({ printf '%s\n' "${CACHE_PKGS[@]}"
		cache_apt install -s --no-install-recommends "${CACHE_PKGS[@]}" |
			awk '$1 == "Inst" && $3 !~ /^\[/ { print $2 }'; } | sort -u)
	echo "deps: unpacking into $CACHE_ROOT (not installed): ${pkgs[*]}"
	rm -rf "$CACHE_ROOT" && mkdir -p "$CACHE_ROOT"
	mapfile -t debs < <(download "${pkgs[@]}") && unpack_debs "$CACHE_ROOT" "${debs[@]}" || return 1
	rm -f "${debs[@]}"
	echo "${CACHE_PKGS[*]}" >"$CACHE_ROOT/.done"
}

enabled_units() {
	systemctl list-unit-files --state=enabled --no-legend 2>/dev/null | awk '{ print $1 }' | sort
}

mapfile -t missing < <(missing_host_pkgs)
if [ ${#missing[@]} -eq 0 ] && cache_complete && cache_fresh; then
	echo "deps: all present (packages installed; kernels, sources and test servers in $IPTO_CACHE)"
	exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing with apt-get (no service among them is enabled or started): ${missing[*]}"
	before=$(enabled_units)
	host_apt update
	host_apt install --no-install-recommends "${missing[@]}"
	after=$(enabled_units)
	if [ "$before" != "$after" ]; then
		echo "deps: installing enabled these units, which this script must not do:" >&2
		comm -13 <(echo "$before") <(echo "$after") >&2
		exit 1
	fi
fi

if cache_complete && cache_fresh; then
	echo "deps: done"
	exit 0
fi
mkdir -p "$IPTO_CACHE/kernels" "$IPTO_CACHE/sources"
if ! cache_apt_setup; then
	# An older cache still works offline; only a missing one is fatal.
	cache_complete && { echo "deps: keeping the cache in $IPTO_CACHE as it is" >&2; exit 0; }
	exit 1
fi
for series in "${KERNEL_SERIES[@]}"; do
	mapfile -t want < <(kernel_packages "$series")
	[ ${#want[@]} -ge 3 ] || exit 1
	have=$(cat "$(cache_kernel_dir "$series")/packages" 2>/dev/null || true)
	if [ -f "$(cache_kernel_dir "$series")/done" ] && [ "$have" = "$(printf '%s\n' "${want[@]}")" ]; then
		continue
	fi
	echo "deps: kernel $series into $(cache_kernel_dir "$series") (unpacked, not installed): ${want[*]}"
	fetch_kernel "$series" "${want[@]}"
done
for series in "${SOURCE_SERIES[@]}"; do
	fetch_source "$series"
done
cache_pkgs_present || fetch_cache_pkgs
touch "$APT_DIR/resolved"
echo "deps: done"

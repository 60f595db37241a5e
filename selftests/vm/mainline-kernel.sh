#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mainline-kernel.sh - the current mainline series for "make check
# KERNELS=mainline": Debian unstable's kernel image and headers, in a
# debootstrapped unstable chroot kept outside the repository, in
# $IPTO_CACHE/unstable (default /var/cache/ipto).  Unstable's headers need
# unstable's compiler, which the chroot has; the machine's own sources are
# never touched.  The chroot is made again when it is a week old, so that
# the series follows unstable.
#
# Prints the chroot's path on stdout; debootstrap's output and its time go
# to debootstrap.log and build-seconds beside it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/vm/cache.sh
. "$here/cache.sh"
cache=$IPTO_CACHE
dir=$cache/unstable
root=$dir/root
MAX_AGE_DAYS=7

# The image, its headers (which pull in the compiler they were built with),
# make, sparse for make lint; kmod runs depmod when the image is unpacked.
# The list is kept in the done marker: a changed list makes a new chroot.
PACKAGES=linux-image-amd64,linux-headers-amd64,make,kmod,sparse

if [ "$(cat "$dir/done" 2>/dev/null)" = "$PACKAGES" ] &&
	[ -z "$(find "$dir/done" -mtime +$((MAX_AGE_DAYS - 1)))" ]; then
	echo "$root"
	exit 0
fi

command -v debootstrap >/dev/null || { echo "mainline-kernel: debootstrap missing (make deps)" >&2; exit 1; }
# shellcheck source=selftests/vm/debian-mirror.sh
. "$here/debian-mirror.sh"
mirror=$(debian_mirror)

rm -rf "$dir"
mkdir -p "$dir"
echo "mainline-kernel: debootstrapping unstable into $dir (log: debootstrap.log)" >&2
start=$(date +%s)
if ! debootstrap --variant=minbase --include="$PACKAGES" \
	unstable "$root" "$mirror" >"$dir/debootstrap.log" 2>&1; then
	echo "mainline-kernel: debootstrap failed, see $dir/debootstrap.log:" >&2
	tail -n 20 "$dir/debootstrap.log" >&2
	exit 1
fi
kver=$(ls "$root/lib/modules")
if [ "$(wc -w <<<"$kver")" -ne 1 ] || [ ! -f "$root/boot/vmlinuz-$kver" ] ||
	[ ! -d "$root/usr/src/linux-headers-$kver" ]; then
	echo "mainline-kernel: expected one kernel with image and headers in $root, found: $kver" >&2
	exit 1
fi
# The headers package leaves out scripts/checker-valid.sh, which Kbuild
# runs before C=1/C=2 to see that sparse works (and otherwise skips sparse
# with a warning).  Stand in for it: sparse must check an empty file cleanly.
checker=$(readlink -f "$root/usr/src/linux-headers-$kver/scripts")/checker-valid.sh
if [ ! -e "$checker" ]; then
	cat >"$checker" <<-'CHECKER'
		#!/bin/sh
		# Written by ipto's mainline-kernel.sh: prints 1 when the checker
		# "$@" (sparse and its flags) checks an empty file without error.
		"$@" /dev/null >/dev/null 2>&1 && echo 1
	CHECKER
	chmod 755 "$checker"
fi
echo $(($(date +%s) - start)) >"$dir/build-seconds"
echo "$kver" >"$dir/kernel.release"
echo "$PACKAGES" >"$dir/done"
echo "mainline-kernel: unstable's kernel is $kver" >&2
echo "$root"

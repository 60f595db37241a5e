#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER OUT [MODULE_TREE] - build the small busybox initramfs
# that boots a kernel far enough to mount the host's root (read-only), the
# project tree (read-write) and the cache (read-only) over 9p, then
# switch_root into the host root and run selftests/vm/guest.sh as PID 1.  MODULE_TREE (a Debian
# kernel's [ROOT]/lib/modules/KVER) says the 9p drivers are modules, found there
# by modprobe; without it the kernel has them built in.
set -euo pipefail

kver=$1
out=$2
modtree=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# modprobe's root: "/" for the machine's kernels, the chroot for one whose
# tree is MODULE_TREE=ROOT/lib/modules/KVER (mainline).
moddir_root=${modtree%/lib/modules/"$kver"}
moddir_root=${moddir_root:-/}

mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,modules}
cp /bin/busybox "$tmp/bin/busybox"
for applet in sh mount mkdir insmod switch_root cat echo sleep readlink; do
	ln -s busybox "$tmp/bin/$applet"
done

# The 9p transport and file system and overlayfs, in dependency order; 6.12 ships
# compressed modules, which busybox insmod cannot read.
: >"$tmp/modules/order"
n=0
[ -z "$modtree" ] || while read -r verb path _; do
	[ "$verb" = insmod ] || continue
	name=$(basename "$path")
	name=${name%.xz}
	name=${name%.zst}
	grep -qx "$name" "$tmp/modules/order" 2>/dev/null && continue
	n=$((n + 1))
	case "$path" in
	*.xz) xz -dc "$path" >"$tmp/modules/$name" ;;
	*.zst) zstd -qdc "$path" >"$tmp/modules/$name" ;;
	*) cp "$path" "$tmp/modules/$name" ;;
	esac
	echo "$name" >>"$tmp/modules/order"
done < <(modprobe -a --show-depends -S "$kver" -C /var/empty -d "$moddir_root" \
	virtio_pci 9pnet_virtio 9p overlay)
if [ -n "$modtree" ] && [ "$n" -eq 0 ]; then
	echo "mkinitramfs: no 9p modules found in $modtree" >&2
	exit 1
fi

cp "$here/initramfs-init" "$tmp/init"
chmod 755 "$tmp/init"
(cd "$tmp" && find . | cpio --quiet -o -H newc) | gzip -1 >"$out"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb_install.sh - the Debian packages from "make deb" install with apt on
# this Debian 12 guest as on a node: ipto-tools puts iptod, iptoctl,
# ipto-probe, their man pages and iptod.service (installed, not enabled)
# in place; ipto-dkms has DKMS build the module for the running kernel,
# and modprobe then loads that build; purging both takes it all away.
#
# The guest's root is the host's, read-only: the test installs into an
# overlay of it, in a mount namespace of its own, and works there through
# chroot.  Its /lib/modules holds only a minimal tree for the running
# kernel (module_tree_minimal), so that DKMS's depmod is quick and DKMS
# builds for this kernel alone.  DKMS compiles in the guest:
# timeout: 900
if [ -z "${IPTO_DEB_MOUNTS:-}" ]; then
	IPTO_DEB_MOUNTS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
skip_unless_kernel_compiler

kver=$(uname -r)
tools_deb=$(ls "$IPTO_SRC"/build/deb/ipto-tools_*_amd64.deb 2>/dev/null | head -n 1)
dkms_deb=$(ls "$IPTO_SRC"/build/deb/ipto-dkms_*_all.deb 2>/dev/null | head -n 1)
if [ -z "$tools_deb" ] || [ -z "$dkms_deb" ]; then
	fail "no packages in build/deb/: make deb (make check makes them)"
	finish
fi
version=$(dpkg-deb -f "$dkms_deb" Version)
info "packages of version $version"
modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip_test "overlayfs is not in this kernel"
module_loaded && rmmod ipto

# Outside TEST_TMP, which lib.sh removes with rm -rf: never through the
# /dev bound into the root.  Unmounted before lib.sh's own cleanup.
rw=/run/ipto-deb-rw
root=/run/ipto-deb-root
unmount_root() { umount -R "$root" 2>/dev/null; umount "$rw" 2>/dev/null; }
trap 'unmount_root; ns_cleanup' EXIT
mkdir -p "$rw" "$root"
mount -t tmpfs tmpfs "$rw"
mkdir "$rw/upper" "$rw/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$rw/upper,workdir=$rw/work" "$root"
for d in proc sys dev; do
	mount --rbind "/$d" "$root/$d"
done
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
# The kernel headers DKMS builds against, and the kernel's modules, are in
# the cache.
mkdir -p "$root$IPTO_CACHE" && mount --bind "$IPTO_CACHE" "$root$IPTO_CACHE"
mkdir -p "$root/lib/modules"
mount -t tmpfs tmpfs "$root/lib/modules"
module_tree_minimal "$root/lib/modules/$kver"
cp "$tools_deb" "$dkms_deb" "$root/tmp/"
node() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

check_refused "ipto-tools is not installed before" "not installed" node dpkg -s ipto-tools
# man-db's trigger would reindex every manual page over 9p, in the install
# and again in the purge (the test took 471 s with it, 240 s without).
# Its postinst reindexes only while this flag file exists: the file is
# what the debconf answer man-db/auto-update=true leaves behind, and
# removing it is what answering false does.
rm -f "$root/var/lib/man-db/auto-update"
start=$(date +%s)
if node apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 \
	"/tmp/${tools_deb##*/}" "/tmp/${dkms_deb##*/}" >"$TEST_TMP/apt.log" 2>&1; then
	pass "apt-get install ipto-tools ipto-dkms ($(($(date +%s) - start)) s)"
else
	fail "apt-get install ipto-tools ipto-dkms"
	tail -n 30 "$TEST_TMP/apt.log" | sed 's/^/#   /'
fi
grep -E '^(Building|Setting up|Processing)|dkms' "$TEST_TMP/apt.log" | head -n 12 | sed 's/^/#   | /'
for p in ipto-tools ipto-dkms; do
	check_eq "$p is installed" "install ok installed" "$(node dpkg-query -W -f='${Status}' $p)"
done
check_eq "iptod reports the package's version" "iptod $version" "$(node iptod --version)"
check_eq "iptoctl reports the package's version" "iptoctl $version" "$(node iptoctl --version)"
check_eq "the unit is installed and not enabled" disabled \
	"$(node systemctl is-enabled iptod.service 2>/dev/null)"
check "the man pages are installed" node test -f /usr/share/man/man8/iptod.8.gz
check_eq "DKMS built the module for $kver" "ipto/$version, $kver, x86_64: installed" \
	"$(node dkms status -m ipto -v "$version" -k "$kver" | sed 's/ (.*//')"
inserted=$(node modprobe -v ipto | awk '$1 == "insmod" && $2 ~ /\/ipto\.ko/ { print $2 }')
check_eq "modprobe loads the DKMS build" "/lib/modules/$kver/updates/dkms/ipto.ko" \
	"$(without_compression "$inserted")"
check "module loaded" module_loaded
check_eq "the loaded module has the package's version" "$version" "$(cat /sys/module/ipto/version)"
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
check "a device on the packaged module" ip -n n1 link add ipto0 link eth0 type ipto
check "the packaged iptoctl reads it" ip netns exec n1 chroot "$root" /usr/sbin/iptoctl show dev ipto0
ip -n n1 link del ipto0
rmmod ipto

if node apt-get purge -y -q -o Dpkg::Use-Pty=0 ipto-tools ipto-dkms >"$TEST_TMP/purge.log" 2>&1; then
	pass "apt-get purge ipto-tools ipto-dkms"
else
	fail "apt-get purge ipto-tools ipto-dkms"
	tail -n 20 "$TEST_TMP/purge.log" | sed 's/^/#   /'
fi
check_refused "iptod is gone" "No such file" node ls /usr/sbin/iptod
check_refused "the DKMS module is gone" "No such file" \
	node ls "/lib/modules/$kver/updates/dkms"
check_refused "the module source is gone" "No such file" node ls "/usr/src/ipto-$version"
unmount_root
finish

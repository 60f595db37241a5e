#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - installed through DKMS, as an operator installs it: "make
# install-dkms" lays out the module's source with its dkms.conf, DKMS
# builds it for this (the guest's) kernel and installs it under
# updates/dkms/, modprobe then loads that build; "dkms remove" takes it
# away again.  (Loading by alias is autoload.sh's: the kernel's modprobe
# helper runs in the first mount namespace, not in this test's.)
#
# The test runs in a mount namespace of its own, over a module tree that
# holds only ipto's dependencies: depmod over the whole tree (on 9p, under
# TCG) would take minutes, and the harness's tree, with the module it
# staged, comes back untouched when the namespace goes.  DKMS compiles the
# module in the guest, which takes minutes under TCG:
# timeout: 900
#
# make check skips it: there deb_install (on the first kernel, this test's
# turn being the second's) installs ipto-dkms, which make install-dkms lays
# out and whose maintainer scripts run the same dkms add, build, install
# and remove; one compile in the guest is enough to catch a regression.
# make check-full runs it on every kernel.
[ "${IPTO_CHECK:-quick}" = full ] ||
	{ echo "# SKIP make check-full only (deb_install runs the same DKMS build)"; exit 4; }
if [ -z "${IPTO_DKMS_MOUNTS:-}" ]; then
	IPTO_DKMS_MOUNTS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
skip_unless_kernel_compiler

kver=$(uname -r)
mods=/lib/modules/$kver
tmp=$TEST_TMP

module_loaded && rmmod ipto
module_tree_minimal "$tmp/modules"
mount --bind "$tmp/modules" "$mods"
depmod -a "$kver"
check_refused "without DKMS there is no ipto module" "not found" modprobe -n ipto

check "make install-dkms lays out the source" \
	make -s --no-print-directory -C "$IPTO_SRC" install-dkms DESTDIR="$tmp/root"
src=$(echo "$tmp"/root/usr/src/ipto-*)
version=${src##*/ipto-}
info "version $version"
check "dkms.conf names that version" grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf"

mkdir -p "$tmp/dkms"
dkms_() { dkms "$1" --dkmstree "$tmp/dkms" --sourcetree "$tmp/root/usr/src" \
	-m ipto -v "$version" -k "$kver" "${@:2}"; }
check "dkms add" dkms_ add
start=$(date +%s)
if dkms_ build >"$tmp/build.log" 2>&1; then
	pass "dkms build for $kver ($(($(date +%s) - start)) s)"
else
	fail "dkms build for $kver"
	sed 's/^/#   /' "$tmp/build.log"
	cat "$tmp/dkms/ipto/$version/build/make.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
fi
check "dkms install" dkms_ install
path=$(modinfo -n ipto)
check_eq "modprobe finds the DKMS build" "$mods/updates/dkms/ipto.ko" "$(without_compression "$path")"
check_eq "its version is the packaged one" "$version" "$(modinfo -F version ipto)"
check_eq "modprobe loads that build" "insmod $path" \
	"$(modprobe -v ipto | grep -o 'insmod [^ ]*ipto\.ko[.a-z]*')"
check "module loaded" module_loaded
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
check "a device on the DKMS build" ip -n n1 link add ipto0 link eth0 type ipto
check "iptoctl reads the device back" in_ns n1 iptoctl show dev ipto0
ip -n n1 link del ipto0
check "rmmod" rmmod ipto

check "dkms remove" dkms_ remove
check_refused "after dkms remove there is no ipto module" "not found" modprobe -n ipto
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build, once, the debug kernel of "make check-debug":
# Debian's linux-source-6.1 with x86_64_defconfig, kvm_guest.config and
# selftests/vm/debug/debug.config (KASAN, kmemleak, lockdep, PROVE_RCU,
# DEBUG_OBJECTS, netns/netdev refcount trackers).  The tree is kept outside
# the repository, in $IPTO_CACHE (default /var/cache/ipto), under a name
# that changes with the source package's version and the config fragment,
# so a changed fragment or a new source package builds a new kernel.
#
# Prints the build tree's path on stdout; the build's own output and its
# time go to build.log and build-seconds in that tree's parent.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/vm/cache.sh
. "$here/cache.sh"
fragment=$here/debug/debug.config
tarball=$(cache_source 6.1)
cache=$IPTO_CACHE

[ -f "$tarball" ] || { echo "debug-kernel: $tarball missing (make deps)" >&2; exit 1; }
version=$(cache_source_version 6.1)
key=$( (echo "$version"; cat "$fragment") | sha256sum | head -c 12)
dir=$cache/debug-6.1-$key
tree=$dir/linux

if [ -f "$dir/done" ]; then
	echo "$tree"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
echo "debug-kernel: building once into $dir (11 to 18 min on 2 cores; log: build.log)" >&2
start=$(date +%s)
{
	echo "debug-kernel: linux-source-6.1 $version, fragment $key"
	# (In a || list errexit is off: every step says how it fails.)
	mkdir -p "$dir/extract"
	tar -C "$dir/extract" -xf "$tarball" || exit 1
	mv "$dir/extract/linux-source-6.1" "$tree" || exit 1
	rmdir "$dir/extract"
	cd "$tree" || exit 1
	make -s x86_64_defconfig kvm_guest.config || exit 1
	scripts/kconfig/merge_config.sh -m .config "$fragment" || exit 1
	make -s LOCALVERSION=-ipto-debug olddefconfig || exit 1
	# Every line of the fragment must have survived olddefconfig: a
	# dependency that is not met silently drops an option.
	missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%=n}
			grep -q "^$opt=" .config && { echo "not off: $line"; missing=1; } ;;
		CONFIG_*) grep -qx "$line" .config || { echo "not set: $line"; missing=1; } ;;
		esac
	done <"$fragment"
	[ "$missing" -eq 0 ] || { echo "debug-kernel: the fragment did not apply"; exit 1; }
	make -j"$(nproc)" LOCALVERSION=-ipto-debug bzImage modules || exit 1
} >"$dir/build.log" 2>&1 || {
	echo "debug-kernel: build failed, see $dir/build.log:" >&2
	tail -n 20 "$dir/build.log" >&2
	exit 1
}
echo $(($(date +%s) - start)) >"$dir/build-seconds"
touch "$dir/done"
# Builds for older fragments or source packages are of no further use.
for old in "$cache"/debug-6.1-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "$tree"

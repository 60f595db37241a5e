# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cache.sh - sourced: where ipto keeps what it fetches for its guests and
# tests, outside the repository and outside every directory the machine's
# package manager owns (/boot, /lib/modules, /usr/src, /etc/apt).
#
#   $IPTO_CACHE/apt/            a private apt: the machine's own sources
#                               plus bookworm-backports, its own lists and
#                               archives; used only to download
#   $IPTO_CACHE/kernels/SERIES/ a Debian kernel (6.1, 6.12): image,
#                               modules, headers and kbuild unpacked under
#                               root/; its release in kernel.release
#   $IPTO_CACHE/sources/        linux-source-SERIES.tar.xz (checkpatch,
#                               the debug kernel, the ynl CLI)
#   $IPTO_CACHE/root/           test-only programs that ship services
#                               (PostgreSQL, keepalived, corosync,
#                               prometheus), unpacked, never installed,
#                               with the libraries the machine lacks for
#                               them
#   $IPTO_CACHE/debug-6.1-*/    the debug kernel (debug-kernel.sh)
#   $IPTO_CACHE/unstable/       the mainline chroot (mainline-kernel.sh)

IPTO_CACHE=${IPTO_CACHE:-/var/cache/ipto}
CACHE_ROOT=$IPTO_CACHE/root

# cache_kernel_dir SERIES: the directory of a cached Debian kernel.
cache_kernel_dir() { echo "$IPTO_CACHE/kernels/$1"; }

# cache_kernel_release SERIES: its release (6.1.0-57-amd64); fails when the
# kernel is not in the cache.
cache_kernel_release() { cat "$(cache_kernel_dir "$1")/kernel.release" 2>/dev/null; }

# cache_source SERIES: the path of a cached linux-source tarball.
cache_source() { echo "$IPTO_CACHE/sources/linux-source-$1.tar.xz"; }

# cache_source_version SERIES: the Debian version of that tarball.
cache_source_version() { cat "$IPTO_CACHE/sources/linux-source-$1.version" 2>/dev/null; }

# A program unpacked under $CACHE_ROOT runs with the libraries unpacked
# beside it: env LD_LIBRARY_PATH="$CACHE_LIBS" "$CACHE_ROOT/usr/sbin/keepalived".
# shellcheck disable=SC2034 # (read by the scripts that source this)
CACHE_LIBS=$CACHE_ROOT/usr/lib/x86_64-linux-gnu:$CACHE_ROOT/lib/x86_64-linux-gnu

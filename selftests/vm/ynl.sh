#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl.sh - the kernel's netlink spec tooling, from Debian's linux-source-6.12
# (make deps puts it in the cache): extracts only Documentation/netlink/*.yaml (the
# spec schemas) and tools/net/ynl/ (the ynl CLI, cli.py, and its Python
# library) into build/ynl/.  Cached: the tarball is read again only when
# build/ynl/ lacks a file or the tarball is newer than the last extraction.
# Prints the directory.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/vm/cache.sh
. "$TOP/selftests/vm/cache.sh"
YNL=$TOP/build/ynl
STAMP=$YNL/.extracted

tarball=$(cache_source 6.12)
if [ ! -f "$tarball" ]; then
	echo "ynl: no $tarball (make deps puts it there)" >&2
	exit 1
fi

if [ -f "$STAMP" ] && [ ! "$tarball" -nt "$STAMP" ] &&
   [ -f "$YNL/Documentation/netlink/genetlink-legacy.yaml" ] &&
   [ -f "$YNL/tools/net/ynl/cli.py" ] && [ -f "$YNL/tools/net/ynl/lib/nlspec.py" ]; then
	echo "$YNL"
	exit 0
fi

rm -rf "$YNL" && mkdir -p "$YNL"
top=$(basename "$tarball")
top=${top%%.tar.*}	# Debian's tarball holds linux-source-6.12/
# '*' must not match '/': the schemas only, not Documentation/netlink/specs/.
tar -xf "$tarball" -C "$YNL" --strip-components=1 --wildcards --no-wildcards-match-slash \
	"$top/Documentation/netlink/*.yaml" "$top/tools/net/ynl"
for f in Documentation/netlink/genetlink-legacy.yaml tools/net/ynl/cli.py tools/net/ynl/lib/nlspec.py; do
	[ -f "$YNL/$f" ] || { echo "ynl: $tarball has no $f" >&2; exit 1; }
done
echo "$tarball" >"$STAMP"
echo "$YNL"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pg-template.sh - the PostgreSQL database cluster client_psql starts its
# two servers from, made on the host by initdb from the PostgreSQL that
# make deps unpacked into the cache, as build/pg-template.tar (owned by
# nobody, as the servers run).  Under TCG initdb alone took 24 to 60 s of
# the guest's one CPU, on each kernel; here it takes a few seconds, once.
# Nothing to do when the tarball is newer than initdb and this script.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/vm/cache.sh"

PG_BIN=$CACHE_ROOT/usr/lib/postgresql/15/bin
out=$TOP/build/pg-template.tar
if [ ! -x "$PG_BIN/initdb" ]; then
	echo "pg-template: no PostgreSQL 15 in the cache ($PG_BIN): make deps" >&2
	exit 1
fi
[ "$out" -nt "$PG_BIN/initdb" ] && [ "$out" -nt "$0" ] && exit 0

# initdb refuses to run as root: as nobody, in a directory of its own
# under /tmp (nobody may not reach the repository's build/).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/data"
chown nobody:nogroup "$work/data"
setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	env LD_LIBRARY_PATH="$CACHE_LIBS" "$PG_BIN/initdb" -D "$work/data" \
	--auth=trust -U postgres --locale=C -E UTF8 --no-sync --no-instructions \
	>"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
# --auth=trust covers local and loopback connections only: the LAN too.
echo "host all postgres 10.0.0.0/24 trust" >>"$work/data/pg_hba.conf"
mkdir -p "$TOP/build"
tar -C "$work/data" --numeric-owner -cf "$out.new" .
mv "$out.new" "$out"
echo "pg-template: $out ($(du -h "$out" | cut -f1))"

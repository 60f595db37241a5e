#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# client_psql.sh - an unmodified psql (libpq) with the host list
# [VIP1, VIP2] fails over through ipto: three nodes run iptod (reject
# action); PostgreSQL runs on node 1 and node 2, each on its home address.
# After node 1's LAN port goes dark, node 2 adopts VIP1 and refuses the
# client's SYN there with a RST; libpq moves on to VIP2 at once, long before
# its connect_timeout.  The control: the same client, with node 1's failover
# off, waits for its connect timeout on VIP1.  See helpers/client_failover.sh.
# First, a session blocked in pg_sleep(60) when node 1 goes dark is reset
# through iptod's connection sync (waiting_session below).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/client_failover.sh"

. "$IPTO_SRC/selftests/vm/cache.sh"

# PostgreSQL 15 as make deps unpacked it into the cache (not installed: no
# postgres user, no service, no database cluster); the servers run as
# nobody.
PG_BIN=$CACHE_ROOT/usr/lib/postgresql/15/bin
if [ ! -x "$PG_BIN/postgres" ] || [ ! -x "$PG_BIN/psql" ]; then
	fail "PostgreSQL 15 is not in the cache ($PG_BIN: make deps)"
	finish
fi
PG_ENV=(env LD_LIBRARY_PATH="$CACHE_LIBS")
PG_DIR=$TEST_TMP/pg
ASK_TIMEOUT=10
# libpq 15 counts its connect_timeout in whole seconds from time(): a
# timeout of N seconds waits more than N - 1 and at most N seconds.
CONTROL_TIMEOUT=3
CONTROL_MIN_MS=2000

AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)

# ask TIMEOUT ADDR...: psql connects with that host list and says which
# address and which server (its cluster_name) answered.
ask() {
	local timeout=$1 hosts
	shift
	hosts=$(IFS=,; echo "$*")
	in_ns client "${PG_ENV[@]}" "$PG_BIN/psql" -X -At -F ' ' \
		"host=$hosts port=5432 user=postgres dbname=postgres connect_timeout=$timeout" \
		-c "select inet_server_addr(), current_setting('cluster_name')"
}

t_setup=$(date +%s%N)
check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"

# The servers' data: one database cluster, which initdb made on the host
# (selftests/vm/pg-template.sh: under TCG initdb takes up to a minute),
# unpacked for node 1 and copied for node 2 (a copy in memory is quicker
# than a second read of the tarball over 9p).
chmod 711 "$TEST_TMP"
mkdir "$PG_DIR" && chown nobody:nogroup "$PG_DIR"
mkdir -m 700 "$PG_DIR/node1"
check "the database cluster from the host's initdb (build/pg-template.tar)" \
	tar -C "$PG_DIR/node1" --numeric-owner -xf "$IPTO_SRC/build/pg-template.tar"
cp -a "$PG_DIR/node1" "$PG_DIR/node2"
for i in 1 2; do
	in_ns node$i "${AS_NOBODY[@]}" "${PG_ENV[@]}" "$PG_BIN/postgres" -D "$PG_DIR/node$i" \
		-c listen_addresses=10.0.0.1$i -c port=5432 \
		-c unix_socket_directories="$PG_DIR/node$i" -c cluster_name=node$i \
		-c shared_buffers=16MB -c max_connections=10 -c fsync=off -c autovacuum=off \
		-c huge_pages=off >"$PG_DIR/node$i.log" 2>&1 &
done
for i in 1 2; do
	if wait_for 60 in_ns client "${PG_ENV[@]}" "$PG_BIN/pg_isready" -q -h 10.0.0.1$i -p 5432 -t 2; then
		pass "PostgreSQL on node $i is ready at 10.0.0.1$i"
	else
		fail "PostgreSQL on node $i is ready at 10.0.0.1$i"
		tail -n 5 "$PG_DIR/node$i.log" | while read -r line; do info "  postgres $i: $line"; done
	fi
done
check "three nodes running iptod settle" wait_for 30 iptod_settled
info "setup (cluster, initdb, two servers): $((($(date +%s%N) - t_setup) / 1000000)) ms"

# A session that only waits: psql on node 1 blocked in pg_sleep(60), so
# it sends nothing after the cut.  Node 1 syncs the connection to its
# standby nodes; node 2 adopts VIP1 and tickles the client, whose libpq
# gets a reset and reports the lost connection, within the failover time
# (cut to node 2 holding VIP1) plus 1 s.  The same host list then
# reconnects through VIP2.
waiting_session() {
	local out=$TEST_TMP/pg_sleep t_cut end rc ms failover_ms
	(
		in_ns client "${PG_ENV[@]}" "$PG_BIN/psql" -X -At \
			"host=10.0.0.11,10.0.0.12 port=5432 user=postgres dbname=postgres connect_timeout=$ASK_TIMEOUT" \
			-c "select pg_sleep(60)" >"$out.stdout" 2>"$out.stderr"
		echo "exit $? ${EPOCHREALTIME//[!0-9]/}" >"$out"
	) &
	check "node 1 syncs the waiting session to node 2" \
		wait_for 30 status_is 2 "conn_sync.from.1=1 connections"
	check "the session is in pg_sleep on node 1" wait_for 10 \
		test "$(in_ns client ss -Htn state established '( dport = :5432 )' | wc -l)" = 1
	t_cut=${EPOCHREALTIME//[!0-9]/}
	cut 1
	failover_ms=$(held_ms_after 2 "$t_cut")
	check "node 2 holds VIP1 ($failover_ms ms after the cut)" status_is 2 held=1
	wait_for 10 test -s "$out"
	read -r _ rc end <"$out" 2>/dev/null
	check "psql fails: it lost its connection (exit status ${rc:-none})" test "${rc:-0}" = 2
	while read -r line; do info "  psql: $line"; done <"$out.stderr"
	if [ -n "${end:-}" ]; then
		ms=$(((end - t_cut) / 1000))
		echo "# measure: pg_sleep_session_ended_ms=$ms failover_ms=$failover_ms"
		check_timing "psql's error within the failover time plus 1 s ($ms ms after the cut, failover $failover_ms ms)" \
			test "$ms" -le $((failover_ms + 1000))
	fi
	check_eq "the host list reconnects through VIP2" "10.0.0.12 node2" \
		"$(ask "$ASK_TIMEOUT" 10.0.0.11 10.0.0.12 2>/dev/null)"
	heal 1
	check "the cluster settles after the heal" wait_for 30 iptod_settled
	check "after the failback, node 1 answers at VIP1 again" \
		wait_for 20 answers "10.0.0.11 node1" "$ASK_TIMEOUT" 10.0.0.11 10.0.0.12
}

waiting_session
client_failover_run
finish

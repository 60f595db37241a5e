#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_conn_sync.sh - clients that only wait learn of a takeover: three
# nodes run iptod with connection sync at its default (conn_sync_ms 500).
# A client holds idle connections, each blocked in recv() after data went
# both ways: two to node 1 (10.0.0.11 and fd00::11) and one to node 2
# (10.0.0.12, the control).  Node 1 syncs its two to its standby nodes
# (2 and 3); then its LAN port goes dark without a goodbye.  Node 2 adopts
# node 1's addresses and tickles the synced connections: both recv()s end
# with ECONNRESET within the failover time (cut to node 2 holding the
# addresses, as its status file shows) plus 1 s, while the control stays
# established.  The client's tcp_invalid_ratelimit and challenge-ACK
# limit are the kernel's defaults.  Then forged sync datagrams, one from a
# stranger and one from node 1's heartbeat address with a wrong MAC, are
# refused and counted by node 3 and change no list.  (Replays, gaps, every
# altered bit and lists over the bound: selftests/unit/conn_sync_test.)
# Last, a connection opened after node 1's last sync (its sync datagrams
# dropped by nft from then on) is reset at its next write after a cut.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"

LIMIT_S=60		# the client's safety limit on each recv()
OUT=$TEST_TMP/client

# ended LABEL: the client's recv() on connection LABEL has ended.
ended() { grep -q "^end $1 " "$OUT"; }
port_of() { awk -v l="$1" '$1 == "conn" && $2 == l { print $3 }' "$OUT"; }
established() { [ -n "$(in_ns client ss -Htn state established "( sport = :$1 )")" ]; }
# synced I N: node I holds N connections of node 1.
synced() { status_is "$1" "conn_sync.from.1=$2 connections"; }

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled

in_ns client python3 -S "$IPTO_SRC/selftests/helpers/idle_client.py" "$LIMIT_S" \
	"$CLUSTER_PORT" v4=10.0.0.11 v6=fd00::11 control=10.0.0.12 >"$OUT" 2>&1 &
check "the client's three connections are open and idle" wait_for 60 grep -q '^ready$' "$OUT"
check "node 1 reports its two connections" wait_for 10 status_is 1 "conn_sync.local=2"
check "node 2 has node 1's two connections" wait_for 10 synced 2 2
check "node 3 has node 1's two connections" wait_for 10 synced 3 2
check "node 1 has node 2's control connection (node 1 is on node 2's standby list)" \
	wait_for 10 status_is 1 "conn_sync.from.2=1 connections"

t_cut=${EPOCHREALTIME//[!0-9]/}
cut 1
failover_ms=$(held_ms_after 2 "$t_cut")
check "node 2 holds node 1's addresses ($failover_ms ms after the cut)" status_is 2 held=1

for label in v4 v6; do
	wait_for 10 ended "$label"
	read -r _ _ what end_us _ <<<"$(grep "^end $label " "$OUT")"
	check_eq "$label: the idle client's recv() ends with ECONNRESET" reset \
		"${what:-nothing: still blocked 10 s later}"
	if [ "$what" = reset ]; then
		ms=$(((end_us - t_cut) / 1000))
		echo "# measure: $label cut_to_econnreset_ms=$ms failover_ms=$failover_ms"
		check_timing "$label: ... within the failover time plus 1 s ($ms ms after the cut, failover $failover_ms ms)" \
			test "$ms" -le $((failover_ms + 1000))
	fi
done
check "the control connection to node 2 is still established" \
	established "$(port_of control)"
check "the control's recv() has not ended" test -z "$(grep '^end control ' "$OUT")"
tickled=$(status_of 2 conn_sync.tickled)
check "node 2 sent tickles (conn_sync.tickled=$tickled)" test "${tickled:-0}" -ge 2

# Forged sync: from a stranger, and from node 1's heartbeat address with
# a MAC under another key.  Node 3 refuses both; its list of node 1's
# connections (node 1 still has its two: it never heard of the resets) is
# as it was.
heal 1
check "the cluster settles after the heal" wait_for 30 iptod_settled
# refused_more REASON N: node 3 refused more than N for REASON (read anew
# at each try of wait_for).
refused_more() { [ "$(status_of 3 "conn_sync.refused.$1")" -gt "$2" ]; }
before_unknown=$(status_of 3 conn_sync.refused.unknown_node)
before_mac=$(status_of 3 conn_sync.refused.bad_mac)
before_list=$(status_of 3 conn_sync.from.1)
forge() {
	in_ns "$1" python3 -S -c '
import socket, struct, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
# DATA, one entry: node 1 -> node 3, boot/stream/seq 1, a made-up connection
hdr = b"IPTC" + struct.pack("!BBHIIQQQ", 1, 1, 1, 1, 3, 1 << 40, 1, 1)
entry = struct.pack("!BBHHH", 1, 4, 0, 7000, 40000) + bytes([10, 0, 0, 11]) + bytes(12) \
	+ bytes([10, 0, 0, 200]) + bytes(12)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.sendto(hdr + entry + bytes(32), (dst, port))
' "$2" 10.0.0.3 7410
}
forge client 10.0.0.100
forge node1 10.0.0.1
check "node 3 refuses the stranger's (unknown_node)" \
	wait_for 10 refused_more unknown_node "${before_unknown:-0}"
check "node 3 refuses node 1's forgery (bad_mac)" \
	wait_for 10 refused_more bad_mac "${before_mac:-0}"
check_eq "node 3's list of node 1 is as it was" "$before_list" "$(status_of 3 conn_sync.from.1)"

# A connection opened after node 1's last sync: from here on node 1's sync
# datagrams (UDP to the heartbeat port whose payload starts "IPTC") are
# dropped on their way out, while its heartbeats pass.  After the cut node
# 2 has nothing to tickle that connection with: its client learns of the
# takeover at its next write, as every client does without sync.
in_ns node1 nft -f - <<-'NFT'
	table inet nosync {
		chain out {
			type filter hook output priority 0;
			udp dport 7410 @th,64,32 0x49505443 counter drop
		}
	}
NFT
# (awk, not cut: lib.sh's cut() cuts a node's port.)
dropped() {
	in_ns node1 nft list table inet nosync |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
dropped_more_than() { [ "$(dropped)" -gt "$1" ]; }
local_before=$(status_of 1 conn_sync.local)
synced_before=$(status_of 2 conn_sync.from.1)
mkfifo "$TEST_TMP/late.go"
in_ns client python3 -S -c '
import socket, sys, time
port, go = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("10.0.0.11", port), timeout=10)
s.recv(100)	# the banner
print("ready", flush=True)
open(go).readline()	# the test says when to write
t0 = time.monotonic()
try:
    s.sendall(b"x\n")
    print("end data" if s.recv(100) else "end closed", flush=True)
except ConnectionResetError:
    print("end reset %d" % ((time.monotonic() - t0) * 1000), flush=True)
except OSError as e:
    print("end error-%s" % e.errno, flush=True)
' "$CLUSTER_PORT" "$TEST_TMP/late.go" >"$TEST_TMP/late" 2>&1 &
check "a late connection to 10.0.0.11 is open" wait_for 30 grep -q '^ready' "$TEST_TMP/late"
check "node 1 lists it ($((local_before + 1)) connections)" \
	wait_for 10 status_is 1 "conn_sync.local=$((local_before + 1))"
drops=$(dropped)
check "node 1's next sync datagram is dropped" wait_for 10 dropped_more_than "$drops"
check_eq "node 2's list of node 1 is as it was: the late connection is not synced" \
	"$synced_before" "$(status_of 2 conn_sync.from.1)"
t_cut=${EPOCHREALTIME//[!0-9]/}
cut 1
failover_ms=$(held_ms_after 2 "$t_cut")
check "node 2 holds node 1's addresses ($failover_ms ms after the cut)" status_is 2 held=1
echo go >"$TEST_TMP/late.go"
check "the late client's write is answered" wait_for 10 grep -q '^end ' "$TEST_TMP/late"
read -r _ what ms <<<"$(grep '^end ' "$TEST_TMP/late")"
check_eq "... with a reset: the client learns at its next write" reset "$what"
echo "# measure: late_connection_write_to_reset_ms=${ms:-}"
in_ns node1 nft delete table inet nosync
heal 1
check "the cluster settles after the heal" wait_for 30 iptod_settled
check "no sanitizer reports" no_sanitizer_reports
finish

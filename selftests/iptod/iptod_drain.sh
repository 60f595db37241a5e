#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_drain.sh - planned switchover without a failed request.  Three
# nodes run iptod; node 1 has drain_timeout_ms = 4000.  Two clients with
# the address list [10.0.0.11, 10.0.0.12] (ipto-probe, every 100 ms): one
# opens a new connection per request, the other keeps one connection.
# SIGUSR1 puts node 1 into drain: its home addresses refuse new connections
# (the first client's SYN gets a reset and it moves to 10.0.0.12 within the
# request; IPv6 and UDP are refused too) while the kept connection is
# served on.  show and monitor report the progress.  The kept connection
# holds the drain until drain_timeout_ms runs out; then node 1 hands over,
# node 2 adopts its addresses and resets the kept connection, which moves
# on.  Neither client has a failed request; the kept one has its first
# error only at the handover.  SIGUSR2 ends the drain and node 1 serves
# again.  Then the iptoctl form: `node set ... state drain` on node 1 with
# no connections left hands over at the first count (within 1.5 s), and
# `state up` ends it.  DAD, the reply limit and the client's TCP settings
# are the defaults.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"

DRAIN_MS=4000
PROBE=$IPTO_SRC/userland/probe/ipto-probe
IPTOD_CLUSTER_EXTRA[1]="drain_timeout_ms = $DRAIN_MS"
A=$TEST_TMP/connect.json
B=$TEST_TMP/keep.json

# served_count FILE: attempts served so far.
served_count() { grep -c '"result":"served"' "$1"; }
served_some() { [ "$(served_count "$1")" -ge "$2" ]; }
# drain_shown: node 1's show has its drain progress.
drain_shown() {
	in_ns node1 iptoctl show dev ipto0 | grep -Eq 'node 1 n1: drain \(connections left [0-9]+, hands over in [0-9]+ ms'
}
# summary FILE KEY: a field of the probe's summary line.
summary() {
	python3 -S -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "summary" in o: print(o["summary"][sys.argv[2]])' "$1" "$2"
}
# errors_of FILE: the probe's errors, a "TIME ERROR ADDR" line each.
errors_of() {
	python3 -S -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("result") == "error": print("%.3f %s %s" % (o["time"], o["error"], o["addr"]))' "$1"
}

both_served() { served_some "$A" 5 && served_some "$B" 5; }
kept_served() { [ -z "$(errors_of "$B")" ] && served_some "$B" 20; }
kept_moved() { [ -n "$(errors_of "$B")" ]; }
connect_refused() { errors_of "$A" | grep -q "ECONNREFUSED 10.0.0.11:"; }
# refused ADDR: a new TCP connection from the client to ADDR gets a reset.
refused() { [[ $(in_ns client ipto-connect "$1" "$CLUSTER_PORT" 2) == refused* ]]; }
no_conns_on_node1() { [ -z "$(in_ns node1 ss -Htn state established)" ]; }
udp_refused() {
	in_ns client "$PROBE" -j -u -c 1 -t 1000 "10.0.0.11:$CLUSTER_PORT" |
		grep -q '"error":"ECONNREFUSED"'
}

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
in_ns node1 iptoctl monitor >"$TEST_TMP/monitor" 2>&1 &
# (ip netns exec execs the probe: $! is the probe, which SIGTERM ends
# with its summary.)
ip netns exec client "$PROBE" -j -i 100 -t 2000 "10.0.0.11:$CLUSTER_PORT" "10.0.0.12:$CLUSTER_PORT" \
	>"$A" 2>&1 &
probe_a=$!
ip netns exec client "$PROBE" -j -k -r 'x\n' -i 100 -t 2000 "10.0.0.11:$CLUSTER_PORT" \
	"10.0.0.12:$CLUSTER_PORT" >"$B" 2>&1 &
probe_b=$!
check "both clients are served" wait_for 30 both_served
check_eq "neither client saw an error before the drain" "" "$(errors_of "$A"; errors_of "$B")"

t_drain=${EPOCHREALTIME//[!0-9]/}
kill -USR1 "${IPTOD_PID[1]}"
check "node 1 drains (status drain=on)" wait_for 5 status_is 1 drain=on
check "show reports node 1's drain with connections left" wait_for 5 drain_shown
info "$(in_ns node1 iptoctl show dev ipto0 | grep 'node 1 ')"
check "a new IPv6 connection to node 1 is refused" \
	refused fd00::11
check "UDP to node 1 gets port unreachable" \
	udp_refused
check "the kept connection is still served by node 1 during the drain" \
	kept_served

handover_ms=$(held_ms_after 2 "$t_drain")
echo "# measure: drain_to_handover_ms=$handover_ms drain_timeout_ms=$DRAIN_MS"
check "node 2 holds node 1's addresses after the drain ($handover_ms ms)" status_is 2 held=1
check "node 1 handed over when drain_timeout_ms ran out, not before ($handover_ms ms)" \
	test "$handover_ms" -ge "$DRAIN_MS"
check_timing "... and within 2 s of it" test "$handover_ms" -le $((DRAIN_MS + 2000))
check "node 1's drain is done" wait_for 5 status_is 1 drain=done
check "the kept client moved on" wait_for 10 kept_moved
nap 1	# both clients go on through the handover: a second of requests after it
kill -TERM "$probe_a" "$probe_b"
wait "$probe_a" "$probe_b"

info "connect client's errors: $(errors_of "$A" | awk '{ print $2 "@" $3 }' | sort | uniq -c | tr -s ' \n' ' ')"
info "kept client's errors: $(errors_of "$B" | tr '\n' ' ')"
check_eq "the connect client has no failed request" 0 "$(summary "$A" failed)"
check "... it was refused by node 1 during the drain and moved on" \
	connect_refused
check_eq "the kept client has no failed request" 0 "$(summary "$B" failed)"
read -r first_s first_err _ <<<"$(errors_of "$B" | head -n 1)"
first_ms=$(python3 -S -c "print(int((float('$first_s') * 1e6 - $t_drain) / 1000))")
echo "# measure: kept_connection_reset_ms_after_drain=$first_ms"
check_eq "the kept connection's first error is a reset" ECONNRESET "$first_err"
check "... and it came at the handover, not before ($first_ms ms after the drain began)" \
	test "$first_ms" -ge "$DRAIN_MS"
check "monitor reported node 1's drain and its progress" \
	grep -Eq '^ipto0: node 1 drain: connections left [0-9]+, hands over in [0-9]+ ms at most' \
	"$TEST_TMP/monitor"

kill -USR2 "${IPTOD_PID[1]}"
check "SIGUSR2 ends the drain (status drain=off)" wait_for 5 status_is 1 drain=off
check "node 1 serves 10.0.0.11 again" wait_for 20 serves 10.0.0.11 node1

# The iptoctl form, on node 1's own table, with no connections left.
# Node 1's echo service still holds the kept connection (node 2 reset its
# client; node 1 never heard of it), which would count until
# drain_timeout_ms: the service restarts first, as after maintenance.
kill "${ECHO_PID[1]}"
echo_start 1
check "node 1's echo service listens again" wait_for 30 echo_listening 1
check "node 1 has no established connection left" wait_for 10 no_conns_on_node1
t_drain=${EPOCHREALTIME//[!0-9]/}
check "iptoctl node set ... state drain on node 1" \
	in_ns node1 iptoctl node set dev ipto0 id 1 state drain
check "iptod follows, and with no connections the drain is done at once" \
	wait_for 5 status_is 1 drain=done
ms=$(((${EPOCHREALTIME//[!0-9]/} - t_drain) / 1000))
echo "# measure: drain_without_connections_done_ms=$ms"
check_timing "... within 1.5 s, long before drain_timeout_ms ($ms ms)" test "$ms" -le 1500
check "node 2 holds node 1's addresses" wait_for 10 status_is 2 held=1
check "a new connection to 10.0.0.11 is refused by node 2, which holds it" \
	wait_for 10 refused 10.0.0.11
check "iptoctl node set ... state up ends it" \
	in_ns node1 iptoctl node set dev ipto0 id 1 state up
check "iptod follows (status drain=off)" wait_for 5 status_is 1 drain=off
check "node 1 serves 10.0.0.11 again" wait_for 20 serves 10.0.0.11 node1
check "no sanitizer reports" no_sanitizer_reports
finish

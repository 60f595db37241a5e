#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# takeover_reject.sh - the heart of ipto, with the kernel's own TCP/UDP
# stack as the client.  Node 1 serves 10.0.0.11 and fd00::11 (TCP and UDP);
# the client holds connections open; node 1 is cut off without a word;
# node 2 adopts both addresses.  Then, for each family: a new connect fails
# with ECONNREFUSED in under 100 ms, the open connection gets ECONNRESET at
# its next write within a second (while, before the adoption, a write saw
# nothing but silence: the control case), connected UDP gets ECONNREFUSED,
# and the client's neighbour entry holds node 2's MAC.
. "$(dirname "$0")/../lib.sh"

PORT=7000
check "modprobe ipto" modprobe ipto
standby_and_client
lan_new node1
lan_addrs 1 node1
ip -n node1 addr add 10.0.0.11/24 dev eth0
ip -n node1 addr add fd00::11/64 dev eth0
dad_settled node1

in_ns node1 python3 -S "$IPTO_SRC/selftests/helpers/echo_server.py" $PORT node1 >/dev/null &
check "service up on node 1" wait_for 20 sh -c "ip netns exec client ipto-connect 10.0.0.11 $PORT 1 | grep -q '^ok'"

run=$(mktemp -d)
for addr in 10.0.0.11 fd00::11; do
	mkdir "$run/$addr"
	in_ns client python3 -S "$IPTO_SRC/selftests/helpers/client.py" open "$run/$addr" "$addr" $PORT &
done
check "client connections open" wait_for 20 test -e "$run/10.0.0.11/ready" -a -e "$run/fd00::11/ready"

# Power cut: node 1's port on the LAN goes dark, nobody is told.
ip -n lan link set lan-node1 down
touch "$run/10.0.0.11/cut" "$run/fd00::11/cut"
check "control writes done" wait_for 10 test -e "$run/10.0.0.11/control-done" -a -e "$run/fd00::11/control-done"

check "node 2 adopts 10.0.0.11" in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
check "node 2 adopts fd00::11" in_ns node2 iptoctl adopt dev ipto0 addr fd00::11 from 1
touch "$run/10.0.0.11/adopted" "$run/fd00::11/adopted"
check "results" wait_for 20 test -e "$run/10.0.0.11/result" -a -e "$run/fd00::11/result"

# icmp_counters NS: namespace NS's non-zero ICMP and UDP counters (absolute;
# nstat's history is left alone), for a failed check.
icmp_counters() {
	info "$1: $(in_ns "$1" nstat -as | awk '/Icmp|RateLimit|Udp/ { printf "%s=%s ", $1, $2 }')"
}

node2_mac=$(mac_of node2 eth0)
for addr in 10.0.0.11 fd00::11; do
	res=$(cat "$run/$addr/result")
	info "$addr: $(echo $res)"
	read -r _ control_out _ <<<"$(grep '^control' <<<"$res")"
	read -r _ write_out write_ms <<<"$(grep '^write' <<<"$res")"
	read -r _ udp_out udp_ms <<<"$(grep '^udp' <<<"$res")"
	check_eq "$addr: before adoption a write meets silence (control)" none "$control_out"
	check_eq "$addr: open connection gets ECONNRESET at its next write" reset "$write_out"
	check_timing "$addr: ... within 1000 ms (took $write_ms ms)" awk "BEGIN { exit !($write_ms < 1000) }"
	check_eq "$addr: connected UDP gets ECONNREFUSED" refused "$udp_out"
	[ "$udp_out" = refused ] || { icmp_counters node2; icmp_counters client; }
	read -r out ms _ <<<"$(in_ns client ipto-connect "$addr" $PORT 5)"
	check_eq "$addr: new connect gets ECONNREFUSED" refused "$out"
	check_timing "$addr: ... in under 100 ms (took $ms ms)" awk "BEGIN { exit !($ms < 100) }"
	echo "# measure: $addr connect_refused_ms=$ms write_reset_ms=$write_ms udp_refused_ms=$udp_ms"
	check_eq "$addr: client's neighbour entry holds node 2's MAC" "$node2_mac" \
		"$(ip -n client neigh show "$addr" dev eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')"
done

# The counters saw it all.
json=$(in_ns node2 iptoctl -j show dev ipto0)
info "$json"
check "counters count RSTs and ICMP per address" python3 -S -c '
import json, sys
d = json.loads(sys.argv[1])[0]
addrs = {a["address"]: a["stats"] for a in d["addresses"]}
for a in ("10.0.0.11", "fd00::11"):
    s = addrs[a]
    assert s["rst"] >= 2 and s["icmp"] >= 1, (a, s)
    assert s["matched"] >= s["rst"] + s["icmp"] + s["dropped"] + s["passed"] + s["suppressed"], (a, s)
' "$json"
rm -rf "$run"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_big_node.sh - a node with 16,384 home addresses (the most a node
# has, more than one netlink attribute holds): added in several nests,
# listed whole by a dump that continues the node over several messages,
# and adopted whole by its standby when it goes down, as one batch whose
# ADOPTED events come packed (many to a datagram), then released when it
# returns.  Before it,
# NODE_GET dumps of small nodes that end anywhere in a dump buffer.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n2
ip -n n2 link add eth0 type veth peer name eth1
ip -n n2 link set eth0 up
ip -n n2 link set eth1 up
ip -n n2 link add ipto0 link eth0 type ipto
in_ns n2 iptoctl set dev ipto0 announce_count 1
node_py() {
	in_ns n2 python3 -S -c "
import ipaddress, sys
sys.path.insert(0, '$IPTO_SRC/selftests/helpers')
import ipto_genl as g
nl = g.Genl()
$1"
}
check "node 2 (self)" in_ns n2 iptoctl node add dev ipto0 id 2 name two addr 10.9.255.254 self
# A node's first message in a NODE_GET dump is never sent twice, wherever
# the dump's message buffer ends (it once was when the message's header
# fit and its first address did not).
check "NODE_GET lists each node once, wherever a dump buffer ends" \
	in_ns n2 python3 -S "$IPTO_SRC/selftests/helpers/node_dump_sweep.py" ipto0 210
N=16384
check "node 1 with $N addresses" node_py "
g.node_add(nl, 'ipto0', 1, 'one', [ipaddress.IPv4Address('10.9.0.1') + i for i in range($N)], standby=(2,))"
count_node_addrs() {
	in_ns n2 iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
n = [x for x in json.load(sys.stdin)[0]["nodes"] if x["id"] == 1][0]
print(len(set(n["addresses"])), n["addresses"][0], n["addresses"][-1])'
}
check_eq "the dump lists all $N, each once" "$N 10.9.0.1 10.9.64.0" "$(count_node_addrs)"
# events_start TYPE: counts N events of TYPE (ADOPTED, RELEASED) in the
# background; events_end TYPE: its verdict, "events E datagrams D".
ready_line() { local l; read -r l && [ "$l" = ready ]; }
events_start() {
	coproc EVENTS { in_ns n2 python3 -S "$IPTO_SRC/selftests/helpers/event_count.py" "$1" $N 60; }
	check "listening for $1 events" ready_line <&"${EVENTS[0]}"
}
events_end() {
	local line="" ev dg
	read -r -t 90 -u "${EVENTS[0]}" line
	wait "$EVENTS_PID"
	info "$1 events: ${line:-none}"
	read -r _ ev _ dg <<<"$line"
	check_eq "all $N $1 events" $N "$ev"
	check "$1 events packed: ${dg:-?} datagrams, at most $((N / 20))" [ "${dg:-$N}" -le $((N / 20)) ]
}
events_start ADOPTED
check "node 1 down" in_ns n2 iptoctl node set dev ipto0 id 1 state down
events_end ADOPTED
check_eq "node 2 adopted all $N" $N \
	"$(in_ns n2 iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)[0]["addresses"]))')"
events_start RELEASED
check "node 1 up" in_ns n2 iptoctl node set dev ipto0 id 1 state up
events_end RELEASED
check_eq "all released" 0 \
	"$(in_ns n2 iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)[0]["addresses"]))')"
finish

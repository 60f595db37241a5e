#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the story "make demo" tells, run inside the guest: two
# nodes and a client on one LAN (namespaces on a bridge).  Node 1 serves on
# 10.0.0.11, node 2 on 10.0.0.12; the client's list is [10.0.0.11,
# 10.0.0.12].  Node 1 loses power; without ipto the client waits; node 2
# adopts 10.0.0.11 and the client is refused at once and moves on.
set -u
. "$(dirname "$0")/../lib.sh"

PORT=7000
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# The client: try each address of the list in turn, 3 s timeout each.
client() {
	local addr out
	for addr in 10.0.0.11 10.0.0.12; do
		out=$(in_ns client python3 "$IPTO_SRC/selftests/helpers/client.py" connect $addr $PORT 3)
		printf '   client -> %-10s %s\n' "$addr:" "$out"
		[[ "$out" == ok* ]] && return 0
	done
	return 1
}

step "a LAN (bridge in namespace 'lan'): node1, node2 and a client"
lan_new node1 node2 client
lan_hosts 1 node1 node2
lan_hosts 100 client
ip -n node1 addr add 10.0.0.11/24 dev eth0
ip -n node2 addr add 10.0.0.12/24 dev eth0
for n in node1 node2; do
	in_ns $n python3 "$IPTO_SRC/selftests/helpers/echo_server.py" $PORT "served by $n" >/dev/null &
done
wait_for 20 sh -c "ip netns exec client python3 $IPTO_SRC/selftests/helpers/client.py connect 10.0.0.12 $PORT 1 | grep -q ^ok"

step "load the module on this kernel ($(uname -r)); node2 creates its cluster device"
run modprobe ipto
ipto_up node2
run ip -n node2 -d link show ipto0

step "the client, with the address list [10.0.0.11, 10.0.0.12]"
client

step "node1 loses power (its LAN port goes dark; nobody is told)"
run ip -n lan link set lan-node1 down
client

step "node2 adopts node1's address"
run in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
client

step "what node2's kernel says"
run in_ns node2 iptoctl show

step "node1 is back: node2 releases the address"
run ip -n lan link set lan-node1 up
run in_ns node2 iptoctl release dev ipto0 addr 10.0.0.11
step "node1 announces itself (gratuitous ARP), as its daemon will on return"
run in_ns node1 arping -q -U -c 1 -S 10.0.0.11 -i eth0 10.0.0.11
client
finish

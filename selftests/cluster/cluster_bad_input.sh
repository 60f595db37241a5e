#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_bad_input.sh - a wrong cluster table is refused with a message
# that names the problem, and changes nothing: standby lists naming an
# unknown node, the node itself or a node twice; duplicate ids and names; a
# home address of two nodes; two selves; more nodes or services than the
# documented maximum (64 nodes, 1024 services per device); deleting a node
# still named; drain progress for a node that is not draining, a state
# out of range; no CAP_NET_ADMIN.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
ip -n n1 link add ipto0 link eth0 type ipto
ctl() { in_ns n1 iptoctl "$@"; }
check "node 1" ctl node add dev ipto0 id 1 name a addr 10.0.0.11,fd00::11 self
check "node 2" ctl node add dev ipto0 id 2 name b addr 10.0.0.12 standby 1
check "service of node 1" ctl service add dev ipto0 node 1 name web proto tcp port 80

before=$(table_of n1)

check_refused "standby naming an unknown node" "names an unknown node" \
	ctl node add dev ipto0 id 3 name c addr 10.0.0.13 standby 9
check_refused "standby naming the node itself" "cannot be its own standby" \
	ctl node set dev ipto0 id 1 standby 1
check_refused "standby naming a node twice" "names a node twice" \
	ctl node set dev ipto0 id 1 standby 2,2
check_refused "duplicate id" "a node with that id exists" \
	ctl node add dev ipto0 id 2 name c addr 10.0.0.13
check_refused "duplicate name" "a node with that name exists" \
	ctl node add dev ipto0 id 3 name b addr 10.0.0.13
check_refused "a home address of two nodes" "an address belongs to another node" \
	ctl node add dev ipto0 id 3 name c addr 10.0.0.13,fd00::11
check_refused "an address listed twice" "lists an address twice" \
	ctl node add dev ipto0 id 3 name c addr 10.0.0.13,10.0.0.13
check_refused "a multicast home address" "multicast" \
	ctl node add dev ipto0 id 3 name c addr 224.0.0.1
check_refused "a second self" "another node of the table is self" \
	ctl node add dev ipto0 id 3 name c addr 10.0.0.13 self
check_refused "node id 0" "" ctl node add dev ipto0 id 0 name c addr 10.0.0.13
check_refused "set an unknown node" "no node with that id" ctl node set dev ipto0 id 7 state down
check_refused "delete a node another names as standby" "standby list names it" \
	ctl node del dev ipto0 id 1
check_refused "delete a node with a service" "a service of the node" \
	sh -c "ip netns exec n1 iptoctl node set dev ipto0 id 2 standby none &&
	       ip netns exec n1 iptoctl node del dev ipto0 id 1; rc=\$?;
	       ip netns exec n1 iptoctl node set dev ipto0 id 2 standby 1; exit \$rc"
check_refused "a service of an unknown node" "no node with that id" \
	ctl service add dev ipto0 node 5 name x proto tcp port 1
check_refused "a service standby naming an unknown node" "names an unknown node" \
	ctl service add dev ipto0 node 1 name x proto tcp port 1 standby 9
check_refused "set a service that does not exist" "no service of that name" \
	ctl service set dev ipto0 node 1 name nosuch action drop
check_refused "no CAP_NET_ADMIN: node add" "Operation not permitted" \
	in_ns n1 unshare -U -r iptoctl node add dev ipto0 id 3 name c addr 10.0.0.13
check_refused "no CAP_NET_ADMIN: node set" "Operation not permitted" \
	in_ns n1 unshare -U -r iptoctl node set dev ipto0 id 2 state down
# Drain progress (IPTO_CMD_NODE_SET 11, IPTO_NODE_A_DRAIN_CONNS 12 and
# _LEFT_MS 13) is only for a draining node; a state past drain (2) is
# out of the policy's range.
ifindex=$(in_ns n1 cat /sys/class/net/ipto0/ifindex)
check_refused "drain progress for a node that is not draining" \
	"drain progress is for a draining node only" \
	in_ns n1 ipto-nlraw 11 1:u32:"$ifindex" 3:u32:2 12:u32:5 13:u32:1000
check_refused "node state 3" "" ctl node set dev ipto0 id 2 state 3
check_refused "node state 3 (raw)" "" in_ns n1 ipto-nlraw 11 1:u32:"$ifindex" 3:u32:2 6:u8:3
check_eq "nothing changed by any refused request" "$before" "$(table_of n1)"

# The documented maxima.
for id in $(seq 3 64); do
	ctl node add dev ipto0 id $id name n$id addr 10.2.$((id / 256)).$((id % 256)) ||
		fail "node $id of 64"
done
check_refused "a 65th node" "too many nodes (max 64)" ctl node add dev ipto0 id 65 name n65 addr 10.2.1.1
check "1023 more services (1024 in all)" in_ns n1 python3 -S -c "
import sys
sys.path.insert(0, '$IPTO_SRC/selftests/helpers')
import ipto_genl as g
nl = g.Genl()
for i in range(1023):
    nl.transact(6, g.string(2, 'ipto0') + g.u32(3, 1) + g.string(4, 's%d' % i) +
                g.u8(5, 6) + g.attr(6, (1000 + i).to_bytes(2, 'little')))
"
check_refused "service 1025" "too many services on this device (max 1024)" \
	ctl service add dev ipto0 node 1 name last proto udp port 53
finish

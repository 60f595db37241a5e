#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_policy.sh - failover policy and failback.  A node that does not
# allow failover is taken over by nobody; a serve service of it with its
# own standby moves alone, and is served there.  Failback auto: the node
# back up takes its addresses back at once; manual: the adopter keeps them
# until an operator releases one, or gives the node failback (on the holder,
# then on the node itself), or failback auto is written (in sysfs).
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
check "three nodes, one table" cluster_new
all() { local i; for i in 1 2 3; do in_ns node$i iptoctl "$@" || return 1; done; }

check "node 1 does not allow failover" all node set dev ipto0 id 1 failover off
cut 1
check "node 1 down" cluster_set 1 down
check_eq "node 2 adopted nothing" "" "$(adopted_on node2)"
check_eq "node 3 adopted nothing" "" "$(adopted_on node3)"
check_eq "client times out on 10.0.0.11, as without ipto" timeout "$(client_says 10.0.0.11 1)"

check "node 1 up again" cluster_set 1 up
heal 1
check "a serve service of node 1 with its own failover and standby 3" \
	all service add dev ipto0 node 1 name echo proto tcp port $CLUSTER_PORT action serve failover on standby 3
cut 1
check "node 1 down" cluster_set 1 down
check_eq "node 3 adopted node 1's addresses for the service" "10.0.0.11 fd00::11" "$(adopted_on node3)"
check_eq "node 2 adopted nothing" "" "$(adopted_on node2)"
# serve needs the address local (iptod adds it on the adoption event).
ip -n node3 addr add 10.0.0.11/32 dev ipto0
check_eq "the service is served by node 3 on 10.0.0.11" "ok node3" "$(client_says 10.0.0.11)"
out=$(in_ns client ipto-connect 10.0.0.11 $((CLUSTER_PORT + 1)) 2)
check_eq "the rest of node 1's traffic is refused" refused "${out%% *}"
ip -n node3 addr del 10.0.0.11/32 dev ipto0
check "node 1 up" cluster_set 1 up
heal 1
check "service removed, failover back on" sh -c "
	for i in 1 2 3; do ip netns exec node\$i iptoctl service del dev ipto0 node 1 name echo &&
		ip netns exec node\$i iptoctl node set dev ipto0 id 1 failover on || exit 1; done"

# Failback auto (the default).
cut 1
check "node 1 down" cluster_set 1 down
check_eq "node 2 adopted" "10.0.0.11 fd00::11" "$(adopted_on node2)"
heal 1
check "node 1 up" cluster_set 1 up
check_eq "auto failback: node 2 released at once" "" "$(adopted_on node2)"
in_ns node1 arping -q -U -c 1 -S 10.0.0.11 -i eth0 10.0.0.11
check_eq "client served by node 1 again" "ok node1" "$(client_says 10.0.0.11)"

# Failback manual.
check "failback manual" all set dev ipto0 failback manual
cut 1
check "node 1 down" cluster_set 1 down
heal 1
check "node 1 up" cluster_set 1 up
check_eq "manual failback: node 2 keeps node 1's addresses" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check "the operator releases one of them" in_ns node2 iptoctl release dev ipto0 addr 10.0.0.11
check_eq "node 2 gave all of node 1's addresses back" "" "$(adopted_on node2)"

# The same as its own command, node failback: on the holder, then on the
# home node, whose table keeps its addresses silent until then.
cut 1
check "node 1 down" cluster_set 1 down
out=$(in_ns node2 iptoctl node failback dev ipto0 id 1 2>&1)
check_eq "node failback of a node that is down is refused" "1 the node is down" \
	"$? $(grep -o 'the node is down' <<<"$out")"
heal 1
check "node 1 up" cluster_set 1 up
check_eq "manual failback: node 2 keeps node 1's addresses" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check "node failback 1 on node 2" in_ns node2 iptoctl node failback dev ipto0 id 1
check_eq "node 2 gave node 1's addresses back" "" "$(adopted_on node2)"
# The client is pointed at node 1 first, so that only node 1's silence can
# make it time out.
in_ns node1 arping -q -U -c 1 -S 10.0.0.11 -i eth0 10.0.0.11
check_eq "node 1 still silent: its own table gives them to node 2" timeout "$(client_says 10.0.0.11 1)"
check "node failback 1 on node 1" in_ns node1 iptoctl node failback dev ipto0 id 1
in_ns node1 arping -q -U -c 1 -S 10.0.0.11 -i eth0 10.0.0.11
check_eq "node 1 serves its address again" "ok node1" "$(client_says 10.0.0.11)"
check "node failback again changes nothing" in_ns node2 iptoctl node failback dev ipto0 id 1
check_eq "node 2 holds nothing" "" "$(adopted_on node2)"

# A setting written in sysfs goes through the same setter as "set", which
# runs the engine: failback auto written on node 2 releases at once.
cut 1
check "node 1 down" cluster_set 1 down
heal 1
check "node 1 up" cluster_set 1 up
check_eq "manual failback: node 2 keeps node 1's addresses again" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check "failback auto written to node 2's sysfs" \
	in_ns node2 sh -c 'echo auto >/sys/class/net/ipto0/ipto/failback'
check_eq "node 2 released node 1's addresses at once" "" "$(adopted_on node2)"
finish

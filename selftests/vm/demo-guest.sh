#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the story "make demo" tells, run inside the guest: two
# nodes and a client on one LAN (namespaces on a bridge), the module
# loaded, an ipto device on the standby node's LAN interface, and what the
# operator sees of it.
set -eu
. "$(dirname "$0")/../lib.sh"

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "a LAN: bridge br0 in namespace 'lan', nodes node1 node2 and a client"
ns_new lan node1 node2 client
ip -n lan link add br0 type bridge
ip -n lan link set br0 up
i=1
for ns in node1 node2 client; do
	ip -n lan link add "lan-$ns" type veth peer name eth0 netns "$ns"
	ip -n lan link set "lan-$ns" master br0 up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "10.0.0.1$i/24" dev eth0
	ip -n "$ns" addr add "fd00::1$i/64" dev eth0 nodad
	i=$((i + 1))
done
ip -n node1 -br addr show eth0
ip -n node2 -br addr show eth0

step "load the module on this kernel ($(uname -r))"
run modprobe ipto
run modinfo -F version ipto

step "node2 creates its cluster device on its LAN interface, with stock iproute2"
run ip -n node2 link add ipto0 link eth0 type ipto
run ip -n node2 link set ipto0 up
run ip -n node2 -d link show ipto0

step "what the kernel reports over generic netlink"
run ip netns exec node2 iptoctl show
run ip netns exec node2 iptoctl -j -p show dev ipto0

step "per-device tunables in sysfs"
ip netns exec node2 sh -c 'cd /sys/class/net/ipto0/ipto && grep . *'

step "node1 still answers the client"
run ip netns exec client ping -c 1 -W 2 10.0.0.11 | grep -E 'bytes from|packet loss'

step "still to come: the cluster table, takeover on node failure, iptod, ipto-probe"
finish

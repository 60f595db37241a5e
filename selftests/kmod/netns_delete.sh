#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netns_delete.sh - deleting a namespace that holds ipto devices (on a veth
# whose peer lives elsewhere) tears them down cleanly: nothing leaks, the
# other namespaces keep theirs, and the module unloads afterwards.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new keep
for i in 1 2 3; do
	ip netns add gone$i
	ip -n gone$i link set lo up
	ip -n gone$i link add eth0 type veth peer name peer$i netns keep
	ip -n gone$i link add ipto0 link eth0 type ipto
	ip -n gone$i link add ipto1 link eth0 type ipto
	ip -n gone$i link set eth0 up
	ip -n gone$i link set ipto0 up
done
ip -n keep link add eth0 type veth peer name eth1
ip -n keep link add ipto0 link eth0 type ipto

for i in 1 2 3; do
	check "delete namespace gone$i with two ipto devices" ip netns delete gone$i
done
# The peers vanish with their namespaces once cleanup_net has run.
check "namespace cleanup finished (veth peers gone)" \
	wait_for 30 sh -c '! ip -n keep link show peer1 && ! ip -n keep link show peer2 && ! ip -n keep link show peer3'
check "the other namespace keeps its device" ip netns exec keep iptoctl show dev ipto0
check "a new namespace gets a device" sh -c '
	ip netns add fresh && ip -n fresh link add eth0 type veth peer name eth1 &&
	ip -n fresh link add ipto0 link eth0 type ipto; rc=$?; ip netns delete fresh; exit $rc'
check "module unloads afterwards" rmmod ipto
finish

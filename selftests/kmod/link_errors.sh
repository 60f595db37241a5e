#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# link_errors.sh - creating an ipto device the wrong way is refused with a
# message that names the problem, and creates nothing.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n1 n2
ip -n n1 link add eth0 type veth peer name eth1
ip -n n2 link add eth0 type veth peer name eth1

check_refused "no lower device" "lower device required" \
	ip -n n1 link add ipto0 type ipto
check_refused "lower device that does not exist" "Cannot find device" \
	ip -n n1 link add ipto0 link nosuch type ipto
check_refused "lower device that is an ipto device" "lower device is itself an ipto device" \
	sh -c 'ip -n n1 link add ipto0 link eth0 type ipto && ip -n n1 link add ipto1 link ipto0 type ipto'
check_refused "loopback as lower device" "cannot be a loopback device" \
	ip -n n1 link add ipto2 link lo type ipto
ip -n n1 link add wg0 type wireguard
check_refused "a lower device that is not Ethernet (wireguard)" "lower device must be Ethernet" \
	ip -n n1 link add ipto5 link wg0 type ipto
ip -n n1 link add br1 type bridge
ip -n n1 link add eth2 type veth peer name eth3
ip -n n1 link set eth2 master br1
check_refused "a bridge port as lower device" "is a bridge or bond port" \
	ip -n n1 link add ipto6 link eth2 type ipto
ip -n n1 link add bond1 type bond
ip -n n1 link add dummy1 type dummy
ip -n n1 link set dummy1 master bond1
check_refused "a bond port as lower device" "is a bridge or bond port" \
	ip -n n1 link add ipto7 link dummy1 type ipto
check "the bridge itself is a lower device" ip -n n1 link add ipto8 link br1 type ipto
check "and the bond" ip -n n1 link add ipto9 link bond1 type ipto
ip -n n1 link del ipto8
ip -n n1 link del ipto9
check_refused "lower device in another namespace" "network namespace" \
	ip -n n1 link add ipto3 netns n2 link eth0 type ipto
check_refused "a link-layer address" "no link-layer address" \
	ip -n n1 link add ipto4 address 02:00:00:00:00:01 link eth0 type ipto
check_refused "moving an ipto device to another namespace" "" \
	ip -n n1 link set ipto0 netns n2
check_eq "only the valid device exists in n1" "ipto0@eth0" "$(ip -n n1 -br link show type ipto | awk '{ print $1 }')"
check_eq "nothing was created in n2" "" "$(ip -n n2 -br link show type ipto)"
finish

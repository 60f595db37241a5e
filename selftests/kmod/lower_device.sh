#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lower_device.sh - an ipto device follows its lower device: its carrier
# mirrors the lower's, and it is deleted when the lower device is deleted
# or moved to another namespace.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n1 n2
ip -n n1 link add eth0 type veth peer name eth1
ip -n n1 link set eth0 up
ip -n n1 link set eth1 up
ip -n n1 link add ipto0 link eth0 type ipto
ip -n n1 link set ipto0 up

has_carrier() { ip netns exec n1 cat /sys/class/net/ipto0/carrier 2>/dev/null | grep -qx 1; }
check "carrier on while the lower has carrier" wait_for 5 has_carrier
ip -n n1 link set eth1 down	# the peer going down takes eth0's carrier
check "carrier off when the lower loses carrier" wait_for 5 sh -c '! ip netns exec n1 cat /sys/class/net/ipto0/carrier | grep -qx 1'
ip -n n1 link set eth1 up
check "carrier back with the lower's" wait_for 5 has_carrier

# Two ipto devices on one lower, one on another: deleting the lower takes
# exactly the devices on top of it.
ip -n n1 link add ipto1 link eth0 type ipto
ip -n n1 link add veth2 type veth peer name veth3
ip -n n1 link add ipto2 link veth2 type ipto
check "delete the lower device" ip -n n1 link del eth0
check_eq "its ipto devices are gone" "" "$(ip -n n1 -br link show type ipto | awk '$1 ~ /^ipto[01]@/')"
check "the device on another lower stays" ip -n n1 link show ipto2
check_refused "iptoctl show on the deleted device" "no such device" ip netns exec n1 iptoctl show dev ipto0

check "move the remaining lower device to another namespace" ip -n n1 link set veth2 netns n2
check_eq "its ipto device is gone" "" "$(ip -n n1 -br link show type ipto)"
check "the moved lower device is intact" ip -n n2 link show veth2
finish

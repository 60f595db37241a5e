#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module_reload.sh - load, use and unload the module 5 times (20 in make
# check-full): each round creates a device, reads it back over generic
# netlink and unloads the module with the device still present.
. "$(dirname "$0")/../lib.sh"

ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
rounds=$(by_check 5 20)
ok=0
for i in $(seq 1 $rounds); do
	modprobe ipto || { fail "round $i: modprobe"; break; }
	ip -n n1 link add ipto0 link eth0 type ipto || { fail "round $i: link add"; break; }
	ip netns exec n1 iptoctl show dev ipto0 >/dev/null || { fail "round $i: iptoctl show"; break; }
	rmmod ipto || { fail "round $i: rmmod"; break; }
	if module_loaded || ip -n n1 link show ipto0 >/dev/null 2>&1; then
		fail "round $i: module or device still present after rmmod"
		break
	fi
	ok=$i
done
check_eq "$rounds load/use/unload rounds" "$rounds" "$ok"
finish

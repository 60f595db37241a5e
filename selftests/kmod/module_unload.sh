#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module_unload.sh - "rmmod ipto" while ipto devices exist, up and in
# several namespaces, succeeds and deletes every one of them, like the
# kernel's own virtual link types (dummy, veth) do.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n1 n2
for ns in n1 n2; do
	ip -n $ns link add eth0 type veth peer name eth1
	ip -n $ns link set eth0 up
	ip -n $ns link add ipto0 link eth0 type ipto
	ip -n $ns link add ipto1 link eth0 type ipto
	ip -n $ns link set ipto0 up
done
ip link add ipto-eth0 type veth peer name ipto-eth1
ip link add ipto9 link ipto-eth0 type ipto

check "rmmod with 5 devices in 3 namespaces" rmmod ipto
check "module gone" sh -c '! test -d /sys/module/ipto'
for ns in n1 n2; do
	check_eq "$ns: devices deleted" "" "$(ip -n $ns -br link show type ipto 2>&1)"
	check "$ns: lower device intact" ip -n $ns link show eth0
done
check "init namespace: device deleted" sh -c '! ip link show ipto9'
ip link del ipto-eth0
check "reload and create again" sh -c 'modprobe ipto && ip -n n1 link add ipto0 link eth0 type ipto'
finish

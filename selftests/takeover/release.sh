#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# release.sh - while adopted, ARP requests and neighbour solicitations for
# an address are answered with the adopting node's MAC, even with
# arp_ignore=1 and no forwarding or proxy settings; after "iptoctl
# release" the node answers neither them nor packets to the address.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
standby_and_client
in_ns node2 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1 \
	net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 \
	net.ipv4.conf.all.proxy_arp=0 net.ipv6.conf.all.proxy_ndp=0
node2_mac=$(mac_of node2 eth0)
MAC_RE='[0-9a-fA-F:]{17}'
arp_answer() { in_ns client arping -c 1 -w 2 -i eth0 10.0.0.11 2>&1 | grep -ioE "from $MAC_RE" | awk '{ print tolower($2) }'; }
ns_answer() { in_ns client ndisc6 -1 -r 1 -w 1000 fd00::11 eth0 2>&1 | grep -ioE "$MAC_RE" | tr A-F a-f | head -1; }

check_eq "no ARP answer before adoption" "" "$(arp_answer)"
check "adopt 10.0.0.11" in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
check "adopt fd00::11" in_ns node2 iptoctl adopt dev ipto0 addr fd00::11 from 1
check_eq "ARP request answered with node 2's MAC (arp_ignore=1)" "$node2_mac" "$(arp_answer)"
check_eq "neighbour solicitation answered with node 2's MAC" "$node2_mac" "$(ns_answer)"
out=$(in_ns client ipto-connect 10.0.0.11 80 2)
check_eq "TCP refused while adopted" refused "${out%% *}"

check "release 10.0.0.11" in_ns node2 iptoctl release dev ipto0 addr 10.0.0.11
check "release fd00::11" in_ns node2 iptoctl release dev ipto0 addr fd00::11
check_eq "no ARP answer after release" "" "$(arp_answer)"
check_eq "no neighbour advertisement after release" "" "$(ns_answer)"
ip -n client neigh flush dev eth0
out=$(in_ns client ipto-connect 10.0.0.11 80 1)
check_eq "TCP gets no answer after release (times out, not refused)" timeout "${out%% *}"
out=$(in_ns client ipto-connect fd00::11 80 1)
check_eq "TCP over IPv6 gets no answer after release" timeout "${out%% *}"
check_eq "the addresses are gone from ipto0" "" "$(ip -n node2 addr show dev ipto0 | grep -E '10\.0\.0\.11|fd00::11')"
finish

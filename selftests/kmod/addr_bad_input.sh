#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# addr_bad_input.sh - every malformed or wrong adopt/release/service/set
# request is refused with a message that names the problem and changes
# nothing; a user without CAP_NET_ADMIN over the namespace changes nothing.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new node2
ip -n node2 link add eth0 type veth peer name eth1
ip -n node2 link set eth0 up
ip -n node2 link set eth1 up
ip -n node2 addr add 10.0.0.2/24 dev eth0
ip -n node2 addr add fd00::2/64 dev eth0
ip -n node2 link add ipto0 link eth0 type ipto
ip -n node2 link add ipto1 link eth1 type ipto
in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
in_ns node2 iptoctl service add dev ipto0 node 1 name web proto tcp port 80
ifindex=$(in_ns node2 cat /sys/class/net/ipto0/ifindex)

before=$(table_of node2)
raw() { in_ns node2 ipto-nlraw "$@"; }
ctl() { in_ns node2 iptoctl "$@"; }
A=3 D=4 S=6 SD=7 SET=2	# ADDR_ADD, ADDR_DEL, SERVICE_ADD, SERVICE_DEL, DEV_SET
DG=1 G=5 SSET=9 NSET=11	# DEV_GET, ADDR_GET, SERVICE_SET, NODE_SET

# Malformed requests, straight to the kernel.
check_refused "adopt without a device" "exactly one of ifindex and ifname" raw $A 3:bin:0a00000c
check_refused "adopt without an address" "exactly one of IPTO_ADDR_A_IPV4 and IPTO_ADDR_A_IPV6" raw $A 1:u32:$ifindex
check_refused "adopt with both families" "exactly one of IPTO_ADDR_A_IPV4" raw $A 1:u32:$ifindex 3:bin:0a00000c 4:bin:fd000000000000000000000000000012
check_refused "an IPv4 attribute of IPv6 length (wrong family)" "bad attribute" raw $A 1:u32:$ifindex 3:bin:fd000000000000000000000000000012
check_refused "an IPv6 attribute of IPv4 length" "bad attribute" raw $A 1:u32:$ifindex 4:bin:0a00000c
check_refused "prefix /24" "prefix out of range" raw $A 1:u32:$ifindex 3:bin:0a00000c 5:u8:24
check_refused "prefix 200" "bad attribute" raw $A 1:u32:$ifindex 3:bin:0a00000c 5:u8:200
check_refused "node id above the maximum" "bad attribute" raw $A 1:u32:$ifindex 3:bin:0a00000c 6:u32:70000
check_refused "an output-only attribute in a request" "bad attribute" raw $A 1:u32:$ifindex 3:bin:0a00000c 8:u8:1
check_refused "an unknown attribute" "bad attribute" raw $A 1:u32:$ifindex 3:bin:0a00000c 40:u32:1
check_refused "trailing garbage" "" raw -r $A 1:u32:$ifindex 3:bin:0a00000c
check_refused "a truncated attribute" "" raw -t 2 $A 1:u32:$ifindex 3:bin:0a00000c
check_refused "an unknown command" "" raw 99 1:u32:$ifindex
check_refused "device both by index and name" "exactly one of ifindex and ifname" raw $A 1:u32:$ifindex 2:nulstr:ipto0 3:bin:0a00000c
check_refused "a device name too long" "bad attribute" raw $A 2:nulstr:abcdefghijklmnopqrstu 3:bin:0a00000c
check_refused "set: announce_count 101" "bad attribute" raw $SET 1:u32:$ifindex 4:u32:101
check_refused "set: lease 10 ms" "at least 50 ms" raw $SET 1:u32:$ifindex 8:u32:10
check_refused "set: default action 7" "bad attribute" raw $SET 1:u32:$ifindex 10:u8:7
check_refused "release without an address" "exactly one of IPTO_ADDR_A_IPV4" raw $D 1:u32:$ifindex
# Each command's policy (generated from uapi/ipto.yaml) lists the
# attributes its request may carry: any other is refused by name.
check_refused "release with a node" "Unknown attribute type [bad attribute" raw $D 1:u32:$ifindex 3:bin:0a00000b 6:u32:1
check_refused "service delete with a protocol" "Unknown attribute type [bad attribute" raw $SD 1:u32:$ifindex 3:u32:1 4:nulstr:web 5:u8:6
check_refused "service set with a port" "Unsupported attribute [bad attribute" raw $SSET 1:u32:$ifindex 3:u32:1 4:nulstr:web 6:u16:81
check_refused "node set with a name" "Unsupported attribute [bad attribute" raw $NSET 1:u32:$ifindex 3:u32:1 4:nulstr:renamed
check_refused "address dump with an address" "Unknown attribute type [bad attribute" raw -d $G 1:u32:$ifindex 3:bin:0a00000b
check_refused "device dump with a device" "a device dump takes no attributes" raw -d $DG 1:u32:$ifindex
check_refused "service without a name" "missing IPTO_SVC_A_NAME" raw $S 1:u32:$ifindex 3:u32:1 5:u8:6 6:u16:80
check_refused "service with an empty name" "name is empty" raw $S 1:u32:$ifindex 3:u32:1 4:nulstr: 5:u8:6 6:u16:80
check_refused "service of node 0" "bad attribute" raw $S 1:u32:$ifindex 3:u32:0 4:nulstr:x 5:u8:6 6:u16:80
check_refused "service with protocol ICMP" "must be TCP (6) or UDP (17)" raw $S 1:u32:$ifindex 3:u32:1 4:nulstr:x 5:u8:1 6:u16:80
check_refused "service with port 0" "bad attribute" raw $S 1:u32:$ifindex 3:u32:1 4:nulstr:x 5:u8:6 6:u16:0
check_refused "service with an empty port range" "port range is empty" raw $S 1:u32:$ifindex 3:u32:1 4:nulstr:x 5:u8:6 6:u16:90 7:u16:80

# Well-formed requests the kernel refuses, through iptoctl.
check_refused "unknown device" "no such device" ctl adopt dev nosuch addr 10.0.0.12
check_refused "a device that is not ipto" "not an ipto device" ctl adopt dev eth0 addr 10.0.0.12
check_refused "duplicate adopt" "already adopted on this device" ctl adopt dev ipto0 addr 10.0.0.11
check_refused "adopt on a second device" "already adopted on another ipto device" ctl adopt dev ipto1 addr 10.0.0.11
check_refused "release of an address not adopted" "not adopted on this device" ctl release dev ipto0 addr 10.0.0.12
check_refused "release on the wrong device" "not adopted on this device" ctl release dev ipto1 addr 10.0.0.11
check_refused "a multicast address" "multicast" ctl adopt dev ipto0 addr 224.0.0.5
check_refused "the broadcast address" "broadcast" ctl adopt dev ipto0 addr 255.255.255.255
check_refused "an unspecified address" "unspecified" ctl adopt dev ipto0 addr 0.0.0.0
check_refused "the IPv6 unspecified address" "unspecified" ctl adopt dev ipto0 addr ::
check_refused "an IPv6 multicast address" "multicast" ctl adopt dev ipto0 addr ff02::1
check_refused "a loopback address" "loopback" ctl adopt dev ipto0 addr 127.0.0.1
check_refused "an IPv6 link-local address" "link-local" ctl adopt dev ipto0 addr fe80::1
check_refused "one of the node's own addresses" "one of this node's own addresses" ctl adopt dev ipto0 addr 10.0.0.2
check_refused "one of the node's own IPv6 addresses" "one of this node's own addresses" ctl adopt dev ipto0 addr fd00::2
# An address still in duplicate address detection (for a second at least
# after it is added) is the node's own all the same.
ip -n node2 addr add fd00::3/64 dev eth0
check "fd00::3 is tentative (in DAD)" sh -c "ip -n node2 -6 addr show tentative | grep -q fd00::3"
check_refused "one of the node's own IPv6 addresses, in DAD" "one of this node's own addresses" ctl adopt dev ipto0 addr fd00::3
check_refused "prefix /24 through iptoctl" "prefix out of range" ctl adopt dev ipto0 addr 10.0.0.12/24
check_refused "duplicate service" "already has a service of that name" ctl service add dev ipto0 node 1 name web proto udp port 53
check_refused "delete an unknown service" "no service of that name" ctl service del dev ipto0 node 1 name nosuch
check_refused "set: reply_rate 0" "out of range" ctl set dev ipto0 reply_rate 0
check_eq "nothing changed by any refused request" "$before" "$(table_of node2)"

# No CAP_NET_ADMIN over the namespace: every change refused.
unpriv() { in_ns node2 unshare -U -r iptoctl "$@"; }
check_refused "userns root: adopt" "Operation not permitted" unpriv adopt dev ipto0 addr 10.0.0.12
check_refused "userns root: release" "Operation not permitted" unpriv release dev ipto0 addr 10.0.0.11
check_refused "userns root: service add" "Operation not permitted" unpriv service add dev ipto0 node 1 name x proto tcp port 1
check_refused "userns root: service del" "Operation not permitted" unpriv service del dev ipto0 node 1 name web
check_refused "userns root: set" "Operation not permitted" unpriv set dev ipto0 reply_rate 5
check_refused "nobody: adopt" "Operation not permitted" \
	in_ns node2 setpriv --reuid=65534 --regid=65534 --clear-groups iptoctl adopt dev ipto0 addr 10.0.0.12
check "userns root can still read" unpriv show
check_eq "nothing changed by the unprivileged" "$before" "$(table_of node2)"
finish

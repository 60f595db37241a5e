#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lease_fence.sh - the daemon's lease and the fence (uapi/linux/ipto.h,
# "Lease and fencing").  Node 1 of a three-node cluster has adopted node
# 3's addresses; a lease renewed in time keeps it unfenced; unrenewed it
# runs out: node 1 is fenced (FENCED event, reason lease), releases what it
# adopted, adopts nothing, refuses adoptions and renewals, and the client
# gets no answer on node 1's own addresses, ARP and neighbour discovery
# included, until the fence is lifted.  A fence on request, the self node reported
# down, the refusals, and teardown with a lease armed on a fenced device.
. "$(dirname "$0")/../lib.sh"

# field NS DEV KEY: a number or word of the device in "iptoctl -j show".
field() {
	in_ns "$1" iptoctl -j show dev "$2" | sed -n "s/.*\"$3\":\"\{0,1\}\([a-z0-9]*\).*/\1/p"
}
fenced() { field node1 ipto0 fenced; }
lease_left() { field node1 ipto0 lease_left_ms; }
is_fenced() { [ "$(field "${2:-node1}" "${3:-ipto0}" fenced)" = "$1" ]; }
ctl() { in_ns node1 iptoctl "$@"; }
rx_dropped() {
	ip -n node1 -s -j link show ipto0 | sed -n 's/.*"rx":{[^}]*"dropped":\([0-9]*\).*/\1/p'
}
# answers_arp ADDR: the client's ARP request for ADDR gets a reply.
answers_arp() { in_ns client arping -q -c 1 -w 2 -i eth0 "$1"; }
events() { grep -c "\"event\":\"$1\"" "$TEST_TMP/events"; }
# has_events TYPE N: the monitor has shown N events of TYPE.
has_events() { [ "$(events "$1")" -eq "$2" ]; }

check "modprobe ipto" modprobe ipto
check "three nodes, one table" cluster_new
cut 3
check "node 3 down" cluster_set 3 down
check_eq "node 1 adopted node 3's addresses" "10.0.0.13 fd00::13" "$(adopted_on node1)"
check_eq "before: the client reaches node 1 on 10.0.0.11" "ok node1" "$(client_says 10.0.0.11)"
check_eq "before: and on fd00::11" "ok node1" "$(client_says fd00::11)"
check "before: node 1 answers ARP for 10.0.0.11" answers_arp 10.0.0.11
check_eq "no fence, no lease" "none 0" "$(fenced) $(lease_left)"

in_ns node1 iptoctl -j monitor dev ipto0 >"$TEST_TMP/events" 2>"$TEST_TMP/monitor.err" &
monitor=$!
check "monitor listening" wait_for 10 grep -q listening "$TEST_TMP/monitor.err"

# A lease renewed in time.
check "lease of 4000 ms" ctl set dev ipto0 lease_ms 4000
renewed=0
for _ in $(seq 10); do
	ctl lease dev ipto0 && renewed=$((renewed + 1))
	sleep 0.3
done
check_eq "ten renewals accepted" 10 "$renewed"
check_eq "renewed in time: not fenced" none "$(fenced)"
ctl lease dev ipto0
left1=$(lease_left)
sleep 0.5
left2=$(lease_left)
info "lease left: $left1 ms, then $left2 ms"
check "the lease left shrinks ($left1 > $left2 > 0)" test "$left1" -le 4000 -a "$left1" -gt "$left2" -a "$left2" -gt 0
check "text output shows the lease left" sh -c \
	"ip netns exec node1 iptoctl show dev ipto0 | grep -q 'lease: 4000 ms, [0-9]* ms left'"

# Not renewed: it runs out.
check "unrenewed, the lease runs out: fenced, reason lease" wait_for 15 is_fenced lease
check_eq "lease left once run out" 0 "$(lease_left)"
check "FENCED event with reason lease" wait_for 5 grep -q '"event":"fenced".*"reason":"lease"' "$TEST_TMP/events"
check_eq "adopted addresses released" "" "$(adopted_on node1)"
check "a RELEASED event for each" wait_for 5 has_events released 2
check_refused "adopt refused while fenced" "device is fenced" ctl adopt dev ipto0 addr 10.0.0.50
ctl adopt dev ipto0 addr 10.0.0.50 >/dev/null 2>&1
check_eq "refusal exits 1" 1 $?
check "the engine adopts nothing while fenced" sh -c \
	"ip netns exec node1 iptoctl node set dev ipto0 id 3 state up &&
	 ip netns exec node1 iptoctl node set dev ipto0 id 3 state down"
check_eq "nothing adopted" "" "$(adopted_on node1)"
check_refused "a lease that ran out is not renewed" "the lease ran out" ctl lease dev ipto0
check_eq "still fenced" lease "$(fenced)"

# Node 1 fell silent on its own addresses.
dropped_before=$(rx_dropped)
check_eq "the client gets no TCP answer on 10.0.0.11" timeout "$(client_says 10.0.0.11)"
check_eq "nor on fd00::11" timeout "$(client_says fd00::11)"
check "no ARP reply for 10.0.0.11" sh -c '! ip netns exec client arping -q -c 1 -w 2 -i eth0 10.0.0.11'
ip -n client neigh del fd00::11 dev eth0 2>/dev/null
in_ns client ping -6 -c 1 -W 2 fd00::11 >/dev/null 2>&1
check "no neighbour advertisement for fd00::11" sh -c \
	"! ip -n client -6 neigh show fd00::11 | grep -q lladdr"
dropped_after=$(rx_dropped)
check "drops counted as rx_dropped of ipto0 ($dropped_before -> $dropped_after)" \
	test "$dropped_after" -gt "$dropped_before"
check "node 1 still answers on its LAN address 10.0.0.1" answers_arp 10.0.0.1

# Lifted: node 1 answers again and adopts what the table gives it.
check "ending the lease" ctl set dev ipto0 lease_ms 0
check_eq "ending the lease does not lift the fence" lease "$(fenced)"
check "fence off" ctl fence dev ipto0 off
check_eq "not fenced" none "$(fenced)"
check "UNFENCED event" wait_for 5 grep -q '"event":"unfenced"' "$TEST_TMP/events"
check_eq "node 3's addresses adopted again" "10.0.0.13 fd00::13" "$(adopted_on node1)"
check "node 1 answers ARP for 10.0.0.11 again" answers_arp 10.0.0.11
check_eq "the client reaches node 1 again" "ok node1" "$(client_says 10.0.0.11)"
check_eq "and on fd00::11" "ok node1" "$(client_says fd00::11)"

# A fence on request; asked twice, it changes nothing the second time.
check "fence on" ctl fence dev ipto0 on
check "fence on again" ctl fence dev ipto0 on
check_eq "fenced on request" request "$(fenced)"
check "FENCED event with reason request" wait_for 5 grep -q '"event":"fenced".*"reason":"request"' "$TEST_TMP/events"
check_eq "the client gets no answer" timeout "$(client_says 10.0.0.11)"
check "text output says so" sh -c "ip netns exec node1 iptoctl show dev ipto0 | grep -q 'fenced: request'"
check "fence off" ctl fence dev ipto0 off
check "two UNFENCED events in all" wait_for 5 has_events unfenced 2
check_eq "two FENCED events in all: none for the second request" 2 "$(events fenced)"

# Lifting a fence whose lease ran out, without renewing it, buys one lease.
check "a lease of 300 ms" ctl set dev ipto0 lease_ms 300
check "runs out" wait_for 15 is_fenced lease
check "fence off" ctl fence dev ipto0 off
check "fenced again when that lease runs out too" wait_for 15 is_fenced lease
check "lease 0, fence off" sh -c \
	"ip netns exec node1 iptoctl set dev ipto0 lease_ms 0 && ip netns exec node1 iptoctl fence dev ipto0 off"

# The lease's latest end, IPTO_DEV_A_LEASE_END_NS (CLOCK_MONOTONIC ns):
# iptod's quorum lease.  A renewal ends the lease no later than that, an
# end already past at once; a fence lifted with one starts a lease that
# ends no later either.
ifindex=$(in_ns node1 cat /sys/class/net/ipto0/ifindex)
mono_in() { python3 -S -c "import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC) + $1 * 10**9)"; }
check "a lease of 60 s" ctl set dev ipto0 lease_ms 60000
check "LEASE with an end 5 s ahead" in_ns node1 ipto-nlraw 15 1:u32:"$ifindex" 16:u64:"$(mono_in 5)"
left=$(lease_left)
check "the lease ends by then ($left ms left)" test "$left" -gt 0 -a "$left" -le 5000
check "LEASE with an end beyond lease_ms" in_ns node1 ipto-nlraw 15 1:u32:"$ifindex" 16:u64:"$(mono_in 100)"
left=$(lease_left)
check "lease_ms from now ($left ms left)" test "$left" -gt 5000 -a "$left" -le 60000
check_refused "LEASE with a 4-byte end" "bad attribute" in_ns node1 ipto-nlraw 15 1:u32:"$ifindex" 16:u32:1
check "LEASE with an end past" in_ns node1 ipto-nlraw 15 1:u32:"$ifindex" 16:u64:1
check_eq "the lease ran out at once" 0 "$(lease_left)"
check "fenced, reason lease" wait_for 15 is_fenced lease
lifts=$(events unfenced)
lease_fences() { grep -c '"event":"fenced".*"reason":"lease"' "$TEST_TMP/events"; }
has_lease_fences() { [ "$(lease_fences)" -eq "$1" ]; }
before=$(lease_fences)
check "fence lifted with an end past" in_ns node1 ipto-nlraw 2 1:u32:"$ifindex" 14:u8:0 16:u64:1
check "an UNFENCED event for it" wait_for 5 has_events unfenced $((lifts + 1))
check "the lease it started ran out at once: fenced again, reason lease" \
	wait_for 5 has_lease_fences $((before + 1))
check "fence lifted with an end 5 s ahead" in_ns node1 ipto-nlraw 2 1:u32:"$ifindex" 14:u8:0 16:u64:"$(mono_in 5)"
left=$(lease_left)
check "the new lease ends by then ($left ms left)" test "$left" -gt 0 -a "$left" -le 5000
check "lease 0, fence off" sh -c \
	"ip netns exec node1 iptoctl set dev ipto0 lease_ms 0 && ip netns exec node1 iptoctl fence dev ipto0 off"

# The table gives node 1's addresses to another node: dropped, unfenced.
check "node 1 (self) reported down on node 1" ctl node set dev ipto0 id 1 state down
check_eq "not fenced" none "$(fenced)"
check_eq "the client gets no answer on 10.0.0.11" timeout "$(client_says 10.0.0.11)"
check "node 1 up again" ctl node set dev ipto0 id 1 state up
check_eq "the client reaches node 1 again" "ok node1" "$(client_says 10.0.0.11)"

# The events as text.
in_ns node1 iptoctl monitor dev ipto0 >"$TEST_TMP/text" 2>"$TEST_TMP/text.err" &
text_monitor=$!
check "text monitor listening" wait_for 10 grep -q listening "$TEST_TMP/text.err"
ctl fence dev ipto0 on
ctl fence dev ipto0 off
check "monitor text: fenced (request)" wait_for 5 grep -q "^ipto0: fenced (request)$" "$TEST_TMP/text"
check "monitor text: unfenced" wait_for 5 grep -q "^ipto0: unfenced$" "$TEST_TMP/text"
kill "$text_monitor"
wait "$text_monitor" 2>/dev/null

# Refusals.
check_refused "renewal without a lease" "has no lease" ctl lease dev ipto0
ctl lease dev ipto0 >/dev/null 2>&1
check_eq "refusal exits 1" 1 $?
check_refused "renewal of a device that is not ipto" "not an ipto device" ctl lease dev eth0
check_refused "DEV_SET fenced 2" "bad attribute" in_ns node1 ipto-nlraw 2 1:u32:"$ifindex" 14:u8:2
check_refused "DEV_SET fenced 255" "bad attribute" in_ns node1 ipto-nlraw 2 1:u32:"$ifindex" 14:u8:255
check_refused "DEV_SET lease left (reported only)" "bad attribute" \
	in_ns node1 ipto-nlraw 2 1:u32:"$ifindex" 15:u32:100
check_refused "LEASE with a setting" "bad attribute" in_ns node1 ipto-nlraw 15 1:u32:"$ifindex" 8:u32:100
check_refused "LEASE without a device" "exactly one of ifindex and ifname" in_ns node1 ipto-nlraw 15
check "a lease of 60 s" ctl set dev ipto0 lease_ms 60000
check_refused "LEASE without CAP_NET_ADMIN" "Operation not permitted" \
	in_ns node1 unshare -U -r iptoctl lease dev ipto0
check_refused "fence without CAP_NET_ADMIN" "Operation not permitted" \
	in_ns node1 unshare -U -r iptoctl fence dev ipto0 on
check_eq "not fenced by the refused request" none "$(fenced)"
ctl fence dev ipto0 >/dev/null 2>&1
check_eq "fence without on or off: usage error" 2 $?
kill "$monitor"
wait "$monitor" 2>/dev/null

# Teardown with leases armed on fenced devices: namespace deleted, module
# unloaded.  The harness fails the test on any kernel warning.
ns_new t1 t2
for ns in t1 t2; do
	ip -n $ns link add eth0 type veth peer name eth1
	ip -n $ns link set eth0 up
	ip -n $ns link add ipto0 link eth0 type ipto
	in_ns $ns iptoctl node add dev ipto0 id 1 name a addr 10.9.0.1,fd09::1 self
	in_ns $ns iptoctl node add dev ipto0 id 2 name b addr 10.9.0.2 standby 1
	in_ns $ns iptoctl node set dev ipto0 id 2 state down
done
check "t1: a lease through sysfs" in_ns t1 sh -c 'echo 600000 >/sys/class/net/ipto0/ipto/lease_ms'
check "t1: the sysfs write started it" test "$(field t1 ipto0 lease_left_ms)" -gt 0
check "t1: fenced on request" in_ns t1 iptoctl fence dev ipto0 on
check "t2: a lease of 50 ms" in_ns t2 iptoctl set dev ipto0 lease_ms 50
check "t2: fenced by it" wait_for 15 is_fenced lease t2 ipto0
check "t2: a lease armed again" in_ns t2 iptoctl set dev ipto0 lease_ms 600000
echo 100 >/sys/module/ipto/parameters/lease_ms
ip -n t2 link add ipto1 link eth1 type ipto
echo 0 >/sys/module/ipto/parameters/lease_ms
check "t2: a new device's lease from the module parameter runs out" wait_for 15 is_fenced lease t2 ipto1
check "delete namespace t1 (lease armed, fenced)" ip netns delete t1
check "rmmod (t2: leases armed, fenced; the cluster namespaces)" rmmod ipto
check "module gone" sh -c '! test -d /sys/module/ipto'
check "t2: devices deleted, lower device intact" sh -c \
	'[ -z "$(ip -n t2 -br link show type ipto)" ] && ip -n t2 link show eth0 >/dev/null'
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_reboot_dad.sh - node 1 reboots while node 2 holds its addresses,
# with IPv6 duplicate address detection on, as on every real node.  Before
# its network comes up, iptod --prepare fences its new device.  Then node 2
# defends fd00::11, which fails detection on node 1 and stays silent there
# (node 2 alone answers it); node 2 does not answer node 1's IPv4 conflict
# probe (RFC 5227) for 10.0.0.11, and node 1, fenced, does not answer ARP
# for it once it is configured.  When iptod starts and node 2 gives the
# addresses back, node 1's iptod runs detection again: fd00::11 comes up
# clean and node 1 serves both addresses.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

# v6_line NS ADDR: the line "ip -6 addr" shows for ADDR on NS's eth0.
v6_line() { ip -n "$1" -6 -o addr show dev eth0 to "$2/128"; }
dadfailed() { [[ $(v6_line "$1" "$2") == *dadfailed* ]]; }
v6_clean() {
	local line
	line=$(v6_line "$1" "$2")
	[ -n "$line" ] && [[ $line != *tentative* ]] && [[ $line != *dadfailed* ]]
}

# arp_answerers ADDR: the hardware addresses that answer the client's
# ARP requests for ADDR (3 of them), each once.
arp_answerers() {
	in_ns client arping -c 3 -w 3 -i eth0 "$1" |
		sed -n 's/.* bytes from \([0-9a-f:]*\) .*/\1/p' | sort -u | paste -sd ' '
}
# probe_answers ADDR: answers to 2 RFC 5227 probes for ADDR from node 1.
probe_answers() {
	in_ns node1 arping -0 -c 2 -w 3 -i eth0 "$1" |
		sed -n 's/.* packets transmitted, \([0-9]*\) packets received.*/\1/p'
}

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
check "client served on fd00::11 by node 1" serves fd00::11 node1

# Node 1 goes down hard; on the way back up it has no ipto device and no
# daemon yet, as after a reboot.
kill -KILL "${IPTOD_PID[1]}"
wait "${IPTOD_PID[1]}" 2>/dev/null
ip -n node1 link del ipto0
ip -n node1 addr del 10.0.0.11/24 dev eth0
ip -n node1 addr del fd00::11/64 dev eth0
check "node 2 adopts node 1's addresses" wait_for 10 status_is 2 held=1
check "client served on fd00::11 by node 2" wait_for 10 serves fd00::11 node2

# Before its network: iptod --prepare (iptod-prepare.service) creates the
# device fenced, with the table.
check "iptod --prepare on node 1" in_ns node1 "$IPTOD" --prepare -c "$TEST_TMP/node1.conf"
check_eq "node 1's new device is fenced" request "$(fence_of 1)"

# Node 1's network comes up, detection on.
check "node 1 adds fd00::11 (duplicate address detection on)" \
	ip -n node1 addr add fd00::11/64 dev eth0
check "node 2 defends it: fd00::11 fails detection on node 1" wait_for 10 dadfailed node1 fd00::11
check_eq "a conflict probe (from 0.0.0.0) for node 3's 10.0.0.13 is answered" 2 \
	"$(probe_answers 10.0.0.13)"
check_eq "node 2 does not answer node 1's conflict probe for 10.0.0.11" 0 \
	"$(probe_answers 10.0.0.11)"
check "node 1 adds 10.0.0.11" ip -n node1 addr add 10.0.0.11/24 dev eth0
check "client still served on fd00::11 by node 2 alone" serves fd00::11 node2
# IPv4 has no detection to hold it back: only the fence keeps node 1 quiet.
check_eq "ARP for 10.0.0.11 answered by node 2 alone" \
	"$(ip -n node2 -br link show eth0 | awk '{ print $3 }')" "$(arp_answerers 10.0.0.11)"
check "client served on 10.0.0.11 by node 2" serves 10.0.0.11 node2

iptod_start 1
check "node 1's iptod settles" wait_for 30 node_settled 1
check "node 2 gives node 1's addresses back" wait_for 10 status_is 2 held=
check "node 1 runs detection for fd00::11 again" \
	wait_for 10 grep -q "home address fd00::11 failed duplicate address detection" \
	"$TEST_TMP/node1.log"
check "fd00::11 comes up clean on node 1" wait_for 10 v6_clean node1 fd00::11
check "client served on fd00::11 by node 1" wait_for 20 serves fd00::11 node1
check "client served on 10.0.0.11 by node 1" wait_for 20 serves 10.0.0.11 node1
for i in 1 2 3; do
	check_eq "node $i's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on $i)"
done
finish

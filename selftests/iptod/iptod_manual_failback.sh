#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_manual_failback.sh - failback manual: node 1's health check fails,
# node 2 takes its addresses and keeps them when node 1 is healthy again;
# node 1 stays silent on them meanwhile.  An operator releases one of them
# on node 2: node 2 gives them all back, and node 1 takes them back by
# itself (its own table had kept node 2 as their holder) and serves again.
# The cluster starts with failback auto and is reloaded (SIGHUP) to manual.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

IPTOD_EXTRA[1]="check = exec /usr/bin/test ! -e $TEST_TMP/sick1
$CHECK_TIMERS
fall = 2
rise = 2"

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
check "client served on VIP1 by node 1" serves 10.0.0.11 node1
for i in 1 2 3; do
	sed -i 's/^failback = auto$/failback = manual/' "$TEST_TMP/node$i.conf"
	kill -HUP "${IPTOD_PID[$i]}"
done
for i in 1 2 3; do
	check "node $i reloads with failback manual" \
		wait_for 10 status_is $i reloads=1
	check_eq "node $i's kernel has failback manual" manual \
		"$(ip netns exec node$i iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0]["failback"])')"
done

touch "$TEST_TMP/sick1"
check "node 1 steps down" wait_for 10 status_is 1 fit=0
check "node 2 adopts node 1's addresses" wait_for 10 status_is 2 held=1
check "client served on VIP1 by node 2" wait_for 10 serves 10.0.0.11 node2
rm "$TEST_TMP/sick1"
check "node 1 is healthy again" wait_for 10 status_is 1 fit=1
check "node 2 sees it up" wait_for 10 status_is 2 'peer.1=n1 up alive'
check_eq "node 2 keeps node 1's addresses (manual failback)" 1 "$(holds 2)"
check "client still served on VIP1 by node 2" serves 10.0.0.11 node2
check_eq "node 1 answers nothing of its own meanwhile" "1:2 2:2 3:3" "$(owners_on 1)"

check "the operator releases 10.0.0.11 on node 2" \
	ip netns exec node2 iptoctl release dev ipto0 addr 10.0.0.11
check "node 2 gives all of node 1's addresses back" \
	wait_for 10 status_is 2 'held='
check_eq "node 2 adopted nothing any more" "" "$(adopted_on node2)"
check "node 1 takes them back" wait_for 10 grep -q 'taken back' "$TEST_TMP/node1.log"
check "client served on VIP1 by node 1 again" wait_for 20 serves 10.0.0.11 node1
for i in 1 2; do
	check_eq "node $i's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on $i)"
done
# Node 3 was not told of the release: its view keeps node 2 as the holder
# (documented in iptod(8)), but it holds nothing of node 1 itself.
check_eq "node 3 adopted nothing" "" "$(adopted_on node3)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ratelimit.sh - a SYN flood at an adopted address gets at most burst +
# rate x duration resets back, one per packet at most, and the counters add
# up: every SYN matched, each either answered or counted as suppressed.
. "$(dirname "$0")/../lib.sh"

RATE=100
BURST=20
check "modprobe ipto" modprobe ipto
standby_and_client
check "set reply_rate $RATE reply_burst $BURST" \
	in_ns node2 iptoctl set dev ipto0 reply_rate $RATE reply_burst $BURST

for addr in 10.0.0.11 fd00::11; do
	in_ns node2 iptoctl adopt dev ipto0 addr $addr from 1
	in_ns client ping -c 1 -W 2 $addr >/dev/null	# resolve the neighbour first
	out=$(in_ns client synflood -d $addr -p 80 -n 600 -r 600 -w 500)
	info "$addr: $out"
	read -r _ sent _ rst _ dur <<<"$out"
	limit=$(awk "BEGIN { print int($BURST + $RATE * ($dur / 1000.0) * 1.1 + 5) }")
	check_eq "$addr: all SYNs sent" 600 "$sent"
	check "$addr: resets $rst <= $limit (burst + rate x ${dur} ms)" test "$rst" -le "$limit"
	check "$addr: resets $rst >= burst $BURST" test "$rst" -ge "$BURST"
	echo "# measure: $addr flood_sent=$sent rst=$rst duration_ms=$dur rate=$RATE burst=$BURST"
	stats=$(in_ns node2 iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
for a in json.load(sys.stdin)[0]["addresses"]:
    if a["address"] == sys.argv[1]:
        s = a["stats"]
        print(s["matched"], s["rst"], s["suppressed"], s["icmp"], s["dropped"])' $addr)
	read -r matched srst suppressed icmp dropped <<<"$stats"
	info "$addr: matched $matched rst $srst suppressed $suppressed icmp $icmp dropped $dropped"
	check_eq "$addr: counters: every SYN matched" "$sent" "$((matched - icmp))"
	check_eq "$addr: counters: answered + suppressed = matched SYNs" "$sent" "$((srst + suppressed))"
	check "$addr: counted resets >= resets received" test "$srst" -ge "$rst"
done
finish

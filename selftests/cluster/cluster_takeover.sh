#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_takeover.sh - three nodes keep the same table; node 1 is cut off
# and membership reports it down: exactly its first standby, node 2, adopts
# its addresses, within the same request, and node 3 does not; the client
# is refused on node 1's address within 100 ms of the node-down command and
# reaches the service on its second address.  Then the standby order is
# skipped when the first standby is down too.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
check "three nodes, one table" cluster_new

cut 1
# The client retries node 1's address every few milliseconds from one
# process and notes when it is first refused.
in_ns client python3 -S "$IPTO_SRC/selftests/helpers/client.py" watch 10.0.0.11 $CLUSTER_PORT 20 \
	>"$TEST_TMP/watch" &
watcher=$!
check "client watching" wait_for 10 test -s "$TEST_TMP/watch"
t_down=$(in_ns node2 python3 -S "$IPTO_SRC/selftests/helpers/node_state.py" ipto0 1 down)
check "node 1 reported down on node 2 (at $t_down)" test -n "$t_down"
check "node 1 reported down on nodes 1 and 3" sh -c \
	"ip netns exec node1 iptoctl node set dev ipto0 id 1 state down &&
	 ip netns exec node3 iptoctl node set dev ipto0 id 1 state down"
wait "$watcher"
read -r _ t_refused attempts <<<"$(tail -n 1 "$TEST_TMP/watch")"
ms=$(awk "BEGIN { printf \"%.1f\", ($t_refused - $t_down) * 1000 }")
echo "# measure: node_down_to_client_refused_ms=$ms (client attempts: $attempts)"
check "client refused on 10.0.0.11 after node-down" awk "BEGIN { exit !($t_refused > 0) }"
check_timing "client refused on 10.0.0.11 within 100 ms of node-down (${ms} ms)" \
	awk "BEGIN { exit !($t_refused > 0 && $ms < 100) }"
check_eq "node 2 (first standby) adopted node 1's addresses" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check_eq "node 3 adopted nothing" "" "$(adopted_on node3)"
check_eq "client reaches the service on its second address" "ok node2" "$(client_says 10.0.0.12)"
check_eq "IPv6: refused on fd00::11" refused "$(client_says fd00::11)"

# Standby order skipping: node 2 goes down too; node 3 is next for both.
cut 2
check "node 2 reported down" cluster_set 2 down
check_eq "node 2 no longer holds anything (its own view)" "" "$(adopted_on node2)"
check_eq "node 3 adopted node 1's and node 2's addresses" \
	"10.0.0.11 10.0.0.12 fd00::11 fd00::12" "$(adopted_on node3)"
check_eq "client refused on 10.0.0.12 by node 3" refused "$(client_says 10.0.0.12)"
check_eq "client served on 10.0.0.13" "ok node3" "$(client_says 10.0.0.13)"
finish

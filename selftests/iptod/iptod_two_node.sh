#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_two_node.sh - a two-node cluster cannot tell a dead peer from a cut
# link by itself.  With a witness (here the client, 10.0.0.100, which
# answers ping) the node that still reaches the witness keeps quorum and
# adopts; the cut-off node loses it and fences itself.  When both reach
# the witness and ping each other but their heartbeats do not arrive (a
# filter, keys that differ), only node 1, the lower id, keeps quorum.
# Without a witness, iptod says in its log what protection is missing, and
# a cut leaves both nodes acting (the documented split-brain).
. "$(dirname "$0")/../lib.sh"
IPTOD_NODES="1 2"
IPTOD_WITNESS=10.0.0.100
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up two nodes running iptod"
check "two nodes with a witness settle" wait_for 30 iptod_settled
check_eq "the witness answers node 1" up "$(status_of 1 witness)"

cut 1
check "node 1, cut off from its peer and the witness, loses quorum" \
	wait_for 10 status_is 1 quorum=0
check "and fences itself" wait_for 10 status_is 1 fenced=1
check "node 2 keeps quorum with the witness and adopts node 1's addresses" \
	wait_for 10 status_is 2 held=1
check_eq "node 2's quorum" 1 "$(status_of 2 quorum)"
check_eq "client refused on VIP1 by node 2" refused "$(client_says 10.0.0.11)"
heal 1
check "the two nodes settle again" wait_for 30 iptod_settled
check_eq "node 2 gave the addresses back" "" "$(adopted_on node2)"

# The witness goes away while both nodes see each other: nothing changes.
ip -n lan link set lan-client down
check "the witness stops answering" wait_for 10 status_is 1 witness=down
check "both nodes keep quorum (2 of 3 votes)" iptod_settled
ip -n lan link set lan-client up

# Heartbeats stop arriving while both nodes run and reach the witness and
# each other (node 2 is given another key: each drops the other's
# heartbeats as bad_mac).  Each would have 2 of 3 votes; the tie goes to
# the node with the lower id: node 1 keeps quorum and takes over node 2's
# addresses, node 2 fences itself.  Never both.
(umask 077 && head -c 32 /dev/urandom >"$TEST_TMP/key2")
sed -i "s|^key_file = .*|key_file = $TEST_TMP/key2|" "$TEST_TMP/node2.conf"
kill -HUP "${IPTOD_PID[2]}"
check "node 2 reloads with another key" wait_for 10 status_is 2 reloads=1
check "node 1 sees a tie" wait_for 10 status_is 1 tie=1
check "node 2 sees a tie" wait_for 10 status_is 2 tie=1
check "node 2 (the higher id) loses quorum and fences itself" wait_for 10 status_is 2 fenced=1
check_eq "node 1 keeps quorum" 1 "$(status_of 1 quorum)"
check "node 1 adopts node 2's addresses" wait_for 10 status_is 1 held=2
check_eq "node 2 adopted nothing" "" "$(adopted_on node2)"
check_eq "client refused on VIP2 by node 1" refused "$(client_says 10.0.0.12)"
sed -i "s|^key_file = .*|key_file = $TEST_TMP/key|" "$TEST_TMP/node2.conf"
kill -HUP "${IPTOD_PID[2]}"
check "node 2 reloads with the cluster's key" wait_for 10 status_is 2 reloads=2
check "the two nodes settle again" wait_for 30 iptod_settled
check_eq "the tie is over" "0 0" "$(status_of 1 tie) $(status_of 2 tie)"
check_eq "node 1 gave node 2's addresses back" "" "$(adopted_on node1)"

# Without a witness.
kill -9 "${IPTOD_PID[1]}" "${IPTOD_PID[2]}"
for i in 1 2; do
	IPTOD_WITNESS='' iptod_conf $i reject >"$TEST_TMP/node$i.conf"
	: >"$TEST_TMP/node$i.log"
	iptod_start $i
done
check "two nodes without a witness settle" wait_for 30 iptod_settled
check "iptod says what protection is missing" \
	grep -q 'two-node cluster without a witness: .*no split-brain protection' "$TEST_TMP/node1.log"
cut 1
check "node 2 adopts node 1's addresses" wait_for 10 status_is 2 held=1
check_eq "node 1 keeps quorum too: both act (split brain, as logged)" 1 "$(status_of 1 quorum)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_corosync_qdevice.sh - two nodes with membership = corosync and
# corosync-qdevice, whose arbiter corosync-qnetd runs on a third host
# (namespace "arbiter", 10.0.0.200; algorithm ffsplit, without TLS).  The
# two nodes lose each other (nftables drops their traffic to each other)
# while both still reach the client and the arbiter: qnetd gives its vote
# to one side, which keeps quorum and adopts the other's addresses; the
# other side loses quorum and fences itself.  Whichever side qnetd picks,
# exactly one is quorate and answering: the client samples who answers
# both nodes' home addresses every 20 ms, and no round has two answerers.
# Then the two see each other again and each answers its own addresses.
# Then node 1 is cut off from everything, the arbiter included: node 2
# keeps quorum and adopts, node 1 fences itself.
# Timing: token 1000 ms; qdevice's timeout 2000 ms and sync_timeout
# 4000 ms (its defaults, 10 s and 30 s, would make the test a minute
# longer); heartbeats every 100 ms, dead after 10 misses (helpers/iptod.sh).
# timeout: 600
. "$(dirname "$0")/../lib.sh"
IPTOD_NODES="1 2"
IPTOD_MISSES=10
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/faults.sh"
COROSYNC_TOKEN_MS=1000
COROSYNC_QDEVICE_TIMEOUT_MS=2000
COROSYNC_QDEVICE_SYNC_TIMEOUT_MS=4000
. "$IPTO_SRC/selftests/helpers/corosync.sh"

for i in 1 2; do
	IPTOD_CLUSTER_EXTRA[$i]="membership = corosync"
done

# Who answers node J's 10.0.0.1J, every 20 ms: $TEST_TMP/answersJ, the
# sampler's pid in SAMPLER[J] (helpers/faults.sh).
declare -A SAMPLER=()
# answered J WHO: the last round saw WHO alone answer node J's address.
answered() { sampled "$TEST_TMP/answers$1" "$2"; }

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up two nodes running iptod"
qnetd_start || fail "starting corosync-qnetd"
check "qnetd listens" wait_for 30 qnetd_ready
for i in 1 2; do
	corosync_start "$i" qdevice || fail "starting corosync on node $i"
done
check "corosync runs on both nodes, quorate" wait_for 60 corosync_all_ready
for i in 1 2; do
	qdevice_start "$i" || fail "starting corosync-qdevice on node $i"
done
check "the qdevice votes on both nodes" wait_for 60 eval 'qdevice_voting 1 && qdevice_voting 2'
check "iptod on both nodes settles" wait_for 30 iptod_settled
check_eq "node 1: votes, the qdevice's included" "3/3" "$(status_of 1 corosync.votes)"

for j in 1 2; do
	answers_start "10.0.0.1$j" "$TEST_TMP/answers$j"
	SAMPLER[$j]=$ANSWERS_PID
	check "node $j answers 10.0.0.1$j" wait_for 15 answered $j node$j
done

t0=${EPOCHREALTIME//[!0-9]/}
peer_block 1 2 || fail "blocking the nodes from each other"
# winner: the node that keeps quorum; loser: the other.
check "one node keeps quorum and adopts the other's addresses" \
	wait_for 60 eval 'status_is 1 held=2 || status_is 2 held=1'
if status_is 1 held=2; then winner=1 loser=2; else winner=2 loser=1; fi
info "qnetd picked node $winner ($((( ${EPOCHREALTIME//[!0-9]/} - t0) / 1000)) ms after the partition)"
check "node $loser has no quorum and is fenced" \
	wait_for 10 eval "status_is $loser quorum=0 && status_is $loser fenced=1"
# (Its lease ran out while corosync formed its new ring: it answers
# again once the ring delivers its heartbeats, iptod(8).)
check "node $winner is quorate and not fenced" \
	wait_for 10 eval "status_is $winner quorum=1 && status_is $winner fenced=0"
check "corosync agrees: node $winner quorate" corosync_quorate $winner
check "node $loser not" corosync_lost $loser
check "the client sees node $winner answer both addresses" \
	wait_for 10 eval "answered 1 node$winner && answered 2 node$winner"
peer_unblock 1 2 || fail "unblocking"
check "healed: both nodes settle" wait_for 60 iptod_settled
check "each node answers its own address again" \
	wait_for 20 eval 'answered 1 node1 && answered 2 node2'

# Node 1 cut off from everything, the arbiter included: qnetd can only
# pick node 2 now.
cut 1
check "node 1 cut off: node 2 keeps quorum and adopts its addresses" \
	wait_for 60 status_is 2 held=1
check "node 1 has no quorum and is fenced" \
	wait_for 10 eval 'status_is 1 quorum=0 && status_is 1 fenced=1'
check "the client sees node 2 answer both addresses" \
	wait_for 10 eval 'answered 1 node2 && answered 2 node2'
heal 1
check "healed again: both nodes settle" wait_for 60 iptod_settled
check "each node answers its own address again" \
	wait_for 20 eval 'answered 1 node1 && answered 2 node2'

for j in 1 2; do
	answers_stop "${SAMPLER[$j]}" "$TEST_TMP/answers$j" "10.0.0.1$j"
done
# The loser's address: from its last answer to the winner's first, after
# the partition (ms, CLOCK_REALTIME as the rounds have it).
margin=$(awk -v t0=$((t0 / 1000)) -v w="node$winner" -v l="node$loser" '
	$1 == "round" && $8 != "-" && !first {
		if ($8 == l) last = $4
		if ($8 == w && $4 >= t0) first = $4
	}
	END { print (first && last) ? first - last : -1 }' "$TEST_TMP/answers$loser")
echo "# measure: qdevice_partition winner=node$winner handover_margin_ms=$margin"
check "node $loser fell silent before node $winner answered its address (margin $margin ms)" \
	test "$margin" -gt 0
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# corosync_qdevice.sh - the environment of iptod's corosync membership on
# two nodes (helpers/corosync.sh), without iptod: corosync (knet) on nodes
# 1 and 2, corosync-qdevice (model net, algorithm ffsplit, one vote) on
# each, corosync-qnetd in a third namespace on the LAN ("arbiter",
# 10.0.0.200), all without TLS.  Three votes, quorum at two.
#
# - Both nodes are quorate with the qdevice's vote counted.
# - The two lose each other but both still reach qnetd (nft drops what
#   goes between 10.0.0.1 and 10.0.0.2): exactly one stays quorate, the
#   one qnetd gives its vote to (ffsplit: equal halves, the tie-breaker
#   "lowest" picks node 1, but the test does not depend on which).  While
#   the two memberships split, the quorum of both is sampled: never two
#   quorate memberships of one node each.
# - Node 1's link is cut (from node 2 and qnetd): node 2 keeps quorum with
#   qnetd's vote, node 1 loses it.
# - Each heals into one quorate membership of two with the qdevice voting.
# Timers: token 1000 ms; the qdevice's timeout 2000 ms (its heartbeat to
# qnetd 0.8 of it; corosync-qdevice's default is 10000 ms) and its
# sync_timeout 4000 ms (default 30000: how long votequorum waits for the
# qdevice's verdict on a new membership before it withdraws its vote).
. "$(dirname "$0")/../lib.sh"
IPTOD_NODES="1 2"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/corosync.sh"
COROSYNC_TOKEN_MS=1000
COROSYNC_QDEVICE_TIMEOUT_MS=2000
COROSYNC_QDEVICE_SYNC_TIMEOUT_MS=4000
# No iptod here: a failure shows corosync's state and logs (corosync.sh's
# on_finish), not iptod's.
on_failure() { :; }

if [ ! -x "$COROSYNC_BIN/corosync-qdevice" ] || [ ! -x "$CACHE_ROOT/usr/bin/corosync-qnetd" ]; then
	skip_test "corosync-qdevice or corosync-qnetd is not in the cache (make deps)"
fi

lan_new node1 node2 client || fail "setting up the LAN"
lan_addrs 1 node1 node2
lan_addrs 100 client
qnetd_start || fail "starting qnetd"
for i in 1 2; do
	corosync_start $i qdevice || fail "starting corosync on node $i"
done
check "qnetd listens" wait_for 30 qnetd_ready
check "two nodes form one quorate membership" wait_for 60 corosync_all_ready 2
for i in 1 2; do
	qdevice_start $i || fail "starting qdevice on node $i"
done
# both_voting: each node counts the qdevice's vote.
both_voting() { qdevice_voting 1 && qdevice_voting 2; }
check "both nodes count the qdevice's vote" wait_for 60 both_voting
check_eq "node 1: 3 votes in all, quorum at 2" "3 2" \
	"$(corosync_field 1 "Total votes") $(corosync_field 1 Quorum)"
qnetd_status >"$TEST_TMP/qnetd-status"
check_eq "qnetd has both nodes of cluster ipto as clients" 2 \
	"$(grep -c 'Node ID [12]:' "$TEST_TMP/qnetd-status")"
info "$(tr '\n' ' ' <"$TEST_TMP/qnetd-status")"

# not COMMAND...: the command fails.
not() { ! "$@"; }

# one_side: exactly one node is quorate, alone, and the other answers and
# is not; prints the quorate one.  both_alone_quorate: the split brain this
# arrangement exists to prevent.
one_side() {
	local q1=0 q2=0 rc
	corosync_quorum 1 >/dev/null 2>&1; rc=$?
	[ $rc = 0 ] && q1=1
	[ $rc = 1 ] && return 1
	corosync_quorum 2 >/dev/null 2>&1; rc=$?
	[ $rc = 0 ] && q2=1
	[ $rc = 1 ] && return 1
	[ $((q1 + q2)) = 1 ] || return 1
	[ $q1 = 1 ] && corosync_ready 1 1 && echo 1 && return 0
	[ $q2 = 1 ] && corosync_ready 2 1 && echo 2
}
both_alone_quorate() { corosync_ready 1 1 && corosync_ready 2 1; }
# watch_split SECONDS: polls until one_side holds (at most SECONDS),
# counting the samples in which both nodes were quorate alone; prints
# "WINNER SAMPLES BOTH" (WINNER "none" when one_side never held).
watch_split() {
	local deadline=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000)) n=0 both=0 w
	while ((${EPOCHREALTIME//[!0-9]/} < deadline)); do
		n=$((n + 1))
		both_alone_quorate && both=$((both + 1))
		if w=$(one_side); then
			echo "$w $n $both"
			return 0
		fi
		nap 0.1
	done
	echo "none $n $both"
}

# The two lose each other, not qnetd.
mark1=$(corosync_log_mark 1) mark2=$(corosync_log_mark 2)
t0=${EPOCHREALTIME//[!0-9]/}
peer_block 1 2 || fail "nft between node 1 and node 2"
read -r winner samples both <<<"$(watch_split 60)"
check "nodes 1 and 2 apart, both reaching qnetd: exactly one stays quorate" [ "$winner" != none ]
check_eq "never both quorate alone ($samples samples)" 0 "$both"
info "qnetd gave its vote to node $winner"
picked=$winner
[ "$winner" = none ] && winner=1	# (the checks below go on, and fail)
loser=$((3 - winner))
check "node $winner counts the qdevice's vote" qdevice_voting "$winner"
check "node $loser's votequorum withholds the qdevice's vote" qdevice_withheld $loser
mark=([1]=$mark1 [2]=$mark2)
# Between the samples: corosync logs each change of its quorum.
check "node $loser's log: it left the primary component" \
	corosync_log_has $loser "${mark[$loser]}" 'within the non-primary component'
check "node $loser's log: it was never in a primary component without node $winner" \
	not corosync_log_has $loser "${mark[$loser]}" 'within the primary component'
lost=$(corosync_log_ms $loser "${mark[$loser]}" "$t0" 'non-primary component')
won=$(corosync_log_ms "$winner" "${mark[$winner]}" "$t0" 'Members\[1\]')
echo "# measure: qdevice split winner=node$picked block_to_loser_quorum_lost_ms=$lost block_to_winner_members_ms=$won"

t0=${EPOCHREALTIME//[!0-9]/}
peer_unblock 1 2 || fail "removing the nft tables"
check "together again: one quorate membership of two" wait_for 60 corosync_all_ready 2
check "both count the qdevice's vote again" wait_for 60 both_voting
echo "# measure: qdevice unblock_to_both_voting_ms=$(((${EPOCHREALTIME//[!0-9]/} - t0) / 1000))"

# Node 1 is cut off from node 2 and from qnetd.
mark1=$(corosync_log_mark 1) mark2=$(corosync_log_mark 2)
t0=${EPOCHREALTIME//[!0-9]/}
cut 1
read -r winner samples both <<<"$(watch_split 60)"
check_eq "node 1 cut off: node 2 keeps quorum with qnetd's vote, node 1 loses it" 2 "$winner"
check_eq "never both quorate alone ($samples samples)" 0 "$both"
check "node 1's log: it was never in a primary component without node 2" \
	not corosync_log_has 1 "$mark1" 'within the primary component'
lost=$(corosync_log_ms 1 "$mark1" "$t0" 'non-primary component')
won=$(corosync_log_ms 2 "$mark2" "$t0" 'Members\[1\]')
echo "# measure: qdevice cut winner=node$winner cut_to_node1_quorum_lost_ms=$lost cut_to_node2_members_ms=$won"

heal 1
check "the link heals: one quorate membership of two" wait_for 60 corosync_all_ready 2
check "both count the qdevice's vote again" wait_for 60 both_voting
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# corosync_netns.sh - the environment of iptod's corosync membership
# (helpers/corosync.sh), without iptod: corosync 3 with knet (encrypted,
# aes256/sha256) runs in each node's namespace, and three nodes form one
# membership with quorum (votequorum).
#
# corosync's IPC is per network namespace.  libqb's IPC rendezvous is an
# abstract unix socket (@cmap, @cpg, @quorum, @votequorum, @cfg; only its
# ring buffers are files in /dev/shm, named after the two pids), and an
# abstract socket belongs to the network namespace it was bound in: a
# client in namespace node1 reaches node 1's corosync, in node2 node 2's,
# and one in a namespace without corosync (the client's, the guest's
# root) reaches none, though the filesystem is the same everywhere.
#
# Then node 1's link is cut: node 1 loses quorum (1 vote of 3), nodes 2
# and 3 form a membership of two and keep it; the link heals and all three
# are one quorate membership again.  The measures come from corosync's own
# log (hires timestamps), at a token of 1000 ms (1650 ms in force for three
# nodes: token_coefficient): the quorum is lost after the token and the
# consensus (1.2 times it).  Everything waits with wait_for: a wrong
# membership fails the check when its limit passes.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/corosync.sh"
COROSYNC_TOKEN_MS=1000
# No iptod here: a failure shows corosync's state and logs (corosync.sh's
# on_finish), not iptod's.
on_failure() { :; }

[ -x "$COROSYNC_BIN/corosync" ] || skip_test "corosync is not in the cache ($COROSYNC_BIN: make deps)"

lan_new node1 node2 node3 client || fail "setting up the LAN"
lan_addrs 1 node1 node2 node3
lan_addrs 100 client
for i in 1 2 3; do
	corosync_start $i || fail "starting corosync on node $i"
done
check "three nodes form one quorate membership" wait_for 60 corosync_all_ready 3
for i in 1 2 3; do
	check_eq "node $i: corosync-quorumtool says 3 nodes, quorate" "3 Yes" \
		"$(corosync_field $i Nodes) $(corosync_field $i Quorate)"
done
token=$(corosync_in 1 corosync-cmapctl -g runtime.config.totem.token | sed 's/.* = //')
check_eq "the token in force is $COROSYNC_TOKEN_MS ms + 650 ms for the third node" \
	$((COROSYNC_TOKEN_MS + 650)) "$token"

# The IPC, namespace by namespace.
for i in 1 2 3; do
	check_eq "corosync-cmapctl in namespace node$i reaches node $i's corosync" \
		"runtime.votequorum.this_node_id (u32) = $i" \
		"$(corosync_in $i corosync-cmapctl -g runtime.votequorum.this_node_id)"
	check_eq "corosync-quorumtool in namespace node$i: Node ID $i" $i "$(corosync_field $i "Node ID")"
done
# ss prints an abstract socket's name with "@" for its leading NUL (and for
# libqb's NUL padding).
check "node1's namespace has corosync's abstract sockets" \
	sh -c "ip netns exec node1 ss -Hxl | grep -q ' @cmap@'"
check_eq "the client's namespace has none" "" \
	"$(ip netns exec client ss -Hxl | grep ' @cmap@')"
check_refused "corosync-cmapctl in the client's namespace reaches no corosync" \
	"Failed to initialize the cmap API" \
	ip netns exec client env LD_LIBRARY_PATH="$CACHE_LIBS" "$COROSYNC_BIN/corosync-cmapctl" \
	-g runtime.votequorum.this_node_id
check_refused "corosync-quorumtool in the guest's root namespace reaches no corosync" \
	"Cannot initialize" \
	cs_run corosync-quorumtool -s

# Node 1 loses the LAN.
mark1=$(corosync_log_mark 1) mark2=$(corosync_log_mark 2)
t0=${EPOCHREALTIME//[!0-9]/}
cut 1
check "node 1 loses quorum" wait_for 30 corosync_lost 1
check "nodes 2 and 3 form a quorate membership of two" \
	wait_for 30 corosync_ready_on "2 3" 2
check_eq "node 1 sees itself alone" 1 "$(corosync_field 1 Nodes)"
lost=$(corosync_log_ms 1 "$mark1" "$t0" 'non-primary component')
formed=$(corosync_log_ms 2 "$mark2" "$t0" 'A new membership .* Members left: 1')
members=$(corosync_log_ms 2 "$mark2" "$t0" 'Members\[2\]: 2 3')
echo "# measure: corosync token_ms=$token cut_to_node1_quorum_lost_ms=$lost cut_to_new_membership_ms=$formed cut_to_majority_members_ms=$members"

mark1=$(corosync_log_mark 1)
t0=${EPOCHREALTIME//[!0-9]/}
heal 1
check "the link heals: three nodes, quorate, on each" wait_for 60 corosync_all_ready 3
back=$(corosync_log_ms 1 "$mark1" "$t0" 'within the primary component')
echo "# measure: corosync heal_to_node1_quorate_ms=$back"

# Stopped cleanly, corosync leaves nothing in /dev/shm (its blackbox and
# the IPC buffers are named after its pid).
pids=("${COROSYNC_PID[@]}")
corosync_cleanup
left=""
for pid in "${pids[@]}"; do
	for f in /dev/shm/qb-*-"$pid"-*; do
		[ -e "$f" ] && left+=" $f"
	done
done
check_eq "corosync stopped, nothing left in /dev/shm" "" "$left"
finish

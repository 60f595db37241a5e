#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_pause.sh - a daemon that did not run for a while (SIGSTOP here; a
# stopped VM or memory pressure on a real node) says so in its log and its
# status file.  When the whole cluster paused together, no daemon holds
# the silence of the pause against its peers: nobody is found dead and
# no address moves (the kernels' leases may run out meanwhile; each
# daemon lifts its fence again).  When one node alone paused, its peers,
# which ran on, find it dead and take its addresses over, and give them
# back once it runs again.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"

PAUSE_S=1

# pause_daemons I...: SIGSTOP the daemons of these nodes for PAUSE_S s.
pause_daemons() {
	local i pids=()
	for i in "$@"; do
		pids+=("${IPTOD_PID[$i]}")
	done
	kill -STOP "${pids[@]}"
	sleep "$PAUSE_S"	# the pause itself, not a wait for anything
	kill -CONT "${pids[@]}"
}
# noticed I: node I's daemon counted a pause of PAUSE_S s or more.
noticed() {
	[ "$(status_of "$1" pauses)" -ge 1 ] &&
		[ "$(status_of "$1" longest_pause_ms)" -ge $((PAUSE_S * 1000)) ]
}
deaths() { cat "$TEST_TMP"/node*.log | grep -c 'silent for .* dead'; }

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
deaths_before=$(deaths)

pause_daemons 1 2 3
for i in 1 2 3; do
	check "node $i's daemon noticed its pause" wait_for 10 noticed $i
	check "node $i logged it" grep -q "iptod did not run for [0-9]* ms (monotonic clock" \
		"$TEST_TMP/node$i.log"
done
check "the cluster settles after the pause" wait_for 30 iptod_settled
check_eq "no node was found dead over a pause they all shared" "$deaths_before" "$(deaths)"
for i in 1 2 3; do
	check_eq "node $i adopted nothing" "" "$(adopted_on node$i)"
	check_eq "node $i's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on $i)"
done
check "client served on VIP1 by node 1" wait_for 10 serves 10.0.0.11 node1

# Node 3 alone pauses: its peers ran on and find it dead.
pause_daemons 3 &
check "node 1 takes node 3's addresses while it is paused" \
	wait_for 10 status_is 1 held=3
wait $!
check "node 2 found node 3 dead" grep -q 'node n3 (3) silent for .* dead' "$TEST_TMP/node2.log"
check "node 3's daemon noticed its pause" wait_for 10 noticed 3
check "the cluster settles after node 3's pause" wait_for 30 iptod_settled
check "node 1 gives node 3's addresses back" wait_for 10 sh -c \
	"grep -qx held= $TEST_TMP/node1.status"
check_eq "node 3's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on 3)"
finish

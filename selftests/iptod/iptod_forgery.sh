#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_forgery.sh - what reaches iptod's heartbeat port from the network is
# distrusted: heartbeats under a wrong key, replays of captured genuine
# heartbeats (also after their sender died, which must not bring it back,
# and to a receiver that restarted since),
# truncated and random datagrams, a genuine key with an unknown node id or
# from the wrong address.  Each is dropped and counted by reason, and
# nothing changes: node states, owners, adoptions.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

PORT=7410
check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
before=$(owners_on 2)

# counter_above I NAME N: node I's counter rx.NAME is above N.
counter_above() { [ "$(status_of "$1" "rx.$2")" -gt "$3" ]; }
# counter_rises NAME COMMAND...: node 2's rx.NAME rises when the command runs.
counter_rises() {
	local name=$1 n
	shift
	n=$(status_of 2 "rx.$name")
	"$@" >>"$TEST_TMP/forge.log" 2>&1 || return 1
	wait_for 10 counter_above 2 "$name" "$n"
}

(umask 077 && head -c 32 /dev/urandom >"$TEST_TMP/wrong-key")
check "wrong key: counted as bad_mac" counter_rises bad_mac \
	in_ns node1 ipto-hbforge --key "$TEST_TMP/wrong-key" --node 1 --boot now --seq 1 \
	--flags none --count 5 --bind 10.0.0.1 10.0.0.2 $PORT
check "truncated heartbeats: counted as malformed" counter_rises malformed \
	in_ns node1 ipto-hbforge --key "$TEST_TMP/key" --node 1 --boot now --seq 1 \
	--truncate 40 --count 5 --bind 10.0.0.1 10.0.0.2 $PORT
check "random datagrams: counted as malformed" counter_rises malformed \
	in_ns node1 ipto-hbforge --raw-random 200 --seed 7 --bind 10.0.0.1 10.0.0.2 $PORT
check "genuine key, unknown node: counted" counter_rises unknown_node \
	in_ns client ipto-hbforge --key "$TEST_TMP/key" --node 9 --boot now --seq 1 \
	--flags none 10.0.0.2 $PORT
check "genuine key, node 1's id from the client's address: counted" counter_rises wrong_source \
	in_ns client ipto-hbforge --key "$TEST_TMP/key" --node 1 --boot now --seq 1 \
	--flags none 10.0.0.2 $PORT
check "captured 20 of node 1's heartbeats to node 2" \
	in_ns node2 python3 -S "$IPTO_SRC/selftests/helpers/hb_capture.py" eth0 10.0.0.1 $PORT 20 \
	"$TEST_TMP/captured"
check "replayed from node 1's address: counted as replay" counter_rises replay \
	in_ns node1 ipto-hbforge --replay "$TEST_TMP/captured" --bind 10.0.0.1 10.0.0.2 $PORT
check "every node still settled" iptod_settled
check_eq "node 2's view unchanged" "$before" "$(owners_on 2)"
check_eq "node 2 adopted nothing" "" "$(adopted_on node2)"

# Node 1 dies; its captured heartbeats played back must not revive it.
kill -9 "${IPTOD_PID[1]}"
check "node 2 declares node 1 dead" wait_for 10 status_is 2 held=1
replays=$(status_of 2 rx.replay)
check "replaying node 1's heartbeats after its death" \
	in_ns node1 ipto-hbforge --replay "$TEST_TMP/captured" --bind 10.0.0.1 10.0.0.2 $PORT
check "all 20 counted as replay" wait_for 10 counter_above 2 replay $((replays + 19))
check "node 1 stays dead for node 2" sh -c "grep -q '^peer.1=n1 down\$' $TEST_TMP/node2.status"
check_eq "node 2 still holds node 1's addresses" "10.0.0.11 fd00::11" "$(adopted_on node2)"
check "node 2 logged the drops with their reason" grep -q 'dropped: replay' "$TEST_TMP/node2.log"

# Node 2's daemon restarts (as systemctl restart does), with its clock
# stepped an hour back: its peers take it again (its boot counter grew,
# whatever the clock), and node 1's recording, played back to it, is
# stale: it echoes the challenge of node 2's previous start, so node 1
# stays dead.
started_twice() { [ "$(grep -c 'started: node' "$TEST_TMP/node2.log")" -ge 2 ]; }
node2_down_for_node3() { [[ $(status_of 3 peer.2) == "n2 down"* ]]; }
kill -TERM "${IPTOD_PID[2]}"
wait "${IPTOD_PID[2]}"
check "node 3 sees node 2's daemon go" wait_for 10 node2_down_for_node3
date -s "@$((EPOCHSECONDS - 3600))" >/dev/null
iptod_start 2
# Polled without a clock while it is an hour off (wait_for reads it).
for _ in $(seq 100); do started_twice && break; nap 0.1; done
date -s "@$((EPOCHSECONDS + 3600))" >/dev/null
check "node 2's daemon started again" started_twice
check_eq "its boot counter grew" 2 "$(cat "$TEST_TMP/state2/ipto0.boot")"
check "node 3 takes node 2's heartbeats again" wait_for 10 status_is 3 'peer.2=n2 up alive'
check "node 2's new daemon takes node 3's heartbeats" wait_for 10 status_is 2 'peer.3=n3 up alive'
stale=$(status_of 2 rx.stale)
check "replaying node 1's last heartbeats to node 2's new daemon" \
	in_ns node1 ipto-hbforge --replay "$TEST_TMP/captured" --bind 10.0.0.1 10.0.0.2 $PORT
check "all 20 counted as stale" wait_for 10 counter_above 2 stale $((stale + 19))
check_eq "node 1 stays down for node 2" "n1 down" "$(status_of 2 peer.1)"
finish

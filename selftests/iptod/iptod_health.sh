#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_health.sh - local monitors: node 1's echo service has a TCP health
# check, node 3's an executable one, run as nobody.  When a check fails
# "fall" times in a row the node steps down: its peers see it down and its
# first standby adopts its addresses and serves the service there (action
# serve); when the check passes "rise" times the node rejoins and takes its
# addresses back (failback auto).  The node that stepped down never answers
# its addresses while the standby does.  Heartbeats go over IPv6 here.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10	# what moves, not how fast (see helpers/iptod.sh, Timers)
. "$IPTO_SRC/selftests/helpers/iptod.sh"

IPTOD_HB_FAMILY=6
IPTOD_EXTRA[1]="check = tcp 127.0.0.1:$CLUSTER_PORT
$CHECK_TIMERS
fall = 3
rise = 2"
# Node 3's check runs as nobody (run_as): "test -O" passes only for the
# owner of the file, so run as anyone else the check fails from the start.
# Nobody can reach TEST_TMP's files, not list them.
chmod 0711 "$TEST_TMP"
touch "$TEST_TMP/nobody-owns"
chown nobody "$TEST_TMP/nobody-owns"
IPTOD_CLUSTER_EXTRA[3]="run_as = nobody"
IPTOD_EXTRA[3]="check = exec /usr/bin/test -O $TEST_TMP/nobody-owns -a ! -e $TEST_TMP/sick3
$CHECK_TIMERS
fall = 2
rise = 2"

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
check "client served on VIP1 by node 1" serves 10.0.0.11 node1

t0=$(date +%s.%N)
kill "${ECHO_PID[1]}"
check "node 1's check fails: it steps down" wait_for 10 status_is 1 fit=0
check "node 2 adopts node 1's addresses" wait_for 10 status_is 2 held=1
check "client served on VIP1 by node 2" wait_for 10 serves 10.0.0.11 node2
t1=$(date +%s.%N)
echo "# measure: health_fail_to_served_by_standby_ms=$(awk "BEGIN { printf \"%.0f\", ($t1 - $t0) * 1000 }")"
check_eq "node 1's own view: node 2 holds its addresses" "1:2 2:2 3:3" "$(owners_on 1)"
check "node 1 logged why it stepped down" grep -q 'steps down' "$TEST_TMP/node1.log"

t0=$(date +%s.%N)
echo_start 1
check "node 1's check passes again: it rejoins" wait_for 10 node_settled 1
check "node 2 gives the addresses back" wait_for 10 status_is 2 'held='
check "client served on VIP1 by node 1 again" wait_for 20 serves 10.0.0.11 node1
t1=$(date +%s.%N)
echo "# measure: health_recover_to_served_by_home_ms=$(awk "BEGIN { printf \"%.0f\", ($t1 - $t0) * 1000 }")"

touch "$TEST_TMP/sick3"
check "node 3's exec check fails: it steps down" wait_for 10 status_is 3 fit=0
check "node 1 (node 3's first standby) adopts its addresses" \
	wait_for 10 status_is 1 held=3
check "client served on VIP3 by node 1" wait_for 10 serves 10.0.0.13 node1
rm "$TEST_TMP/sick3"
check "node 3 rejoins" wait_for 10 iptod_settled
check "client served on VIP3 by node 3 again" wait_for 20 serves 10.0.0.13 node3
for i in 1 2 3; do
	check_eq "node $i's view: every node owns its own addresses" "1:1 2:2 3:3" "$(owners_on $i)"
done

# Node 3's daemon restarts while its service is down.  Its check starts
# with no result, so node 3 is not fit until it passes: it never reports
# itself up, and its addresses stay with node 1.  A reload keeps the
# check's state (bad): node 3 does not claim health for fall - 1 checks.
touch "$TEST_TMP/sick3"
kill -TERM "${IPTOD_PID[3]}"
wait "${IPTOD_PID[3]}"
check "node 1 adopts node 3's addresses while node 3 is stopped" \
	wait_for 10 status_is 1 held=3
# up_lines: how often the peers logged node 3 up; rx_above I N: node I
# took more than N heartbeats (time measured in heartbeats, not sleeps).
up_lines() { cat "$TEST_TMP/node1.log" "$TEST_TMP/node2.log" | grep -c 'node n3 (3) is up'; }
rx_above() { [ "$(status_of "$1" rx.ok)" -gt "$2" ]; }
ups=$(up_lines)
iptod_start 3
check "node 3's check fails at its first run" \
	wait_for 10 grep -q 'health check of service echo3 fails at its first run' "$TEST_TMP/node3.log"
rx=$(status_of 1 rx.ok)
check "ten more heartbeats reach node 1" wait_for 10 rx_above 1 $((rx + 10))
check_eq "node 3 was never reported up" "$ups" "$(up_lines)"
check "node 1 still holds node 3's addresses" grep -qx held=3 "$TEST_TMP/node1.status"
kill -HUP "${IPTOD_PID[3]}"
check "node 3 reloaded" wait_for 10 grep -q 'reloaded' "$TEST_TMP/node3.log"
rx=$(status_of 1 rx.ok)
check "ten more heartbeats reach node 1 after the reload" wait_for 10 rx_above 1 $((rx + 10))
check_eq "the reload kept node 3's check bad: never reported up" "$ups" "$(up_lines)"
check "node 1 still holds node 3's addresses after the reload" \
	grep -qx held=3 "$TEST_TMP/node1.status"
rm "$TEST_TMP/sick3"
check "node 3 rejoins once its check passes" wait_for 10 iptod_settled
check "client served on VIP3 by node 3" wait_for 20 serves 10.0.0.13 node3
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_cascade.sh - the cascade guard (claims 50, 51).  Node 3 fails
# (node 1, its first standby, takes it), then node 1 fails: node 2 adopts
# both and is the last node standing for its own unit and the two adopted
# ones, so it marks all three failover-disallowed and raises an alert for
# each (seen on the event group by "iptoctl monitor", counted in show),
# but only once it is not fenced.
# Node 3 returns: the marks are lifted, with an event each, and node 3's
# addresses go home.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
check "three nodes, one table" cluster_new
in_ns node2 iptoctl -j monitor dev ipto0 >"$TEST_TMP/events" 2>"$TEST_TMP/monitor.err" &
check "monitor listening" wait_for 10 grep -q listening "$TEST_TMP/monitor.err"
event_count() { grep -c "\"event\":\"$1\"" "$TEST_TMP/events"; }
node_json() {
	in_ns node2 iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
d = json.load(sys.stdin)[0]
print(d["alerts"], " ".join("%d:%s:%s" % (n["id"], n["owner"], n["guard"]) for n in d["nodes"]))'
}

cut 3
check "node 3 down" cluster_set 3 down
check_eq "node 1 took node 3 over: no alert on node 2" 0 "$(event_count alert)"
# Fenced, node 2 provides nothing: it raises no mark and no alert (as a
# daemon's node at start, before it has heard its peers).  Once the fence
# is lifted it adopts, marks and alerts.
check "node 2 fenced" in_ns node2 iptoctl fence dev ipto0 on
cut 1
check "node 1 down" cluster_set 1 down
read -r alerts nodes <<<"$(node_json)"
check_eq "fenced: node 2 adopted nothing" "" "$(adopted_on node2)"
check_eq "fenced: no alert counted on node 2" 0 "$alerts"
check "node 2's fence lifted" in_ns node2 iptoctl fence dev ipto0 off
check_eq "node 2 adopted nodes 1 and 3" "10.0.0.11 10.0.0.13 fd00::11 fd00::13" "$(adopted_on node2)"
check "three alerts on the event group" wait_for 5 sh -c "[ \$(grep -c '\"event\":\"alert\"' $TEST_TMP/events) -eq 3 ]"
check_eq "three guard marks" 3 "$(event_count guard-mark)"
read -r alerts nodes <<<"$(node_json)"
info "alerts $alerts; node:owner:guard $nodes"
check_eq "alert counter in show" 3 "$alerts"
check "every unit node 2 provides is marked" grep -q "1:2:True 2:2:True 3:2:True" <<<"$nodes"

heal 3
check "node 3 up" cluster_set 3 up
check "marks lifted (three guard-lift events)" wait_for 5 sh -c "[ \$(grep -c '\"event\":\"guard-lift\"' $TEST_TMP/events) -eq 3 ]"
read -r alerts nodes <<<"$(node_json)"
check "no mark left; node 2 still provides node 1" grep -q "1:2:False 2:2:False 3:3:False" <<<"$nodes"
check_eq "node-down events seen" 2 "$(event_count node-down)"
check_eq "adoption events seen (four addresses)" 4 "$(event_count adopted)"
check_eq "node 3's addresses released when it returned" 2 "$(event_count released)"
check_eq "node 2 keeps node 1's" "10.0.0.11 fd00::11" "$(adopted_on node2)"
info "$(cat "$TEST_TMP/events")"
finish

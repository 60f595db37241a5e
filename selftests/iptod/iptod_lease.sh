#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_lease.sh - iptod on node 1 is killed with SIGKILL while the node
# and its echo service live on.  Node 1's kernel lease (200 ms, below the
# 300 ms after which peers declare a node dead) runs out, and node 1 stops
# answering VIP1 (ARP and TCP) before node 2 adopts it.  A client samples
# who answers VIP1 every few milliseconds through the transition, with raw
# frames to both nodes' MACs: no sample may be answered by both.  iptod
# started again on node 1 takes VIP1 back, again without a dual answer,
# and so does node 1 coming back from a partition.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
check_eq "node 1's lease is the default 2/3 of $HB_INTERVAL_MS ms x $HB_MISSES" \
	$((HB_INTERVAL_MS * HB_MISSES * 2 / 3)) "$(in_ns node1 cat /sys/class/net/ipto0/ipto/lease_ms)"

mac1=$(mac_of node1 eth0)
mac2=$(mac_of node2 eth0)
sampler() {
	STOP=$TEST_TMP/stop in_ns client python3 -S "$IPTO_SRC/selftests/helpers/answer_sampler.py" \
		eth0 10.0.0.11 $CLUSTER_PORT "node1=$mac1" "node2=$mac2" >"$TEST_TMP/samples" 2>&1 &
	SAMPLER=$!
}
# samples_of WHO: samples answered by WHO alone, so far.
samples_of() { grep -c "^sample .* $1\$" "$TEST_TMP/samples"; }
samples_at_least() { [ "$(samples_of "$1")" -ge "$2" ]; }

sampler
check "node 1 answers VIP1 before" wait_for 20 samples_at_least node1 5
t_kill=$(date +%s.%N)
kill -9 "${IPTOD_PID[1]}"
check "node 2 answers VIP1 after node 1's iptod is killed" wait_for 20 samples_at_least node2 20
touch "$TEST_TMP/stop"
wait "$SAMPLER"
read -r _ samples _ dual _ none _ n1 _ n2 <<<"$(grep '^samples' "$TEST_TMP/samples")"
read -r _ _ _ _ _ n1_last _ _ n2_first _ <<<"$(grep '^first' "$TEST_TMP/samples")"
gap=$(awk "BEGIN { printf \"%.0f\", ($n2_first - $n1_last) * 1000 }")
silent=$(awk "BEGIN { printf \"%.0f\", ($n1_last - $t_kill) * 1000 }")
echo "# measure: samples=$samples dual_answers=$dual node1=$n1 node2=$n2 none=$none"
echo "# measure: kill_to_node1_silent_ms<=$silent node1_last_to_node2_first_ms=$gap"
check_eq "no sample answered by both nodes" 0 "$dual"
check "node 1's last answer comes before node 2's first" \
	awk "BEGIN { exit !($n1_last < $n2_first) }"
check_eq "node 1's kernel fenced it: the lease ran out" lease "$(fence_of 1)"
check_eq "node 2 holds node 1's addresses" 1 "$(holds 2)"
check_eq "node 1's service still listens locally" ok \
	"$(in_ns node1 ipto-connect 127.0.0.1 $CLUSTER_PORT 2 | awk '{ print $1 }')"

# iptod back on node 1: VIP1 moves back, still never answered twice.
rm -f "$TEST_TMP/stop"
sampler
check "sampling again" wait_for 20 samples_at_least node2 5
iptod_start 1
check "node 1 rejoins" wait_for 30 iptod_settled
check "node 1 answers VIP1 again" wait_for 20 samples_at_least node1 20
touch "$TEST_TMP/stop"
wait "$SAMPLER"
read -r _ samples _ dual _ <<<"$(grep '^samples' "$TEST_TMP/samples")"
echo "# measure: rejoin samples=$samples dual_answers=$dual"
check_eq "no sample answered by both nodes on rejoin" 0 "$dual"
check_eq "node 2 holds nothing" "" "$(holds 2)"

# A partition healed: node 1, cut off, lost quorum and fenced itself; back
# on the LAN it hears one peer before the other.  It must not answer VIP1
# again until the node holding VIP1 (which it may not have heard yet) has
# released it.
node2_holds_node1() { [ "$(holds 2)" = 1 ]; }
cut 1
check "node 2 takes over while node 1 is cut off" wait_for 20 node2_holds_node1
rm -f "$TEST_TMP/stop"
sampler
check "sampling during the cut" wait_for 20 samples_at_least node2 5
heal 1
check "node 1 rejoins after the partition" wait_for 30 iptod_settled
check "node 1 answers VIP1 after the partition" wait_for 20 samples_at_least node1 20
touch "$TEST_TMP/stop"
wait "$SAMPLER"
read -r _ samples _ dual _ <<<"$(grep '^samples' "$TEST_TMP/samples")"
echo "# measure: partition heal samples=$samples dual_answers=$dual"
check_eq "no sample answered by both nodes when the partition heals" 0 "$dual"
finish

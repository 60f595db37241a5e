#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_corosync.sh - iptod with membership = corosync on three nodes, each
# running corosync 3 (knet) in its own namespace (helpers/corosync.sh).
#   - iptod starts before corosync: it is fenced and says corosync is down
#     until corosync runs, then the cluster settles.
#   - The fault matrix on node 1, while the client asks who answers node
#     1's home address 10.0.0.11 every 20 ms (helpers/faults.sh):
#       cut    node 1's LAN port goes dark;
#       kill   node 1's corosync is killed (SIGKILL): its iptod fences the
#              node at once and says why; node 2 adopts once corosync on
#              nodes 2 and 3 has found node 1 gone; then corosync starts
#              again under the running iptod, which connects again;
#       knet   a heartbeat-only partition: nftables drops corosync's knet
#              traffic (UDP 5405) on node 1 both ways, while its LAN port
#              still reaches the client.
#     No round may have two answerers, through the fault and the recovery;
#     node 1 falls silent before node 2 answers (the quorum lease, from
#     iptod's own heartbeats delivered back by CPG, iptod(8)); node 2's own
#     address is sampled too, and stays answered but for a moment while
#     corosync forms the new ring.
# Timing: token 1000 ms and token_coefficient 0 (consensus 1200 ms,
# corosync's 1.2 x token), heartbeats every 100 ms, 10 misses as in the
# other tests of what moves (the lease_ms default follows from it): under
# TCG the guest stalls for up to 0.9 s, and corosync's own token at its
# 3000 ms default would make each fault take 8 s.  make bench compares
# corosync's default.
# timeout: 600
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/faults.sh"
COROSYNC_TOKEN_MS=1000
COROSYNC_TOKEN_COEFFICIENT_MS=0
. "$IPTO_SRC/selftests/helpers/corosync.sh"

REPEAT=$(by_check 1 5)
MOVING_FAULTS=(cut kill knet)
KNET_PORT=5405
for i in 1 2 3; do
	IPTOD_CLUSTER_EXTRA[$i]="membership = corosync"
done

# knet_partition / knet_heal: node 1's corosync traffic dropped both ways.
knet_partition() {
	ip netns exec node1 nft -f - <<-NFT
	table inet knetcut {
		chain in { type filter hook input priority 0; udp dport $KNET_PORT drop; }
		chain out { type filter hook output priority 0; udp dport $KNET_PORT drop; }
	}
	NFT
}
knet_heal() { ip netns exec node1 nft delete table inet knetcut; }

fault_on() {
	case $1 in
	cut) cut 1 ;;
	kill) corosync_kill 1 ;;
	knet) knet_partition ;;
	esac
}
fault_off() {
	case $1 in
	cut) heal 1 ;;
	kill) corosync_start 1 ;;
	knet) knet_heal ;;
	esac
}
# corosync_connects I: how often node I's iptod connected to corosync.
corosync_connects() { status_of "$1" corosync.connects; }

check "modprobe ipto" modprobe ipto
# iptod first: without corosync it has no quorum and answers nothing.
iptod_cluster serve || fail "setting up three nodes running iptod"
for i in 1 2 3; do
	check "node $i: iptod without corosync is fenced and says corosync is down" \
		wait_for 10 eval "status_is $i corosync=down && status_is $i fenced=1 && status_is $i quorum=0"
done
check "node 1's log says why" grep -q "corosync: cannot read the totem timing from cmap" \
	"$TEST_TMP/node1.log"
for i in 1 2 3; do
	corosync_start "$i" || fail "starting corosync on node $i"
done
check "corosync runs on the three nodes, quorate" wait_for 60 corosync_all_ready
check "iptod connects to corosync and the cluster settles" wait_for 30 iptod_settled
check_eq "node 1: corosync's token as iptod read it from cmap" 1000 "$(status_of 1 corosync.token_ms)"
check_eq "node 1: consensus" 1200 "$(status_of 1 corosync.consensus_ms)"
check_eq "node 1: every iptod in the CPG group" "1,2,3" "$(status_of 1 corosync.members)"
check_eq "node 1: votes" "3/3" "$(status_of 1 corosync.votes)"
check "iptod --check: the node ids are corosync's" \
	ip netns exec node1 "$IPTOD" --check -c "$TEST_TMP/node1.conf"
sed 's/^id = 3$/id = 4/' "$TEST_TMP/node1.conf" >"$TEST_TMP/wrong_id.conf"
rc=0
out=$(ip netns exec node1 "$IPTOD" --check -c "$TEST_TMP/wrong_id.conf" 2>&1) || rc=$?
check_eq "iptod --check: an id that is not corosync's is refused (exit 2)" 2 "$rc"
check_eq "and the message names it" 1 \
	"$(grep -c "corosync: node n3: id 4 is no node id in corosync's nodelist" <<<"$out")"

sampler_start
# Node 2's own address, sampled too: a survivor keeps answering while
# corosync forms the new ring.
answers_start 10.0.0.12 "$TEST_TMP/answers2"
sampler2=$ANSWERS_PID
for ((round = 1; round <= REPEAT; round++)); do
	for fault in "${MOVING_FAULTS[@]}"; do
		name="$fault #$round"
		connects=$(corosync_connects 1)
		fault_logged fault "$name"
		fault_on "$fault" || fail "$name: could not inflict it"
		check "$name: node 2 adopts node 1's addresses" wait_for 20 holds_node1 2
		check "$name: the client sees node 2 answer" wait_for 20 sampled_node2
		check "$name: node 1 is fenced, without quorum" \
			wait_for 10 eval 'status_is 1 fenced=1 && status_is 1 quorum=0'
		if [ "$fault" = kill ]; then
			check "$name: node 1's iptod lost corosync and says so" \
				eval 'status_is 1 corosync=down && grep -q "corosync: the .* connection broke" "$TEST_TMP/node1.log"'
		fi
		fault_off "$fault" || fail "$name: could not end it"
		fault_logged heal "$name"
		check "$name, over: node 1 holds its addresses again" \
			wait_for 60 eval '! holds_node1 2 && iptod_settled'
		check "$name, over: the client sees node 1 answer" wait_for 10 sampled_node1
		if [ "$fault" = kill ]; then
			check_eq "$name: node 1's iptod connected to the new corosync" \
				$((connects + 1)) "$(corosync_connects 1)"
		fi
	done
done
faults_report
# Node 2 was up throughout: node 3 never took node 1's address (a ring
# being formed, which delivers nothing, is no peer's silence).
check_eq "node 3 never answered 10.0.0.11" "0 0" \
	"$(awk '$1 == "node" && $2 == "node3" { print $4, $10 }' "$TEST_TMP/answers")"
answers_stop "$sampler2" "$TEST_TMP/answers2" 10.0.0.12
# The longest time node 2's own address went unanswered (TCP), through
# all the faults.
gap=$(awk '$1 == "round" && $8 != "-" { if (last && $4 - last > max) max = $4 - last; last = $4 }
	END { print max + 0 }' "$TEST_TMP/answers2")
echo "# measure: node2_own_address_longest_silence_ms=$gap"
# The survivors hold their lease while corosync forms the new ring, which
# takes token + consensus (iptod(8), The quorum lease).
check "node 2's own address was never silent for token + consensus ($gap ms < 2200 ms)" \
	test "$gap" -lt 2200
check "no sanitizer report" no_sanitizer_reports
finish

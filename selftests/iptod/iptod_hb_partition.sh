#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_hb_partition.sh - a heartbeat-only partition of node 1: nftables in
# node 1's namespace drops its heartbeats (UDP port 7410) while its LAN port
# still reaches the client, as a filtered port, a half-broken switch or a
# saturated queue does in the field.  Three faults: both directions; only
# what node 1 sends (it still hears its peers, so it keeps quorum); only
# what it receives.  Each time node 1 must fall silent on its home address
# 10.0.0.11 before node 2 adopts it (the quorum lease, iptod(8)), and, once
# the partition heals, node 2 must release it before node 1 answers it
# again.  ipto-answers on the client asks every 20 ms, with an ARP request
# and with a SYN to every node's MAC: no round may have two answerers.
# Reported: the margin from the last answer of the old owner to the first
# of the new one, and the failover time from the fault to node 2's first
# answer.  Each fault runs twice under make check, ten times under make
# check-full.
# Timers: dead after 10 misses (1 s), as in the other tests of what moves
# (helpers/iptod.sh): under TCG the whole guest stalls for up to 0.9 s.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10
. "$IPTO_SRC/selftests/helpers/iptod.sh"

HB_PORT=7410
REPEAT=$(by_check 2 10)
ANSWERS=$IPTO_SRC/selftests/tools/ipto-answers

# partition DIRECTIONS: node 1's heartbeats dropped, "in", "out" or both.
partition() {
	local dir rules=""
	for dir in $1; do
		case $dir in
		in) rules+="chain in { type filter hook input priority 0; udp dport $HB_PORT drop; }"$'\n' ;;
		out) rules+="chain out { type filter hook output priority 0; udp dport $HB_PORT drop; }"$'\n' ;;
		esac
	done
	printf 'table inet hbcut {\n%s}\n' "$rules" | ip netns exec node1 nft -f -
}
heal_partition() { ip netns exec node1 nft delete table inet hbcut; }
# holds_node1 I: node I's status says it holds node 1's addresses.
holds_node1() { [[ ",$(holds "$1")," == *,1,* ]]; }
now_ms() { echo $((${EPOCHREALTIME//[!0-9]/} / 1000)); }

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled

nodes="node1=$(mac_of node1 eth0) node2=$(mac_of node2 eth0) node3=$(mac_of node3 eth0)"
# shellcheck disable=SC2086 # one NAME=MAC word per node
# ip netns exec, not in_ns: $! must be the sampler, not a subshell.
ip netns exec client "$ANSWERS" -i eth0 -p 20 -P "$CLUSTER_PORT" 10.0.0.11 $nodes \
	>"$TEST_TMP/answers" 2>"$TEST_TMP/answers.err" &
sampler=$!
check "node 1 answers 10.0.0.11" wait_for 15 grep -q "arp node1 tcp node1$" "$TEST_TMP/answers"

: >"$TEST_TMP/faults"
for ((round = 1; round <= REPEAT; round++)); do
	for fault in "in out" out in; do
		name="${fault/ /+} #$round"
		# Node 2 gives a peer it hears again five dead times to find
		# quorum (iptod(8)): node 1, which only stops hearing, would be
		# taken for up that long after the last heal.  What is measured
		# is the failover of a node in steady state, so that time passes.
		if [ "$fault" = in ] && [ -n "${healed_at:-}" ]; then
			grace_left=$((healed_at + 5 * 100 * IPTOD_MISSES + 200 - $(now_ms)))
			((grace_left > 0)) && nap "$((grace_left / 1000)).$(printf %03d $((grace_left % 1000)))"
		fi
		echo "fault $(now_ms) $name" >>"$TEST_TMP/faults"
		partition "$fault" || fail "$name: nft"
		check "$name: node 2 adopts node 1's addresses" wait_for 20 holds_node1 2
		check "$name: node 1 is fenced" wait_for 10 status_is 1 fenced=1
		heal_partition || fail "$name: nft delete"
		echo "heal $(now_ms) $name" >>"$TEST_TMP/faults"
		check "$name, healed: node 2 gives the addresses back" \
			wait_for 30 eval '! holds_node1 2 && iptod_settled'
		healed_at=$(now_ms)
	done
done
# The last handover back to node 1 seen by the sampler too.
check "node 1 answers 10.0.0.11 again" wait_for 15 sh -c \
	"tail -n 5 '$TEST_TMP/answers' | grep -q 'arp node1 tcp node1$'"
kill -TERM "$sampler"
wait "$sampler"

grep -q '^summary' "$TEST_TMP/answers" || fail "ipto-answers ended without its summary"
info "ipto-answers: $(grep '^summary' "$TEST_TMP/answers")"
check_eq "rounds with two ARP answerers" 0 "$(awk '$1 == "summary" { print $5 }' "$TEST_TMP/answers")"
check_eq "rounds with two TCP answerers" 0 "$(awk '$1 == "summary" { print $7 }' "$TEST_TMP/answers")"

# Handovers: a round answered by one node after rounds last answered by
# the other; the margin is the time from the other's last answer.
python3 -S - "$TEST_TMP/answers" "$TEST_TMP/faults" >"$TEST_TMP/handovers" <<-'EOF'
import sys
rounds = []
for line in open(sys.argv[1]):
    f = line.split()
    if f[:1] == ["round"]:
        who = {n for n in f[5].split(",") + f[7].split(",") if n != "-"}
        rounds.append((int(f[3]), who))
faults = [line.split(None, 2) for line in open(sys.argv[2])]
last, owner, margins = {}, None, {"node2": [], "node1": []}
for t, who in rounds:
    for n in who:
        if owner and n != owner and owner in last:
            margins[n].append(t - last[owner])
        last[n] = t
    if len(who) == 1:
        owner = next(iter(who))
failover, by_kind = [], {}
for kind, t, name in faults:
    t = int(t)
    who_at = [(r, who) for r, who in rounds if r >= t]
    new = "node2" if kind == "fault" else "node1"
    old = "node1" if kind == "fault" else "node2"
    first = next((r for r, who in who_at if new in who), None)
    if first is None:
        print("episode", kind, name.strip().replace(" ", "_"), "none")
        continue
    last_old = max((r for r, who in rounds if r < first and old in who), default=None)
    print("episode", kind, name.strip().replace(" ", "_"), "after_ms", first - t,
          "margin_ms", first - last_old if last_old is not None else -1)
    if kind == "fault":
        failover.append(first - t)
        by_kind.setdefault(name.split()[0], []).append(first - t)
def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else -1
print("to_node2", len(margins["node2"]), min(margins["node2"], default=-1))
print("to_node1", len(margins["node1"]), min(margins["node1"], default=-1))
print("failover", len(failover), median(failover), max(failover, default=-1))
for k, v in by_kind.items():
    print("kind", k, median(v))
EOF
read -r _ away away_margin <<<"$(grep '^to_node2' "$TEST_TMP/handovers")"
read -r _ back back_margin <<<"$(grep '^to_node1' "$TEST_TMP/handovers")"
read -r _ failovers failover_median failover_max <<<"$(grep '^failover' "$TEST_TMP/handovers")"
while read -r _ kind name _ after _ margin; do
	info "$kind $name: the new owner's first answer ${after:-?} ms after, ${margin:-?} ms after the old owner's last"
done < <(grep '^episode' "$TEST_TMP/handovers")
info "handovers to node 2: $away, smallest margin $away_margin ms;" \
	"back to node 1: $back, smallest margin $back_margin ms;" \
	"failover ($failovers faults) median $failover_median ms, longest $failover_max ms"
kinds=$(awk '$1 == "kind" { printf " failover_%s_ms=%s", $2, $3 }' "$TEST_TMP/handovers")
echo "# measure: hb_partition faults=$((REPEAT * 3)) to_node2=$away margin_min_ms=$away_margin" \
	"to_node1=$back back_margin_min_ms=$back_margin failover_median_ms=$failover_median$kinds"
check_eq "every fault moved 10.0.0.11 to node 2 (as the sampler saw)" $((REPEAT * 3)) "$away"
check_eq "every heal moved it back to node 1" $((REPEAT * 3)) "$back"
check "node 1 fell silent before node 2 answered (margin $away_margin ms)" test "$away_margin" -gt 0
check "node 2 fell silent before node 1 answered (margin $back_margin ms)" test "$back_margin" -gt 0
check_eq "nobody else answered" "0 0" "$(awk '$1 == "node" && $2 == "other" { print $4, $10 }' "$TEST_TMP/answers")"
finish

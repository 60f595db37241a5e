#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_faults.sh - the fault matrix of "never two answerers": node 1 of
# three suffers each fault in turn while ipto-answers on the client asks
# who answers node 1's home address 10.0.0.11 every 20 ms, with an ARP
# request and with a SYN to every node's MAC.  No round may have two
# answerers, through the fault and the recovery.
#   Faults after which node 2 must hold 10.0.0.11, node 1 having fallen
#   silent first, and must give it back once the fault is over:
#     hb:in+out, hb:out, hb:in  a heartbeat-only partition (nftables drops
#                        node 1's UDP port 7410 both ways, outgoing only,
#                        incoming only) while its LAN port still reaches
#                        the client: a filtered port, a half-broken switch;
#     cut                node 1's LAN port goes dark;
#     kill               node 1's iptod is killed (SIGKILL), then started;
#     stop               node 1's iptod is stopped (SIGSTOP) for longer
#                        than the dead time, then continued.
#   Faults that may or may not move it (both are safe), observed for
#   OBSERVE_S seconds:
#     starve             node 1's iptod gets 1 % of a CPU (cgroup cpu.max);
#     netem              30 % of node 1's heartbeats lost, the rest delayed
#                        50 +- 50 ms (tc netem, on port 7410 only: the
#                        client's view of node 1 stays exact).
# Reported per fault: the margin from the old owner's last answer to the
# new owner's first, and the failover time from the fault to node 2's
# first answer.  Each fault runs twice under make check, ten times under
# make check-full.  The flood at the heartbeat port (iptod_flood), a node
# restarting with DAD on (iptod_reboot_dad) and a clock stepped back at a
# restart (iptod_forgery) have tests of their own; iptod's timers run on
# CLOCK_MONOTONIC only.
# About 75 s under make check; ten rounds under check-full take about
# 7 min, past the default limit of a test:
# timeout: 900
# Timers: dead after 10 misses (1 s), as in the other tests of what moves
# (helpers/iptod.sh): under TCG the whole guest stalls for up to 0.9 s.
. "$(dirname "$0")/../lib.sh"
IPTOD_MISSES=10
. "$IPTO_SRC/selftests/helpers/iptod.sh"

HB_PORT=7410
DEAD_MS=$((100 * IPTOD_MISSES))
REPEAT=$(by_check 2 10)
OBSERVE_S=4
ANSWERS=$IPTO_SRC/selftests/tools/ipto-answers
MOVING_FAULTS=(hb:in+out hb:out hb:in cut kill stop)
SAFE_FAULTS=(starve netem)

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
# The cgroup that starves node 1's daemon (cgroup v2, mounted if need be).
CG=/sys/fs/cgroup
starve_setup() {
	mountpoint -q $CG || mount -t cgroup2 none $CG || return 1
	grep -qw cpu $CG/cgroup.subtree_control || echo +cpu >$CG/cgroup.subtree_control || return 1
	mkdir -p $CG/ipto-starve && echo "10000 1000000" >$CG/ipto-starve/cpu.max
}
# fault_on KIND / fault_off KIND: node 1 suffers KIND / no longer.
fault_on() {
	case $1 in
	hb:*) partition "$(echo "${1#hb:}" | tr + ' ')" ;;
	cut) cut 1 ;;
	kill) kill -KILL "${IPTOD_PID[1]}" && wait "${IPTOD_PID[1]}" 2>/dev/null; return 0 ;;
	stop) kill -STOP "${IPTOD_PID[1]}" ;;
	starve) echo "${IPTOD_PID[1]}" >$CG/ipto-starve/cgroup.procs ;;
	netem)
		tc -n node1 qdisc add dev eth0 root handle 1: prio &&
		tc -n node1 qdisc add dev eth0 parent 1:3 handle 30: netem loss 30% delay 50ms 50ms &&
		tc -n node1 filter add dev eth0 parent 1: protocol ip prio 1 u32 \
			match ip dport $HB_PORT 0xffff flowid 1:3 ;;
	esac
}
fault_off() {
	case $1 in
	hb:*) ip netns exec node1 nft delete table inet hbcut ;;
	cut) heal 1 ;;
	kill) iptod_start 1 ;;
	stop) kill -CONT "${IPTOD_PID[1]}" ;;
	starve) echo "${IPTOD_PID[1]}" >$CG/cgroup.procs ;;
	netem) tc -n node1 qdisc del dev eth0 root ;;
	esac
}
# sampled_node1: ipto-answers' last round saw node 1 alone answer.
sampled_node1() { [[ $(tail -n 1 "$TEST_TMP/answers") == *"arp node1 tcp node1" ]]; }
# holds_node1 I: node I's status says it holds node 1's addresses.
holds_node1() { [[ ",$(holds "$1")," == *,1,* ]]; }
now_ms() { echo $((${EPOCHREALTIME//[!0-9]/} / 1000)); }
# nap_ms MS: waits MS milliseconds (a duration, not a synchronization).
nap_ms() { (($1 > 0)) && nap "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }

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
starve_setup || fail "a cgroup with cpu.max"
for ((round = 1; round <= REPEAT; round++)); do
	for fault in "${MOVING_FAULTS[@]}" "${SAFE_FAULTS[@]}"; do
		name="$fault #$round"
		# Node 2 gives a peer it hears again five dead times to find
		# quorum (iptod(8)): node 1, which in hb:in only stops hearing,
		# would be taken for up that long after the last heal.  What is
		# measured is the failover of a node in steady state.
		[ "$fault" = hb:in ] && [ -n "${healed_at:-}" ] &&
			nap_ms $((healed_at + 5 * DEAD_MS + 200 - $(now_ms)))
		echo "fault $(now_ms) $name" >>"$TEST_TMP/faults"
		fault_on "$fault" || fail "$name: could not inflict it"
		case " ${MOVING_FAULTS[*]} " in
		*" $fault "*)
			check "$name: node 2 adopts node 1's addresses" wait_for 20 holds_node1 2 ;;
		*)
			nap_ms $((OBSERVE_S * 1000)) ;;
		esac
		case $fault in
		hb:*|cut) check "$name: node 1 is fenced" wait_for 10 status_is 1 fenced=1 ;;
		esac
		# It still hears a majority: what silences it is the acks.
		if [ "$fault" = hb:out ]; then
			check "$name: node 1 keeps quorum, not acknowledged" \
				eval 'status_is 1 quorum=1 && status_is 1 acked=0'
		fi
		fault_off "$fault" || fail "$name: could not end it"
		echo "heal $(now_ms) $name" >>"$TEST_TMP/faults"
		check "$name, over: node 1 holds its addresses again" \
			wait_for 30 eval '! holds_node1 2 && iptod_settled'
		check "$name, over: the client sees node 1 answer" wait_for 10 sampled_node1
		healed_at=$(now_ms)
	done
done
kill -TERM "$sampler"
wait "$sampler"

grep -q '^summary' "$TEST_TMP/answers" || fail "ipto-answers ended without its summary"
info "ipto-answers: $(grep '^summary' "$TEST_TMP/answers")"
check_eq "rounds with two ARP answerers" 0 "$(awk '$1 == "summary" { print $5 }' "$TEST_TMP/answers")"
check_eq "rounds with two TCP answerers" 0 "$(awk '$1 == "summary" { print $7 }' "$TEST_TMP/answers")"

# Handovers: a round answered by one node after rounds last answered by
# the other; the margin is the time from the other's last answer.  Per
# fault kind: episodes, handovers to node 2 within them, the smallest
# margin of those and of the handovers back, the median failover, and the
# longest time 10.0.0.11 went unanswered from a fault to the next one.
python3 -S - "$TEST_TMP/answers" "$TEST_TMP/faults" >"$TEST_TMP/handovers" <<-'EOF'
import sys
rounds = []
for line in open(sys.argv[1]):
    f = line.split()
    if f[:1] == ["round"]:
        rounds.append((int(f[3]), {n for n in f[5].split(",") + f[7].split(",") if n != "-"}))
events = [line.split(None, 2) for line in open(sys.argv[2])]
handovers = {"node1": 0, "node2": 0}
owner = None
for t, who in rounds:
    for n in who:
        if owner and n != owner:
            handovers[n] += 1
    if len(who) == 1:
        owner = next(iter(who))
def handover(since, until, new, old):
    """The first round in [since, until) that new answered, and the margin."""
    first = next((t for t, who in rounds if since <= t < until and new in who), None)
    if first is None:
        return None, None
    before = [t for t, who in rounds if t < first and old in who]
    return first, first - before[-1] if before else None
def longest_gap(since, until):
    """The longest time without an answer between rounds in [since, until)."""
    answered = [t for t, who in rounds if since <= t < until and who]
    return max((b - a for a, b in zip(answered, answered[1:])), default=-1)
kinds, moved = {}, False
for i, (what, t, name) in enumerate(events):
    t, kind = int(t), name.split()[0]
    until = int(events[i + 1][1]) if i + 1 < len(events) else 1 << 62
    k = kinds.setdefault(kind, {"n": 0, "moved": 0, "margins": [], "back": [], "failover": [],
                                "gap": -1})
    k["gap"] = max(k["gap"], longest_gap(t, until))
    if what == "fault":
        k["n"] += 1
        first, margin = handover(t, until, "node2", "node1")
        moved = first is not None
        if moved:
            k["moved"] += 1
            k["margins"].append(margin if margin is not None else -1)
            k["failover"].append(first - t)
    elif moved:
        first, margin = handover(t, until, "node1", "node2")
        if first is not None and margin is not None:
            k["back"].append(margin)
def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else -1
print("handovers", handovers["node2"], handovers["node1"])
for kind, k in kinds.items():
    print("kind", kind, k["n"], k["moved"], min(k["margins"], default=-1),
          min(k["back"], default=-1), median(k["failover"]), k["gap"])
EOF
read -r _ away back <<<"$(grep '^handovers' "$TEST_TMP/handovers")"
moving=0 measures=""
info "fault      episodes  moved  smallest margin  smallest margin back  median failover  longest silence"
while read -r _ kind n moved margin back_margin failover gap; do
	info "$(printf '%-10s %8s  %5s  %12s ms  %17s ms  %12s ms  %12s ms' "$kind" "$n" "$moved" \
		"$margin" "$back_margin" "$failover" "$gap")"
	measures+=" ${kind}=${n}/${moved}/${margin}/${back_margin}/${failover}/${gap}"
	case " ${MOVING_FAULTS[*]} " in
	*" $kind "*)
		moving=$((moving + n))
		check_eq "$kind: every episode moved 10.0.0.11 to node 2 (as the sampler saw)" "$n" "$moved"
		check "$kind: node 1 fell silent before node 2 answered (smallest margin $margin ms)" \
			test "$margin" -gt 0 ;;
	*)
		[ "$moved" = 0 ] || check "$kind: node 1 fell silent before node 2 answered" \
			test "$margin" -gt 0 ;;
	esac
done < <(grep '^kind' "$TEST_TMP/handovers")
# measure: KIND=episodes/moved/smallest margin/smallest margin back/median
# failover/longest silence (ms; -1: none)
echo "# measure: faults handovers_to_node2=$away back=$back$measures"
check "every moving fault handed 10.0.0.11 to node 2 ($away handovers for $moving)" \
	test "$away" -ge "$moving"
check_eq "and every handover to node 2 was followed by one back" "$away" "$back"
check_eq "nobody else answered" "0 0" "$(awk '$1 == "node" && $2 == "other" { print $4, $10 }' "$TEST_TMP/answers")"
finish

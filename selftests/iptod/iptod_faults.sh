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
. "$IPTO_SRC/selftests/helpers/faults.sh"

HB_PORT=7410
DEAD_MS=$((100 * IPTOD_MISSES))
REPEAT=$(by_check 2 10)
OBSERVE_S=4
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

check "modprobe ipto" modprobe ipto
iptod_cluster serve || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled

sampler_start

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
		fault_logged fault "$name"
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
		fault_logged heal "$name"
		check "$name, over: node 1 holds its addresses again" \
			wait_for 30 eval '! holds_node1 2 && iptod_settled'
		check "$name, over: the client sees node 1 answer" wait_for 10 sampled_node1
		healed_at=$(now_ms)
	done
done
faults_report
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# faults.sh - the fault matrix's instruments, sourced after iptod.sh by
# the tests that inflict faults on node 1 and show "never two answerers"
# (iptod_faults.sh, iptod_corosync.sh, iptod_corosync_qdevice.sh):
#   answers_start   ipto-answers on the client asks who answers an address
#                   every 20 ms, with an ARP request and with a SYN to every
#                   node's MAC;
#   answers_stop    stops it: no round may have had two answerers;
#   sampler_start   the same for node 1's home address 10.0.0.11
#                   ($TEST_TMP/answers);
#   fault_logged    what the test did and when ($TEST_TMP/faults);
#   faults_report   stops the sampler and checks its rounds: no round with
#                   two answerers, every fault of $MOVING_FAULTS handed
#                   10.0.0.11 to node 2 after node 1 fell silent, and back;
#                   a table per fault kind, and a "# measure: faults" line.

ANSWERS=$IPTO_SRC/selftests/tools/ipto-answers

# sampled_node1, sampled_node2: ipto-answers' last round saw node 1 (2)
# alone answer.
sampled_node1() { sampled "$TEST_TMP/answers" node1; }
sampled_node2() { sampled "$TEST_TMP/answers" node2; }
# holds_node1 I: node I's status says it holds node 1's addresses.
holds_node1() { [[ ",$(holds "$1")," == *,1,* ]]; }
now_ms() { echo $((${EPOCHREALTIME//[!0-9]/} / 1000)); }
# nap_ms MS: waits MS milliseconds (a duration, not a synchronization).
nap_ms() { (($1 > 0)) && nap "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }

# answers_start ADDR FILE: ipto-answers on the client asks who answers
# ADDR every 20 ms (every node of $IPTOD_NODES by its MAC), its lines
# into FILE; its pid in ANSWERS_PID.
answers_start() {
	local nodes="" i
	for i in $IPTOD_NODES; do
		nodes+=" node$i=$(mac_of "node$i" eth0)"
	done
	# shellcheck disable=SC2086 # one NAME=MAC word per node
	# ip netns exec, not in_ns: $! must be the sampler, not a subshell.
	ip netns exec client "$ANSWERS" -i eth0 -p 20 -P "$CLUSTER_PORT" "$1" $nodes \
		>"$2" 2>"$2.err" &
	ANSWERS_PID=$!
}

# answers_stop PID FILE ADDR: ends that sampler, prints its summary and
# checks that no round had two answerers (ARP or TCP).
answers_stop() {
	kill -TERM "$1"
	wait "$1"
	grep -q '^summary' "$2" || fail "ipto-answers ended without its summary"
	info "$3: $(grep '^summary' "$2")"
	check_eq "$3: rounds with two ARP answerers" 0 "$(awk '$1 == "summary" { print $5 }' "$2")"
	check_eq "$3: rounds with two TCP answerers" 0 "$(awk '$1 == "summary" { print $7 }' "$2")"
}

# sampled FILE WHO: the last round in FILE saw WHO alone answer.
sampled() { [[ $(tail -n 1 "$1") == *"arp $2 tcp $2" ]]; }

# sampler_start: the sampler of 10.0.0.11 runs (its pid in SAMPLER_PID)
# and has seen node 1 answer.
sampler_start() {
	: >"$TEST_TMP/faults"
	answers_start 10.0.0.11 "$TEST_TMP/answers"
	SAMPLER_PID=$ANSWERS_PID
	check "node 1 answers 10.0.0.11" wait_for 15 sampled "$TEST_TMP/answers" node1
}

# fault_logged fault|heal NAME: the fault NAME ("KIND #N") begins or ends now.
fault_logged() { echo "$1 $(now_ms) $2" >>"$TEST_TMP/faults"; }

# faults_report: the sampler stops; its verdicts (see the header).
faults_report() {
	local away back moving=0 measures="" kind n moved margin back_margin failover gap
	answers_stop "$SAMPLER_PID" "$TEST_TMP/answers" 10.0.0.11

	# Per fault kind: episodes, handovers to node 2 within them, the
	# smallest margin of those and of the handovers back, the median
	# failover, and the longest time 10.0.0.11 went unanswered from a
	# fault to the next one (handovers.py).
	helper handovers.py "$TEST_TMP/answers" "$TEST_TMP/faults" >"$TEST_TMP/handovers"
	read -r _ away back <<<"$(grep '^handovers' "$TEST_TMP/handovers")"
	info "fault      episodes  moved  smallest margin  smallest margin back  median failover  longest silence"
	while read -r _ kind n moved margin back_margin failover gap; do
		info "$(printf '%-10s %8s  %5s  %12s ms  %17s ms  %12s ms  %12s ms' "$kind" "$n" \
			"$moved" "$margin" "$back_margin" "$failover" "$gap")"
		measures+=" ${kind}=${n}/${moved}/${margin}/${back_margin}/${failover}/${gap}"
		case " ${MOVING_FAULTS[*]} " in
		*" $kind "*)
			moving=$((moving + n))
			check_eq "$kind: every episode moved 10.0.0.11 to node 2 (as the sampler saw)" \
				"$n" "$moved"
			check "$kind: node 1 fell silent before node 2 answered (smallest margin $margin ms)" \
				test "$margin" -gt 0 ;;
		*)
			[ "$moved" = 0 ] || check "$kind: node 1 fell silent before node 2 answered" \
				test "$margin" -gt 0 ;;
		esac
	done < <(grep '^kind' "$TEST_TMP/handovers")
	# measure: KIND=episodes/moved/smallest margin/smallest margin
	# back/median failover/longest silence (ms; -1: none)
	echo "# measure: faults handovers_to_node2=$away back=$back$measures"
	check "every moving fault handed 10.0.0.11 to node 2 ($away handovers for $moving)" \
		test "$away" -ge "$moving"
	check_eq "and every handover to node 2 was followed by one back" "$away" "$back"
	check_eq "nobody else answered" "0 0" \
		"$(awk '$1 == "node" && $2 == "other" { print $4, $10 }' "$TEST_TMP/answers")"
}

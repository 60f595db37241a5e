#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# client_failover.sh - the scenario the real-client tests share, sourced
# after lib.sh and iptod.sh: a client with the address list [VIP1, VIP2]
# (10.0.0.11, 10.0.0.12) reconnects through VIP2 after node 1 dies, within
# a round trip instead of its connect timeout, because node 2 adopted VIP1
# and answers the client's SYN with a RST.
#
# The test defines
#   ask TIMEOUT ADDR...   runs the unmodified client once with that connect
#                         timeout (seconds) and address list, prints
#                         "ADDR NODE" (the address and node that served it),
#                         its diagnostics on stderr;
#   ASK_TIMEOUT           the connect timeout of the measured runs;
#   CONTROL_TIMEOUT       the connect timeout of the control runs;
#   CONTROL_MIN_MS        how long the client at least waits on an address
#                         that never answers, with CONTROL_TIMEOUT;
# optionally explain_ask LABEL (see check_answer); and calls
# client_failover_run once the cluster is settled and each node serves the
# client on its home address.
#
# Node 1 is declared dead after 10 missed heartbeats of 100 ms (set before
# iptod_cluster), so that the client started right after the cut sends its
# first SYN before node 2 adopts VIP1 as long as starting the client takes
# well under a second, also on a slow guest: that SYN is lost, and a
# retransmission (1 s later; if that one also comes before the adoption,
# the next: 3 s after the first SYN, or 2 s where the first retransmissions
# are linear as on 6.12) is the one refused.  The client namespace's
# TcpExtTCPSynRetrans counter tells that it was.
IPTOD_MISSES=${IPTOD_MISSES:-10}

# timed_ask LABEL TIMEOUT ADDR...: ask, with its answer in ANSWER, its
# elapsed milliseconds in ASK_MS, the SYNs the client's kernel retransmitted
# meanwhile in ASK_SYN_RETRANS and its stderr in $TEST_TMP/ask-LABEL.err.
# With ASK_AFTER_CUT=N, node N's port goes dark just before the client
# starts (and after the counter was read, which takes a while).
timed_ask() {
	local label=$1 t0 retrans0
	shift
	retrans0=$(syn_retrans)
	if [ -n "${ASK_AFTER_CUT:-}" ]; then
		cut "$ASK_AFTER_CUT"
	fi
	t0=$(date +%s%N)
	ANSWER=$(ask "$@" 2>"$TEST_TMP/ask-$label.err")
	ASK_MS=$((($(date +%s%N) - t0) / 1000000))
	ASK_SYN_RETRANS=$(($(syn_retrans) - retrans0))
	ASK_LABEL=$label
}

# syn_retrans: the SYN retransmissions of the client namespace so far.
syn_retrans() {
	ip netns exec client nstat -asz TcpExtTCPSynRetrans |
		awk '$1 == "TcpExtTCPSynRetrans" { n = $2 } END { print n + 0 }'
}

# check_answer DESCRIPTION WANT: the last answer was WANT; if not, what
# the client said.  Then the test's explain_ask LABEL, if it defines one
# (its own checks of what the client says it did).
check_answer() {
	check_eq "$1" "$2" "$ANSWER"
	if [ "$ANSWER" != "$2" ]; then
		while read -r line; do info "  client: $line"; done <"$TEST_TMP/ask-$ASK_LABEL.err"
	fi
	if declare -F explain_ask >/dev/null; then
		explain_ask "$ASK_LABEL"
	fi
}

# answers ANSWER TIMEOUT ADDR...: the client gets that answer (for wait_for).
answers() {
	local want=$1
	shift
	[ "$(ask "$@" 2>/dev/null)" = "$want" ]
}

# rst_sent I ADDR: how many RSTs node I's kernel sent for the adopted ADDR
# (0 when it does not hold it).
rst_sent() {
	ip netns exec "node$1" iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
print(sum(a["stats"]["rst"] for a in json.load(sys.stdin)[0]["addresses"]
          if a["address"] == sys.argv[1]))' "$2"
}

# no_failover_for_node1: every node reloads its configuration with node 1's
# failover off, so nobody takes node 1's addresses over.
no_failover_for_node1() {
	local i
	for i in $IPTOD_NODES; do
		awk '{ print } $0 == "[node n1]" { print "failover = no" }' \
			"$TEST_TMP/node$i.conf" >"$TEST_TMP/node$i.conf.new" &&
		mv "$TEST_TMP/node$i.conf.new" "$TEST_TMP/node$i.conf" || return 1
		kill -HUP "${IPTOD_PID[$i]}" || return 1
	done
	for i in $IPTOD_NODES; do
		wait_for 10 status_is $i reloads=1 || return 1
	done
}

# node1_failover_on I: node I's kernel says whether node 1 may fail over.
node1_failover_on() {
	ip netns exec "node$1" iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
print([n["failover"] for n in json.load(sys.stdin)[0]["nodes"] if n["id"] == 1][0])'
}

client_failover_run() {
	local vips="10.0.0.11 10.0.0.12" rst_before

	timed_ask before "$ASK_TIMEOUT" $vips
	check_answer "before the cut, node 1 answers at VIP1" "10.0.0.11 node1"
	info "before the cut: ${ASK_MS} ms"
	timed_ask direct "$ASK_TIMEOUT" 10.0.0.12
	check_answer "node 2 answers at VIP2 when asked directly" "10.0.0.12 node2"
	info "reference, node 2 asked directly at VIP2: ${ASK_MS} ms"

	# The first SYN goes to node 1, whose port is down, and is lost; the
	# kernel's retransmission after node 2 adopted VIP1 is refused.
	ASK_AFTER_CUT=1 timed_ask cut "$ASK_TIMEOUT" $vips
	check_answer "right after the cut, node 2 answers at VIP2" "10.0.0.12 node2"
	info "right after the cut: ${ASK_MS} ms, $ASK_SYN_RETRANS SYN retransmission(s) (connect timeout ${ASK_TIMEOUT} s)"
	check_timing "right after the cut, answered in under 5 s (${ASK_MS} ms)" test "$ASK_MS" -lt 5000
	check_timing "the first SYN to VIP1 was lost and retransmitted ($ASK_SYN_RETRANS)" \
		test "$ASK_SYN_RETRANS" -ge 1
	check "node 2 holds node 1's addresses" \
		wait_for 10 status_is 2 held=1
	rst_before=$(rst_sent 2 10.0.0.11)
	check "node 2 refused the client on VIP1 with a RST ($rst_before sent)" \
		test "$rst_before" -ge 1

	# Adopted: the first SYN to VIP1 is refused, no retransmission.
	timed_ask adopted "$ASK_TIMEOUT" $vips
	check_answer "after the adoption, node 2 answers at VIP2" "10.0.0.12 node2"
	info "after the adoption: ${ASK_MS} ms, $ASK_SYN_RETRANS SYN retransmission(s)"
	# Under 2 s: starting the client alone takes 0.3-0.5 s on a TCG guest,
	# and curl adds its own event-loop delays; the retransmission count
	# below is the exact form of "one round trip".
	check_timing "after the adoption, answered in under 2 s (${ASK_MS} ms)" test "$ASK_MS" -lt 2000
	check_eq "after the adoption, no SYN retransmitted: one round trip to the RST" \
		0 "$ASK_SYN_RETRANS"
	check "node 2 sent one more RST on VIP1" \
		test "$(rst_sent 2 10.0.0.11)" -gt "$rst_before"

	heal 1
	check "the cluster settles after the heal" wait_for 30 iptod_settled
	check "node 1's addresses go back (node 2 holds nothing)" \
		wait_for 10 status_is 2 'held='
	check "after the failback, node 1 answers at VIP1 again" \
		wait_for 20 answers "10.0.0.11 node1" "$ASK_TIMEOUT" $vips

	# Control: the same client and the same dead node 1, but nobody takes
	# VIP1 over; the client waits for its connect timeout there.
	check "every node reloads with node 1's failover off" no_failover_for_node1
	check_eq "node 2's kernel has node 1's failover off" False "$(node1_failover_on 2)"
	ASK_AFTER_CUT=1 timed_ask control_cut "$CONTROL_TIMEOUT" $vips
	check_answer "control, right after the cut: node 2 answers at VIP2" "10.0.0.12 node2"
	info "control, right after the cut: ${ASK_MS} ms, $ASK_SYN_RETRANS SYN retransmission(s) (connect timeout ${CONTROL_TIMEOUT} s)"
	check "control: the client waited for its timeout on VIP1 (${ASK_MS} ms >= $CONTROL_MIN_MS)" \
		test "$ASK_MS" -ge "$CONTROL_MIN_MS"
	check "control: node 2 sees node 1 down" \
		wait_for 10 status_is 2 'peer.1=n1 down'
	check_eq "control: nobody adopted VIP1 (node 2 holds nothing)" "" "$(holds 2)"
	timed_ask control_down "$CONTROL_TIMEOUT" $vips
	check_answer "control, node 1 down: node 2 answers at VIP2" "10.0.0.12 node2"
	info "control, node 1 down and not adopted: ${ASK_MS} ms, $ASK_SYN_RETRANS SYN retransmission(s)"
	check "control: the client waited for its timeout on VIP1 again (${ASK_MS} ms >= $CONTROL_MIN_MS)" \
		test "$ASK_MS" -ge "$CONTROL_MIN_MS"
}

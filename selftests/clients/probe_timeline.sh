#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# probe_timeline.sh - ipto-probe against a three-node iptod cluster (reject
# action; echo services on port 7000 of every home address), read through
# its JSON lines.  Node 1's LAN port goes dark while the probe runs against
# [10.0.0.11, 10.0.0.12]: node 2 adopts 10.0.0.11 and refuses it, so the
# probe sees ECONNREFUSED (connect mode) or ECONNRESET (a kept connection)
# there, never its own timeout, and is served through 10.0.0.12 within the
# same request.  UDP: once the address is adopted, ICMP port unreachable
# comes back as ECONNREFUSED.  Controls: an address nobody answers times
# out after the probe's timeout (exit 1); bad arguments exit 2 naming the
# bad value.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"

PROBE=$IPTO_SRC/userland/build-asan/probe/ipto-probe
PJSON="python3 -S $IPTO_SRC/selftests/helpers/probe_json.py"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
VIP1=10.0.0.11:$CLUSTER_PORT
VIP2=10.0.0.12:$CLUSTER_PORT
# the probe's timeout while node 1 is cut: longer than detection (3 x 100
# ms) and the retransmission that then reaches the adopting node (a SYN's
# after 1 s, or 3 s if the adoption took longer than 1 s), so the errors
# are ipto's answers, never this timeout; the outage must stay under it
CUT_TIMEOUT_MS=5000

# usage_error TEXT ARGS...: the probe exits 2 and its message names TEXT.
usage_error() {
	local text=$1 out rc
	shift
	out=$("$PROBE" "$@" 2>&1)
	rc=$?
	[ $rc = 2 ] || { echo "exit $rc: $out"; return 1; }
	[[ "$out" == *"$text"* ]] || { echo "no '$text' in: $out"; return 1; }
}

check "bad address: exit 2 naming it" usage_error "'10.0.0.11'" 10.0.0.11
check "bad port: exit 2 naming it" usage_error "'10.0.0.11:70000'" 10.0.0.11:70000
check "host name: exit 2 naming it" usage_error "'node1:7000'" node1:7000
check "bad IPv6 form: exit 2 naming it" usage_error "'fd00::11:7000'" fd00::11:7000
check "bad interval: exit 2 naming it" usage_error "'10ms'" -i 10ms "$VIP1"
check "bad timeout: exit 2 naming it" usage_error "'0'" -t 0 "$VIP1"
check "bad count: exit 2 naming it" usage_error "'-3'" -c -3 "$VIP1"
check "bad escape: exit 2 naming it" usage_error "'\\q'" -r 'x\q' "$VIP1"
check "-k without -r: exit 2" usage_error "-k needs -r" -k "$VIP1"
check "no address: exit 2" usage_error "no ADDR:PORT" -c 1

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled

# probe NAME ARGS...: runs the probe in the client namespace to the end;
# JSON lines in $TEST_TMP/NAME.json, its exit status in $TEST_TMP/NAME.rc.
probe() {
	local name=$1
	shift
	ip netns exec client "$PROBE" -j "$@" >"$TEST_TMP/$name.json" 2>"$TEST_TMP/$name.err"
	echo $? >"$TEST_TMP/$name.rc"
}
rc_of() { cat "$TEST_TMP/$1.rc"; }
show() {
	info "$1:"
	while read -r line; do info "  $line"; done <"$TEST_TMP/$1.json"
	while read -r line; do info "  stderr: $line"; done <"$TEST_TMP/$1.err"
}
no_stderr() { [ ! -s "$TEST_TMP/$1.err" ] || { cat "$TEST_TMP/$1.err"; return 1; }; }

# --- normal: everything served at the first address
probe normal -c 10 -i 20 "$VIP1" "$VIP2"
check "connect: 10 requests served by 10.0.0.11" $PJSON all_served "$TEST_TMP/normal.json" "$VIP1" 10
check_eq "connect: exit 0" 0 "$(rc_of normal)"
probe normal6 -c 3 -i 20 "[fd00::11]:$CLUSTER_PORT" "[fd00::12]:$CLUSTER_PORT"
check "connect over IPv6: served by fd00::11" $PJSON all_served "$TEST_TMP/normal6.json" "[fd00::11]:$CLUSTER_PORT" 3
probe normal_udp -u -c 3 -i 20 "$VIP1" "$VIP2"
check "UDP: served by 10.0.0.11" $PJSON all_served "$TEST_TMP/normal_udp.json" "$VIP1" 3
check "UDP: the echo comes back as the reply" grep -q '"reply":"ipto-probe"' "$TEST_TMP/normal_udp.json"
probe normal_keep -k -r 'x\n' -c 3 -i 20 "$VIP1" "$VIP2"
check "keep: served by 10.0.0.11" $PJSON all_served "$TEST_TMP/normal_keep.json" "$VIP1" 3

# cut_under_probe NAME ARGS...: the probe runs in the background; once
# 10.0.0.11 served it 3 times node 1 is cut; once 10.0.0.12 served it 3
# times it gets SIGINT; then node 1 heals and the cluster settles.
cut_under_probe() {
	local name=$1 pid
	shift
	ip netns exec client "$PROBE" -j "$@" >"$TEST_TMP/$name.json" 2>"$TEST_TMP/$name.err" &
	pid=$!
	wait_for 20 $PJSON served "$TEST_TMP/$name.json" "$VIP1" 3 ||
		fail "$name: not served by 10.0.0.11 before the cut"
	cut 1
	wait_for 20 $PJSON served "$TEST_TMP/$name.json" "$VIP2" 3 ||
		fail "$name: not served by 10.0.0.12 after the cut"
	kill -INT $pid
	wait $pid
	echo $? >"$TEST_TMP/$name.rc"
	heal 1
	wait_for 30 iptod_settled && wait_for 20 serves 10.0.0.11 node1 ||
		fail "$name: node 1 does not serve 10.0.0.11 again after the heal"
}

# failover_checks NAME ERROR: what the probe NAME recorded across the cut:
# ERROR on 10.0.0.11, then served by 10.0.0.12, a summary that agrees with
# the lines, exit 0 after SIGINT, and nothing on stderr.
failover_checks() {
	local name=$1 error=$2 json=$TEST_TMP/$1.json

	check "$name: $error on 10.0.0.11, then served by 10.0.0.12 in the same request" \
		$PJSON failover "$json" "$error" "$VIP1" "$VIP2" $CUT_TIMEOUT_MS
	info "$($PJSON failover "$json" "$error" "$VIP1" "$VIP2" $CUT_TIMEOUT_MS 2>&1)"
	check "$name: the summary agrees with the lines" $PJSON consistent "$json"
	check_eq "$name: SIGINT after a served request: exit 0" 0 "$(rc_of "$name")"
	check "$name: no sanitizer report" no_stderr "$name"
	[ "$FAILED" = 0 ] || show "$name"
}

# --- connect mode: refused at the adopted address, served at the next
cut_under_probe connect -i 50 -t $CUT_TIMEOUT_MS "$VIP1" "$VIP2"
failover_checks connect ECONNREFUSED

# --- a kept connection: reset by the adopting node
cut_under_probe keep -k -r 'x\n' -i 50 -t $CUT_TIMEOUT_MS "$VIP1" "$VIP2"
failover_checks keep ECONNRESET

# --- UDP: port unreachable from the adopting node once it holds 10.0.0.11
cut 1
check "node 2 adopts node 1's addresses" wait_for 20 sh -c "[ \"\$(sed -n 's/^held=//p' $TEST_TMP/node2.status)\" = 1 ]"
probe udp -u -c 3 -i 20 "$VIP1" "$VIP2"
check "UDP: ECONNREFUSED on 10.0.0.11, then served by 10.0.0.12" \
	$PJSON failover "$TEST_TMP/udp.json" ECONNREFUSED "$VIP1" "$VIP2" 1000
check "UDP: the summary agrees with the lines" $PJSON consistent "$TEST_TMP/udp.json"
check_eq "UDP: exit 0" 0 "$(rc_of udp)"
probe udp6 -u -c 2 -i 20 "[fd00::11]:$CLUSTER_PORT" "[fd00::12]:$CLUSTER_PORT"
check "UDP over IPv6: ECONNREFUSED on fd00::11, then served by fd00::12" \
	$PJSON failover "$TEST_TMP/udp6.json" ECONNREFUSED "[fd00::11]:$CLUSTER_PORT" "[fd00::12]:$CLUSTER_PORT" 1000
[ "$FAILED" = 0 ] || { show udp; show udp6; }
heal 1
check "after the heal the cluster settles" wait_for 30 iptod_settled
check "after the heal node 1 serves 10.0.0.11 again" wait_for 20 serves 10.0.0.11 node1

# --- control: an address nobody answers (not adopted): the probe's timeout
probe silent -c 2 -i 20 -t 500 10.0.0.99:$CLUSTER_PORT
check "nobody at 10.0.0.99: ETIMEDOUT after the 500 ms timeout" \
	$PJSON timeouts "$TEST_TMP/silent.json" 500 1000
check "nobody at 10.0.0.99: the summary agrees with the lines" $PJSON consistent "$TEST_TMP/silent.json"
check_eq "nobody at 10.0.0.99: exit 1" 1 "$(rc_of silent)"
[ "$FAILED" = 0 ] || show silent
finish

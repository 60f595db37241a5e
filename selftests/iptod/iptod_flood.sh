#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_flood.sh - a flood at the heartbeat port, which needs no key, does
# not stall iptod.  The client sends node 2 forged heartbeats (a wrong key,
# so each costs iptod a MAC check) as fast as it can, from two processes,
# for FLOOD_S seconds.  iptod reads its port's socket in bounded batches,
# between which its timers (heartbeats, the lease, the watchdog) and
# signals are served, and each peer's heartbeats arrive on a socket
# connected to that peer, which the flood cannot fill.  So, throughout:
# node 2 keeps its lease and its quorum, no node finds another dead, only
# node 2 answers its home address (ipto-answers asks every 20 ms), the
# longest one wakeup of node 2's daemon took (longest_busy_ms) stays under
# BUSY_MAX_MS, and every daemon feeds the service manager's watchdog
# (WATCHDOG_USEC, here 1 s, shorter than the 2 s heartbeat interval) in
# time, flood or not.
. "$(dirname "$0")/../lib.sh"
# A heartbeat interval twice the watchdog's period: the watchdog is fed on
# a timer of its own, whatever the interval.  (Dead after 3 misses, 6 s;
# the lease 4 s: TCG's own stalls do not pass for the flood's doing.)
IPTOD_INTERVAL_MS=2000
WATCHDOG_MS=1000
BUSY_MAX_MS=100	# iptod's default heartbeat interval
. "$IPTO_SRC/selftests/helpers/iptod.sh"

PORT=7410
FLOOD_S=8
ANSWERS=$IPTO_SRC/selftests/tools/ipto-answers

deaths() { cat "$TEST_TMP"/node*.log | grep -c 'silent for .* dead'; }
fences() { grep -c 'fenced' "$TEST_TMP/node2.log"; }
# summary FIELD: a figure of ipto-answers' summary line.
summary() { awk -v f="$1" '$1 == "summary" { for (i = 2; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$TEST_TMP/answers"; }
node_figure() { awk -v n="$1" -v f="$2" '$1 == "node" && $2 == n { for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$TEST_TMP/answers"; }

# The daemons' service manager, as far as sd_notify goes.
python3 -S "$IPTO_SRC/selftests/helpers/notify_listen.py" "$TEST_TMP/notify" >"$TEST_TMP/notified" &
export NOTIFY_SOCKET=$TEST_TMP/notify WATCHDOG_USEC=$((WATCHDOG_MS * 1000))
wait_for 10 test -S "$TEST_TMP/notify" || fail "notify_listen.py did not start"
# watchdog_gap I: the longest time (ms) between two of node I's watchdog
# messages, and from the last one to now.
watchdog_gap() {
	python3 - "$TEST_TMP/notified" "${IPTOD_PID[$1]}" <<-'EOF'
	import sys, time
	stamps = [float(l.split()[0]) for l in open(sys.argv[1])
	          if l.split()[1:3] == [sys.argv[2], "WATCHDOG=1"]]
	stamps.append(time.monotonic())
	print(round(max(b - a for a, b in zip(stamps, stamps[1:])) * 1000) if len(stamps) > 1 else -1)
	EOF
}

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
deaths_before=$(deaths)
fences_before=$(fences)
bad_before=$(status_of 2 rx.bad_mac)
ok_before=$(status_of 2 rx.ok)
busy_before=$(status_of 2 longest_busy_ms)
info "before the flood: node 2's longest wakeup ${busy_before} ms"

nodes="node1=$(mac_of node1 eth0) node2=$(mac_of node2 eth0) node3=$(mac_of node3 eth0)"
# shellcheck disable=SC2086 # one NAME=MAC word per node
# ip netns exec, not in_ns: $! must be the sampler, not a subshell.
ip netns exec client "$ANSWERS" -i eth0 -p 20 -P "$CLUSTER_PORT" 10.0.0.12 $nodes \
	>"$TEST_TMP/answers" 2>"$TEST_TMP/answers.err" &
sampler=$!
check "node 2 answers 10.0.0.12" wait_for 15 grep -q "arp node2 tcp node2$" "$TEST_TMP/answers"

(umask 077 && head -c 32 /dev/urandom >"$TEST_TMP/wrong-key")
flooders=()
for _ in 1 2; do
	ip netns exec client timeout "$FLOOD_S" ipto-hbforge --key "$TEST_TMP/wrong-key" \
		--node 1 --boot now --seq 1 --flags none --count 4000000000 --interval-ms 0 \
		10.0.0.2 $PORT >/dev/null 2>&1 &
	flooders+=($!)
done
wait "${flooders[@]}"
kill -TERM "$sampler"
wait "$sampler"

bad=$(( $(status_of 2 rx.bad_mac) - bad_before ))
ok=$(( $(status_of 2 rx.ok) - ok_before ))
busy=$(status_of 2 longest_busy_ms)
interval=$IPTOD_INTERVAL_MS
info "flood: node 2 checked $bad forged heartbeats in ${FLOOD_S} s ($((bad / FLOOD_S))/s)" \
	"and took $ok genuine ones"
info "node 2's longest wakeup: ${busy} ms (heartbeat interval ${interval} ms)"
echo "# measure: flood forged=$bad per_s=$((bad / FLOOD_S)) genuine=$ok longest_busy_ms=$busy"
check "the flood reached node 2's daemon" test "$bad" -gt 1000
check "node 2 still took its peers' heartbeats" test "$ok" -ge $((FLOOD_S * 1000 / interval))
# (longest_busy_ms counts from the start, whose first wakeups program the
# table: a flood that made no wakeup longer leaves it as it was.)
check "no wakeup of node 2's daemon under the flood took ${BUSY_MAX_MS} ms" \
	test "$busy" -eq "$busy_before" -o "$busy" -lt "$BUSY_MAX_MS"
for i in 1 2 3; do
	gap=$(watchdog_gap $i)
	info "node $i: longest time between two watchdog messages ${gap} ms"
	check "node $i fed the watchdog at least every ${WATCHDOG_MS} ms" \
		test "$gap" -ge 0 -a "$gap" -lt "$WATCHDOG_MS"
done
check_eq "node 2 was not fenced (lease and quorum held)" "$fences_before" "$(fences)"
check_eq "no node was found dead" "$deaths_before" "$(deaths)"
check "the cluster is settled" iptod_settled
for i in 1 3; do
	check_eq "node $i adopted nothing" "" "$(adopted_on node$i)"
done

grep -q '^summary' "$TEST_TMP/answers" || fail "ipto-answers ended without its summary"
rounds=$(summary rounds)
info "ipto-answers: $rounds rounds; $(grep '^node' "$TEST_TMP/answers" | tr '\n' ';')"
check_eq "rounds with two ARP answerers" 0 "$(summary arp_two)"
check_eq "rounds with two TCP answerers" 0 "$(summary tcp_two)"
for n in node1 node3; do
	check_eq "$n never answered 10.0.0.12" "0 0" \
		"$(node_figure $n arp_rounds) $(node_figure $n tcp_rounds)"
done
# Under the flood the client itself loses some rounds' answers; node 2
# must not go silent for good.
check "node 2 answered to the end" test "$(node_figure node2 tcp_last_ms)" -ge \
	$(( $(awk '$1 == "round" { t = $4 } END { print t }' "$TEST_TMP/answers") - 1000 ))
finish

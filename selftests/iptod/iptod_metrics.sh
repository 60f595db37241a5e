#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod_metrics.sh - the Prometheus metrics file (metrics_file): three nodes
# run iptod, each writing its metrics for node_exporter's textfile
# collector; node 2 keeps per-address series for one address only
# (metrics_addresses = 1).  Node 1's LAN port goes dark; node 2 adopts
# VIP1 (10.0.0.11) and fd00::11, refuses the client's connect to VIP1 with
# a reset and answers its ping to fd00::11.  Every scrape must pass
# "promtool check metrics" (Debian's prometheus, unpacked into the cache by
# make deps) without a word, and hold what an operator reads: the reset
# counted for 10.0.0.11, fd00::11 summed under address="other", one
# detection-to-adoption and one adoption-to-first-reply observation per
# address, quorum, the peers up.  A reload to metrics_addresses = 2 gives
# fd00::11 its own series; after the heal no address series is left; a
# daemon that stops removes its file.  One scrape is printed.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/vm/cache.sh"

PROMTOOL=$CACHE_ROOT/usr/bin/promtool
if [ ! -x "$PROMTOOL" ]; then
	fail "promtool is not in the cache ($PROMTOOL: make deps)"
	finish
fi

for i in 1 2 3; do
	IPTOD_CLUSTER_EXTRA[$i]="metrics_file = $TEST_TMP/node$i.prom"
done
IPTOD_CLUSTER_EXTRA[2]+="
metrics_addresses = 1"
# A test of what moves, not of how fast: 10 misses (see iptod.sh), so that
# a stall under TCG moves no address the test counts.
IPTOD_MISSES=${IPTOD_MISSES:-10}

# metric I SERIES: the value of SERIES (name{labels} exactly as written) in
# node I's metrics file; nothing when it has no such series.
metric() {
	awk -v s="$2" '$1 == s { print $2 }' "$TEST_TMP/node$1.prom" 2>/dev/null
}
# metric_above I SERIES N: that value is a number greater than N.
metric_above() {
	local v
	v=$(metric "$1" "$2")
	[ -n "$v" ] && awk -v v="$v" -v n="$3" 'BEGIN { exit !(v + 0 > n + 0) }'
}
# metric_is I SERIES VALUE
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
# promtool_clean I: promtool checks node I's file (one snapshot of it) and
# says nothing: no error, and no lint warning on a name or a label.
promtool_clean() {
	local out rc
	cp "$TEST_TMP/node$1.prom" "$TEST_TMP/scrape$1" || return 1
	out=$("$PROMTOOL" check metrics <"$TEST_TMP/scrape$1" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | while read -r line; do info "promtool: $line"; done
	[ "$rc" = 0 ] && [ -z "$out" ]
}

D='device="ipto0"'
A1="{$D,address=\"10.0.0.11\",node=\"n1\"}"
OTHER="{$D,address=\"other\"}"

check "modprobe ipto" modprobe ipto
iptod_cluster reject || fail "setting up three nodes running iptod"
check "three nodes running iptod settle" wait_for 30 iptod_settled
for i in 1 2 3; do
	check "node $i writes its metrics file" wait_for 10 test -s "$TEST_TMP/node$i.prom"
done
check "node 2 sees both peers up in its metrics" wait_for 10 metric_is 2 "ipto_peers_up{$D}" 2
check "node 3's scrape, nothing adopted, passes promtool silently" promtool_clean 3
check_eq "node 2 has adopted nothing" 0 "$(metric 2 "ipto_adopted_addresses{$D}")"
check_eq "node 2 has no address series yet" 0 "$(grep -c '^ipto_address_' "$TEST_TMP/node2.prom")"
check_eq "node 2's detection histogram is empty" 0 \
	"$(metric 2 "ipto_detection_to_adoption_seconds_count{$D}")"

cut 1
check "node 2 adopts node 1's addresses" wait_for 20 status_is 2 held=1
check_eq "the client's connect to VIP1 is refused (node 2's reset)" refused \
	"$(client_says 10.0.0.11)"
check "node 2 answers the client's ping to fd00::11" \
	in_ns client ping -6 -c 1 -W 5 fd00::11
check "node 2's metrics count the reset for 10.0.0.11" \
	wait_for 10 metric_above 2 "ipto_address_rst_sent_total$A1" 0
check "node 2's metrics count the echo reply for fd00::11 under address=\"other\"" \
	wait_for 10 metric_above 2 "ipto_address_icmp_sent_total$OTHER" 0
check "node 2 counts the first reply of both adoptions" \
	wait_for 10 metric_above 2 "ipto_adoption_to_first_reply_seconds_count{$D}" 1
check "node 2 counts a detection-to-adoption for each adopted address" \
	metric_above 2 "ipto_detection_to_adoption_seconds_count{$D}" 1
check_eq "node 2 has adopted two addresses" 2 "$(metric 2 "ipto_adopted_addresses{$D}")"
check_eq "node 2 has quorum" 1 "$(metric 2 "ipto_quorum{$D}")"
check_eq "node 2 sees one peer up" 1 "$(metric 2 "ipto_peers_up{$D}")"
check_eq "node 2: peer n1 down" 0 "$(metric 2 "ipto_peer_up{$D,peer=\"n1\"}")"
check_eq "node 2: peer n3 up" 1 "$(metric 2 "ipto_peer_up{$D,peer=\"n3\"}")"
check "node 2 sent heartbeats" metric_above 2 "ipto_heartbeats_sent_total{$D}" 0
check "node 2 received heartbeats" metric_above 2 "ipto_heartbeats_received_total{$D}" 0
check_eq "node 2 writes no series of its own for fd00::11 (metrics_addresses = 1)" 0 \
	"$(grep -c 'address="fd00::11"' "$TEST_TMP/node2.prom")"
check_eq "iptoctl shows node 2's first reply for 10.0.0.11" yes \
	"$(in_ns node2 iptoctl -j show dev ipto0 | python3 -S -c '
import json, sys
a = [a for a in json.load(sys.stdin)[0]["addresses"] if a["address"] == "10.0.0.11"]
print("yes" if a and isinstance(a[0]["first_reply_ms"], int) else "no")')"
# fenced_any I: node I's metrics say it is fenced, for one reason (its
# lease may run out before its daemon fences it).
fenced_any() {
	[ $(($(metric "$1" "ipto_fenced{$D,reason=\"request\"}") +
	     $(metric "$1" "ipto_fenced{$D,reason=\"lease\"}"))) = 1 ]
}
check "node 1, cut off, reports itself fenced without quorum" wait_for 10 fenced_any 1
check_eq "node 1 has no quorum" 0 "$(metric 1 "ipto_quorum{$D}")"
check_eq "node 1's two home addresses are silenced" 2 \
	"$(metric 1 "ipto_silenced_addresses{$D}")"
check "node 2's scrape during the takeover passes promtool silently" promtool_clean 2
check "node 1's scrape, fenced, passes promtool silently" promtool_clean 1
info "node 2's scrape during the takeover (promtool check metrics: no output, exit 0):"
while IFS= read -r line; do info "  $line"; done <"$TEST_TMP/scrape2"

# A reload applies metrics_addresses: with room for both, fd00::11 gets
# series of its own and the sum is gone.
sed -i 's/^metrics_addresses = 1$/metrics_addresses = 2/' "$TEST_TMP/node2.conf"
kill -HUP "${IPTOD_PID[2]}"
check "after a reload with metrics_addresses = 2, fd00::11 has its own series" \
	wait_for 10 metric_above 2 "ipto_address_icmp_sent_total{$D,address=\"fd00::11\",node=\"n1\"}" 0
check_eq "and no address=\"other\" series is left" 0 \
	"$(grep -c 'address="other"' "$TEST_TMP/node2.prom")"

heal 1
check "the cluster settles after the heal" wait_for 30 iptod_settled
check "node 2 gives node 1's addresses back" wait_for 10 metric_is 2 "ipto_adopted_addresses{$D}" 0
check_eq "node 2 has no address series left" 0 "$(grep -c '^ipto_address_' "$TEST_TMP/node2.prom")"
check "node 2's scrape after the heal passes promtool silently" promtool_clean 2

kill -TERM "${IPTOD_PID[3]}"
check "node 3's daemon stops" wait_for 10 sh -c "! kill -0 ${IPTOD_PID[3]} 2>/dev/null"
check "node 3's metrics file is removed when its daemon stops" test ! -e "$TEST_TMP/node3.prom"
finish

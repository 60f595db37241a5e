#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lease_silence.sh - the lease is enforced by the packet path itself
# (uapi/linux/ipto.h, "Lease and fencing"): node 1 of a three-node cluster
# has adopted node 3's addresses, and gets a lease that nobody renews.
# From the client, ipto-answers asks every 20 ms who answers node 1's home
# address and the adopted one, by ARP or neighbour solicitation and by a
# SYN to each node's MAC.  Node 1 answers while the lease holds (its home
# address by its own stack, the adopted one by ipto) and its last answer,
# on every address and both ways of asking, falls before the lease's end:
# the silence does not wait for the fence's work, which takes RTNL, and
# here RTNL is kept busy by a loop of link changes in node 1 throughout.
# Renewals take no lock: while the teardown of a namespace of many devices
# holds RTNL for longer than a lease, they go on at once (a request that
# takes RTNL, DEV_GET, waits).  With a lease renewed in time, and without
# one, node 1 answers again.
. "$(dirname "$0")/../lib.sh"

LEASE_MS=300
PERIOD_MS=20
ANSWERS=$IPTO_SRC/selftests/tools/ipto-answers

ctl() { in_ns node1 iptoctl "$@"; }
fenced() { ctl -j show dev ipto0 | sed -n 's/.*"fenced":"\([a-z]*\)".*/\1/p'; }
is_fenced() { [ "$(fenced)" = "$1" ]; }
now_ms() { date +%s%3N; }
# summary FILE NODE FIELD: a figure of ipto-answers' summary line for NODE.
summary() { awk -v n="$2" -v f="$3" '$1 == "node" && $2 == n { for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$1"; }
# sampled_past FILE MS: the sampler has sent a round at or after MS.
sampled_past() { awk -v t="$2" '$1 == "round" && $4 >= t { found = 1 } END { exit !found }' "$1"; }

check "modprobe ipto" modprobe ipto
check "three nodes, one table" cluster_new
cut 3
check "node 3 down" cluster_set 3 down
check_eq "node 1 adopted node 3's addresses" "10.0.0.13 fd00::13" "$(adopted_on node1)"

nodes="node1=$(mac_of node1 eth0) node2=$(mac_of node2 eth0)"
addrs="10.0.0.11 fd00::11 10.0.0.13 fd00::13"
samplers=()
for a in $addrs; do
	# shellcheck disable=SC2086 # one NAME=MAC word per node
	# ip netns exec, not in_ns: $! must be the sampler, not a subshell.
	ip netns exec client "$ANSWERS" -i eth0 -p $PERIOD_MS -P $CLUSTER_PORT "$a" $nodes \
		>"$TEST_TMP/$a" 2>"$TEST_TMP/$a.err" &
	samplers+=($!)
done
for a in $addrs; do
	check "node 1 answers $a by ARP/ND and TCP" wait_for 15 \
		grep -q "arp node1 tcp node1$" "$TEST_TMP/$a"
done

# RTNL kept busy in node 1 while the lease runs out.
ip netns exec node1 sh -c 'while :; do ip link add busy0 type dummy; ip link del busy0; done' \
	>/dev/null 2>&1 &
busy=$!
# The lease starts while the command runs: it ends between these two.
set_at=$(now_ms)
check "a lease of $LEASE_MS ms, not renewed" ctl set dev ipto0 lease_ms $LEASE_MS
lease_end=$(($(now_ms) + LEASE_MS))
info "the lease ends between $((set_at + LEASE_MS)) and $lease_end"
check "it runs out: fenced, reason lease" wait_for 15 is_fenced lease
for a in $addrs; do
	wait_for 15 sampled_past "$TEST_TMP/$a" $((lease_end + 500))
done
kill "$busy"
kill -TERM "${samplers[@]}"
wait "${samplers[@]}"
for a in $addrs; do
	grep -q '^summary' "$TEST_TMP/$a" && continue
	fail "ipto-answers for $a ended without its summary"
	sed 's/^/#   | /' "$TEST_TMP/$a.err"
	tail -n 3 "$TEST_TMP/$a" | sed 's/^/#   | /'
done

for a in $addrs; do
	f=$TEST_TMP/$a
	for how in arp tcp; do
		last=$(summary "$f" node1 "${how}_last_ms")
		check "$a, $how: node 1 answered before" test "${last:--1}" -gt 0
		echo "# measure: $a $how last_answer_after_set_ms $((last - set_at)) lease_ms $LEASE_MS set_took_ms $((lease_end - LEASE_MS - set_at))"
		check "$a, $how: node 1's last answer (round at $last) before the lease's end ($lease_end)" \
			test "$last" -le "$lease_end"
	done
	check_eq "$a: no round with node 2 answering" "-1 -1" \
		"$(summary "$f" node2 arp_last_ms) $(summary "$f" node2 tcp_last_ms)"
done

# A renewal takes no lock (RCU only).  RTNL is held for long by the
# teardown of a namespace with many devices (the kernel unregisters them in
# one batch under RTNL); meanwhile one process renews the lease and reads
# the device (DEV_GET, under RTNL) in turn: the reads wait, the renewals
# do not.  3000 devices: with 1000 a fast host's 6.1 guest held RTNL for
# only 291 ms, less than the lease, and proved nothing.
HOG_DEVICES=3000
check "a lease of 60 s, to renew" ctl set dev ipto0 lease_ms 60000
ns_new hog
for ((i = 0; i < HOG_DEVICES; i++)); do echo "link add d$i type dummy"; done |
	ip -n hog -batch - || fail "$HOG_DEVICES dummy devices in the namespace hog"
ip netns exec node1 env PYTHONPATH="$IPTO_SRC/selftests/helpers" \
	python3 -S "$IPTO_SRC/selftests/helpers/lease_latency.py" ipto0 4 >"$TEST_TMP/latency" 2>&1 &
latency=$!
wait_for 10 grep -qx started "$TEST_TMP/latency" ||
	info "the latency probe had not started before the teardown"
ip netns delete hog
wait "$latency"
read -r _ lease_max _ get_max _ rounds <<<"$(tail -n 1 "$TEST_TMP/latency")"
echo "# measure: while a namespace of $HOG_DEVICES devices is torn down: slowest lease renewal ${lease_max:-?} ms, slowest DEV_GET ${get_max:-?} ms, ${rounds:-?} rounds"
slowest=$((${get_max:-0} > ${lease_max:-0} ? ${get_max:-0} : ${lease_max:-0}))
check "RTNL was held for longer than a lease: a request waited $slowest ms" \
	test "$slowest" -gt "$LEASE_MS"
check "no renewal waited for it: the slowest took ${lease_max:-?} ms, less than a lease" \
	test "${lease_max:-99999}" -lt "$LEASE_MS"

# A lease renewed in time keeps node 1 answering, the fence aside.
check "a lease of 4000 ms" ctl set dev ipto0 lease_ms 4000
check "fence off" ctl fence dev ipto0 off
check_eq "node 3's addresses adopted again" "10.0.0.13 fd00::13" "$(adopted_on node1)"
check "renewed" ctl lease dev ipto0
check_eq "the client reaches node 1 on 10.0.0.11 again" "ok node1" "$(client_says 10.0.0.11)"
check_eq "and on fd00::11" "ok node1" "$(client_says fd00::11)"
check "lease 0" ctl set dev ipto0 lease_ms 0
check_eq "without a lease, still answered" "ok node1" "$(client_says 10.0.0.11)"
check_eq "and not fenced" none "$(fenced)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netns_parallel.sh - three namespaces create and delete ipto devices at
# the same time; each namespace only ever sees its own devices.
. "$(dirname "$0")/../lib.sh"

rounds=25
check "modprobe ipto" modprobe ipto
ns_new n1 n2 n3
for ns in n1 n2 n3; do
	ip -n $ns link add eth0 type veth peer name eth1
done

churn() {	# churn NS: create and delete two devices per round
	local ns=$1 i
	for i in $(seq 1 $rounds); do
		ip -n "$ns" link add ipto0 link eth0 type ipto || return 1
		ip -n "$ns" link add ipto1 link eth1 type ipto || return 1
		ip netns exec "$ns" iptoctl show >/dev/null || return 1
		ip -n "$ns" link del ipto0 || return 1
		ip -n "$ns" link del ipto1 || return 1
	done
}
pids=()
for ns in n1 n2 n3; do
	churn $ns &
	pids+=($!)
done
i=1
for pid in "${pids[@]}"; do
	wait "$pid" && pass "n$i: $rounds rounds of create/show/delete" ||
		fail "n$i: create/show/delete churn"
	i=$((i + 1))
done

for ns in n1 n2 n3; do
	check_eq "$ns: no ipto device left" "" "$(ip -n $ns -br link show type ipto)"
done

# Isolation: a device per namespace, each namespace's dump lists its own.
ip -n n1 link add a1 link eth0 type ipto
ip -n n2 link add b1 link eth0 type ipto
ip -n n2 link add b2 link eth1 type ipto
check_eq "n1 lists only its device" "a1" "$(ip netns exec n1 iptoctl -j show | python3 -S -c 'import json,sys; print(" ".join(d["ifname"] for d in json.load(sys.stdin)))')"
check_eq "n2 lists only its devices, oldest first" "b1 b2" "$(ip netns exec n2 iptoctl -j show | python3 -S -c 'import json,sys; print(" ".join(d["ifname"] for d in json.load(sys.stdin)))')"
check_eq "n3 lists nothing" "[]" "$(ip netns exec n3 iptoctl -j show)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster_consistency.sh - 1,000 random sequences of node up/down events
# applied to three namespaces' tables: after each event every address is
# adopted by at most one node, and by exactly the node that the reference
# function (decide.c built into selftests/unit/ipto-decide) predicts.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
for i in 1 2 3; do
	ns_new c$i
	ip -n c$i link add eth0 type veth peer name eth1
	ip -n c$i link set eth0 up
	ip -n c$i link set eth1 up
	ip -n c$i link add ipto0 link eth0 type ipto
	in_ns c$i iptoctl set dev ipto0 announce_count 0
	for j in 1 2 3; do
		self=""
		[ $i = $j ] && self=self
		in_ns c$i iptoctl node add dev ipto0 id $j name n$j addr 10.1.0.$j $self
	done
	# The same table as helpers/consistency.py's TABLE.
	in_ns c$i iptoctl node set dev ipto0 id 1 standby 2,3
	in_ns c$i iptoctl node set dev ipto0 id 2 standby 3,1
	in_ns c$i iptoctl node set dev ipto0 id 3 standby 1,2 failover off
	in_ns c$i iptoctl service add dev ipto0 node 1 name web proto tcp port 80 failover on standby 3
done
seed=${IPTO_SEED:-$(date +%s)}
out=$(python3 -S "$IPTO_SRC/selftests/helpers/consistency.py" "$IPTO_SRC/selftests/unit/ipto-decide" \
	"$seed" 1000 c1 c2 c3 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/#   /'
check_eq "kernel agrees with the reference function (seed $seed)" 0 "$rc"
finish

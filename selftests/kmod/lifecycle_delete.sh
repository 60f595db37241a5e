#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle_delete.sh - deleting the ipto device, its lower device or its
# whole namespace while a SYN flood hits the device's adopted addresses and
# an iptoctl adopt/show/release churn runs against it, 2 rounds of each
# (10 in make check-full).
# Each round first waits until the flood is answered and the churn has
# adopted an address, deletes, and checks that nothing of the device is
# left (for a namespace: its cleanup ran); another namespace with its own
# flooded ipto device keeps answering after every deletion, and the module
# unloads at the end.
. "$(dirname "$0")/../lib.sh"

ROUNDS=${LIFECYCLE_ROUNDS:-$(by_check 2 10)}	# rounds of each kind of deletion
MIN_RST=20		# resets a client must see before a deletion / after it
FLOOD_RATE=200		# SYNs per second per flooded address

check "modprobe ipto" modprobe ipto
# node2: the device deleted in every way; node3: the bystander.  client2
# floods node 2's adopted addresses, client3 node 3's.
lan_new node3 client2 client3
lan_hosts 3 node3
lan_hosts 102 client2 client3
ipto_up node3
in_ns node3 iptoctl adopt dev ipto0 addr 10.0.0.13 from 1
in_ns node3 iptoctl adopt dev ipto0 addr fd00::13 from 1
for addr in 10.0.0.13 fd00::13; do
	ip -n client3 neigh replace $addr lladdr "$(mac_of node3 eth0)" dev eth0 nud permanent
done

. "$IPTO_SRC/selftests/helpers/lifecycle.sh"

pids=()
for addr in 10.0.0.11 fd00::11; do
	ip netns exec client2 bash -c 'flood_loop "$1" "$2"' _ $addr "$TEST_TMP/flood-$addr" \
		>/dev/null 2>&1 &
	pids+=($!)
done
client2_pid=${pids[0]}
ip netns exec client3 bash -c 'flood_loop "$1" "$2"' _ 10.0.0.13 "$TEST_TMP/flood-10.0.0.13" \
	>/dev/null 2>&1 &
pids+=($!)
client3_pid=$!
churn ip netns exec node2 >/dev/null 2>&1 &
pids+=($!)


# node2_ready: node 2 (re)made as far as a deletion left it: the namespace,
# its LAN port eth0 with 10.0.0.2 and fd00::2, ipto0 up with 10.0.0.11
# adopted; client2 sends to eth0's (possibly new) MAC.
node2_ready() {
	local mac
	if [ ! -e /run/netns/node2 ]; then
		ns_new node2 || return 1
	fi
	if ! ip -n node2 link show eth0 >/dev/null 2>&1; then
		ip -n lan link add lan-node2 type veth peer name eth0 netns node2 &&
		ip -n lan link set lan-node2 master br0 up &&
		ip -n node2 -batch - <<-EOF || return 1
			link set eth0 up
			addr add 10.0.0.2/24 dev eth0
			addr add fd00::2/64 dev eth0
		EOF
		mac=$(mac_of node2 eth0) &&
		ip -n client2 -batch - <<-EOF || return 1
			neigh replace 10.0.0.11 lladdr $mac dev eth0 nud permanent
			neigh replace fd00::11 lladdr $mac dev eth0 nud permanent
		EOF
	fi
	ip -n node2 link add ipto0 link eth0 up type ipto &&
	in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
}

# gone KIND: what the deletion took is gone, and nothing is left behind.
gone() {
	local links
	case $1 in
	device)
		links=$(ip -n node2 -br addr show) &&
		[[ "$links" != *ipto0* && "$links" == *eth0* && "$links" != *10.0.0.11* ]]
		;;
	lower)
		links=$(ip -n node2 -br addr show) &&
		[[ "$links" != *ipto0* && "$links" != *eth0* && "$links" != *10.0.0.11* ]] &&
		! ip -n lan link show lan-node2 >/dev/null 2>&1
		;;
	namespace)
		# The LAN port goes when the namespace's cleanup has run, once
		# the last process of the churn in it has exited.
		wait_for 30 sh -c '! ip -n lan link show lan-node2'
		;;
	esac
}

start=$((${EPOCHREALTIME/./} / 1000))
for kind in device lower namespace; do
	kstart=$((${EPOCHREALTIME/./} / 1000))
	done_rounds=0
	for i in $(seq 1 "$ROUNDS"); do
		node2_ready || { fail "$kind round $i: set up node 2"; break; }
		tcp_in "$client2_pid"
		rst0=$TCP_IN
		churn_adopted
		adopted0=$CHURN_N
		wait_for 20 resets_since "$client2_pid" "$rst0" ||
			{ fail "$kind round $i: fewer than $MIN_RST resets from node 2"; break; }
		wait_for 20 churn_since "$adopted0" ||
			{ fail "$kind round $i: the churn adopted nothing on node 2 ($adopted0 adoptions before, $CHURN_N now)"; break; }
		case $kind in
		device) ip -n node2 link del ipto0 ;;
		lower) ip -n node2 link del eth0 ;;
		namespace) ip netns delete node2 ;;
		esac || { fail "$kind round $i: delete"; break; }
		gone $kind || { fail "$kind round $i: deletion incomplete"; break; }
		tcp_in "$client3_pid"
		wait_for 20 resets_since "$client3_pid" "$TCP_IN" ||
			{ fail "$kind round $i: node 3 stopped answering"; break; }
		done_rounds=$i
	done
	check_eq "delete the $kind mid-flood and mid-churn, $ROUNDS rounds" "$ROUNDS" "$done_rounds"
	info "$kind: $done_rounds rounds in $((${EPOCHREALTIME/./} / 1000 - kstart)) ms"
done
elapsed_ms=$((${EPOCHREALTIME/./} / 1000 - start))

touch "$STOP"
for pid in "${pids[@]}"; do
	wait "$pid"
done
info "all deletions in $elapsed_ms ms"

for addr in 10.0.0.11 fd00::11 10.0.0.13; do
	read -r s r f <<<"$(awk '/^sent/ { s += $2; r += $4 } /failed/ { f++ } END { print s + 0, r + 0, f + 0 }' \
		"$TEST_TMP/flood-$addr")"
	info "flood at $addr: $s SYNs sent, $r resets received"
	check_eq "$addr: every synflood run finished" 0 "$f"
	check "$addr: resets received" test "$r" -gt 0
done
sed 's/:.*//' "$CHURN_LOG" | sort | uniq -c | sed 's/^ */#   churn: /'
grep '^fail' "$CHURN_LOG" | sed 's/^fail [a-z]*: //' | sort | uniq -c | sed 's/^ */#   churn error: /'
churn_adopted
check "the churn adopted fd00::11 in every round: $CHURN_N adoptions" test "$CHURN_N" -ge $((3 * ROUNDS))

check "node 2 set up again after the last deletion" node2_ready
check_eq "node 3 keeps its device and adoptions" "10.0.0.13 fd00::13" "$(adopted_on node3)"
ip netns delete node2
check "node 2's namespace cleaned up" wait_for 30 sh -c '! ip -n lan link show lan-node2'
check "module unloads" rmmod ipto
check_eq "no ipto device left in node 3" "" "$(ip -n node3 -br link show type ipto)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# addr_dump.sh - 10,000 adopted addresses: every one listed exactly once by
# a dump that spans many messages, answered on the packet path, and all
# released with the device.
. "$(dirname "$0")/../lib.sh"

N=10000
check "modprobe ipto" modprobe ipto
lan_new node2 client
ip -n node2 addr add 10.0.0.2/24 dev eth0
ip -n client addr add 10.0.0.100/24 dev eth0
ip -n client route add 10.128.0.0/16 dev eth0
ip -n node2 link add ipto0 link eth0 type ipto
check "set announce_count 0 (no ARP storm)" in_ns node2 iptoctl set dev ipto0 announce_count 0

out=$(in_ns node2 python3 -S "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.128.0.1 $N)
check_eq "adopt $N addresses" "done $N" "$(echo "$out" | awk '{ print $1, $2 }')"
echo "# measure: adopt_${N}_ms=$(echo "$out" | awk '{ print $3 }')"

ifindex=$(in_ns node2 cat /sys/class/net/ipto0/ifindex)
raw=$(in_ns node2 ipto-nlraw -d 5 1:u32:$ifindex)
info "raw dump: $raw"
msgs=$(awk '{ print $2 }' <<<"$raw")
check "the dump spans many messages (${msgs})" test "${msgs:-0}" -ge $N
check "every address listed exactly once" sh -c "
	ip netns exec node2 iptoctl -j show dev ipto0 | python3 -S -c '
import ipaddress, json, sys
addrs = [a[\"address\"] for a in json.load(sys.stdin)[0][\"addresses\"]]
want = {str(ipaddress.IPv4Address(\"10.128.0.1\") + i) for i in range($N)}
assert len(addrs) == $N and set(addrs) == want, (len(addrs), len(set(addrs)))
'"
out=$(in_ns client ipto-connect 10.128.39.16 80 2)
check_eq "the last address is answered (10.128.39.16)" refused "${out%% *}"
out=$(in_ns client ipto-connect 10.128.0.1 80 2)
check_eq "the first address is answered" refused "${out%% *}"

out=$(in_ns node2 python3 -S "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.128.0.1 5000 release)
check_eq "release half of them" "done 5000" "$(echo "$out" | awk '{ print $1, $2 }')"
check_eq "$((N - 5000)) left" $((N - 5000)) \
	"$(in_ns node2 iptoctl -j show dev ipto0 | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)[0]["addresses"]))')"
check "delete the device with 5000 adopted" ip -n node2 link del ipto0
ip -n client neigh flush dev eth0
out=$(in_ns client ipto-connect 10.128.39.16 80 1)
check_eq "no answer once the device is gone" timeout "${out%% *}"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# echo_reply.sh - ping to an adopted address is answered from it when
# echo_reply is on, and answered with administratively prohibited when off;
# never to a broadcast or multicast source.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
standby_and_client
for addr in 10.0.0.11 fd00::11; do
	in_ns node2 iptoctl adopt dev ipto0 addr $addr from 1
	out=$(in_ns client ping -c 2 -i 0.2 -W 2 $addr 2>&1)
	info "$(grep -m1 'bytes from' <<<"$out")"
	check "$addr: echo answered (echo_reply on)" grep -q "bytes from $addr" <<<"$out"
	in_ns node2 iptoctl set dev ipto0 echo_reply off
	out=$(in_ns client ping -c 1 -W 2 $addr 2>&1)
	info "$(grep -m1 -iE 'prohibited|filtered' <<<"$out")"
	check "$addr: echo_reply off: administratively prohibited" grep -qiE 'Packet filtered|prohibited' <<<"$out"
	in_ns node2 iptoctl set dev ipto0 echo_reply on
done

# Requests whose source is no one host's (broadcast, a subnet's broadcast,
# multicast) are never answered: ipto's hook runs before routing, which
# would drop such martians, and a reply would go to the whole segment.
# IPv4 only: IPv6 itself drops a multicast or loopback source before any
# hook.  The control, the client's own source in the same frames, is
# answered.
mac=$(in_ns node2 cat /sys/class/net/eth0/address)
spoofed() {
	in_ns client python3 -S "$IPTO_SRC/selftests/helpers/spoofed_ping.py" eth0 "$mac" "$@"
}
check_eq "10.0.0.11: the client's own source is answered" "replies 3" \
	"$(spoofed 10.0.0.11 10.0.0.100)"
for src in 255.255.255.255 10.0.0.255 224.0.0.1; do
	check_eq "10.0.0.11: no echo reply to the source $src" "replies 0" \
		"$(spoofed 10.0.0.11 $src)"
done
finish

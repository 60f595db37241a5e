#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# echo_reply.sh - ping to an adopted address is answered from it when
# echo_reply is on, and answered with administratively prohibited when off.
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
finish

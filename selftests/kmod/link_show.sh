#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# link_show.sh - an ipto device made with stock iproute2 is reported as
# such: kind ipto in "ip -d link show", its lower device after "@", and
# counters in "ip -s link show".
. "$(dirname "$0")/../lib.sh"

ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
check "modprobe ipto" modprobe ipto
check "ip link add ipto0 link eth0 type ipto" ip -n n1 link add ipto0 link eth0 type ipto

details=$(ip -n n1 -d link show ipto0)
info "$details"
[[ "$details" == *"ipto0@eth0"* ]] && pass "ip link shows ipto0@eth0" || fail "ip link shows ipto0@eth0"
[[ "$details" =~ $'\n'" "+ipto( |$) ]] && pass "ip -d link show reports kind ipto" ||
	fail "ip -d link show reports kind ipto"
kind=$(ip -n n1 -j -d link show ipto0 | python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')
check_eq "JSON info_kind" ipto "$kind"
check "ip -s link show ipto0" ip -n n1 -s link show ipto0
check "ipto0 listed by type" sh -c "ip -n n1 link show type ipto | grep -q ipto0"
check "ip link set ipto0 up" ip -n n1 link set ipto0 up
check "ip link del ipto0" ip -n n1 link del ipto0
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# completion_test.sh - the bash completion of iptoctl offers, for a command
# line typed so far, the words an operator may type next.
set -u
. "$(dirname "$0")/../../userland/iptoctl/iptoctl.bash-completion"
# The settings "set" takes come from iptoctl's help: the one built here.
PATH=$(cd "$(dirname "$0")/../../userland/iptoctl" && pwd):$PATH

n=0 failed=0
expect() {	# expect "LINE" "WORDS": completing LINE offers exactly WORDS
	local line=$1 want=$2 got

	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_iptoctl
	got="${COMPREPLY[*]}"
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n '$line'"
	else
		echo "not ok $n '$line': offered '$got', expected '$want'"
		failed=$((failed + 1))
	fi
}

# ip is asked for the ipto devices after "dev": answer as ip -o would.
ip() { printf '4: ipto0@eth0: <UP> mtu 1500\n5: ipto1@eth1: <UP> mtu 1500\n'; }

expect "iptoctl " "show adopt release node service set fence lease monitor reset help"
expect "iptoctl -" "-j --json -p --pretty -h --help -V --version"
expect "iptoctl -j s" "show service set"
expect "iptoctl node " "add set del failback"
expect "iptoctl node failback " "dev id"
expect "iptoctl node add " "dev id name addr standby failover self"
expect "iptoctl node add dev ipto0 id 1 " "name addr standby failover self"
expect "iptoctl show dev " "ipto0 ipto1"
expect "iptoctl adopt dev ipto0 addr 10.0.0.11 " "from"
expect "iptoctl service add dev x proto " "tcp udp"
expect "iptoctl service set dev x node 1 name web action " "reject drop serve"
expect "iptoctl set dev x default_action d" "drop"
expect "iptoctl set dev x failback " "auto manual"
expect "iptoctl set dev x echo_reply " "on off"
expect "iptoctl set dev x reply_rate " ""
expect "iptoctl set " "dev announce_count announce_interval_ms reply_rate reply_burst lease_ms echo_reply default_action failback"
expect "iptoctl set dev x reply_rate 5 a" "announce_count announce_interval_ms"
expect "iptoctl fence dev x " "on off"
expect "iptoctl node set dev x id 2 state " "up down drain"
expect "iptoctl node set dev x id 2 failover " "on off"
expect "iptoctl node add dev x id 1 name a addr 10.0.0.1 " "standby failover self"
expect "iptoctl service add dev x node 1 name web port " ""
expect "iptoctl lease " "dev"
expect "iptoctl r" "release reset"
expect "iptoctl reset " "dev conn"
expect "iptoctl reset dev " "ipto0 ipto1"
expect "iptoctl reset dev x conn " ""
expect "iptoctl reset dev x conn 10.0.0.11:5432,10.0.0.50:41000 " "conn"
expect "iptoctl reset conn - " "dev"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

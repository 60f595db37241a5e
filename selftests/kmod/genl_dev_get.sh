#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# genl_dev_get.sh - IPTO_CMD_DEV_GET through iptoctl: a device's settings
# as the kernel reports them (text and JSON), module parameters as the
# defaults of new devices, dumps, and the errors for wrong requests.
. "$(dirname "$0")/../lib.sh"

ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
check "modprobe ipto with non-default parameters" \
	modprobe ipto announce_count=5 reply_rate=500 lease_ms=300 default_action=drop
check "ip link add ipto0" ip -n n1 link add ipto0 link eth0 type ipto

json=$(ip netns exec n1 iptoctl -j show dev ipto0)
info "$json"
field() { python3 -S -c 'import json,sys; print(json.loads(sys.argv[1])[0][sys.argv[2]])' "$json" "$1"; }
check_eq "ifname" ipto0 "$(field ifname)"
check_eq "ifindex" "$(ip netns exec n1 cat /sys/class/net/ipto0/ifindex)" "$(field ifindex)"
check_eq "link" eth0 "$(field link)"
check_eq "announce_count from the module parameter" 5 "$(field announce_count)"
check_eq "announce_interval_ms default" 200 "$(field announce_interval_ms)"
check_eq "reply_rate from the module parameter" 500 "$(field reply_rate)"
check_eq "reply_burst default" 200 "$(field reply_burst)"
check_eq "lease_ms from the module parameter" 300 "$(field lease_ms)"
check_eq "echo_reply default" True "$(field echo_reply)"
check_eq "default_action from the module parameter" drop "$(field default_action)"

text=$(ip netns exec n1 iptoctl show dev ipto0)
info "$text"
[[ "$text" == "ipto0: link eth0"* && "$text" == *"replies: 500/s, burst 200"* &&
   "$text" == *"default action: drop"* ]] && pass "text output" || fail "text output"

# A parameter changed later is the default for devices made after it only.
echo 7 >/sys/module/ipto/parameters/announce_count
ip -n n1 link add ipto1 link eth1 type ipto
check_eq "new device takes the changed default" 7 \
	"$(ip netns exec n1 cat /sys/class/net/ipto1/ipto/announce_count)"
check_eq "existing device keeps its value" 5 \
	"$(ip netns exec n1 cat /sys/class/net/ipto0/ipto/announce_count)"
check_refused "out-of-range module parameter refused" "" \
	sh -c 'echo 101 >/sys/module/ipto/parameters/announce_count'
check_eq "parameter unchanged after the refusal" 7 "$(cat /sys/module/ipto/parameters/announce_count)"
check_eq "default_action parameter reads as a word" drop "$(cat /sys/module/ipto/parameters/default_action)"

# Dump: every ipto device of the namespace, oldest first, and nothing else.
check_eq "dump lists both devices" "ipto0 ipto1" \
	"$(ip netns exec n1 iptoctl -j show | python3 -S -c 'import json,sys; print(" ".join(d["ifname"] for d in json.load(sys.stdin)))')"
check_eq "dump as an unprivileged user" "ipto0 ipto1" \
	"$(ip netns exec n1 setpriv --reuid=65534 --regid=65534 --clear-groups iptoctl -j show | python3 -S -c 'import json,sys; print(" ".join(d["ifname"] for d in json.load(sys.stdin)))')"

# Errors: the kernel's extack text, exit status 1; usage errors exit 2.
check_refused "unknown device" "no such device" ip netns exec n1 iptoctl show dev nosuch0
check_refused "a device that is not ipto" "not an ipto device" ip netns exec n1 iptoctl show dev eth0
ip netns exec n1 iptoctl show dev nosuch0 >/dev/null 2>&1
check_eq "kernel refusal exits 1" 1 $?
ip netns exec n1 iptoctl show bogus >/dev/null 2>&1
check_eq "usage error exits 2" 2 $?
check_refused "usage error names the argument" "bogus" ip netns exec n1 iptoctl show bogus
finish

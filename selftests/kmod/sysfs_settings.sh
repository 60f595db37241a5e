#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sysfs_settings.sh - /sys/class/net/<dev>/ipto/: every tunable readable,
# writable in range (and reported by netlink), refused out of range or
# without CAP_NET_ADMIN over the namespace, unchanged when refused.
. "$(dirname "$0")/../lib.sh"

check "modprobe ipto" modprobe ipto
ns_new n1
ip -n n1 link add eth0 type veth peer name eth1
ip -n n1 link add ipto0 link eth0 type ipto
dir=/sys/class/net/ipto0/ipto
in_ns() { ip netns exec n1 "$@"; }
get() { in_ns cat "$dir/$1"; }
put() { in_ns bash -c "echo '$2' >$dir/$1"; }
kernel_value() {
	in_ns iptoctl -j show dev ipto0 |
		python3 -S -c 'import json,sys; v=json.load(sys.stdin)[0][sys.argv[1]]; print(int(v) if isinstance(v, bool) else v)' "$1"
}

check_eq "files" "announce_count announce_interval_ms default_action echo_reply failback lease_ms reply_burst reply_rate" \
	"$(in_ns ls $dir | sort | tr '\n' ' ' | sed 's/ $//')"

# name good-value bad-values...
while read -r name good bad; do
	old=$(get "$name")
	check "$name: write $good" put "$name" "$good"
	check_eq "$name: reads back $good" "$good" "$(get "$name")"
	check_eq "$name: netlink reports $good" "$good" "$(kernel_value "$name")"
	for b in $bad; do
		check_refused "$name: '$b' refused" "write error" put "$name" "$b"
		[ "$(get "$name")" = "$good" ] || fail "$name: changed by refused '$b'"
	done
	put "$name" "$old"
done <<'TABLE'
announce_count 0 -1 abc 4294967296
announce_interval_ms 10 9 10001
reply_rate 1000000 0 1000001
reply_burst 1 0 1000001
lease_ms 0 49 600001
echo_reply 0 2 on
default_action serve bogus 3
failback manual bogus 2
TABLE
check "lease_ms takes a value in range" put lease_ms 50
check_eq "lease_ms reads back" 50 "$(get lease_ms)"

# Out-of-range numbers say so; what is not a value at all is invalid.
check_refused "out-of-range number: ERANGE" "Numerical result out of range" put reply_rate 0
check_refused "not a number: EINVAL" "Invalid argument" put reply_rate fast
check_refused "unknown action: EINVAL" "Invalid argument" put default_action accept

# No CAP_NET_ADMIN over the namespace: a user namespace's root, and nobody.
check_refused "root of a user namespace cannot write" "Operation not permitted" \
	in_ns unshare -U -r bash -c "echo 5 >$dir/announce_count"
check_refused "an unprivileged user cannot write" "Permission denied" \
	in_ns setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "echo 5 >$dir/announce_count"
check_eq "value unchanged by the refused writers" 3 "$(get announce_count)"
check "an unprivileged user can read" in_ns setpriv --reuid=65534 --regid=65534 --clear-groups cat $dir/reply_rate
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shared helpers for the tests under selftests/, sourced by each.
# A test prints "# ok - ..." / "# not ok - ..." per check and exits 0 when
# all passed, 1 when any failed, 4 to skip.  Namespaces made with ns_new
# are removed on exit.
set -u

IPTO_SRC=${IPTO_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export PATH=$IPTO_SRC/userland:$IPTO_SRC/selftests/tools:$PATH
KSFT_SKIP=4
FAILED=0
NS_LIST=()

pass() { echo "# ok - $*"; }
fail() { echo "# not ok - $*"; FAILED=1; }
info() { echo "#   $*"; }
skip_test() { echo "# SKIP $*"; exit $KSFT_SKIP; }

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc"
		info "command: $*"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   | /'
	fi
}

# check_refused DESCRIPTION MESSAGE COMMAND...: the command must fail, and
# its error output must contain MESSAGE.
check_refused() {
	local desc=$1 msg=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$desc (command succeeded)"
		info "command: $*"
	elif [[ "$out" != *"$msg"* ]]; then
		fail "$desc (error does not say '$msg')"
		printf '%s\n' "$out" | sed 's/^/#   | /'
	else
		pass "$desc"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1 (expected '$2', got '$3')"
	fi
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# ns_new NAME...: fresh network namespaces with lo up, removed on exit.
# IPv6 duplicate address detection is off: tests do not wait for it.
ns_new() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		NS_LIST+=("$ns")
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
}

# lan_new NAME...: namespaces on one LAN, the bridge br0 in namespace
# "lan" (made by the first call); each gets eth0 (its port is lan-NAME),
# up, without addresses.
lan_new() {
	local ns
	if [ ! -e /run/netns/lan ]; then
		ns_new lan || return 1
		ip -n lan link add br0 type bridge
		ip -n lan link set br0 up
	fi
	ns_new "$@" || return 1
	for ns in "$@"; do
		ip -n lan link add "lan-$ns" type veth peer name eth0 netns "$ns"
		ip -n lan link set "lan-$ns" master br0 up
		ip -n "$ns" link set eth0 up
	done
}

# lan_hosts N NAME...: for each NAME, 10.0.0.N/24 and fd00::N/64 on its
# eth0, counting N up from the first; e.g. lan_hosts 1 node1 node2.
lan_hosts() {
	local n=$1 ns
	shift
	for ns in "$@"; do
		ip -n "$ns" addr add "10.0.0.$n/24" dev eth0
		ip -n "$ns" addr add "fd00::$n/64" dev eth0
		n=$((n + 1))
	done
}

# ipto_up NS: ipto0 on eth0, up, with the kernel's own ICMP rate limits
# off in NS (they would hide the product's own; see DESIGN.md).
ipto_up() {
	ip netns exec "$1" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	ip -n "$1" link add ipto0 link eth0 type ipto &&
	ip -n "$1" link set ipto0 up
}

# standby_and_client: the common scene: node2 (10.0.0.2, fd00::2) with
# ipto0 up, and a client (10.0.0.100, fd00::100), on one LAN.
standby_and_client() {
	lan_new node2 client
	lan_hosts 2 node2
	lan_hosts 100 client
	ipto_up node2
}

# mac_of NS DEV: the device's hardware address.
mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# in_ns NS CMD...: run a command in a namespace.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# helper NAME ARGS...: run one of selftests/helpers.
helper() { local h=$1; shift; python3 "$IPTO_SRC/selftests/helpers/$h" "$@"; }

ns_cleanup() {
	local ns
	for ns in "${NS_LIST[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	NS_LIST=()
}

finish() {
	ns_cleanup
	exit $FAILED
}
trap ns_cleanup EXIT

module_loaded() { [ -d /sys/module/ipto ]; }

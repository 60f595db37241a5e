#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shared helpers for the tests under selftests/, sourced by each.
# A test prints "# ok - ..." / "# not ok - ..." per check and exits 0 when
# all passed, 1 when any failed, 4 to skip.  Namespaces made with ns_new
# are removed on exit.
set -u

IPTO_SRC=${IPTO_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export PATH=$IPTO_SRC/userland/iptoctl:$IPTO_SRC/selftests/tools:$PATH
KSFT_SKIP=4
FAILED=0
TEST_TMP=$(mktemp -d)
NS_LIST=()

# Each check's line ends with the time since the test started, [12.3 s],
# so that a log shows which step took long (no child process: see nap).
TEST_START_US=${EPOCHREALTIME//[!0-9]/}
stamp() {
	local ds=$(((${EPOCHREALTIME//[!0-9]/} - TEST_START_US) / 100000))
	STAMP="$((ds / 10)).$((ds % 10)) s"
}
pass() { stamp; echo "# ok - $* [$STAMP]"; }
fail() { stamp; echo "# not ok - $* [$STAMP]"; FAILED=1; }
info() { echo "#   $*"; }
skip_test() { echo "# SKIP $*"; exit $KSFT_SKIP; }

# by_check QUICK FULL: a repeat count sized for the run: QUICK under make
# check (IPTO_CHECK=quick, what CI runs: enough to catch a regression),
# FULL under make check-full (the statistics).
by_check() {
	if [ "${IPTO_CHECK:-quick}" = full ]; then echo "$2"; else echo "$1"; fi
}

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

# check_timing DESCRIPTION COMMAND...: check, for a bound on elapsed time
# or for a race a test sets up against the failure detector.  On the debug
# kernel of make check-debug (KASAN, lockdep: a program takes seconds to
# start) neither says anything about ipto: the result is reported there,
# not asserted.
check_timing() {
	local desc=$1
	shift
	if ! on_debug_kernel; then
		check "$desc" "$@"
	elif "$@" >/dev/null 2>&1; then
		info "$desc: holds (timing, not asserted on the debug kernel)"
	else
		info "$desc: does not hold (timing, not asserted on the debug kernel)"
	fi
}

# on_debug_kernel: the guest runs the debug kernel of make check-debug.
on_debug_kernel() {
	case $(uname -r) in
	*-ipto-debug) return 0 ;;
	esac
	return 1
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

# nap SECONDS: sleeps without a child process.  Under TCG every fork and
# exec costs about 150 ms of the guest's only CPU, which a polling loop
# running date and sleep took from the system under test: the read waits
# on a pipe of its own that nothing ever writes.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

# wait_for SECONDS COMMAND...: poll until the command succeeds, for
# SECONDS (whole) at least.
wait_for() {
	local deadline=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		((${EPOCHREALTIME//[!0-9]/} >= deadline)) && return 1
		nap 0.1
	done
}

# ns_new NAME...: fresh network namespaces with lo up, removed on exit.
# Their sysctls are the kernel's defaults: IPv6 duplicate address
# detection is on, as on every real node (dad_settled waits for it).
ns_new() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		NS_LIST+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# dad_settled [NS...]: every IPv6 address in each NS (every namespace of
# the test without one) has passed duplicate address detection (a random
# delay below rtr_solicit_delay, 1 s, then one probe and retrans_time, 1 s:
# at most about 2 s after it was added) and none failed it.  Add every
# address first and wait once: the detections run side by side.
dad_settled() {
	local ns failed
	[ $# -gt 0 ] || set -- "${NS_LIST[@]}"
	for ns in "$@"; do
		failed=$(ip -n "$ns" -6 -o addr show dadfailed)
		if [ -z "$failed" ]; then
			wait_for 10 sh -c "[ -z \"\$(ip -n $ns -6 addr show tentative)\" ]" && continue
			failed=$(ip -n "$ns" -6 -o addr show dadfailed)
		fi
		echo "# not ok - duplicate address detection in $ns: ${failed:-still tentative after 10 s: $(ip -n "$ns" -6 -o addr show tentative)}"
		FAILED=1
		return 1
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

# lan_addrs N NAME...: for each NAME, 10.0.0.N/24 and fd00::N/64 on its
# eth0, counting N up from the first; e.g. lan_addrs 1 node1 node2.
lan_addrs() {
	local n=$1 ns
	shift
	for ns in "$@"; do
		ip -n "$ns" addr add "10.0.0.$n/24" dev eth0
		ip -n "$ns" addr add "fd00::$n/64" dev eth0
		n=$((n + 1))
	done
}

# lan_hosts N NAME...: lan_addrs, then returns when every IPv6 address of
# those namespaces passed DAD.
lan_hosts() {
	lan_addrs "$@" && shift && dad_settled "$@"
}

# ipto_up NS: ipto0 on eth0, up.  The namespace's sysctls stay the
# kernel's defaults: ipto builds its replies itself and sends them with
# ip_local_out, past the kernel's ICMP rate limits; its own limiter
# (reply_rate) is the one that applies.
ipto_up() {
	ip -n "$1" link add ipto0 link eth0 type ipto &&
	ip -n "$1" link set ipto0 up
}

# standby_and_client: the common scene: node2 (10.0.0.2, fd00::2) with
# ipto0 up, and a client (10.0.0.100, fd00::100), on one LAN.
standby_and_client() {
	lan_new node2 client
	lan_addrs 2 node2
	lan_addrs 100 client
	dad_settled
	ipto_up node2
}

# cluster_new: nodes 1-3 and a client on one LAN.  Node i has 10.0.0.i and
# its home addresses 10.0.0.1i and fd00::1i, an echo service on port 7000
# that names it ("nodei"), and ipto0 with the same table as every node
# (self = i): standby orders 1: 2,3  2: 3,1  3: 1,2.
CLUSTER_PORT=7000
cluster_new() {
	local i j self
	lan_new node1 node2 node3 client || return 1
	for i in 1 2 3; do
		ip -n node$i addr add 10.0.0.1$i/24 dev eth0
		ip -n node$i addr add fd00::1$i/64 dev eth0
	done
	lan_addrs 1 node1 node2 node3
	lan_addrs 100 client
	# The echo services start while duplicate address detection runs:
	# under TCG python takes seconds to listen.
	for i in 1 2 3; do
		in_ns node$i python3 -S "$IPTO_SRC/selftests/helpers/echo_server.py" \
			$CLUSTER_PORT node$i >/dev/null 2>&1 &
	done
	dad_settled || return 1
	for i in 1 2 3; do
		ipto_up node$i || return 1
		for j in 1 2 3; do
			self=""
			[ $i = $j ] && self=self
			in_ns node$i iptoctl node add dev ipto0 id $j name n$j \
				addr 10.0.0.1$j,fd00::1$j $self || return 1
		done
		in_ns node$i iptoctl node set dev ipto0 id 1 standby 2,3 &&
		in_ns node$i iptoctl node set dev ipto0 id 2 standby 3,1 &&
		in_ns node$i iptoctl node set dev ipto0 id 3 standby 1,2 || return 1
	done
	for i in 1 2 3; do
		wait_for 20 sh -c "ip netns exec client ipto-connect 10.0.0.1$i $CLUSTER_PORT 1 | grep -q ^ok" ||
			return 1
	done
}

# cluster_set ID up|down: membership tells every node that node ID is up
# or down, node 2 first.
cluster_set() {
	local i
	for i in 2 1 3; do
		in_ns node$i iptoctl node set dev ipto0 id "$1" state "$2" || return 1
	done
}

# cut N / heal N: node N's LAN port goes dark / comes back.
cut() { ip -n lan link set "lan-node$1" down; }
heal() { ip -n lan link set "lan-node$1" up; }

# adopted_on NS: the addresses adopted there, sorted, on one line.
adopted_on() {
	ip netns exec "$1" iptoctl -j show dev ipto0 |
		python3 -S -c 'import json,sys; print(" ".join(sorted(a["address"] for a in json.load(sys.stdin)[0]["addresses"])))'
}

# client_says ADDR [TIMEOUT]: the first word of the client's answer (ok,
# refused, timeout) and, for ok, the node that served it.
client_says() {
	local word banner
	read -r word _ banner <<<"$(ip netns exec client ipto-connect "$1" "$CLUSTER_PORT" "${2:-2}")"
	if [ "$word" = ok ]; then echo "ok $banner"; else echo "$word"; fi
}

# table_of NS: everything iptoctl shows of the namespace's ipto devices,
# as one line of JSON, without the adoption ages and the lease left (the
# clock moves).
table_of() {
	ip netns exec "$1" iptoctl -j show | python3 -S -c '
import json, sys
devs = json.load(sys.stdin)
for d in devs:
    d.pop("lease_left_ms", None)
    for a in d["addresses"]:
        del a["age_ms"]
print(json.dumps(devs, sort_keys=True))'
}

# mac_of NS DEV: the device's hardware address.
mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# in_ns NS CMD...: run a command in a namespace.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# helper NAME ARGS...: run one of selftests/helpers.
helper() { local h=$1; shift; python3 -S "$IPTO_SRC/selftests/helpers/$h" "$@"; }

# Removes the namespaces, and first the processes still running in them.
ns_cleanup() {
	local ns pids
	for ns in "${NS_LIST[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns delete "$ns" 2>/dev/null
	done
	NS_LIST=()
	rm -rf "$TEST_TMP"
}

# finish: the end of a test.  First on_finish runs, when a helper the test
# sourced defines one (iptod.sh: the daemons' pauses); then, if the test
# failed, on_failure (iptod.sh: every node's state and log).
finish() {
	if declare -F on_finish >/dev/null; then
		on_finish
	fi
	if [ "$FAILED" != 0 ] && declare -F on_failure >/dev/null; then
		on_failure
	fi
	ns_cleanup
	exit $FAILED
}
trap ns_cleanup EXIT

module_loaded() { [ -d /sys/module/ipto ]; }

# without_compression PATH: a module's path without the compression suffix
# (DKMS compresses like the kernel's own modules: 6.12 has .ko.xz).
without_compression() {
	local p=${1%.xz}
	echo "${p%.zst}"
}

# skip_unless_kernel_compiler: skips a test that compiles against the
# running kernel's headers when this root's gcc is not the major version
# the kernel was built with, which those headers need (mainline: Debian
# unstable's kernel, whose module check.sh builds in the unstable chroot).
skip_unless_kernel_compiler() {
	local config want have
	config=/lib/modules/$(uname -r)/build/.config
	want=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9]\{4\}$/\1/p' "$config")
	have=$(gcc -dumpversion)
	[ -n "$want" ] || skip_test "no CONFIG_GCC_VERSION in $config"
	[ "$want" = "${have%%.*}" ] ||
		skip_test "$(uname -r) was built with gcc $want, this root has gcc $have: its headers need gcc $want"
}

# module_tree_minimal DIR: a module tree for the running kernel at DIR that
# holds only (copies of) the modules ipto depends on and the kernel's
# headers as build/, for DKMS tests: depmod over the whole tree (on 9p,
# under TCG) takes minutes, over this one a moment.
module_tree_minimal() {
	local dir=$1 mods dep path

	mods=/lib/modules/$(uname -r)
	mkdir -p "$dir"
	cp "$mods"/modules.{order,builtin,builtin.modinfo} "$dir/"
	ln -s "$(readlink -f "$mods/build")" "$dir/build"
	for dep in $(modinfo -F depends ipto | tr , ' '); do
		path=$(modinfo -n "$dep")
		mkdir -p "$dir/$(dirname "${path#"$mods"/}")"
		cp "$path" "$dir/${path#"$mods"/}"
	done
}

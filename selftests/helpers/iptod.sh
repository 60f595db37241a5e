#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iptod.sh - helpers for the tests that run iptod, sourced after lib.sh:
# a three-node cluster on one LAN where every node runs iptod with its own
# configuration file, and ways to read what each daemon says.
#
# Node i has 10.0.0.i and fd00::i (heartbeats: IPv4, or IPv6 with
# IPTOD_HB_FAMILY=6), home addresses 10.0.0.1i and fd00::1i,
# and the echo service on port 7000 ("nodei"); standby orders 1: 2,3
# 2: 3,1  3: 1,2; the client is 10.0.0.100.  Files are under $TEST_TMP:
# key, nodeI.conf, nodeI.log (iptod's stderr), nodeI.status.

# IPTOD_ASAN=1 before sourcing: the AddressSanitizer + UBSan build, whose
# reports no_sanitizer_reports finds in the logs.
if [ "${IPTOD_ASAN:-0}" = 1 ]; then
	IPTOD=$IPTO_SRC/userland/build-asan/iptod/iptod
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
else
	IPTOD=$IPTO_SRC/userland/iptod/iptod
fi
declare -A IPTOD_PID=()

# Timers.  Heartbeats: iptod's defaults (every 100 ms, dead after 3 misses)
# unless a test sets IPTOD_INTERVAL_MS or IPTOD_MISSES.  The tests of what
# moves rather than how fast (iptod_config, _forgery, _health,
# _manual_failback, _partition, _two_node) set 10 misses: under TCG the
# whole guest stops for up to 0.9 s, which the daemons tolerate (a pause is
# not held against peers), but heartbeats have also been seen to take more
# than 300 ms from one namespace to another while every daemon ran, and a
# peer then found dead moves addresses those tests say must stay.
# CHECK_TIMERS: the timer lines of the tests' health checks; a check that
# overruns its timeout fails.  On the debug kernel (KASAN and lockdep under
# TCG) forking an exec check alone takes longer than 100 ms, and a daemon
# can stall for longer than 300 ms (spawning a notify hook), which to its
# peers is a death: there heartbeats go every 250 ms and a node is dead
# after 8 misses (2 s), and checks run every second with 800 ms to answer.
# Elsewhere an exec check (one exec of test(1), about 150 ms under TCG
# when the host is quiet, twice that when it is busy) has 250 ms.
if on_debug_kernel; then
	HB_INTERVAL_MS=250 HB_MISSES=8
	CHECK_TIMERS="check_interval_ms = 1000
check_timeout_ms = 800"
else
	HB_INTERVAL_MS=100 HB_MISSES=3
	# shellcheck disable=SC2034 # (read by the tests that source this file)
	CHECK_TIMERS="check_interval_ms = 300
check_timeout_ms = 250"
fi

# iptod_key: a fresh shared key, root-only.
iptod_key() {
	(umask 077 && head -c 32 /dev/urandom >"$TEST_TMP/key")
}

# The nodes of the cluster: 1 2 3, or 1 2 for a two-node cluster.
IPTOD_NODES=${IPTOD_NODES:-1 2 3}

# standby_of J: node J's standby list: the other nodes, from J's successor on.
standby_of() {
	local n list="" after="" before=""
	for n in $IPTOD_NODES; do
		if [ "$n" -lt "$1" ]; then before+="${before:+, }n$n"
		elif [ "$n" -gt "$1" ]; then after+="${after:+, }n$n"; fi
	done
	list=$after${after:+${before:+, }}$before
	echo "$list"
}

# iptod_conf I ACTION [SERVICE_EXTRA]: node I's configuration on stdout;
# ACTION is the echo services' action; SERVICE_EXTRA is added to node I's
# own service section (e.g. a health check).
iptod_conf() {
	local self=$1 action=$2 extra=${3:-} j
	cat <<-CONF
	[cluster]
	device = ipto0
	link = eth0
	node = n$self
	interval_ms = ${IPTOD_INTERVAL_MS:-$HB_INTERVAL_MS}
	misses = ${IPTOD_MISSES:-$HB_MISSES}
	key_file = $TEST_TMP/key
	failback = ${IPTOD_FAILBACK:-auto}
	CONF
	if [ -n "${IPTOD_NOTIFY:-}" ]; then
		echo "notify = $IPTOD_NOTIFY"
	fi
	if [ -n "${IPTOD_CLUSTER_EXTRA[$self]:-}" ]; then
		printf '%s\n' "${IPTOD_CLUSTER_EXTRA[$self]}"
	fi
	if [ -n "${IPTOD_WITNESS:-}" ]; then
		echo "witness = $IPTOD_WITNESS"
	fi
	for j in $IPTOD_NODES; do
		cat <<-CONF

		[node n$j]
		id = $j
		heartbeat = $([ "${IPTOD_HB_FAMILY:-4}" = 6 ] && echo "fd00::$j" || echo "10.0.0.$j")
		addresses = 10.0.0.1$j, fd00::1$j
		standby = $(standby_of $j)

		[service echo$j]
		node = n$j
		proto = tcp
		port = $CLUSTER_PORT
		action = $action
		CONF
		if [ "$j" = "$self" ] && [ -n "$extra" ]; then
			printf '%s\n' "$extra"
		fi
	done
}

# echo_start I: node I's echo service (its pid in ECHO_PID[I]; "ip netns
# exec" becomes the program, a shell function in between would not).
declare -A ECHO_PID=()
echo_start() {
	ip netns exec "node$1" python3 -S "$IPTO_SRC/selftests/helpers/echo_server.py" \
		$CLUSTER_PORT "node$1" >/dev/null 2>&1 &
	# shellcheck disable=SC2034 # (read by the tests that source this file)
	ECHO_PID[$1]=$!
}

# echo_listening I: node I's echo service accepts TCP on IPv4 and IPv6.
echo_listening() {
	[ "$(ip netns exec "node$1" ss -Hltn "sport = :$CLUSTER_PORT" | wc -l)" -ge 2 ]
}

# iptod_start I: starts iptod in node I's namespace, with its own state
# directory (the boot counter) under $TEST_TMP, kept across restarts.
iptod_start() {
	STATE_DIRECTORY=$TEST_TMP/state$1 \
		ip netns exec "node$1" "$IPTOD" -c "$TEST_TMP/node$1.conf" --log stderr \
			--status "$TEST_TMP/node$1.status" >>"$TEST_TMP/node$1.log" 2>&1 &
	# shellcheck disable=SC2034 # (read by the tests that source this file)
	IPTOD_PID[$1]=$!
}

# iptod_cluster ACTION: the LAN, the nodes with their addresses and echo
# services, a config each (iptod_conf I ACTION "${IPTOD_EXTRA[I]}": lines
# for node I's own service; IPTOD_CLUSTER_EXTRA[I]: for its [cluster]), iptod
# started on each; returns when the echo services listen.  Not from check
# (a subshell: the pids would be lost); "wait_for 30 iptod_settled" tells
# when the cluster is up.
declare -A IPTOD_EXTRA=() IPTOD_CLUSTER_EXTRA=()
iptod_cluster() {
	local i
	# shellcheck disable=SC2046 # (one word per node)
	lan_new $(printf 'node%s ' $IPTOD_NODES) client || return 1
	# Node i: 10.0.0.i and fd00::i, its home addresses 10.0.0.1i and
	# fd00::1i.
	for i in $IPTOD_NODES; do
		lan_addrs "$i" "node$i"
		ip -n node$i addr add 10.0.0.1$i/24 dev eth0
		ip -n node$i addr add fd00::1$i/64 dev eth0
	done
	lan_addrs 100 client
	# The echo services start while duplicate address detection runs:
	# under TCG python takes seconds to listen.
	for i in $IPTOD_NODES; do
		echo_start $i
	done
	dad_settled || return 1
	iptod_key || return 1
	for i in $IPTOD_NODES; do
		iptod_conf $i "$1" "${IPTOD_EXTRA[$i]:-}" >"$TEST_TMP/node$i.conf"
	done
	# All daemons at once: a node that starts long after the others is
	# treated as dead by them (with manual failback, for good).
	for i in $IPTOD_NODES; do
		iptod_start $i
	done
	# Tests ask the echo services as soon as the cluster settles; python
	# can take longer than that to start under TCG.
	for i in $IPTOD_NODES; do
		wait_for 30 echo_listening $i || return 1
	done
}

# held_ms_after I T_US: waits (at most 20 s) until node I holds the
# addresses of another node, as its status file says, and prints the
# milliseconds from T_US (EPOCHREALTIME, digits only) to then.  The file is
# rewritten every heartbeat interval, so this is late by up to one.
held_ms_after() {
	until status_is "$1" held=1; do
		[ $((${EPOCHREALTIME//[!0-9]/} - $2)) -gt 20000000 ] && break
		nap 0.01
	done
	echo $(((${EPOCHREALTIME//[!0-9]/} - $2) / 1000))
}

# status_of I KEY: a value from node I's status file.  status_is I LINE:
# that file has the line LINE.  Both in bash: a poll loop of sed or grep
# costs processes, which under TCG cost the guest's CPU (lib.sh, nap).
status_of() {
	local line
	while IFS= read -r line; do
		[[ $line == "$2="* ]] && echo "${line#*=}"
	done 2>/dev/null <"$TEST_TMP/node$1.status"
}
status_is() {
	local line
	while IFS= read -r line; do
		[ "$line" = "$2" ] && return 0
	done 2>/dev/null <"$TEST_TMP/node$1.status"
	return 1
}

# node_settled I: node I has quorum, is not fenced, and sees its peers
# (all but those named in $IPTOD_ABSENT) up.
node_settled() {
	local i=$1 j
	[ "$(status_of $i quorum)" = 1 ] && [ "$(status_of $i fenced)" = 0 ] || return 1
	for j in $IPTOD_NODES; do
		[ $j = $i ] && continue
		case " ${IPTOD_ABSENT:-} " in *" $j "*) continue ;; esac
		status_of $i "peer.$j" | grep -q ' up' || return 1
	done
}

iptod_settled() {
	local i
	for i in $IPTOD_NODES; do
		node_settled $i || return 1
	done
}

# serves ADDR NODE: the client is served at ADDR by NODE.
serves() {
	[[ $(ip netns exec client ipto-connect "$1" $CLUSTER_PORT 1) =~ ^ok\ .*\ $2$ ]]
}

# holds I: the node ids whose addresses node I holds, as its status says.
holds() { status_of "$1" held; }

# owners_on I: "ID:OWNER ..." for every node by id: who holds its addresses
# in node I's kernel (0: nobody).
owners_on() {
	ip netns exec "node$1" iptoctl -j show dev ipto0 |
		python3 -S -c 'import json,sys; print(" ".join("%d:%d" % (n["id"], n["owner"] or 0) for n in sorted(json.load(sys.stdin)[0]["nodes"], key=lambda n: n["id"])))'
}

# dev_field I KEY: a field of node I's ipto0 as "iptoctl -j show" has it;
# fence_of I: its fence as the kernel reports it (none, request, lease).
dev_field() {
	ip netns exec "node$1" iptoctl -j show dev ipto0 |
		python3 -S -c 'import json,sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"
}
fence_of() { dev_field "$1" fenced; }

# no_sanitizer_reports: no AddressSanitizer / UBSan report in any iptod log.
no_sanitizer_reports() {
	! grep -l -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$TEST_TMP"/*.log 2>/dev/null
}

# iptod_dump: every node's status, its kernel's owners and its log's end,
# for a failed check.
iptod_dump() {
	local i
	for i in $IPTOD_NODES; do
		info "node $i status: $(tr '\n' ' ' <"$TEST_TMP/node$i.status" 2>/dev/null)"
		info "node $i owners: $(owners_on $i 2>&1)"
		tail -n 12 "$TEST_TMP/node$i.log" | while read -r line; do info "  node$i: $line"; done
	done
}
on_failure() { iptod_dump; }

# paused_ms I FROM TO: how long node I's daemon did not run between FROM
# and TO (CLOCK_REALTIME seconds, as failover_client.py stamps its lines),
# from the pauses of two heartbeat intervals or more that it logged ("iptod
# did not run for N ms (monotonic clock A s to B s)").
paused_ms() {
	local offset
	offset=$(python3 -S -c 'import time; print("%.6f" % (time.time() - time.monotonic()))')
	awk -v from="$2" -v to="$3" -v off="$offset" '
		match($0, /monotonic clock [0-9.]+ s to [0-9.]+ s/) {
			split(substr($0, RSTART, RLENGTH), w, " ")
			a = w[3] + off; b = w[6] + off
			if (a < from)
				a = from
			if (b > to)
				b = to
			if (b > a)
				sum += b - a
		}
		END { printf "%.0f\n", sum * 1000 }' "$TEST_TMP/node$1.log"
}

# Pauses: each daemon counts the wakeups two intervals or more after the
# last one.  Under TCG a lone daemon's pause past the dead time makes its
# peers take it for dead; this line tells a failure of that kind from a
# real one.  Both values from one read of the file (it may be rewritten
# between two).
on_finish() {
	local i line=""
	for i in $IPTOD_NODES; do
		[ -f "$TEST_TMP/node$i.status" ] || continue
		line+=" node$i=$(awk -F= '$1 == "pauses" { p = $2 }
			$1 == "longest_pause_ms" { l = $2 } END { print p "/" l }' \
			"$TEST_TMP/node$i.status")ms"
	done
	if [ -n "$line" ]; then
		echo "# measure: iptod pauses/longest:$line"
	fi
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# conn_reset.sh - "iptoctl reset" (IPTO_CMD_CONN_RESET) ends a client's
# wait on a connection to a node that died, with the kernel's own TCP
# stack as the client.  Node 1 serves 10.0.0.11 and fd00::11; the client
# holds four connections, two to each, idle, each blocked in recv() after
# data went both ways; node 1 is cut off without a word; node 2 adopts
# both addresses and names one connection of each to the reset command:
# that recv() ends with ECONNRESET within 2 s, after one tickle and a
# reset counted on the address, while the connection not named stays open
# (the control).  IPv4's connection is named on the command line, IPv6's
# on standard input (conn -).  Refused requests (an address not adopted;
# all of a request with one such) send nothing and say why, exit 1; a bad
# connection word is a usage error, exit 2.  The client's
# tcp_invalid_ratelimit and tcp_challenge_ack_limit are left at the
# kernel's defaults, as on any client: the tickle must work with them.
. "$(dirname "$0")/../lib.sh"

PORT=7000
LIMIT_S=30		# the client's safety limit on each recv()
CLIENT4=10.0.0.100	# standby_and_client's client
CLIENT6=fd00::100
OUT=$TEST_TMP/client

# ended LABEL: the client's recv() on connection LABEL has ended.
ended() { grep -q "^end $1 " "$OUT"; }
# port_of LABEL: the client's port of connection LABEL.
port_of() { awk -v l="$1" '$1 == "conn" && $2 == l { print $3 }' "$OUT"; }
# established PORT: the client's kernel holds an established connection
# from PORT.
established() { [ -n "$(in_ns client ss -Htn state established "( sport = :$1 )")" ]; }
# counter ADDR NAME: a counter of ADDR, adopted on node 2, from
# "iptoctl -j show" (sed, not python: a python start costs seconds
# under TCG).
counter() {
	in_ns node2 iptoctl -j show dev ipto0 |
		sed -n "s/.*\"address\":\"$1\"[^}]*\"stats\":{[^}]*\"$2\":\([0-9]*\).*/\1/p"
}
reset_conns() { in_ns node2 iptoctl reset dev ipto0 "$@"; }

# refusal DESCRIPTION STATUS MESSAGE COMMAND...: the command exits STATUS
# and says why: an error message, which contains MESSAGE; the message is
# left in REFUSED.
refusal() {
	local desc=$1 want=$2 msg=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	REFUSED=$out
	if [ "$rc" != "$want" ]; then
		fail "$desc (exit status $rc, not $want)"
	elif [ -z "$out" ]; then
		fail "$desc (no error message)"
	elif [[ "$out" != *"$msg"* ]]; then
		fail "$desc (the error does not say '$msg')"
	else
		pass "$desc"
	fi
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   | /'
}

# reset_seen LABEL ADDR T0_US RST0: connection LABEL to ADDR, named to the
# reset command at T0_US (EPOCHREALTIME, digits only) when ADDR's rst
# counter was RST0, was reset: its recv() ended with ECONNRESET within
# 2 s; ADDR sent one tickle, and a reset at least.
reset_seen() {
	local label=$1 addr=$2 t0=$3 rst0=$4 what end_us blocked_ms ms rst
	wait_for 10 ended "$label"
	read -r _ _ what end_us blocked_ms <<<"$(grep "^end $label " "$OUT")"
	check_eq "$addr: the client's recv() ends with ECONNRESET" reset \
		"${what:-nothing: still blocked 10 s later}"
	if [ "$what" = reset ]; then
		ms=$(((end_us - t0) / 1000))
		check_timing "$addr: ... within 2000 ms of the reset command (took $ms ms)" \
			test "$ms" -lt 2000
		echo "# measure: $addr reset_to_econnreset_ms=$ms recv_blocked_ms=$blocked_ms"
	fi
	check_eq "$addr: one tickle sent" 1 "$(counter "$addr" tickles)"
	rst=$(counter "$addr" rst)
	check "$addr: a reset counted (rst $rst0 -> $rst)" test "${rst:-0}" -gt "$rst0"
}

check "modprobe ipto" modprobe ipto
# Node 1 (10.0.0.1, fd00::1) serves its home addresses 10.0.0.11 and
# fd00::11, local addresses of its eth0.  Its echo service starts while
# duplicate address detection runs (on, as on every node); the dad_settled
# of standby_and_client waits for all three namespaces at once.
lan_new node1
lan_addrs 1 node1
ip -n node1 addr add 10.0.0.11/24 dev eth0
ip -n node1 addr add fd00::11/64 dev eth0
in_ns node1 python3 -S "$IPTO_SRC/selftests/helpers/echo_server.py" $PORT node1 >/dev/null 2>&1 &
standby_and_client

# Connections v4 and v6 are named to the reset command; v4-control and
# v6-control, to the same addresses and port from the same client, are not.
ip netns exec client python3 -S "$IPTO_SRC/selftests/helpers/idle_client.py" $LIMIT_S $PORT \
	v4=10.0.0.11 v4-control=10.0.0.11 v6=fd00::11 v6-control=fd00::11 \
	>"$OUT" 2>"$TEST_TMP/client.err" &
if wait_for 30 grep -qx ready "$OUT"; then
	pass "four idle connections to node 1, data exchanged on each"
else
	fail "four idle connections to node 1, data exchanged on each"
	sed 's/^/#   | /' "$OUT" "$TEST_TMP/client.err"
	finish
fi
p4=$(port_of v4)
p6=$(port_of v6)
pc4=$(port_of v4-control)
pc6=$(port_of v6-control)
info "client ports: v4 $p4, v4-control $pc4, v6 $p6, v6-control $pc6"
conn4="10.0.0.11:$PORT,$CLIENT4:$p4"
conn6="[fd00::11]:$PORT,[$CLIENT6]:$p6"

# Node 1 dies: its port on the LAN goes dark.  Nothing of node 1's reaches
# the client any more, no FIN or RST either; its sockets stay as they were.
cut 1

# Refusals: nothing sent, the reason said.  Before the adoption, the
# address is not node 2's to speak for.
refusal "reset before 10.0.0.11 is adopted: refused (exit 1)" 1 "not adopted" \
	reset_conns conn "$conn4"
check "node 2 adopts 10.0.0.11" in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1
# The adopted address is answered for from the adoption on, while DAD on
# ipto0 runs (as in takeover_reject.sh): nothing to wait for.
check "node 2 adopts fd00::11" in_ns node2 iptoctl adopt dev ipto0 addr fd00::11 from 1
refusal "a request naming 10.0.0.12, not adopted, after 10.0.0.11: refused (exit 1)" 1 "not adopted" \
	reset_conns conn "$conn4" conn "10.0.0.12:$PORT,$CLIENT4:$p4"
check "... the message names the connection refused" grep -qF "10.0.0.12:$PORT," <<<"$REFUSED"
refusal "a request naming fd00::12, not adopted: refused (exit 1)" 1 "not adopted" \
	reset_conns conn "[fd00::12]:$PORT,[$CLIENT6]:$p6"
refusal "conn without the client: usage error (exit 2)" 2 "" \
	reset_conns conn "10.0.0.11:$PORT"
refusal "conn with the client's port missing: usage error (exit 2)" 2 "" \
	reset_conns conn "10.0.0.11:$PORT,$CLIENT4"
refusal "conn with port 70000: usage error (exit 2)" 2 "" \
	reset_conns conn "10.0.0.11:70000,$CLIENT4:$p4"
refusal "conn with IPv6 out of brackets: usage error (exit 2)" 2 "" \
	reset_conns conn "fd00::11:$PORT,[$CLIENT6]:$p6"
check_eq "refusals sent nothing: no tickle from 10.0.0.11" 0 "$(counter 10.0.0.11 tickles)"
check_eq "... nor from fd00::11" 0 "$(counter fd00::11 tickles)"
check "... and every connection is still open" sh -c "! grep '^end' '$OUT'"

# IPv4, the connection named as an argument.
rst0=$(counter 10.0.0.11 rst)
t0=${EPOCHREALTIME//[!0-9]/}
check "reset dev ipto0 conn $conn4" reset_conns conn "$conn4"
reset_seen v4 10.0.0.11 "$t0" "${rst0:-0}"

# IPv6, the connection read from stdin.
rst0=$(counter fd00::11 rst)
t0=${EPOCHREALTIME//[!0-9]/}
check "reset dev ipto0 conn - (stdin: $conn6)" \
	sh -c "echo '$conn6' | ip netns exec node2 iptoctl reset dev ipto0 conn -"
reset_seen v6 fd00::11 "$t0" "${rst0:-0}"

# The controls: the same addresses and port, not named: no tickle went to
# them (one per address, counted above, and still one now), and they are
# open, their recv() still blocked: v4-control after all of the IPv6 part,
# v6-control after its address's counters were read, time enough for a
# reset of theirs to have arrived.
for c in "v4-control $pc4" "v6-control $pc6"; do
	read -r label port <<<"$c"
	check "$label, not named: its recv() has not ended" sh -c "! grep '^end $label ' '$OUT'"
	check "$label, not named: established in the client's kernel" established "$port"
done
check_eq "still one tickle from 10.0.0.11" 1 "$(counter 10.0.0.11 tickles)"
check_eq "still one tickle from fd00::11" 1 "$(counter fd00::11 tickles)"
[ "$FAILED" = 0 ] || sed 's/^/#   client: /' "$OUT" "$TEST_TMP/client.err"
finish

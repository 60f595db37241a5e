#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle_load.sh - 10 cycles (100 in make check-full) of module load, device creation, adoption
# and "rmmod ipto" while a SYN flood hits the adopted addresses and an
# iptoctl adopt/show/release churn runs, from start to end.  Each cycle
# creates ipto0 in node2 (over a veth on the LAN), adopts 10.0.0.11 and
# waits until the client has received resets and the churn has adopted
# fd00::11 with the module live; then it unloads the module under that
# load.  rmmod must succeed, retried within a bound while the module is in
# use (a netlink dump in progress holds a reference; a request being
# handled does not, unloading waits for it), and take the device and its
# addresses with it.  The churn's family lookups load the module again by
# its alias as soon as it is gone; the cycle loads it itself otherwise.
# Figures (cycles, resets, rmmod retries, milliseconds per phase) are
# printed as info lines.
. "$(dirname "$0")/../lib.sh"

CYCLES=${LIFECYCLE_CYCLES:-$(by_check 10 100)}
MIN_RST=20		# resets the client must see in each cycle before rmmod
# The cycles stop when this is spent (ms), 40 s before the harness's
# timeout (240 s, more on the debug kernel) would kill the test without its
# figures: on a host busy enough to need it, the test fails saying how far
# it got.
BUDGET_MS=${LIFECYCLE_BUDGET_MS:-$(((${TEST_TIMEOUT:-240} - 40) * 1000))}
FLOOD_RATE=200		# SYNs per second per flooded address

check "modprobe ipto" modprobe ipto
lan_new node2 client
lan_hosts 2 node2
lan_hosts 100 client
# The flood reaches node 2 whether or not the module is there to answer
# ARP / neighbour solicitations for the adopted addresses.
node2_mac=$(mac_of node2 eth0)
for addr in 10.0.0.11 fd00::11; do
	ip -n client neigh replace $addr lladdr "$node2_mac" dev eth0 nud permanent
done

. "$IPTO_SRC/selftests/helpers/lifecycle.sh"

pids=()
for addr in 10.0.0.11 fd00::11; do
	ip netns exec client bash -c 'flood_loop "$1" "$2"' _ $addr "$TEST_TMP/flood-$addr" \
		>/dev/null 2>&1 &
	pids+=($!)
done
client_pid=${pids[0]}
ip netns exec node2 bash -c churn >/dev/null 2>&1 &
pids+=($!)
node2_pid=$!

# under_load RESETS ADOPTED: since the counts given, the client has received
# resets and the churn has adopted fd00::11.
under_load() { resets_since "$client_pid" "$1" && churn_since "$2"; }
# node2_has PATTERN FILE: a line of node 2's /proc/net/FILE contains it.
node2_has() {
	local -a lines
	mapfile -t lines <"/proc/$node2_pid/net/$2"
	[[ "${lines[*]}" == *$1* ]]
}

# try_rmmod: one rmmod attempt, counted; its error message kept.
rmmod_tries=0
rmmod_refused=0
try_rmmod() {
	rmmod_tries=$((rmmod_tries + 1))
	rmmod ipto 2>>"$TEST_TMP/rmmod.err" && return 0
	rmmod_refused=$((rmmod_refused + 1))
	return 1
}

# Milliseconds spent in each phase of the cycles, summed.
declare -A phase_ms=()
lap() {
	local t=$((${EPOCHREALTIME/./} / 1000))
	phase_ms[$1]=$((${phase_ms[$1]:-0} + t - lap_t))
	lap_t=$t
}
phases() { for p in load setup wait rmmod; do printf '%s %s ' $p "${phase_ms[$p]:-0}"; done; }

start=$((${EPOCHREALTIME/./} / 1000))
done_cycles=0
autoloaded=0
for i in $(seq 1 "$CYCLES"); do
	lap_t=$((${EPOCHREALTIME/./} / 1000))
	# The churn's family lookup loads the module again on its own
	# (the module alias), usually before the cycle gets to it.
	if module_loaded; then
		autoloaded=$((autoloaded + 1))
	else
		modprobe ipto || { fail "cycle $i: modprobe"; break; }
	fi
	lap load
	if ! { ip -n node2 link add ipto0 link eth0 up type ipto &&
		ip netns exec node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1; }; then
		fail "cycle $i: create ipto0 and adopt 10.0.0.11"
		break
	fi
	lap setup
	tcp_in "$client_pid"
	rst0=$TCP_IN
	churn_adopted
	adopted0=$CHURN_N
	if ! wait_for 20 under_load "$rst0" "$adopted0"; then
		resets_since "$client_pid" "$rst0" ||
			fail "cycle $i: fewer than $MIN_RST resets received from the adopted addresses"
		churn_since "$adopted0" ||
			fail "cycle $i: the churn adopted nothing while the module was loaded ($adopted0 adoptions before, $CHURN_N now)"
		break
	fi
	lap wait
	wait_for 20 try_rmmod || { fail "cycle $i: rmmod did not succeed within 20 s"; break; }
	lap rmmod
	if node2_has ipto0: dev; then
		fail "cycle $i: ipto0 still present after rmmod"
		break
	fi
	if node2_has 10.0.0.11 fib_trie || node2_has fd000000000000000000000000000011 if_inet6; then
		fail "cycle $i: adopted addresses left after rmmod"
		break
	fi
	done_cycles=$i
	if [ $((${EPOCHREALTIME/./} / 1000 - start)) -gt "$BUDGET_MS" ] && [ "$i" -lt "$CYCLES" ]; then
		fail "only $i cycles in the time budget of $BUDGET_MS ms (host too slow?)"
		break
	fi
	[ $((i % 10)) -eq 0 ] &&
		info "$i cycles, $((${EPOCHREALTIME/./} / 1000 - start)) ms; ms per phase, summed: $(phases)"
done
elapsed_ms=$((${EPOCHREALTIME/./} / 1000 - start))
tcp_in "$client_pid"	# before the flood's processes go

touch "$STOP"
for pid in "${pids[@]}"; do
	wait "$pid"
done

check_eq "all $CYCLES load/adopt/flood/unload cycles completed" "$CYCLES" "$done_cycles"
check_eq "rmmod succeeded once per cycle" "$done_cycles" "$((rmmod_tries - rmmod_refused))"
info "cycles $done_cycles in $elapsed_ms ms ($((elapsed_ms / (done_cycles > 0 ? done_cycles : 1))) ms per cycle)"
info "ms per phase, summed: $(phases)"
info "rmmod attempts $rmmod_tries, refused $rmmod_refused; module loaded again by the churn before modprobe in $autoloaded cycles"
if [ -s "$TEST_TMP/rmmod.err" ]; then
	sort "$TEST_TMP/rmmod.err" | uniq -c | sed 's/^ */#   rmmod: /'
	# kmod says "in use" when the refcount it reads in sysfs is not 0;
	# when a reference is taken after that read, delete_module() itself
	# refuses with EWOULDBLOCK ("Resource temporarily unavailable").
	# ipto has no dependent modules, so both mean the module was in use.
	check "rmmod refused only because the module was in use" \
		sh -c "! grep -v -e 'in use' -e 'Resource temporarily unavailable' '$TEST_TMP/rmmod.err'"
fi

sent=0
rst=0
for addr in 10.0.0.11 fd00::11; do
	read -r s r f <<<"$(awk '/^sent/ { s += $2; r += $4 } /failed/ { f++ } END { print s + 0, r + 0, f + 0 }' \
		"$TEST_TMP/flood-$addr")"
	info "flood at $addr: $s SYNs sent, $r resets received"
	check_eq "$addr: every synflood run finished" 0 "$f"
	sent=$((sent + s))
	rst=$((rst + r))
done
info "flood total: $sent SYNs, $rst resets; client TCP segments in: $TCP_IN"
check "resets received: $rst >= $((MIN_RST * done_cycles))" test "$rst" -ge $((MIN_RST * done_cycles))
sed 's/:.*//' "$CHURN_LOG" | sort | uniq -c | sed 's/^ */#   churn: /'
grep '^fail' "$CHURN_LOG" | sed 's/^fail [a-z]*: //' | sort | uniq -c | sed 's/^ */#   churn error: /'
churn_adopted
check "the churn adopted fd00::11 in every cycle: $CHURN_N adoptions" test "$CHURN_N" -ge "$done_cycles"

module_loaded || modprobe ipto
check "module unloads at the end" rmmod ipto
check "module gone" sh -c '! test -d /sys/module/ipto'
finish

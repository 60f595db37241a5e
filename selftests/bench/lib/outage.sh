# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# outage.sh - the client-observed outage benchmark, sourced by the
# selftests/bench/outage_*.sh scripts after lib.sh and helpers/iptod.sh.
#
# One topology and one cut for every system: the three-node LAN of
# helpers/iptod.sh (node i: 10.0.0.i, VIP 10.0.0.1i, the echo service on
# port $CLUSTER_PORT of every address) and the client 10.0.0.100.  Per cut
# two ipto-probes run from the client against [VIP1, VIP2], one opening a
# connection per request and one keeping a connection open; node 1's LAN
# port goes down (cut 1) and the outage of each probe is the end of its
# first served attempt begun after the cut (when the port is down) minus
# the cut.  Then node 1
# comes back (heal 1) and the next cut waits until the system is back in
# its normal state (node 1 serving VIP1).  The systems:
#   ipto          iptod, interval x misses as set by IPTOD_INTERVAL_MS /
#                 IPTOD_MISSES (default 100 ms x 3), action reject
#   corosync      the same with membership = corosync: corosync 3 (knet)
#                 in each node's namespace (helpers/corosync.sh), its token
#                 as COROSYNC_TOKEN_MS (and COROSYNC_TOKEN_COEFFICIENT_MS)
#                 set it
#   keepalived    VRRP with advert_int $KEEPALIVED_ADVERT (1 or 0.1),
#                 master of VIP i node i, backups in the same standby
#                 order as iptod's, preemption on
#   none          nothing moves VIP1: the client's own timeout ends it
# Results: selftests/bench/results/outage_<label>-<kernel>.json.

# shellcheck source=selftests/vm/cache.sh
. "$IPTO_SRC/selftests/vm/cache.sh"
PROBE=$IPTO_SRC/userland/probe/ipto-probe
# One probe timeout for every system: a client that gives an address 3 s
# (the first two SYN retransmissions, at 1 s and 3 s) before it tries the
# next; it bounds the outage of a system that moves nothing.
PROBE_TIMEOUT_MS=${PROBE_TIMEOUT_MS:-3000}
PROBE_INTERVAL_MS=100
OUTAGE_CUTS=${OUTAGE_CUTS:-10}
RESULTS_DIR=$IPTO_SRC/selftests/bench/results
VIPS="10.0.0.11:$CLUSTER_PORT 10.0.0.12:$CLUSTER_PORT"

# ---- the systems: set up, and the normal state between cuts -----------

# addrs_of I: node I's IPv4 addresses on eth0, sorted, on one line.
addrs_of() {
	ip -n "node$1" -4 -o addr show dev eth0 | awk '{ sub("/.*", "", $4); print $4 }' |
		sort | tr '\n' ' '
}

# nothing_adopted: no node's ipto0 holds an adopted address.
nothing_adopted() {
	local i
	for i in 1 2 3; do
		[ -z "$(adopted_on node$i)" ] || return 1
	done
}

setup_ipto() {
	modprobe ipto || return 1
	iptod_cluster reject || return 1
	wait_for 60 iptod_settled
}

# extra_ipto: how often the iptod of nodes 2 and 3 declared each peer dead:
# node 1 once per cut on nodes 2 and 3, anything else is a false positive.
extra_ipto() {
	local i j sep=""
	printf '{"peer_dead_declared":{'
	for i in 2 3; do
		printf '%s"node%s":{' "$sep" $i
		sep=""
		for j in 1 2 3; do
			[ $i = $j ] && continue
			printf '%s"n%s":%s' "$sep" $j "$(grep -c "node n$j ($j) silent for .* dead" "$TEST_TMP/node$i.log")"
			sep=,
		done
		printf '}'
	done
	printf '}}'
}

normal_ipto() {
	iptod_settled && nothing_adopted &&
	serves 10.0.0.11 node1 && serves 10.0.0.12 node2
}

# setup_corosync: the ipto set-up with membership = corosync, and corosync
# on each node.
setup_corosync() {
	local i
	for i in 1 2 3; do
		# shellcheck disable=SC2034 # (read by helpers/iptod.sh)
		IPTOD_CLUSTER_EXTRA[$i]="membership = corosync"
	done
	modprobe ipto || return 1
	iptod_cluster reject || return 1
	for i in 1 2 3; do
		corosync_start $i || return 1
	done
	wait_for 60 corosync_all_ready && wait_for 60 iptod_settled
}
extra_corosync() {
	printf '{"token_ms":%s,"consensus_ms":%s}' "$(status_of 1 corosync.token_ms)" \
		"$(status_of 1 corosync.consensus_ms)"
}
normal_corosync() { normal_ipto; }

# keepalived_conf I ADVERT: node I's keepalived.conf: one VRRP instance
# per VIP; VIP j's master is node j (priority 150), its backups follow
# iptod's standby order of node j (100, then 50).
keepalived_conf() {
	local self=$1 advert=$2 j prio rank n
	echo "global_defs {"
	echo "	router_id node$self"
	[ "$advert" = 1 ] || echo "	vrrp_version 3"
	# A master that hears a lower priority (a healed backup that took
	# over meanwhile) announces its addresses again, so that the client
	# stops sending to the backup.
	echo "	vrrp_garp_lower_prio_repeat 1"
	echo "}"
	for j in 1 2 3; do
		prio=""
		rank=0
		for n in $j $(standby_of $j | tr -d 'n,'); do
			[ "$n" = "$self" ] && prio=$((150 - 50 * rank))
			rank=$((rank + 1))
		done
		cat <<-CONF
		vrrp_instance vip$j {
			state $([ "$j" = "$self" ] && echo MASTER || echo BACKUP)
			interface eth0
			virtual_router_id $((50 + j))
			priority $prio
			advert_int $advert
			virtual_ipaddress {
				10.0.0.1$j/24 dev eth0
			}
		}
		CONF
	done
}

# setup_keepalived: the LAN, the echo services on the wildcard, and
# keepalived in each node's namespace with its own files under $TEST_TMP;
# returns when every node holds its own VIP and only that.
setup_keepalived() {
	local i
	lan_new node1 node2 node3 client || return 1
	lan_hosts 1 node1 node2 node3
	lan_hosts 100 client
	for i in 1 2 3; do
		echo_start $i
		keepalived_conf $i "$KEEPALIVED_ADVERT" >"$TEST_TMP/keepalived$i.conf"
		# (Unpacked into the cache by make deps, not installed.)
		ip netns exec node$i env LD_LIBRARY_PATH="$CACHE_LIBS" "$CACHE_ROOT/usr/sbin/keepalived" \
			-n -l -D -P -G -f "$TEST_TMP/keepalived$i.conf" \
			-p "$TEST_TMP/keepalived$i.pid" -r "$TEST_TMP/vrrp$i.pid" \
			-c "$TEST_TMP/checkers$i.pid" >"$TEST_TMP/keepalived$i.log" 2>&1 &
	done
	wait_for 60 normal_keepalived
}

normal_keepalived() {
	[ "$(addrs_of 1)" = "10.0.0.1 10.0.0.11 " ] &&
	[ "$(addrs_of 2)" = "10.0.0.12 10.0.0.2 " ] &&
	[ "$(addrs_of 3)" = "10.0.0.13 10.0.0.3 " ] &&
	serves 10.0.0.11 node1 && serves 10.0.0.12 node2
}

setup_none() {
	local i
	lan_new node1 node2 node3 client || return 1
	lan_hosts 1 node1 node2 node3
	lan_hosts 100 client
	for i in 1 2 3; do
		ip -n node$i addr add 10.0.0.1$i/24 dev eth0
		echo_start $i
	done
	wait_for 30 normal_none
}

normal_none() { serves 10.0.0.11 node1 && serves 10.0.0.12 node2; }

# ---- one cut -----------------------------------------------------------

# served_on FILE ADDR COUNT: the probe's JSON lines in FILE show at least
# COUNT attempts served by ADDR.
served_on() {
	awk -v addr="\"addr\":\"$2\"" -v want="$3" '
		index($0, addr) && index($0, "\"result\":\"served\"") { n++ }
		END { exit !(n >= want) }' "$1"
}

# served_after FILE EPOCH: an attempt begun after EPOCH (its end, "time",
# minus its duration, "ms") was served.
served_after() {
	awk -v cut="$2" '
		index($0, "\"result\":\"served\"") {
			if (!match($0, /"time":[0-9.]+/)) next
			t = substr($0, RSTART + 7, RLENGTH - 7)
			if (!match($0, /"ms":[0-9.]+/)) next
			ms = substr($0, RSTART + 5, RLENGTH - 5)
			if (t - ms / 1000 >= cut) { found = 1; exit }
		}
		END { exit !found }' "$1"
}

# probes_start CONNECT KEEP: the two probes against $VIPS, their JSON lines
# into CONNECT and KEEP; their pids in PROBE_PIDS.  Returns when both were
# served by VIP1 three times; 1 (the probes stopped) when not within 30 s.
probes_start() {
	ip netns exec client "$PROBE" -j -i $PROBE_INTERVAL_MS -t $PROBE_TIMEOUT_MS \
		$VIPS >"$1" 2>"$1.err" &
	PROBE_PIDS=$!
	ip netns exec client "$PROBE" -j -k -r 'x\n' -i $PROBE_INTERVAL_MS -t $PROBE_TIMEOUT_MS \
		$VIPS >"$2" 2>"$2.err" &
	PROBE_PIDS="$PROBE_PIDS $!"
	if ! wait_for 30 served_on "$1" "10.0.0.11:$CLUSTER_PORT" 3 ||
	   ! wait_for 30 served_on "$2" "10.0.0.11:$CLUSTER_PORT" 3; then
		probes_stop
		return 1
	fi
}

# probes_stop: SIGINT ends each probe with its summary line.
probes_stop() {
	# shellcheck disable=SC2086 # (one word per pid)
	kill -INT $PROBE_PIDS 2>/dev/null
	# shellcheck disable=SC2086
	wait $PROBE_PIDS
}

# one_cut SYSTEM N: probes, cut, wait for both outages to end, heal, wait
# for the normal state.  Appends "N CUT_EPOCH CONNECT_FILE KEEP_FILE ENDED
# NORMAL_MS CUT_BEGIN" to $TEST_TMP/cuts.
one_cut() {
	local system=$1 n=$2 conn=$TEST_TMP/cut$2.connect.jsonl keep=$TEST_TMP/cut$2.keep.jsonl
	local cut_begin cut_epoch ended=1 normal_ms t0

	if ! probes_start "$conn" "$keep"; then
		info "cut $n: the probes were not served by VIP1 before the cut"
		return 1
	fi
	# The cut's time is taken when "ip link set down" has returned: the
	# port is down then, while an attempt begun during the command (tens
	# of ms under TCG) may still have been served.
	cut_begin=$(date +%s.%N)
	cut 1
	cut_epoch=$(date +%s.%N)
	# Both outages end within the timeout chain of one request (both
	# addresses) unless something is wrong; the deadline only bounds that.
	if ! wait_for $((2 * PROBE_TIMEOUT_MS / 1000 + 20)) served_after "$conn" "$cut_epoch" ||
	   ! wait_for 10 served_after "$keep" "$cut_epoch"; then
		info "cut $n: an outage did not end within the deadline"
		ended=0
	fi
	probes_stop
	heal 1
	t0=$(date +%s%N)
	if ! wait_for 120 "normal_$system"; then
		info "cut $n: the system did not come back to its normal state within 120 s"
		return 1
	fi
	normal_ms=$((($(date +%s%N) - t0) / 1000000))
	echo "$n $cut_epoch $conn $keep $ended $normal_ms $cut_begin" >>"$TEST_TMP/cuts"
}

# outage_bench SYSTEM LABEL DESCRIPTION: the whole benchmark for one system
# (set up already by setup_SYSTEM); writes the JSON and prints the figures.
outage_bench() {
	local system=$1 label=$2 desc=$3 n out extra

	[ -x "$PROBE" ] || { echo "# not ok - $PROBE missing (make userland)"; exit 1; }
	mkdir -p "$RESULTS_DIR"
	if ! "setup_$system"; then
		fail "$label: set-up did not reach the normal state"
		[ "$system" = ipto ] && iptod_dump
		[ "$system" = keepalived ] && tail -n 5 "$TEST_TMP"/keepalived*.log | sed 's/^/#   /'
		finish
	fi
	info "$label: $desc; $OUTAGE_CUTS cuts, probe timeout $PROBE_TIMEOUT_MS ms"
	: >"$TEST_TMP/cuts"
	for n in $(seq 1 "$OUTAGE_CUTS"); do
		one_cut "$system" "$n" || break
	done
	out=$RESULTS_DIR/outage_$label-$(uname -r).json
	extra=""
	if [ "$(type -t "extra_$system")" = function ]; then
		extra=$("extra_$system")
	fi
	python3 "$IPTO_SRC/selftests/bench/lib/outage.py" "$label" "$desc" \
		"$PROBE_TIMEOUT_MS" "$TEST_TMP/cuts" "$out" "$extra" | sed 's/^/# /'
	[ -s "$TEST_TMP/cuts" ] || fail "$label: no cut completed"
}

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# idle.sh - the idle-connection outage benchmark, sourced by the
# selftests/bench/idle_*.sh scripts after lib.sh, helpers/iptod.sh and
# lib/outage.sh (whose systems, set-ups and normal states it shares).
#
# Per cut a client holds one idle connection to VIP1 (node 1's echo
# service), blocked in recv() after data went both ways, as a pooled
# connection or a session in LISTEN does; node 1's LAN port goes down and
# the outage is the time from the cut until the client's recv() ends with
# ECONNRESET: until it learns that it must reconnect.  A client that has
# not learnt it after IDLE_LIMIT_S counts as IDLE_LIMIT_S (a lower bound:
# without a reset such a client waits for TCP keepalive, 2 h by default,
# or its own timeout).  With ipto and connection sync the cut waits until
# node 2 has the connection from node 1's sync.
# Results: selftests/bench/results/idle_<label>-<kernel>.json.

IDLE_LIMIT_S=${IDLE_LIMIT_S:-20}
IDLE_CUTS=${IDLE_CUTS:-10}

# synced_at_least N: node 2 has N connections of node 1 or more.
synced_at_least() {
	local v
	v=$(status_of 2 conn_sync.from.1)
	[ "${v%% *}" -ge "$1" ] 2>/dev/null
}

# idle_cut SYSTEM N: one cut; appends "N OUTCOME MS" to $TEST_TMP/idle.
idle_cut() {
	local system=$1 n=$2 out=$TEST_TMP/idle$2 t_cut what end_us ms
	in_ns client python3 -S "$IPTO_SRC/selftests/helpers/idle_client.py" \
		"$((IDLE_LIMIT_S + 30))" "$CLUSTER_PORT" vip1=10.0.0.11 >"$out" 2>&1 &
	if ! wait_for 60 grep -q '^ready$' "$out"; then
		info "cut $n: the idle connection did not open"
		return 1
	fi
	# Node 1 still has the connections of earlier cuts (its side never
	# heard of their reset), so node 2's list grows by one a cut.
	if [ "${IDLE_SYNC:-0}" = 1 ] && ! wait_for 10 synced_at_least "$n"; then
		info "cut $n: node 2 did not get the connection from node 1's sync"
		return 1
	fi
	t_cut=${EPOCHREALTIME//[!0-9]/}
	cut 1
	wait_for "$IDLE_LIMIT_S" grep -q '^end ' "$out"
	read -r _ _ what end_us _ <<<"$(grep '^end ' "$out")"
	if [ "$what" = reset ]; then
		ms=$(((end_us - t_cut) / 1000))
	else
		what=${what:-waiting}
		ms=$((IDLE_LIMIT_S * 1000))
	fi
	echo "#   cut $n: $what after $ms ms"
	echo "$n $what $ms" >>"$TEST_TMP/idle"
	pkill -f "idle_client.py $((IDLE_LIMIT_S + 30)) " 2>/dev/null
	heal 1
	wait_for 120 "normal_$system" || { info "cut $n: not back to normal in 120 s"; return 1; }
}

# idle_bench SYSTEM LABEL DESCRIPTION: set-up, IDLE_CUTS cuts, the JSON.
idle_bench() {
	local system=$1 label=$2 desc=$3 n out
	mkdir -p "$RESULTS_DIR"
	if ! "setup_$system"; then
		fail "$label: set-up did not reach the normal state"
		finish
	fi
	info "$label: $desc; $IDLE_CUTS cuts, limit $IDLE_LIMIT_S s"
	: >"$TEST_TMP/idle"
	for n in $(seq 1 "$IDLE_CUTS"); do
		idle_cut "$system" "$n" || break
	done
	out=$RESULTS_DIR/idle_$label-$(uname -r).json
	python3 -S - "$label" "$desc" "$IDLE_LIMIT_S" "$TEST_TMP/idle" "$out" <<-'PY' | sed 's/^/# /'
	import json, statistics, sys
	label, desc, limit, path, out = sys.argv[1:]
	cuts = [{"cut": int(w[0]), "outcome": w[1], "ms": int(w[2])}
	        for w in (line.split() for line in open(path)) if len(w) == 3]
	ms = sorted(c["ms"] for c in cuts)
	res = {"label": label, "description": desc, "limit_s": int(limit), "cuts": cuts,
	       "reset": sum(c["outcome"] == "reset" for c in cuts),
	       "median_ms": statistics.median(ms) if ms else None,
	       "max_ms": ms[-1] if ms else None}
	json.dump(res, open(out, "w"), indent=1)
	print("measure: idle_%s cuts=%d reset=%d median_ms=%s max_ms=%s (limit %s s)" % (
	    label, len(cuts), res["reset"], res["median_ms"], res["max_ms"], limit))
	PY
	[ -s "$TEST_TMP/idle" ] || fail "$label: no cut completed"
}

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# switchover.sh - the planned-switchover benchmark, sourced by the
# selftests/bench/switchover_*.sh scripts after lib.sh, helpers/iptod.sh
# and lib/outage.sh (whose systems, set-ups, normal states and probes it
# shares).
#
# Per round the two probes of the outage benchmark run against [VIP1,
# VIP2] (one connection per request, and one kept connection), node 1
# hands VIP1 over to node 2 on purpose, and the round ends when both probes
# were served again after the handover.  Then node 1 takes VIP1 back and
# the next round waits for the normal state.  The handover:
#   ipto          SIGUSR1 to node 1's iptod: drain (new connections
#                 refused, open ones served), then the handover at
#                 drain_timeout_ms ($SWITCH_DRAIN_MS: the kept connection
#                 never ends by itself) and the reset of what is left
#   keepalived    node 1's configuration for VIP1 with priority 50, below
#                 its backup's 100, and a reload (SIGHUP): the way an
#                 operator moves a VRRP master
# Per round and probe: requests, failed requests (every address failed),
# errors (attempts that failed and moved on), and the longest outage.
# Results: selftests/bench/results/switchover_<label>-<kernel>.json.

SWITCH_ROUNDS=${SWITCH_ROUNDS:-5}
SWITCH_DRAIN_MS=${SWITCH_DRAIN_MS:-3000}
# shellcheck disable=SC2034 # (read by helpers/iptod.sh)
IPTOD_CLUSTER_EXTRA[1]="drain_timeout_ms = $SWITCH_DRAIN_MS"

switch_ipto() { kill -USR1 "${IPTOD_PID[1]}"; }
switched_ipto() { status_is 2 held=1 && status_is 1 drain=done; }
restore_ipto() { kill -USR2 "${IPTOD_PID[1]}"; }

# keepalived_reload CONF: node 1's keepalived reloads CONF.
keepalived_reload() {
	cp "$1" "$TEST_TMP/keepalived1.conf"
	kill -HUP "$(cat "$TEST_TMP/keepalived1.pid")"
}
switch_keepalived() {
	cp "$TEST_TMP/keepalived1.conf" "$TEST_TMP/keepalived1.normal"
	sed '/^vrrp_instance vip1 /,/^}/ s/priority 150/priority 50/' \
		"$TEST_TMP/keepalived1.normal" >"$TEST_TMP/keepalived1.lowered"
	grep -q 'priority 50' "$TEST_TMP/keepalived1.lowered" &&
		keepalived_reload "$TEST_TMP/keepalived1.lowered"
}
switched_keepalived() {
	[[ " $(addrs_of 2)" == *" 10.0.0.11 "* ]] && [[ " $(addrs_of 1)" != *" 10.0.0.11 "* ]]
}
restore_keepalived() { keepalived_reload "$TEST_TMP/keepalived1.normal"; }

# one_switch SYSTEM N: probes, handover, both probes served after it, probes
# stopped, VIP1 back on node 1.  Appends "N SWITCH_MS CONNECT KEEP" to
# $TEST_TMP/switches.
one_switch() {
	local system=$1 n=$2 conn=$TEST_TMP/sw$2.connect.jsonl keep=$TEST_TMP/sw$2.keep.jsonl
	local t0 t_done

	if ! probes_start "$conn" "$keep"; then
		info "round $n: the probes were not served by VIP1 before the handover"
		return 1
	fi
	t0=${EPOCHREALTIME//[!0-9]/}
	"switch_$system" || { info "round $n: the handover could not be started"; return 1; }
	if ! wait_for $((SWITCH_DRAIN_MS / 1000 + 30)) "switched_$system"; then
		info "round $n: VIP1 did not move to node 2"
		probes_stop
		return 1
	fi
	t_done=$(date +%s.%N)
	wait_for $((2 * PROBE_TIMEOUT_MS / 1000 + 20)) served_after "$conn" "$t_done" &&
		wait_for 10 served_after "$keep" "$t_done" ||
		info "round $n: a probe was not served within the deadline after the handover"
	probes_stop
	echo "$n $(((${EPOCHREALTIME//[!0-9]/} - t0) / 1000)) $conn $keep" >>"$TEST_TMP/switches"
	"restore_$system"
	wait_for 120 "normal_$system" || { info "round $n: not back to normal in 120 s"; return 1; }
}

# switchover_bench SYSTEM LABEL DESCRIPTION: set-up, the rounds, the JSON.
switchover_bench() {
	local system=$1 label=$2 desc=$3 n out

	[ -x "$PROBE" ] || { echo "# not ok - $PROBE missing (make userland)"; exit 1; }
	mkdir -p "$RESULTS_DIR"
	if ! "setup_$system"; then
		fail "$label: set-up did not reach the normal state"
		finish
	fi
	info "$label: $desc; $SWITCH_ROUNDS rounds, probe timeout $PROBE_TIMEOUT_MS ms"
	: >"$TEST_TMP/switches"
	for n in $(seq 1 "$SWITCH_ROUNDS"); do
		one_switch "$system" "$n" || break
	done
	out=$RESULTS_DIR/switchover_$label-$(uname -r).json
	python3 -S - "$label" "$desc" "$TEST_TMP/switches" "$out" <<-'PY' | sed 's/^/# /'
	import json, statistics, sys
	label, desc, path, out = sys.argv[1:]

	def summary(f):
	    for line in open(f):
	        o = json.loads(line)
	        if "summary" in o:
	            return o["summary"]
	    return None

	rounds = []
	for w in (line.split() for line in open(path)):
	    r = {"round": int(w[0]), "handover_ms": int(w[1])}
	    for kind, f in (("connect", w[2]), ("keep", w[3])):
	        s = summary(f) or {}
	        r[kind] = {"requests": s.get("requests"), "failed": s.get("failed"),
	                   "errors": s.get("errors", {}),
	                   "outage_max_ms": s.get("outage_max_ms") or 0}
	    rounds.append(r)
	res = {"label": label, "description": desc, "rounds": rounds}
	for kind in ("connect", "keep"):
	    got = [r[kind] for r in rounds if r[kind]["requests"] is not None]
	    res[kind] = {
	        "requests": sum(g["requests"] for g in got),
	        "failed": sum(g["failed"] for g in got),
	        "errors": sum(sum(g["errors"].values()) for g in got),
	        "outage_median_ms": statistics.median(g["outage_max_ms"] for g in got) if got else None,
	        "outage_max_ms": max((g["outage_max_ms"] for g in got), default=None)}
	res["handover_median_ms"] = statistics.median(r["handover_ms"] for r in rounds) if rounds else None
	json.dump(res, open(out, "w"), indent=1)
	for kind in ("connect", "keep"):
	    k = res[kind]
	    print("measure: switchover_%s %s rounds=%d requests=%d failed=%d errors=%d "
	          "outage_median_ms=%s outage_max_ms=%s" % (label, kind, len(rounds), k["requests"],
	          k["failed"], k["errors"], k["outage_median_ms"], k["outage_max_ms"]))
	PY
	[ -s "$TEST_TMP/switches" ] || fail "$label: no round completed"
}

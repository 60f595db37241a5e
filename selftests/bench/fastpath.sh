#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fastpath.sh - benchmark (never fails on a number): what ipto costs the
# traffic it does not answer.  TCP throughput (iperf3) from the client
# namespace to a server on the node itself, so that every data segment
# crosses the node's PRE_ROUTING hooks (where ipto looks the destination
# up): (A) with the module loaded and ipto0 holding 10,000 adopted
# addresses that the traffic does not hit, against (B) the module not
# loaded.  After one run not counted, runs alternate A/B/A/B; the figure
# is the ratio of the medians.
# Results in selftests/bench/results/fastpath-<kernel>.json.
. "$(dirname "$0")/../lib.sh"

RUNS=${FASTPATH_RUNS:-5}
SECONDS_PER_RUN=${FASTPATH_SECONDS:-4}
ADOPTED=10000
RESULTS_DIR=$IPTO_SRC/selftests/bench/results
mkdir -p "$RESULTS_DIR"

ns_new fpnode fpclient || exit 1
ip -n fpnode link add eth0 type veth peer name eth0 netns fpclient
ip -n fpnode addr add 10.1.0.1/24 dev eth0
ip -n fpclient addr add 10.1.0.2/24 dev eth0
ip -n fpnode link set eth0 up
ip -n fpclient link set eth0 up
ip netns exec fpnode iperf3 -s -B 10.1.0.1 >"$TEST_TMP/iperf3-server.log" 2>&1 &
wait_for 20 sh -c "ip netns exec fpnode ss -ltn | grep -q '10.1.0.1:5201'" ||
	{ fail "the iperf3 server did not start"; finish; }

# with_ipto: module, ipto0 on the node's eth0 and $ADOPTED adopted
# addresses elsewhere (10.200.0.0/16: no traffic goes there), no
# announcements (they would compete with the measured traffic).
with_ipto() {
	modprobe ipto &&
	ip -n fpnode link add ipto0 link eth0 type ipto &&
	ip -n fpnode link set ipto0 up &&
	in_ns fpnode iptoctl set dev ipto0 announce_count 0 &&
	in_ns fpnode python3 "$IPTO_SRC/selftests/helpers/bulk_adopt.py" ipto0 10.200.0.1 $ADOPTED \
		>/dev/null &&
	[ "$(in_ns fpnode iptoctl -j show dev ipto0 |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["addresses"]))')" = $ADOPTED ]
}

without_ipto() {
	ip -n fpnode link del ipto0 &&
	wait_for 20 rmmod ipto &&
	! module_loaded
}

# one_run LABEL: bits per second received by the server, from iperf3's JSON.
one_run() {
	ip netns exec fpclient iperf3 -c 10.1.0.1 -t "$SECONDS_PER_RUN" -J >"$TEST_TMP/run.json" \
		2>"$TEST_TMP/run.err" || return 1
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' \
		"$TEST_TMP/run.json"
}

# One run not counted: the first flow after boot warms caches and the
# emulator's translated code.
one_run >/dev/null || { fail "iperf3 failed: $(cat "$TEST_TMP/run.err")"; finish; }
loaded=()
unloaded=()
for i in $(seq 1 "$RUNS"); do
	with_ipto || { fail "could not set up ipto with $ADOPTED addresses"; finish; }
	bps=$(one_run) || { fail "iperf3 failed: $(cat "$TEST_TMP/run.err")"; finish; }
	loaded+=("$bps")
	info "run $i A (ipto, $ADOPTED adopted): $((bps / 1000000)) Mbit/s"
	without_ipto || { fail "could not unload the module"; finish; }
	bps=$(one_run) || { fail "iperf3 failed: $(cat "$TEST_TMP/run.err")"; finish; }
	unloaded+=("$bps")
	info "run $i B (no module):            $((bps / 1000000)) Mbit/s"
done

python3 - "$RESULTS_DIR/fastpath-$(uname -r).json" "$ADOPTED" "$SECONDS_PER_RUN" \
	"${loaded[*]}" "${unloaded[*]}" <<'EOF' | sed 's/^/# /'
import json, statistics, sys
out, adopted, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
a = [int(x) for x in sys.argv[4].split()]
b = [int(x) for x in sys.argv[5].split()]
ma, mb = statistics.median(a), statistics.median(b)
res = {"benchmark": "fastpath",
       "setup": "iperf3 TCP client namespace -> server on the node (veth); "
                "A: ipto loaded, ipto0 with %d adopted addresses not hit; B: module not loaded" % adopted,
       "seconds_per_run": secs, "order": "A/B alternated",
       "loaded_bps": a, "unloaded_bps": b,
       "loaded_median_bps": ma, "unloaded_median_bps": mb,
       "ratio_loaded_over_unloaded": round(ma / mb, 4)}
json.dump(res, open(out, "w"), indent=1)
print("throughput with ipto (%d adopted): median %.0f Mbit/s; without the module: median %.0f Mbit/s;"
      " ratio %.3f" % (adopted, ma / 1e6, mb / 1e6, ma / mb))
EOF
finish

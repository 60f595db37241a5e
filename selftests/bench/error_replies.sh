#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# error_replies.sh - benchmark (never fails on a number): how many TCP
# resets per second ipto sends back to a SYN flood at an adopted address,
# against the kernel's own resets for a closed port on a normal local
# address of the same node, same flood, same run (alternated).  On the
# veth between client and node the node's receive-and-reply work runs in
# softirq on the sending CPU, so an unpaced flood runs at the rate the
# sender and the replying path together sustain: the resets per second
# measured are that rate (each SYN answered once at most).  ipto's
# reply rate limit is lifted for this with "iptoctl set reply_rate
# 1000000 reply_burst 1000000" (the maximum).  A second series repeats
# the alternation after 1024 services (the most a device holds) have been
# given to node 1, none of them for port 80: every SYN then makes the
# packet path look the services up and find nothing, which is what a
# lookup's cost shows under a flood.  Results in
# selftests/bench/results/error_replies-<kernel>.json.
. "$(dirname "$0")/../lib.sh"

RUNS=${ERROR_REPLY_RUNS:-5}
SYNS=${ERROR_REPLY_SYNS:-40000}
RESULTS_DIR=$IPTO_SRC/selftests/bench/results
mkdir -p "$RESULTS_DIR"

modprobe ipto || exit 1
standby_and_client
in_ns node2 iptoctl set dev ipto0 reply_rate 1000000 reply_burst 1000000 announce_count 1 ||
	{ fail "could not lift the reply rate limit"; finish; }
in_ns node2 iptoctl adopt dev ipto0 addr 10.0.0.11 from 1 || { fail "adopt 10.0.0.11"; finish; }
# Both neighbours resolved before the floods.
wait_for 20 in_ns client ping -c 1 -W 1 10.0.0.11 || { fail "10.0.0.11 not answered"; finish; }
wait_for 20 in_ns client ping -c 1 -W 1 10.0.0.2 || { fail "10.0.0.2 not answered"; finish; }

# flood ADDR: "RST_PER_SECOND SENT RST DURATION_MS" for one unpaced flood
# at ADDR port 80 (closed on 10.0.0.2; 10.0.0.11 is adopted).
flood() {
	local out sent rst dur
	out=$(in_ns client synflood -d "$1" -p 80 -n "$SYNS" -r 0 -w 1000) || return 1
	read -r _ sent _ rst _ dur <<<"$out"
	[ "${dur:-0}" -gt 0 ] || dur=1
	echo "$((rst * 1000 / dur)) $sent $rst $dur"
}

ipto_rates=()
kernel_rates=()
svc_ipto_rates=()
svc_kernel_rates=()
raw=""
# series NAME: $RUNS floods at each target, alternated.
series() {
	local i target addr r rate sent rst dur
	for i in $(seq 1 "$RUNS"); do
		for target in ipto kernel; do
			addr=10.0.0.11
			[ $target = kernel ] && addr=10.0.0.2
			r=$(flood $addr) || { fail "synflood at $addr failed"; finish; }
			read -r rate sent rst dur <<<"$r"
			info "$1 run $i $target ($addr): sent $sent, resets $rst in $dur ms: $rate/s"
			raw+="{\"series\":\"$1\",\"run\":$i,\"target\":\"$target\",\"sent\":$sent,\"rst\":$rst,\"duration_ms\":$dur,\"rst_per_s\":$rate},"
			case $1/$target in
			plain/ipto) ipto_rates+=("$rate") ;;
			plain/kernel) kernel_rates+=("$rate") ;;
			services/ipto) svc_ipto_rates+=("$rate") ;;
			services/kernel) svc_kernel_rates+=("$rate") ;;
			esac
		done
	done
}
series plain
for port in $(seq 1001 2024); do
	in_ns node2 iptoctl service add dev ipto0 node 1 name "s$port" proto tcp port "$port" \
		action reject || { fail "could not add service s$port"; finish; }
done
[ "$(in_ns node2 iptoctl -j show dev ipto0 | python3 -c '
import json, sys
print(len(json.load(sys.stdin)[0]["services"]))')" = 1024 ] || { fail "1024 services not in place"; finish; }
series services
suppressed=$(in_ns node2 iptoctl -j show dev ipto0 | python3 -c '
import json, sys
print(sum(a["stats"]["suppressed"] for a in json.load(sys.stdin)[0]["addresses"]))')

python3 - "$RESULTS_DIR/error_replies-$(uname -r).json" "$SYNS" "${ipto_rates[*]}" \
	"${kernel_rates[*]}" "[${raw%,}]" "$suppressed" "${svc_ipto_rates[*]}" \
	"${svc_kernel_rates[*]}" <<'EOF' | sed 's/^/# /'
import json, statistics, sys
out, syns = sys.argv[1], int(sys.argv[2])
a = [int(x) for x in sys.argv[3].split()]
k = [int(x) for x in sys.argv[4].split()]
sa = [int(x) for x in sys.argv[7].split()]
sk = [int(x) for x in sys.argv[8].split()]
ma, mk = statistics.median(a), statistics.median(k)
msa, msk = statistics.median(sa), statistics.median(sk)
res = {"benchmark": "error_replies",
       "setup": "synflood from the client, %d SYNs unpaced per flood, alternated: ipto's RST "
                "for an adopted address (reply_rate/reply_burst 1000000) vs the kernel's RST "
                "for a closed port on the node's own address" % syns,
       "ipto_rst_per_s": a, "kernel_rst_per_s": k,
       "ipto_median_rst_per_s": ma, "kernel_median_rst_per_s": mk,
       "ratio_ipto_over_kernel": round(ma / mk, 4) if mk else None,
       "all_answered": all(r["rst"] == r["sent"] for r in json.loads(sys.argv[5])),
       "with_1024_services": {"ipto_rst_per_s": sa, "kernel_rst_per_s": sk,
                              "ipto_median_rst_per_s": msa, "kernel_median_rst_per_s": msk,
                              "ratio_ipto_over_kernel": round(msa / msk, 4) if msk else None},
       "ipto_suppressed_by_rate_limit": int(sys.argv[6]),
       "runs": json.loads(sys.argv[5])}
json.dump(res, open(out, "w"), indent=1)
print("resets per second: ipto %d, kernel %d (medians); ratio %s; suppressed by ipto's limit: %s"
      % (ma, mk, res["ratio_ipto_over_kernel"], sys.argv[6]))
print("with 1024 services on node 1 (none for the port): ipto %d, kernel %d (medians); ratio %s"
      % (msa, msk, res["with_1024_services"]["ratio_ipto_over_kernel"]))
EOF
finish

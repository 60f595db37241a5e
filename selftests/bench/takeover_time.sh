#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# takeover_time.sh - benchmark (never fails on a number): kernel time from
# node-down to the last announcement, 1 / 100 / 10,000 addresses.  Results
# in selftests/bench/results/takeover_time-<kernel>.json.
. "$(dirname "$0")/../lib.sh"

modprobe ipto || exit 1
ns_new bench
ip -n bench link add eth0 type veth peer name eth1
ip -n bench link set eth0 up
ip -n bench link set eth1 up
ip -n bench link add ipto0 link eth0 type ipto
in_ns bench iptoctl set dev ipto0 announce_count 1
mkdir -p "$IPTO_SRC/selftests/bench/results"
in_ns bench python3 "$IPTO_SRC/selftests/bench/takeover_time.py" \
	"$IPTO_SRC/selftests/bench/results/takeover_time-$(uname -r).json" | sed 's/^/# /'
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_ipto.sh - benchmark (never fails on a number): client-observed outage
# with ipto, iptod's default detection (100 ms x 3 misses), action reject.
# (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

IPTOD_INTERVAL_MS=100
IPTOD_MISSES=3
outage_bench ipto ipto "ipto, iptod 100 ms x 3 misses, action reject"
finish

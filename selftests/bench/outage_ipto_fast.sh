#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_ipto_fast.sh - benchmark (never fails on a number): client-observed outage
# with ipto, a faster iptod (50 ms x 4 misses), action reject.
# (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

IPTOD_INTERVAL_MS=50
IPTOD_MISSES=4
outage_bench ipto ipto_fast "ipto, iptod 50 ms x 4 misses, action reject"
finish

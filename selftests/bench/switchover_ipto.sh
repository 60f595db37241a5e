#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# switchover_ipto.sh - benchmark (never fails on a number): what clients
# see of a planned switchover (see lib/switchover.sh): iptod's drain
# (SIGUSR1), 100 ms x 3 heartbeats, action reject.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/switchover.sh"

switchover_bench ipto ipto_drain \
	"ipto, iptod drain (SIGUSR1), drain_timeout_ms $SWITCH_DRAIN_MS, then the reset of what is left"
finish

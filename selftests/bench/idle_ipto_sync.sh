#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_ipto_sync.sh - benchmark (never fails on a number): how long an idle
# client waits to learn of a cut (see lib/idle.sh): ipto, iptod 100 ms x 3,
# connection sync every 500 ms.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/idle.sh"

IDLE_SYNC=1
idle_bench ipto ipto_sync "ipto, iptod 100 ms x 3, connection sync every 500 ms"
finish

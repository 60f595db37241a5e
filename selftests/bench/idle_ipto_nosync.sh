#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_ipto_nosync.sh - benchmark (never fails on a number): how long an
# idle client waits to learn of a cut (see lib/idle.sh): ipto, iptod 100 ms
# x 3, connection sync off (conn_sync_ms = 0).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/idle.sh"

for i in 1 2 3; do IPTOD_CLUSTER_EXTRA[$i]="conn_sync_ms = 0"; done
idle_bench ipto ipto_nosync "ipto, iptod 100 ms x 3, connection sync off (conn_sync_ms = 0)"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_corosync_tuned.sh - benchmark (never fails on a number):
# client-observed outage with ipto and membership = corosync at a token
# tuned for a LAN: 500 ms, token_coefficient 0 (consensus 600 ms), action
# reject (see lib/outage.sh).  Under TCG a shorter token makes corosync
# reform its ring without a fault.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
COROSYNC_TOKEN_MS=500
COROSYNC_TOKEN_COEFFICIENT_MS=0
. "$IPTO_SRC/selftests/helpers/corosync.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

outage_bench corosync corosync_tuned "ipto, membership = corosync, token 500 ms, coefficient 0"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_corosync_default.sh - benchmark (never fails on a number):
# client-observed outage with ipto and membership = corosync at corosync's
# default token (3000 ms, which Debian's corosync.conf leaves; 3650 ms in
# force for three nodes with token_coefficient 650 ms; consensus 1.2 x
# that), action reject (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/helpers/corosync.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

outage_bench corosync corosync_default "ipto, membership = corosync, token 3000 ms (default), 3 nodes"
finish

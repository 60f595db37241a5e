#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# switchover_keepalived.sh - benchmark (never fails on a number): what
# clients see of a planned switchover (see lib/switchover.sh): keepalived,
# VRRP v3, advert_int 0.1, the master's priority lowered below its
# backup's and reloaded.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/switchover.sh"

KEEPALIVED_ADVERT=0.1
switchover_bench keepalived keepalived_priority \
	"keepalived, VRRP v3, advert_int 0.1, master priority 150 -> 50 (backup 100), reload"
finish

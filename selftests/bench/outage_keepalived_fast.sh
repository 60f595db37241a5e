#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_keepalived_fast.sh - benchmark (never fails on a number): client-observed outage
# with keepalived (VRRP v3), advert_int 0.1, preemption on.
# (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

KEEPALIVED_ADVERT=0.1
outage_bench keepalived keepalived_fast "keepalived, VRRP v3, advert_int 0.1, preempt"
finish

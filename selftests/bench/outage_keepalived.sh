#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_keepalived.sh - benchmark (never fails on a number): client-observed outage
# with keepalived (VRRP v2), advert_int 1, preemption on.
# (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

KEEPALIVED_ADVERT=1
outage_bench keepalived keepalived "keepalived, VRRP v2, advert_int 1, preempt"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_keepalived_fast.sh - benchmark (never fails on a number): how long an
# idle client waits to learn of a cut (see lib/idle.sh): keepalived, VRRP
# v3, advert_int 0.1, preempt.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/idle.sh"

KEEPALIVED_ADVERT=0.1
idle_bench keepalived keepalived_fast "keepalived, VRRP v3, advert_int 0.1, preempt"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outage_none.sh - benchmark (never fails on a number): client-observed outage
# with no takeover at all: nothing moves VIP1, the client's own timeout ends it.
# (see lib/outage.sh).
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"

outage_bench none none "no takeover: the client moves on after its own timeout"
finish

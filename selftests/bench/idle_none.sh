#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# idle_none.sh - benchmark (never fails on a number): how long an idle
# client waits to learn of a cut (see lib/idle.sh): no takeover.
. "$(dirname "$0")/../lib.sh"
. "$IPTO_SRC/selftests/helpers/iptod.sh"
. "$IPTO_SRC/selftests/bench/lib/outage.sh"
. "$IPTO_SRC/selftests/bench/lib/idle.sh"

idle_bench none none "no takeover"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# genl_fuzz.sh - the run of the generic netlink fuzzer that "make check"
# does: selftests/fuzz/netlink.sh with 20,000 requests as root (1,000,000
# in make check-full, about 10 min under TCG) and a quarter as many as
# nobody, from a fixed seed so that every run sends the same ones (make
# fuzz-netlink sends 200,000 from a new seed each time).  Nobody's change
# requests must all be refused with EPERM and leave the table as it was;
# slab must not grow; the guest fails the test on any kernel report.
# timeout: 1500
[ "${IPTO_CHECK:-quick}" = full ] && messages=1000000 || messages=20000
FUZZ_MESSAGES=$messages FUZZ_SEED=20261127 exec bash "$(dirname "$0")/../fuzz/netlink.sh"

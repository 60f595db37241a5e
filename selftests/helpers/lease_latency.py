#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""lease_latency.py DEV SECONDS - from one process, for SECONDS, renews the
lease of ipto device DEV (IPTO_CMD_LEASE) and reads the device
(IPTO_CMD_DEV_GET, which takes RTNL) in turn, each request answered before
the next.  Prints "started" once its socket is open, then the slowest of
each, in ms: "lease_max_ms L dev_get_max_ms G rounds N"."""
import sys
import time

import ipto_genl as g


def timed(nl, cmd, attrs):
    t0 = time.monotonic()
    nl.transact(cmd, attrs)
    return (time.monotonic() - t0) * 1000


def main():
    dev, seconds = sys.argv[1], float(sys.argv[2])
    nl = g.Genl()
    attrs = g.string(g.A_IFNAME, dev)
    print("started", flush=True)
    lease_max = get_max = 0.0
    rounds = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        lease_max = max(lease_max, timed(nl, g.CMD_LEASE, attrs))
        get_max = max(get_max, timed(nl, g.CMD_DEV_GET, attrs))
        rounds += 1
    print(f"lease_max_ms {lease_max:.0f} dev_get_max_ms {get_max:.0f} rounds {rounds}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""takeover_time.py OUT.json - the kernel's time from a node-down request
to the last announcement sent, for 1, 100 and 10,000 adopted addresses.

In the current namespace (with ipto0 on eth0, announce_count 1 so that the
one announcement per address goes out inside the request): node 1 holds N
home addresses, node 2 is self and node 1's standby.  Setting node 1 down
makes node 2 adopt and announce all N within the request; its duration,
measured around the netlink round trip, is the figure.  Node 1 is set up
again between runs (releasing all); the median of the runs is reported."""
import ipaddress
import json
import statistics
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/helpers")
import ipto_genl as g  # noqa: E402

RUNS = 7


def node_state(nl, node, up):
    t0 = time.perf_counter()
    nl.transact(g.CMD_NODE_SET, g.string(g.A_IFNAME, "ipto0") + g.u32(g.NODE_A_ID, node) +
                g.u8(g.NODE_A_STATE, int(up)))
    return (time.perf_counter() - t0) * 1000


def main():
    nl = g.Genl()
    g.node_add(nl, "ipto0", 2, "self", [ipaddress.IPv4Address("10.9.255.254")], self_=True)
    results = []
    for n in (1, 100, 10000):
        first = ipaddress.IPv4Address("10.9.0.1")
        g.node_add(nl, "ipto0", 1, "peer", [first + i for i in range(n)], standby=(2,))
        runs = []
        for _ in range(RUNS):
            runs.append(node_state(nl, 1, False))
            held = len(nl.dump(g.CMD_ADDR_GET, g.string(g.A_IFNAME, "ipto0")))
            assert held == n, (held, n)
            node_state(nl, 1, True)
        nl.transact(g.CMD_NODE_DEL, g.string(g.A_IFNAME, "ipto0") + g.u32(g.NODE_A_ID, 1))
        results.append({"addresses": n, "median_ms": round(statistics.median(runs), 2),
                        "min_ms": round(min(runs), 2), "max_ms": round(max(runs), 2),
                        "runs": RUNS})
        print("takeover of %5d addresses: median %8.2f ms (min %.2f, max %.2f, %d runs)"
              % (n, results[-1]["median_ms"], min(runs), max(runs), RUNS), flush=True)
    with open(sys.argv[1], "w") as f:
        json.dump({"benchmark": "takeover_time", "results": results}, f, indent=2)


main()

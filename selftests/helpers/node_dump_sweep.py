#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""node_dump_sweep.py DEV MAX - NODE_GET dumps of tables whose node
messages end at every place of a dump's message buffer: node 10 gets K
IPv6 addresses (K = 1..MAX) and node 11 one, and each dump must list every
node once (one first message, the one with its name) and each of its
addresses once.  The kernel fills dump buffers as large as the largest
read so far: reads of 4096 bytes keep them at 4096, so K moves the end of
node 10 over a whole buffer in steps of one address attribute (20 bytes).
Prints "ok: MAX dumps" or what the first bad dump listed, and exits 1."""
import ipaddress
import sys

import ipto_genl as g


def listing(nl, dev):
    """{node id: [number of first messages, [addresses]]} of one dump."""
    nodes = {}
    for msg in nl.dump(g.CMD_NODE_GET, g.string(g.A_IFNAME, dev)):
        node = nodes.setdefault(int.from_bytes(msg[g.NODE_A_ID], "little"), [0, []])
        node[0] += g.NODE_A_NAME in msg
        data = msg.get(g.NODE_A_ADDRS, b"")
        while len(data) >= 4:
            length = int.from_bytes(data[:2], "little")
            node[1].append(ipaddress.ip_address(data[4:length]))
            data = data[(length + 3) & ~3:]
    return nodes


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    dev, most = argv[1], int(argv[2])
    nl = g.Genl(recv_size=4096)
    base = ipaddress.IPv6Address("fd10::1")
    lone = [ipaddress.IPv6Address("fd11::1")]
    for k in range(1, most + 1):
        many = [base + i for i in range(k)]
        g.node_add(nl, dev, 10, "a", many)
        g.node_add(nl, dev, 11, "b", lone)
        nodes = listing(nl, dev)
        for node in (10, 11):
            nl.transact(g.CMD_NODE_DEL, g.string(g.A_IFNAME, dev) + g.u32(g.NODE_A_ID, node))
        bad = [n for n, (firsts, addrs) in nodes.items() if firsts != 1 or len(set(addrs)) != len(addrs)]
        if bad or nodes.get(10, [0, []])[1] != many or nodes.get(11, [0, []])[1] != lone:
            print("K=%d: %s" % (k, ", ".join("node %d: %d first messages, %d addresses"
                                             % (n, f, len(a)) for n, (f, a) in sorted(nodes.items()))))
            return 1
    print("ok: %d dumps" % most)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

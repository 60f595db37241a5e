#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bulk_adopt.py DEV FIRST COUNT [release] - adopts (or releases) COUNT
consecutive IPv4 addresses from FIRST on ipto device DEV, one generic
netlink request each with many in flight, and prints "done COUNT MS"."""
import ipaddress
import os
import struct
import sys
import time

import ipto_genl as g


def main():
    dev, first, count = sys.argv[1], ipaddress.IPv4Address(sys.argv[2]), int(sys.argv[3])
    cmd = g.CMD_ADDR_DEL if len(sys.argv) > 4 and sys.argv[4] == "release" else g.CMD_ADDR_ADD
    nl = g.Genl()
    window, sent, acked, base = 64, 0, 0, nl.seq + 1
    t0 = time.monotonic()
    while acked < count:
        while sent < count and sent - acked < window:
            attrs = g.string(g.A_IFNAME, dev) + g.attr(g.ADDR_A_IPV4, (first + sent).packed)
            if cmd == g.CMD_ADDR_ADD:
                attrs += g.u32(g.ADDR_A_NODE, 1)
            nl.send(cmd, attrs, g.NLM_F_ACK)
            sent += 1
        data = nl.sock.recv(1 << 20)
        while len(data) >= 16:
            length, mtype, _, seq, _ = struct.unpack_from("IHHII", data)
            error = struct.unpack_from("i", data, 16)[0] if mtype == g.NLMSG_ERROR else 0
            if error:
                raise SystemExit("%s: %s" % (first + seq - base, os.strerror(-error)))
            acked += mtype == g.NLMSG_ERROR
            data = data[(length + 3) & ~3:]
    print("done %d %.0f" % (count, (time.monotonic() - t0) * 1000))


main()

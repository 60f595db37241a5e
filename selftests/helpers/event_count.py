#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""event_count.py TYPE N TIMEOUT_S - joins the ipto "events" group of the
current namespace, prints "ready" once it listens, then reads events until
N of type TYPE (ADOPTED, RELEASED, ...: enum ipto_event) arrived or
TIMEOUT_S passed,
and prints "events E datagrams D": E such events, in D datagrams (those
that held at least one of them).  Exit status 1 when fewer than N came."""
import socket
import struct
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import ipto_genl as g  # noqa: E402

CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 7, 1, 2
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1
SO_RCVBUFFORCE = 33


def group_id(name):
    nl = g.Genl()
    nl.family = g.GENL_ID_CTRL
    fam = nl.transact(g.CTRL_CMD_GETFAMILY, g.string(g.CTRL_ATTR_FAMILY_NAME, "ipto"), 0)[0]
    nests = fam[CTRL_ATTR_MCAST_GROUPS]
    while len(nests) >= 4:
        length = struct.unpack_from("H", nests)[0]
        grp = g.parse_attrs(nests[4:length])
        if grp[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode() == name:
            return struct.unpack("I", grp[CTRL_ATTR_MCAST_GRP_ID][:4])[0]
        nests = nests[(length + 3) & ~3:]
    raise SystemExit("no multicast group " + name)


def main():
    want_type = getattr(g, "EVENT_" + sys.argv[1])
    want, timeout = int(sys.argv[2]), float(sys.argv[3])
    nl = g.Genl()
    # Room for a whole takeover's events: the kernel sends them within the
    # request, faster than this reader runs (rmem_max would cap SO_RCVBUF).
    nl.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 26)
    nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group_id(g.MCGRP_EVENTS))
    nl.sock.settimeout(timeout)
    print("ready", flush=True)
    events = datagrams = 0
    try:
        while events < want:
            data = nl.sock.recv(1 << 20)
            seen = 0
            while len(data) >= 16:
                length, mtype = struct.unpack_from("IH", data)
                if mtype == nl.family and data[16] == g.CMD_EVENT:
                    attrs = g.parse_attrs(data[20:length])
                    seen += attrs.get(g.EVENT_A_TYPE, b"\0")[0] == want_type
                data = data[(length + 3) & ~3:]
            events += seen
            datagrams += seen > 0
    except socket.timeout:
        pass
    print("events %d datagrams %d" % (events, datagrams), flush=True)
    return 0 if events >= want else 1


sys.exit(main())

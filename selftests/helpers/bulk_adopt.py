#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bulk_adopt.py DEV FIRST COUNT [release] - adopts (or releases) COUNT
consecutive IPv4 addresses from FIRST on ipto device DEV with one
generic netlink request each, many in flight at once, and prints
"done COUNT MS".  The tests use it to build large tables quickly; iptoctl
is the tool for people."""
import ipaddress
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
IPTO_CMD_ADDR_ADD, IPTO_CMD_ADDR_DEL = 3, 4
IPTO_ADDR_A_IFNAME, IPTO_ADDR_A_IPV4, IPTO_ADDR_A_NODE = 2, 3, 6


def attr(atype, payload):
    pad = (4 - len(payload) % 4) % 4
    return struct.pack("HH", 4 + len(payload), atype) + payload + b"\0" * pad


def message(family, cmd, seq, attrs):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack_from("HH", data)
        out[atype & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def replies(sock):
    """Yields (seq, error, payload) for each message received in one read."""
    data = sock.recv(1 << 20)
    while len(data) >= 16:
        length, mtype, _, seq, _ = struct.unpack_from("IHHII", data)
        payload = data[16:length]
        error = struct.unpack_from("i", payload)[0] if mtype == NLMSG_ERROR else None
        yield seq, error, payload
        data = data[(length + 3) & ~3:]


def family_id(sock, name):
    sock.send(message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                      attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")))
    for _, error, payload in replies(sock):
        if error:
            raise SystemExit("family %s: %s" % (name, os.strerror(-error)))
        return struct.unpack("H", parse_attrs(payload[4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
    raise SystemExit("no answer for family " + name)


def main():
    dev, first, count = sys.argv[1], ipaddress.IPv4Address(sys.argv[2]), int(sys.argv[3])
    cmd = IPTO_CMD_ADDR_DEL if len(sys.argv) > 4 and sys.argv[4] == "release" else IPTO_CMD_ADDR_ADD
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    fam = family_id(sock, "ipto")
    window, sent, acked = 64, 0, 0
    t0 = time.monotonic()
    while acked < count:
        while sent < count and sent - acked < window:
            attrs = attr(IPTO_ADDR_A_IFNAME, dev.encode() + b"\0") + \
                attr(IPTO_ADDR_A_IPV4, (first + sent).packed)
            if cmd == IPTO_CMD_ADDR_ADD:
                attrs += attr(IPTO_ADDR_A_NODE, struct.pack("I", 1))
            sock.send(message(fam, cmd, sent + 2, attrs))
            sent += 1
        for seq, error, _ in replies(sock):
            if error:
                raise SystemExit("%s: %s" % (first + seq - 2, os.strerror(-error)))
            acked += 1
    print("done %d %.0f" % (count, (time.monotonic() - t0) * 1000))


main()

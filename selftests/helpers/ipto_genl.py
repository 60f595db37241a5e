# SPDX-License-Identifier: GPL-2.0
"""ipto_genl.py - a minimal generic netlink client for the "ipto" family,
for tests that need thousands of requests quickly (iptoctl is the tool for
people).  The family's numbers come from ipto_spec.py, generated from
uapi/ipto.yaml; those of netlink itself are below."""
import ctypes
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipto_spec import *  # noqa: E402,F401,F403 (CMD_*, *_A_*: the protocol)

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
A_IFNAME = DEV_A_IFNAME                        # noqa: F405 (attribute 2 of every set)
NLA_F_NESTED = 0x8000


def attr(atype, payload):
    pad = (4 - len(payload) % 4) % 4
    return struct.pack("HH", 4 + len(payload), atype) + payload + b"\0" * pad


def u32(atype, value):
    return attr(atype, struct.pack("I", value))


def u8(atype, value):
    return attr(atype, struct.pack("B", value))


def string(atype, value):
    return attr(atype, value.encode() + b"\0")


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack_from("HH", data)
        out[atype & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def enter_netns(name):
    """Moves this thread into network namespace NAME (ip netns add)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:   # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns " + name)
    os.close(fd)


def node_add(nl, dev, node, name, addrs, standby=(), self_=False):
    """NODE_ADD of ADDRS (ipaddress objects), several nests when they do
    not fit in one attribute."""
    attrs = string(A_IFNAME, dev) + u32(NODE_A_ID, node) + string(NODE_A_NAME, name) + \
        u8(NODE_A_SELF, int(self_))
    for i in range(0, len(addrs), 2000):
        nest = b"".join(attr(NODE_ADDR_A_IPV4 if a.version == 4 else NODE_ADDR_A_IPV6,
                             a.packed) for a in addrs[i:i + 2000])
        attrs += attr(NODE_A_ADDRS | NLA_F_NESTED, nest)
    if standby:
        attrs += attr(NODE_A_STANDBY, b"".join(struct.pack("I", s) for s in standby))
    nl.transact(CMD_NODE_ADD, attrs)


class Genl:
    """A socket bound to the namespace the thread is in when it is made."""

    def __init__(self, family="ipto", recv_size=1 << 20):
        """recv_size: the largest datagram read; the kernel sizes its dump
        messages to the largest read so far (at least NLMSG_GOODSIZE)."""
        self.recv_size = recv_size
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.seq = 1
        self.family = GENL_ID_CTRL
        msgs = self.transact(CTRL_CMD_GETFAMILY, string(CTRL_ATTR_FAMILY_NAME, family), 0)
        self.family = struct.unpack("H", msgs[0][CTRL_ATTR_FAMILY_ID][:2])[0]

    def send(self, cmd, attrs, flags):
        self.seq += 1
        body = struct.pack("BBH", cmd, FAMILY_VERSION, 0) + attrs  # noqa: F405
        self.sock.send(struct.pack("IHHII", 16 + len(body), self.family,
                                   NLM_F_REQUEST | flags, self.seq, 0) + body)
        return self.seq

    def transact(self, cmd, attrs, flags=NLM_F_ACK):
        """Sends one request; returns the answers' attributes, raises
        OSError on an error answer."""
        seq = self.send(cmd, attrs, flags)
        out = []
        while True:
            data = self.sock.recv(self.recv_size)
            while len(data) >= 16:
                length, mtype, _, mseq, _ = struct.unpack_from("IHHII", data)
                payload = data[16:length]
                data = data[(length + 3) & ~3:]
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    error = struct.unpack_from("i", payload)[0]
                    if error:
                        raise OSError(-error, os.strerror(-error))
                    return out
                if mtype == NLMSG_DONE:
                    return out
                out.append(parse_attrs(payload[4:]))
                if not flags & (NLM_F_ACK | NLM_F_DUMP):
                    return out

    def dump(self, cmd, attrs):
        return self.transact(cmd, attrs, NLM_F_DUMP)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hb_capture.py IFACE SRC PORT COUNT OUT - records COUNT heartbeats that
SRC (IPv4) sends to PORT, as they arrive on IFACE (raw frames: the port
stays with the daemon that owns it), into OUT in ipto-hbforge's capture
format (each a 2-byte big-endian length, then the datagram).  Connection
sync shares the port: its datagrams, which start with "IPTC", are not
heartbeats and are left out."""
import socket
import struct
import sys

iface, src, port, count, out = sys.argv[1], socket.inet_aton(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((iface, 0))
s.settimeout(10)
got = []
while len(got) < count:
    frame = s.recv(4096)
    ip = frame[14:]
    if len(ip) < 28 or ip[9] != 17 or ip[12:16] != src:
        continue
    ihl = (ip[0] & 0x0F) * 4
    udp = ip[ihl:]
    dport, length = struct.unpack("!HH", udp[2:6])
    if dport == port and not udp[8:12] == b"IPTC":
        got.append(udp[8:length])
with open(out, "wb") as f:
    for d in got:
        f.write(struct.pack("!H", len(d)) + d)
print("captured %d" % len(got))

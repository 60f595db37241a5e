#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""spoofed_ping.py IFACE DST_MAC DST_ADDR SRC_ADDR - three ICMP or ICMPv6
echo requests to DST_ADDR, in Ethernet frames sent to DST_MAC on IFACE,
with any source address (a broadcast, multicast or zero one too), then a
second of listening on IFACE for echo replies to them, from anyone to
anywhere.  Prints "replies N" (the requests' id names them)."""
import os
import socket
import struct
import sys
import time

from packet import csum

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD


def request(dst, src, ident, seq):
    payload = b"ipto-spoofed-ping"
    if ":" in dst:
        d, s = socket.inet_pton(socket.AF_INET6, dst), socket.inet_pton(socket.AF_INET6, src)
        icmp = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
        pseudo = s + d + struct.pack("!I3xB", len(icmp), 58)
        icmp = icmp[:2] + struct.pack("!H", csum(pseudo + icmp)) + icmp[4:]
        ip = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 64) + s + d
        return ETH_P_IPV6, ip + icmp
    d, s = socket.inet_aton(dst), socket.inet_aton(src)
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0) + s + d
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ETH_P_IP, ip + icmp


def is_reply(frame, ident):
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == ETH_P_IP and len(frame) >= 14 + 20 + 8:
        ihl = (frame[14] & 0x0F) * 4
        icmp = frame[14 + ihl:]
        return frame[23] == 1 and len(icmp) >= 8 and icmp[0] == 0 and \
            struct.unpack("!H", icmp[4:6])[0] == ident
    if ethertype == ETH_P_IPV6 and len(frame) >= 14 + 40 + 8:
        icmp = frame[54:]
        return frame[20] == 58 and icmp[0] == 129 and struct.unpack("!H", icmp[4:6])[0] == ident
    return False


def main(argv):
    if len(argv) != 5:
        raise SystemExit(__doc__)
    iface, dst_mac, dst, src = argv[1:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    own_mac = s.getsockname()[4]
    ident = os.getpid() & 0xFFFF
    for seq in range(3):
        ethertype, packet = request(dst, src, ident, seq)
        s.send(bytes.fromhex(dst_mac.replace(":", "")) + own_mac +
               struct.pack("!H", ethertype) + packet)
        time.sleep(0.1)
    replies = 0
    deadline = time.monotonic() + 1.0
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            frame, addr = s.recvfrom(2048)
        except socket.timeout:
            break
        if addr[2] != socket.PACKET_OUTGOING and is_reply(frame, ident):
            replies += 1
    print("replies %d" % replies)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""echo_server.py PORT [BANNER] - a TCP and UDP echo service on every
address of the namespace (IPv4 and IPv6); a TCP connection first receives
BANNER and a newline, so a client can tell which node served it."""
import socket
import sys
import threading

port = int(sys.argv[1])
banner = (sys.argv[2] if len(sys.argv) > 2 else socket.gethostname()).encode() + b"\n"


def serve_tcp(conn):
    with conn:
        conn.sendall(banner)
        while data := conn.recv(4096):
            conn.sendall(data)


def tcp(family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(64)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve_tcp, args=(conn,), daemon=True).start()


def udp(family, addr):
    """Answers from the address each datagram was sent to (the packet info
    comes back in the reply), as a connected UDP client requires."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    else:
        # IP_PKTINFO (8 on Linux); Python 3.11 does not export the name.
        s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_PKTINFO", 8), 1)
    s.bind((addr, port))
    while True:
        data, ancillary, _, peer = s.recvmsg(4096, socket.CMSG_SPACE(64))
        s.sendmsg([data], ancillary, 0, peer)


threads = [threading.Thread(target=f, args=a, daemon=True)
           for f in (tcp, udp)
           for a in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::"))]
for t in threads:
    t.start()
print("listening", flush=True)
for t in threads:
    t.join()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""answer_sampler.py IFACE ADDR PORT NAME=MAC... -- who answers ADDR, sample
by sample, seen from a client on the LAN with raw frames (IPv4).

Every sample sends one broadcast ARP request for ADDR and, to each named
node's MAC, a TCP SYN for ADDR:PORT, then collects answers for WINDOW_MS
(environment, default 15): ARP replies for ADDR (by the replying MAC) and
TCP segments from ADDR:PORT (SYN-ACK or RST, by source MAC).  A sample is
"answered by" the nodes whose MAC sent any of them.  Each sample prints
"sample EPOCH NAMES" ("-" for none), flushed.  Runs until SIGTERM or until
the file STOP (environment, optional) exists, then prints:

    samples N dual N none N NAME N ...   (N: samples answered by just NAME)
    first NAME EPOCH last NAME EPOCH ... (first/last sample each answered)

and, one per line, "dual EPOCH NAMES" for every sample answered by two."""
import os
import random
import select
import signal
import socket
import struct
import sys
import time

from packet import csum

ETH_P_ALL, ETH_P_ARP, ETH_P_IP = 0x0003, 0x0806, 0x0800

iface, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
nodes = {}
for arg in sys.argv[4:]:
    name, mac = arg.split("=", 1)
    nodes[bytes.fromhex(mac.replace(":", ""))] = name
window = float(os.environ.get("WINDOW_MS", "15")) / 1000
stop_file = os.environ.get("STOP")

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
s.bind((iface, 0))
s.setblocking(False)
my_mac = s.getsockname()[4]
my_ip = socket.inet_aton(os.popen(
    "ip -4 -o addr show dev %s | awk '{print $4}' | cut -d/ -f1 | head -1" % iface).read().strip())
target = socket.inet_aton(addr)


def arp_request():
    eth = b"\xff" * 6 + my_mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 1) + my_mac + my_ip + b"\0" * 6 + target
    return eth + arp


def syn(dst_mac, sport):
    tcp = struct.pack("!HHIIBBHHH", sport, port, random.getrandbits(32), 0, 5 << 4, 0x02,
                      64240, 0, 0)
    pseudo = my_ip + target + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64,
                     6, 0, my_ip, target)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst_mac + my_mac + struct.pack("!H", ETH_P_IP) + ip + tcp


def answered_by(frame, sports):
    """The node name of the MAC that sent a relevant answer, or None."""
    if len(frame) < 14 or frame[6:12] not in nodes:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    if etype == ETH_P_ARP and len(frame) >= 42:
        op = struct.unpack("!H", frame[20:22])[0]
        if op == 2 and frame[28:32] == target:
            return nodes[frame[6:12]]
    elif etype == ETH_P_IP and len(frame) >= 34 + 20 and frame[23] == 6:
        ihl = (frame[14] & 0x0F) * 4
        tcp = frame[14 + ihl:]
        if frame[26:30] == target and len(tcp) >= 4:
            sp, dp = struct.unpack("!HH", tcp[:4])
            if sp == port and dp in sports:
                return nodes[frame[6:12]]
    return None


running = True


def on_term(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, on_term)
counts = {"samples": 0, "dual": 0, "none": 0}
counts.update({n: 0 for n in nodes.values()})
first, last, duals = {}, {}, []
k = 0
while running and not (stop_file and os.path.exists(stop_file)):
    k += 1
    sports = set()
    s.send(arp_request())
    for mac in nodes:
        sport = 20000 + (k * len(nodes) + len(sports)) % 40000
        sports.add(sport)
        s.send(syn(mac, sport))
    seen = set()
    deadline = time.monotonic() + window
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([s], [], [], left)[0]:
            break
        try:
            frame = s.recv(2048)
        except BlockingIOError:
            continue
        who = answered_by(frame, sports)
        if who:
            seen.add(who)
    t = time.time()
    print("sample %.6f %s" % (t, ",".join(sorted(seen)) or "-"), flush=True)
    counts["samples"] += 1
    if len(seen) > 1:
        counts["dual"] += 1
        duals.append("dual %.6f %s" % (t, ",".join(sorted(seen))))
    elif not seen:
        counts["none"] += 1
    else:
        (who,) = seen
        counts[who] += 1
    for who in seen:
        first.setdefault(who, t)
        last[who] = t
print(" ".join("%s %d" % kv for kv in counts.items()))
print(" ".join("first %s %.6f last %s %.6f" % (n, first[n], n, last[n]) for n in sorted(first)))
for line in duals:
    print(line)

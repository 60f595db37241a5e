#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""notify_listen.py PATH - plays the service manager's notification socket
(NOTIFY_SOCKET=PATH) for daemons started by a test: binds a datagram socket
at PATH and prints one line per message, flushed at once,
"T PID MESSAGE" (T: CLOCK_MONOTONIC seconds at arrival, PID: the sender's,
from its credentials; the message's lines joined by spaces)."""
import os
import socket
import struct
import sys
import time

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
if os.path.exists(path):
    os.unlink(path)
sock.bind(path)
creds_len = struct.calcsize("3i")
while True:
    data, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(creds_len))
    pid = 0
    for level, kind, value in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("3i", value[:creds_len])[0]
    text = " ".join(data.decode(errors="replace").split("\n")).strip()
    sys.stdout.write(f"{time.monotonic():.6f} {pid} {text}\n")
    sys.stdout.flush()

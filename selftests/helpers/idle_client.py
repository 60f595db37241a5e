#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""idle_client.py LIMIT_S PORT LABEL=ADDR... - idle TCP connections, as a
client that waits on its server's next message, with the kernel's own TCP
stack.  Each connection to ADDR:PORT (the echo service) receives the
banner, sends a line and reads it back, so that it is established and
carried data both ways; then one thread per connection blocks in recv(),
on a blocking socket whose only timeout is the safety limit LIMIT_S
(SO_RCVTIMEO).  Connecting retries for LIMIT_S while the service is not up
yet.  Lines on stdout, flushed:

    conn LABEL LOCAL_PORT                   each connection, once open
    ready                                   all open, the waits begin
    end LABEL OUTCOME EPOCH_US BLOCKED_MS   a recv() ended

OUTCOME: reset (ECONNRESET), timeout (the safety limit), data (bytes came),
closed (the server's FIN), error-ERRNO.  EPOCH_US: when (CLOCK_REALTIME,
microseconds, as bash's EPOCHREALTIME reads it without a process);
BLOCKED_MS: how long the recv() was blocked (CLOCK_MONOTONIC)."""
import errno
import socket
import struct
import sys
import threading
import time

limit = float(sys.argv[1])
port = int(sys.argv[2])
conns = [arg.split("=", 1) for arg in sys.argv[3:]]
out_lock = threading.Lock()


def say(line):
    with out_lock:
        print(line, flush=True)


def recv_line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(256)
        if not chunk:
            raise ConnectionError("closed by the server")
        data += chunk
    return data


def connect(addr, deadline):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect((addr, port))
            recv_line(s)
            s.sendall(b"hello\n")
            if recv_line(s) != b"hello\n":
                raise SystemExit("%s: the echo service did not echo" % addr)
            break
        except OSError as exc:
            s.close()
            if time.monotonic() > deadline:
                raise SystemExit("%s port %d: %s" % (addr, port, exc))
            time.sleep(0.05)
    s.settimeout(None)
    sec = int(limit)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                 struct.pack("@ll", sec, int((limit - sec) * 1e6)))
    return s


def wait(label, s):
    t0 = time.monotonic()
    err = 0
    try:
        data = s.recv(4096)
    except OSError as exc:
        data, err = b"", exc.errno
    end_us = time.time_ns() // 1000
    blocked_ms = (time.monotonic() - t0) * 1000
    if err == errno.ECONNRESET:
        what = "reset"
    elif err in (errno.EAGAIN, errno.EWOULDBLOCK):
        what = "timeout"
    elif err:
        what = "error-" + errno.errorcode.get(err, str(err))
    else:
        what = "data" if data else "closed"
    say("end %s %s %d %.1f" % (label, what, end_us, blocked_ms))


deadline = time.monotonic() + limit
socks = []
for label, addr in conns:
    s = connect(addr, deadline)
    socks.append((label, s))
    say("conn %s %d" % (label, s.getsockname()[1]))
threads = [threading.Thread(target=wait, args=c) for c in socks]
for t in threads:
    t.start()
say("ready")
for t in threads:
    t.join()

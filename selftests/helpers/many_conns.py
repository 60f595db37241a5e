#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""many_conns.py - many idle TCP connections, with the kernel's own TCP
stack on both ends, in one process each (epoll, no thread per connection).

    many_conns.py serve ADDR PORT
        accepts every connection on ADDR:PORT and holds it open, silent.
    many_conns.py churn ADDR PORT RATE SECONDS
        opens RATE connections a second to ADDR:PORT, in batches every
        100 ms, and closes each about a second after it opened, for
        SECONDS; prints "churned OPENED" at the end.
    many_conns.py connect ADDR PORT N LIMIT_S
        opens N connections to ADDR:PORT, 500 at a time, prints "ready N"
        once all are established, then waits (at most LIMIT_S) until each
        one ends, and prints one line:
            done RESET OTHER OPEN FIRST_US LAST_US
        RESET: ended with ECONNRESET; OTHER: ended otherwise; OPEN: still
        open at the limit; FIRST_US and LAST_US: when the first and the
        last reset came (CLOCK_REALTIME, microseconds, as bash's
        EPOCHREALTIME reads it), 0 without any.

Raise the open-file limit first (ulimit -n): each connection is a file."""
import errno
import select
import socket
import sys
import time


def serve(addr, port):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(4096)
    held = []
    while True:
        conn, _ = s.accept()
        held.append(conn)


def connect(addr, port, n, limit):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    socks = []
    ep = select.epoll()
    while len(socks) < n:
        batch = []
        for _ in range(min(500, n - len(socks))):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            err = s.connect_ex((addr, port))
            if err not in (0, errno.EINPROGRESS):
                raise SystemExit("connect: %s" % errno.errorcode.get(err, err))
            batch.append(s)
            ep.register(s.fileno(), select.EPOLLOUT)
        pending = {s.fileno(): s for s in batch}
        deadline = time.monotonic() + limit
        while pending:
            if time.monotonic() > deadline:
                raise SystemExit("%d connections not established in %d s" %
                                 (len(pending), limit))
            for fd, _ in ep.poll(1):
                s = pending.pop(fd, None)
                if s is None:
                    continue
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise SystemExit("connect: %s" % errno.errorcode.get(err, err))
                ep.unregister(fd)
        socks += batch
    print("ready %d" % len(socks), flush=True)

    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        ep.register(fd, select.EPOLLIN | select.EPOLLRDHUP)
    reset = other = 0
    first = last = 0
    deadline = time.monotonic() + limit
    while by_fd and time.monotonic() < deadline:
        for fd, _ in ep.poll(1):
            s = by_fd.pop(fd, None)
            if s is None:
                continue
            ep.unregister(fd)
            try:
                s.recv(1)
                other += 1
            except ConnectionResetError:
                reset += 1
                last = int(time.time() * 1e6)
                first = first or last
            except OSError:
                other += 1
    print("done %d %d %d %d %d" % (reset, other, len(by_fd), first, last), flush=True)


def churn(addr, port, rate, seconds):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    live = []
    opened = 0
    start = time.monotonic()
    tick = 0
    while time.monotonic() - start < seconds:
        tick += 1
        for _ in range(rate // 10):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((addr, port))
            live.append((time.monotonic(), s))
            opened += 1
        while live and time.monotonic() - live[0][0] > 1.0:
            live.pop(0)[1].close()
        time.sleep(max(0.0, start + tick * 0.1 - time.monotonic()))
    for _, s in live:
        s.close()
    print("churned %d" % opened, flush=True)


if sys.argv[1] == "serve":
    serve(sys.argv[2], int(sys.argv[3]))
elif sys.argv[1] == "churn":
    churn(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
else:
    connect(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""client.py - the client side of the data-plane tests, with the kernel's
own TCP/UDP stack.  Every command prints one line: an outcome word and the
milliseconds it took.  A new TCP connection is selftests/tools/ipto-connect.

  client.py udp ADDR PORT TIMEOUT_S        connected UDP send + receive:
                                           "ok MS", "refused MS", "timeout MS"
  client.py watch ADDR PORT SECONDS        tries a new connection every few
                                           ms until one is refused; prints
                                           "watching", then "refused EPOCH
                                           ATTEMPTS" (EPOCH 0: never)
  client.py open DIR ADDR PORT             keeps connections open across a
                                           takeover, driven by files in DIR
                                           (see open_connections)
"""
import errno
import os
import select
import socket
import sys
import time


def now_ms():
    return time.monotonic() * 1000.0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def outcome(exc):
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    return "error %s" % errno.errorcode.get(exc.errno, exc.errno)


def tcp_connect(addr, port, timeout):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((addr, port))
    return s


def udp_socket(addr, port, timeout):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.connect((addr, port))
    return s


def udp_roundtrip(s):
    t0 = now_ms()
    try:
        s.send(b"ping")
        s.recv(64)
        return "ok %.1f" % (now_ms() - t0)
    except OSError as exc:
        return "%s %.1f" % (outcome(exc), now_ms() - t0)


def cmd_udp(addr, port, timeout):
    with udp_socket(addr, port, timeout) as s:
        return udp_roundtrip(s)


def cmd_watch(addr, port, seconds):
    """Short attempts (20 ms each, far below the first SYN retransmission),
    so that a refusal is seen as soon as the address answers."""
    print("watching", flush=True)
    deadline = time.monotonic() + seconds
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        try:
            tcp_connect(addr, port, 0.02).close()
        except ConnectionRefusedError:
            return "refused %.6f %d" % (time.time(), attempts)
        except OSError:
            pass
    return "refused 0 %d" % attempts


def wait_file(path, timeout=120):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for " + path)
        time.sleep(0.01)


def write_until_error(s, timeout):
    """Writes once, then waits up to TIMEOUT seconds for the connection to
    fail; returns the outcome and the milliseconds since the write."""
    t0 = now_ms()
    try:
        s.send(b"x\n")
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([s], [], [], left)
            if readable and not s.recv(4096):
                return "closed %.1f" % (now_ms() - t0)
        return "none %.1f" % (now_ms() - t0)
    except OSError as exc:
        return "%s %.1f" % (outcome(exc), now_ms() - t0)


def open_connections(rundir, addr, port):
    """Opens a measured and a control TCP connection and a connected UDP
    socket, all answered by the service; writes DIR/ready.  At DIR/cut the
    control connection writes and must see no error for 2 s (the peer is
    gone, TCP retransmits).  At DIR/adopted the measured connection writes
    and times its error, and so does the UDP socket.  Results go to
    DIR/result, one "name outcome ms" line each."""
    conn = tcp_connect(addr, port, 5)
    control = tcp_connect(addr, port, 5)
    udp = udp_socket(addr, port, 5)
    for s in (conn, control):
        s.recv(256)
        s.send(b"hello\n")
        s.recv(256)
    if not udp_roundtrip(udp).startswith("ok"):
        raise SystemExit("udp echo does not answer")
    results = []
    open(os.path.join(rundir, "ready"), "w").close()

    wait_file(os.path.join(rundir, "cut"))
    results.append("control " + write_until_error(control, 2.0))
    open(os.path.join(rundir, "control-done"), "w").close()

    wait_file(os.path.join(rundir, "adopted"))
    results.append("write " + write_until_error(conn, 5.0))
    udp.settimeout(2.0)
    results.append("udp " + udp_roundtrip(udp))
    with open(os.path.join(rundir, "result.tmp"), "w") as f:
        f.write("\n".join(results) + "\n")
    os.rename(os.path.join(rundir, "result.tmp"), os.path.join(rundir, "result"))


def main(argv):
    cmd = argv[1]
    if cmd == "udp":
        print(cmd_udp(argv[2], int(argv[3]), float(argv[4])))
    elif cmd == "watch":
        print(cmd_watch(argv[2], int(argv[3]), float(argv[4])))
    elif cmd == "open":
        open_connections(argv[2], argv[3], int(argv[4]))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)

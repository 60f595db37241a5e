#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""failover_client.py PORT ADDR... - a client with an ordered address list,
as cluster clients are: each round it connects to the first address, sends
a request and reads the answer (the echo service's banner), and moves on to
the next address at the first error (a refused connection, a reset one, an
unreachable network).  Connecting has no timeout of its own beyond
TIMEOUT_S (environment, default 30: the kernel's SYN retransmissions
decide); the answer must come within ANSWER_TIMEOUT_S (default 1), as an
application's request timeout: a server that accepted the connection and
died before answering leaves nothing to retransmit, so nothing any node
could answer with an error.  A round ends at the first address that serves.
One line per attempt, flushed:

    EPOCH ok ADDR BANNER | EPOCH refused ADDR | EPOCH timeout ADDR | ...

EPOCH is the time the attempt ended (CLOCK_REALTIME, seconds).  Rounds
start every 20 ms until the process is killed."""
import os
import socket
import sys
import time

port = int(sys.argv[1])
addrs = sys.argv[2:]
timeout = float(os.environ.get("TIMEOUT_S", "30"))
answer_timeout = float(os.environ.get("ANSWER_TIMEOUT_S", "1"))


def attempt(addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        s.settimeout(answer_timeout)
        s.sendall(b"hello\n")
        banner = s.makefile().readline().strip()
        if not banner:
            return "closed", ""
        return "ok", banner
    except ConnectionRefusedError:
        return "refused", ""
    except ConnectionResetError:
        return "reset", ""
    except (socket.timeout, TimeoutError):
        return "timeout", ""
    except OSError as e:
        return "error-%d" % e.errno, ""
    finally:
        s.close()


while True:
    start = time.monotonic()
    for addr in addrs:
        what, banner = attempt(addr)
        print("%.6f %s %s %s" % (time.time(), what, addr, banner), flush=True)
        if what == "ok":
            break
    time.sleep(max(0.0, 0.02 - (time.monotonic() - start)))

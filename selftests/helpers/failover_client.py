#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""failover_client.py PORT ADDR... - a client with an ordered address list,
as cluster clients are: each round it connects to the first address and
moves on to the next at the first error (a refused connection, an
unreachable network), with no connect timeout of its own beyond TIMEOUT_S
(environment, default 30: the kernel's SYN retransmissions decide).  A
round ends at the first address that serves.  One line per attempt, flushed:

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


def attempt(addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        banner = s.makefile().readline().strip()
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

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stamp.py - copies stdin to stdout line by line, each line prefixed with
the wall-clock time it arrived (seconds since the epoch), flushed at once:
a timeline of a program's log that has no time stamps of its own."""
import sys
import time

for line in sys.stdin:
    sys.stdout.write(f"{time.time():.6f} {line}")
    sys.stdout.flush()

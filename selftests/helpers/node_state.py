#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""node_state.py DEV NODE up|down - reports a node's state to the ipto
device DEV of this namespace, as membership does, and prints the wall-clock
time taken just before the request went to the kernel, so a test can time
what follows from the request itself rather than from a process start."""
import sys
import time

import ipto_genl as g

nl = g.Genl()
attrs = g.string(g.A_IFNAME, sys.argv[1]) + g.u32(g.NODE_A_ID, int(sys.argv[2])) + \
    g.u8(g.NODE_A_STATE, int(sys.argv[3] == "up"))
t = time.time()
nl.transact(g.CMD_NODE_SET, attrs)
print("%.6f" % t)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""consistency.py DECIDE SEED SEQUENCES NS... - random sequences of node
up/down events applied to the same table in several namespaces (one per
node, node i's own in NS i); after every event, each node's address must be
adopted by at most one namespace, and by exactly the namespace of the node
the reference function (DECIDE, the ipto-decide tool built from decide.c)
names.  The table must match TABLE below.  Prints the seed and a summary;
exits 1 at the first disagreement."""
import random
import subprocess
import sys

import ipto_genl as g

TABLE = """failback auto
node 1 up standby 2,3
node 2 up standby 3,1
node 3 up failover off standby 1,2
service 1 web failover on standby 3
"""
NODES = (1, 2, 3)


def address(node):
    return bytes((10, 1, 0, node))


def main():
    decide, seed, sequences, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    rng = random.Random(seed)
    print("seed %d" % seed, flush=True)

    # The events, and the reference function's answer after each.
    events, state = [], {n: True for n in NODES}
    for _ in range(sequences):
        for n in NODES:                 # each sequence starts all up
            if not state[n]:
                state[n] = True
                events.append((n, True))
        for _ in range(rng.randint(1, 4)):
            n = rng.choice(NODES)
            state[n] = not state[n]
            events.append((n, state[n]))
    script = TABLE + "".join("set %d %s\ndecide\n" % (n, "up" if up else "down") for n, up in events)
    out = subprocess.run([decide], input=script, capture_output=True, text=True, check=True)
    predictions = [line.split("|")[0].split()[1:] for line in out.stdout.splitlines()]
    assert len(predictions) == len(events), (len(predictions), len(events))

    socks = []
    for name in names:
        g.enter_netns(name)
        socks.append(g.Genl())
    for i, ((node, up), owners) in enumerate(zip(events, predictions)):
        for nl in socks:
            nl.transact(g.CMD_NODE_SET, g.string(g.A_IFNAME, "ipto0") + g.u32(g.NODE_A_ID, node) +
                        g.u8(g.NODE_A_STATE, int(up)))
        holders = {}
        for k, nl in enumerate(socks):
            for a in nl.dump(g.CMD_ADDR_GET, g.string(g.A_IFNAME, "ipto0")):
                holders.setdefault(a[g.ADDR_A_IPV4], []).append(k + 1)
        for pair in owners:
            home, owner = map(int, pair.split("="))
            want = [] if owner in (0, home) else [owner]
            have = holders.get(address(home), [])
            if have != want:
                print("event %d (node %d %s): node %d's address held by %s, reference says %s"
                      % (i, node, "up" if up else "down", home, have or "nobody",
                         want or "nobody"))
                sys.exit(1)
    print("ok %d events in %d sequences, %d namespaces agree with the reference"
          % (len(events), sequences, len(socks)))


main()

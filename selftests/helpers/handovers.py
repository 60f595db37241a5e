#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""handovers.py ANSWERS FAULTS: from ipto-answers' rounds (who answered
node 1's address, every few ms) and the test's fault log ("fault MS NAME"
and "heal MS NAME" lines, NAME's first word the fault's kind), the
handovers between node1 and node2 and, per kind, what a fault matrix
reports.  Prints "handovers TO_NODE2 TO_NODE1", then per kind
"kind KIND EPISODES MOVED SMALLEST_MARGIN SMALLEST_MARGIN_BACK
MEDIAN_FAILOVER LONGEST_SILENCE" (ms; -1: none).  A handover is a round
answered by one node after rounds last answered by the other; its margin
is the time from the other's last answer.  Used by iptod_faults.sh and
iptod_corosync.sh."""
import sys
rounds = []
for line in open(sys.argv[1]):
    f = line.split()
    if f[:1] == ["round"]:
        rounds.append((int(f[3]), {n for n in f[5].split(",") + f[7].split(",") if n != "-"}))
events = [line.split(None, 2) for line in open(sys.argv[2])]
handovers = {"node1": 0, "node2": 0}
owner = None
for t, who in rounds:
    for n in who:
        if owner and n != owner:
            handovers[n] = handovers.get(n, 0) + 1
    if len(who) == 1:
        owner = next(iter(who))
def handover(since, until, new, old):
    """The first round in [since, until) that new answered, and the margin."""
    first = next((t for t, who in rounds if since <= t < until and new in who), None)
    if first is None:
        return None, None
    before = [t for t, who in rounds if t < first and old in who]
    return first, first - before[-1] if before else None
def longest_gap(since, until):
    """The longest time without an answer between rounds in [since, until)."""
    answered = [t for t, who in rounds if since <= t < until and who]
    return max((b - a for a, b in zip(answered, answered[1:])), default=-1)
kinds, moved = {}, False
for i, (what, t, name) in enumerate(events):
    t, kind = int(t), name.split()[0]
    until = int(events[i + 1][1]) if i + 1 < len(events) else 1 << 62
    k = kinds.setdefault(kind, {"n": 0, "moved": 0, "margins": [], "back": [], "failover": [],
                                "gap": -1})
    k["gap"] = max(k["gap"], longest_gap(t, until))
    if what == "fault":
        k["n"] += 1
        first, margin = handover(t, until, "node2", "node1")
        moved = first is not None
        if moved:
            k["moved"] += 1
            k["margins"].append(margin if margin is not None else -1)
            k["failover"].append(first - t)
    elif moved:
        first, margin = handover(t, until, "node1", "node2")
        if first is not None and margin is not None:
            k["back"].append(margin)
def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else -1
print("handovers", handovers["node2"], handovers["node1"])
for kind, k in kinds.items():
    print("kind", kind, k["n"], k["moved"], min(k["margins"], default=-1),
          min(k["back"], default=-1), median(k["failover"]), k["gap"])

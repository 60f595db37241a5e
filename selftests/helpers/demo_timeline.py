#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""demo_timeline.py --cut-start T --cut T --heal-start T --heal T --back T
                   --dir DIR --nodes "a b c"

The end of "make demo": merges what every party saw into one timeline,
with t = 0 when the command that cut the first node's LAN port returned
(the port goes down while it runs: --cut-start), and says whether the
story happened (exit 0) or what did not (exit 1).  Reads from DIR:
  NODE.log          iptod's log of each node, lines time-stamped by stamp.py
  NODE.mac          the MAC address of the node's LAN port
  client-neigh.log  the client's "ip monitor neigh", time-stamped
  probe-new.json    ipto-probe -j, a new connection per request
  probe-open.json   ipto-probe -j -k, one connection kept open
  probe-back.json   ipto-probe -j -c 1 against the first address, at the end
"""
import argparse
import json
import os
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--cut-start", type=float, required=True)
ap.add_argument("--cut", type=float, required=True)
ap.add_argument("--heal-start", type=float, required=True)
ap.add_argument("--heal", type=float, required=True)
ap.add_argument("--back", type=float, required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--nodes", required=True)
args = ap.parse_args()
nodes = args.nodes.split()
first, second = nodes[0], nodes[1]
events = []	# (time, who, what)


def read(name):
    try:
        with open(os.path.join(args.dir, name)) as f:
            return f.read().splitlines()
    except OSError:
        return []


def probe(name):
    out = []
    for line in read(name):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


macs = {}
for node in nodes:
    for mac in read(node + ".mac"):
        macs[mac.strip().lower()] = node

def said(attempt):
    """What the server said, when the probe sent a request."""
    return f": \"{attempt['reply']}\"" if "reply" in attempt else ""


# iptod: the membership and kernel events from just before the cut on.
LOG = re.compile(r"^(\d+\.\d+) iptod\[(\w+)\]: (.*?)((?: [A-Z_]+=\S*)*)$")
adopted_by = None
unfenced_after_heal, released_after_heal = [], []
for node in nodes:
    for line in read(node + ".log"):
        m = LOG.match(line)
        if not m or float(m.group(1)) < args.cut_start - 0.2 or "EVENT=" not in m.group(4):
            continue
        t, text = float(m.group(1)), m.group(3)
        events.append((t, node, text if text.startswith("kernel: ") else "iptod: " + text))
        if t >= args.heal_start and text == "kernel: unfenced" and node == first:
            unfenced_after_heal.append(t)
        if t >= args.heal_start and text.startswith("kernel: released ") and node != first:
            released_after_heal.append(t)
        if text.startswith("kernel: adopted ") and t < args.heal and adopted_by is None:
            adopted_by = (node, text.split()[2])

# The client's neighbour table: whose MAC each address resolves to.
NEIGH = re.compile(r"^(\d+\.\d+) (\S+) dev \S+ lladdr (\S+)")
seen = {}
for line in read("client-neigh.log"):
    m = NEIGH.match(line)
    if not m:
        continue
    t, addr, mac = float(m.group(1)), m.group(2), m.group(3).lower()
    if seen.get(addr) not in (None, mac) and t >= args.cut_start:
        events.append((t, "client", f"ARP: {addr} is at {macs.get(mac, mac)}'s MAC now"))
    seen[addr] = mac

# The probes: the last success before the cut, then every error and the
# first success after errors (with the outage it ended).
story = {}
for kind in ("new", "open"):
    attempts = probe(f"probe-{kind}.json")
    before = [a for a in attempts if "result" in a and a["time"] < args.cut_start]
    after = [a for a in attempts if "result" in a and a["time"] >= args.cut_start]
    served_before = [a for a in before if a["result"] == "served"]
    if served_before:
        a = served_before[-1]
        events.append((a["time"], "client", f"'{kind}' served at {a['addr']}{said(a)} "
                       f"({len(served_before)} requests so far)"))
    erred = False
    errors = []
    for a in after:
        if a["result"] == "error":
            erred = True
            errors.append(a)
            events.append((a["time"], "client",
                           f"'{kind}' {a['addr']}: {a['error']} after {a['ms']:.0f} ms"))
        elif erred:
            erred = False
            events.append((a["time"], "client",
                           f"'{kind}' served at {a['addr']}{said(a)}; "
                           f"outage {a.get('outage_ms', 0):.0f} ms"))
            story.setdefault(kind, (errors[:], a))
    summary = next((a["summary"] for a in attempts if "summary" in a), None)
    if summary:
        story.setdefault(kind + "-summary", summary)

events.append((args.cut_start, "LAN", f"ip link set lan-{first} down: {first}'s LAN port goes dark"))
events.append((args.cut, "LAN", "... the command has returned: t = 0"))
events.append((args.heal_start, "LAN", f"ip link set lan-{first} up: {first}'s LAN port comes back"))
events.append((args.heal, "LAN", "... the command has returned"))
back = [a for a in probe("probe-back.json") if a.get("result") == "served"]
if back:
    events.append((back[0]["time"], "client",
                   f"a new client of {back[0]['addr']}: \"{back[0].get('reply', '')}\""))

print(f"{'t (ms)':>9}  {'who':<7} what")
for t, who, what in sorted(events):
    print(f"{(t - args.cut) * 1000:9.0f}  {who:<7} {what}")


def in_flight(error):
    """An attempt that ran out of time and had begun before the cut: its
    request reached the first node, which took it (TCP acknowledged it),
    and the reply was lost with the port.  The client has nothing left to
    send, so nothing can be refused: only its own timeout ends it."""
    return error["error"] == "ETIMEDOUT" and error["time"] - error["ms"] / 1000 < args.cut


# Did the story happen?
problems = []
if adopted_by is None:
    problems.append(f"no node adopted {first}'s addresses after the cut")
refused = 0
for kind, want in (("new", "ECONNREFUSED"), ("open", "ECONNRESET")):
    if kind not in story:
        problems.append(f"the '{kind}' client was not served again after an error")
        continue
    errors, served = story[kind]
    if errors[0]["error"] == want:
        refused += 1
    elif not in_flight(errors[0]):
        problems.append(f"the '{kind}' client saw {errors[0]['error']} first, not {want}")
    if served["addr"] == errors[0]["addr"] or not served.get("reply", second).endswith(second):
        problems.append(f"the '{kind}' client was served at {served['addr']}{said(served)}, "
                        f"not by {second}")
if not refused:
    problems.append("neither client was refused or reset: both were in flight at the cut")
if not released_after_heal:
    problems.append(f"no node released {first}'s addresses after it came back")
elif any(t < min(released_after_heal) for t in unfenced_after_heal):
    problems.append(f"{first} answered for its addresses again before they were released: "
                    "two nodes answered at once")
if not back or not back[0].get("reply", "").endswith(first):
    problems.append(f"{first} does not serve its own address again after coming back")

print()
if adopted_by:
    print(f"{adopted_by[0]} adopted {adopted_by[1]} "
          f"{(next(t for t, w, x in sorted(events) if 'adopted' in x) - args.cut) * 1000:.0f} ms after the cut.")
for kind, what in (("new", "opens a new connection per request"),
                   ("open", "keeps one connection open")):
    if kind in story:
        errors, served = story[kind]
        print(f"The client that {what} got {errors[0]['error']} and was served by "
              f"{second} {served.get('outage_ms', 0):.0f} ms after its last success.")
        if in_flight(errors[0]):
            print(f"  Its request was in flight at the cut: {first} had taken it and its "
                  "reply was lost with the port.  With nothing left to send, nothing can "
                  "be refused; only the client's own timeout ends such a request.")
print("Without a takeover they would have waited for their own timeout: for a new "
      "connection the kernel gives up after 127 s, an open one after about 15 min.")
if problems:
    print("\nThe story did not happen:")
    for p in problems:
        print("  - " + p)
    sys.exit(1)
print("\nThe story happened.")

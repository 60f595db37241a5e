#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""probe_json.py CHECK FILE ARGS... - assertions on ipto-probe's -j output
(one JSON object per attempt, then {"summary": ...}); exit 0 when the check
holds, else 1 with what is wrong on stderr.

  served FILE ADDR MIN        at least MIN attempts were served by ADDR
                              (also works while the probe still writes)
  all_served FILE ADDR N      N requests, each served at once by ADDR
  failover FILE ERR FROM TO MAX_MS
                              every error is ERR on FROM (at least one); the
                              attempt after the last error is served by TO
                              and ends an outage shorter than MAX_MS
  timeouts FILE MIN_MS MAX_MS every attempt is ETIMEDOUT after MIN..MAX ms,
                              and no request was served
  consistent FILE             the summary agrees with the attempt lines
"""
import json
import sys


def load(path, complete=True):
    attempts, summary = [], None
    with open(path) as f:
        for line in f:
            if not line.endswith("\n"):
                break               # a line being written
            obj = json.loads(line)
            if "summary" in obj:
                summary = obj["summary"]
            else:
                attempts.append(obj)
    if complete and summary is None:
        sys.exit(f"{path}: no summary line")
    return attempts, summary


def fail(msg, attempts=()):
    print(msg, file=sys.stderr)
    for a in attempts:
        print("  " + json.dumps(a), file=sys.stderr)
    sys.exit(1)


def served(path, addr, minimum):
    attempts, _ = load(path, complete=False)
    n = sum(1 for a in attempts if a["result"] == "served" and a["addr"] == addr)
    if n < int(minimum):
        fail(f"{n} attempts served by {addr}, not {minimum}")


def all_served(path, addr, n):
    attempts, summary = load(path)
    if len(attempts) != int(n) or summary["requests"] != int(n):
        fail(f"{len(attempts)} attempts, {summary['requests']} requests, not {n}", attempts)
    bad = [a for a in attempts if a["result"] != "served" or a["addr"] != addr]
    if bad:
        fail(f"not served by {addr}:", bad)
    if [a["request"] for a in attempts] != list(range(1, int(n) + 1)):
        fail("requests not numbered 1..N", attempts)


def failover(path, err, src, dst, max_ms):
    attempts, _ = load(path)
    errors = [i for i, a in enumerate(attempts) if a["result"] == "error"]
    if not errors:
        fail("no error at all", attempts[-5:])
    bad = [attempts[i] for i in errors
           if attempts[i]["error"] != err or attempts[i]["addr"] != src]
    if bad:
        fail(f"errors other than {err} on {src}:", bad)
    last = errors[-1]
    if last + 1 >= len(attempts):
        fail("nothing after the last error", attempts[last:])
    after = attempts[last + 1]
    if (after["result"] != "served" or after["addr"] != dst
            or after["request"] != attempts[last]["request"]):
        fail(f"the same request is not served by {dst} right after the error",
             attempts[last:last + 2])
    if "outage_ms" not in after or not after["outage_ms"] < float(max_ms):
        fail(f"outage not under {max_ms} ms", attempts[last:last + 2])
    print(f"{err} on {src} after {attempts[last]['ms']:.1f} ms, then served by "
          f"{dst}: outage {after['outage_ms']:.1f} ms")


def timeouts(path, lo, hi):
    attempts, summary = load(path)
    if not attempts:
        fail("no attempt")
    bad = [a for a in attempts if a["result"] != "error" or a["error"] != "ETIMEDOUT"
           or a["errno"] != 110 or not float(lo) <= a["ms"] <= float(hi)]
    if bad:
        fail(f"not ETIMEDOUT after {lo}..{hi} ms:", bad)
    if summary["served"] != 0:
        fail(f"served {summary['served']}")
    print("; ".join(f"ETIMEDOUT after {a['ms']:.1f} ms" for a in attempts))


def consistent(path):
    attempts, s = load(path)
    requests = sorted({a["request"] for a in attempts})
    served_requests = {a["request"] for a in attempts if a["result"] == "served"}
    errors = {}
    for a in attempts:
        if a["result"] == "error":
            errors[a["error"]] = errors.get(a["error"], 0) + 1
    outages = [a["outage_ms"] for a in attempts if "outage_ms" in a]
    expect = {"requests": len(requests), "served": len(served_requests),
              "failed": len(requests) - len(served_requests),
              "errors": errors, "outages_ms": outages}
    got = {k: s[k] for k in expect}
    if got != expect:
        fail(f"summary {got}, the lines say {expect}")
    if outages and s["outage_max_ms"] != max(outages):
        fail(f"outage_max_ms {s['outage_max_ms']}, the lines say {max(outages)}")
    lat = [a["ms"] for a in attempts if a["result"] == "served"]
    if lat and s["latency_max_ms"] != max(lat):
        fail(f"latency_max_ms {s['latency_max_ms']}, the lines say {max(lat)}")
    if not lat and s["latency_p50_ms"] is not None:
        fail("latency_p50_ms without served attempts")


CHECKS = {"served": served, "all_served": all_served, "failover": failover,
          "timeouts": timeouts, "consistent": consistent}

if len(sys.argv) < 3 or sys.argv[1] not in CHECKS:
    sys.exit(__doc__)
CHECKS[sys.argv[1]](*sys.argv[2:])

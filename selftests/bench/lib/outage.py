#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""outage.py LABEL DESCRIPTION TIMEOUT_MS CUTS OUT.json [EXTRA_JSON] - the
client-observed outages of one system, from the ipto-probe JSON lines
recorded around each cut.

CUTS has a line per cut: "N CUT_EPOCH CONNECT_FILE KEEP_FILE ENDED
NORMAL_MS CUT_BEGIN" (the cut is at CUT_EPOCH, when the command that took
the port down had returned; it began at CUT_BEGIN).  For each probe the outage of a cut is the end ("time") of the
first served attempt begun after the cut ("time" - "ms") minus the cut;
the errors the probe saw in between are kept with it.  Prints the figures
and writes OUT.json (EXTRA_JSON, an object, is merged into it)."""
import json
import statistics
import sys

MODES = ("connect", "keep")


def attempts(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if "result" in obj:
                yield obj


def outage_of(path, cut):
    """(outage ms or None, the errors seen after the cut, the probe's own
    outage_ms of the ending attempt)."""
    errors = []
    for a in attempts(path):
        if a["time"] < cut:
            continue
        if a["result"] == "served" and a["time"] - a["ms"] / 1000 >= cut:
            return round((a["time"] - cut) * 1000, 1), errors, a.get("outage_ms")
        if a["result"] != "served":
            errors.append("%s@%s" % (a.get("error"), a.get("addr")))
    return None, errors, None


def stats(values):
    if not values:
        return {"count": 0, "median_ms": None, "min_ms": None, "max_ms": None}
    return {"count": len(values), "median_ms": round(statistics.median(values), 1),
            "min_ms": min(values), "max_ms": max(values)}


def main():
    label, desc, timeout_ms, cuts_path, out = sys.argv[1:6]
    extra = json.loads(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] else {}
    cuts = []
    with open(cuts_path) as f:
        for line in f:
            n, epoch, conn, keep, _ended, normal_ms, begin = line.split()
            cut = {"cut": int(n), "epoch": float(epoch), "back_to_normal_ms": int(normal_ms),
                   "cut_command_ms": round((float(epoch) - float(begin)) * 1000, 1)}
            for mode, path in zip(MODES, (conn, keep)):
                ms, errors, probe_ms = outage_of(path, float(epoch))
                cut[mode] = {"outage_ms": ms, "errors": errors, "probe_outage_ms": probe_ms}
            cuts.append(cut)
    result = {"benchmark": "outage", "system": label, "description": desc,
              "probe_timeout_ms": int(timeout_ms), "cuts": cuts}
    for mode in MODES:
        values = [c[mode]["outage_ms"] for c in cuts if c[mode]["outage_ms"] is not None]
        result[mode] = stats(values)
        result[mode]["outages_ms"] = values
        result[mode]["unended"] = sum(c[mode]["outage_ms"] is None for c in cuts)
    result.update(extra)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    for c in cuts:
        print("cut %2d: connect %s ms (%s), keep %s ms (%s); normal again after %d ms" % (
            c["cut"], c["connect"]["outage_ms"], " ".join(c["connect"]["errors"][:3]) or "-",
            c["keep"]["outage_ms"], " ".join(c["keep"]["errors"][:3]) or "-",
            c["back_to_normal_ms"]))
    for mode in MODES:
        s = result[mode]
        print("%s %-7s outage: median %s ms, min %s, max %s, %d cuts (%d unended)" % (
            label, mode, s["median_ms"], s["min_ms"], s["max_ms"], s["count"], s["unended"]))
    for k, v in extra.items():
        print("%s: %s" % (k, json.dumps(v)))


main()

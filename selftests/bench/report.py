#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py RESULTS_DIR KERNEL_RELEASE [GUEST_RESULTS] - on the host after
"make bench": reads the benchmarks' JSON for KERNEL_RELEASE from
RESULTS_DIR and writes RESULTS_DIR/RESULTS.md (every figure and the
ratios) and RESULTS_DIR/outage-KERNEL_RELEASE.png (the outage of each
cut, per system and probe mode; gnuplot).  GUEST_RESULTS is the guest's
results.txt: which benchmarks ran, and how long they took."""
import datetime
import glob
import json
import os
import subprocess
import sys
import time

SYSTEMS = ("ipto", "ipto_fast", "corosync_default", "corosync_tuned", "keepalived",
           "keepalived_fast", "none")
MODES = ("connect", "keep")
IDLE_SYSTEMS = ("ipto_sync", "ipto_nosync", "keepalived_fast", "none")
SWITCH_SYSTEMS = ("ipto_drain", "keepalived_priority")


# EARLIER: the benchmarks this run did not measure, whose figures come
# from an earlier run's JSON (name -> the kernel it ran on).
EARLIER = {}
# RUN_START: when this run's guests began (the JSON written since are this
# run's); None: not known, every JSON of the kernel counts as this run's.
RUN_START = None


def load(results, name, kver):
    """name's results on kver, or else the newest earlier run's, noted."""
    path = os.path.join(results, "%s-%s.json" % (name, kver))
    others = sorted(glob.glob(os.path.join(results, "%s-*.json" % name)),
                    key=os.path.getmtime, reverse=True)
    for p in [path] + [o for o in others if o != path]:
        try:
            with open(p) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        kernel = os.path.basename(p)[len(name) + 1:-len(".json")]
        if p != path or (RUN_START and os.path.getmtime(p) < RUN_START):
            EARLIER[name] = kernel
        return data
    return None


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return "{:,.{}f}".format(v, digits)


def ratio(a, b, digits=3):
    if a is None or b is None or b == 0:
        return "n/a"
    return "%.*f" % (digits, a / b)


def commit_of(top):
    try:
        rev = subprocess.run(["git", "-C", top, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return rev or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def guest_runs(path):
    """{bench: (status, ms)} from the guest's RESULT lines."""
    runs = {}
    if not path:
        return runs
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 4 and w[0] == "RESULT":
                    runs[w[1]] = (w[2], int(w[3]))
    except (OSError, ValueError):
        pass
    return runs


def chart(results, kver, outages, timeout_ms):
    """The outage of every cut, per system and mode, on a log scale."""
    systems = [s for s in SYSTEMS if outages.get(s)]
    if not systems:
        return None
    data = os.path.join(results, "outage-%s.dat" % kver)
    png = "outage-%s.png" % kver
    with open(data, "w") as f:
        for mi, mode in enumerate(MODES):
            f.write("# mode %s: x outage_ms\n" % mode)
            for si, s in enumerate(systems):
                for i, v in enumerate(outages[s][mode]["outages_ms"]):
                    # spread the points of one system a little sideways
                    f.write("%.3f %.1f\n" % (si + (mi - 0.5) * 0.36 + (i % 5 - 2) * 0.03,
                                             max(v, 0.1)))
            f.write("\n\n")
        for mi, mode in enumerate(MODES):
            f.write("# mode %s medians: x median_ms\n" % mode)
            for si, s in enumerate(systems):
                m = outages[s][mode]["median_ms"]
                if m is not None:
                    f.write("%.3f %.1f\n" % (si + (mi - 0.5) * 0.36, max(m, 0.1)))
            f.write("\n\n")
    tics = ", ".join('"%s" %d' % (s, i) for i, s in enumerate(systems))
    script = """
set terminal pngcairo size 1000,600 noenhanced
set output '{out}'
set title 'Client-observed outage per cut of node 1 (ipto-probe against [VIP1, VIP2], timeout {t} ms)'
set ylabel 'outage (ms, log scale)'
set logscale y
set yrange [10:*]
set xrange [-0.6:{xmax}]
set xtics ({tics})
set grid ytics
set key top left
set arrow from -0.6,{t} to {xmax},{t} nohead dashtype 2 lc rgb 'gray40'
set label 'probe timeout' at {xmax},{t} right offset 0,0.7 tc rgb 'gray40'
plot '{data}' index 0 using 1:2 with points pt 6 ps 1.2 lc rgb '#1f77b4' title 'connect probe, each cut', \\
     '{data}' index 1 using 1:2 with points pt 8 ps 1.2 lc rgb '#d62728' title 'keep probe, each cut', \\
     '{data}' index 2 using 1:2 with points pt 2 ps 3 lw 2 lc rgb '#1f77b4' title 'connect median', \\
     '{data}' index 3 using 1:2 with points pt 2 ps 3 lw 2 lc rgb '#d62728' title 'keep median'
""".format(out=os.path.join(results, png), data=data, tics=tics, t=timeout_ms,
           xmax=len(systems) - 0.4)
    proc = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    os.unlink(data)
    if proc.returncode:
        sys.stderr.write("report: gnuplot failed: %s\n" % proc.stderr)
        return None
    return png


def main():
    results, kver = sys.argv[1], sys.argv[2]
    runs = guest_runs(sys.argv[3] if len(sys.argv) > 3 else None)
    if runs:
        global RUN_START
        # This run's guests ran right before this report, with some time
        # to boot and build around the benchmarks.
        RUN_START = time.time() - sum(ms for _, ms in runs.values()) / 1000 - 600
    top = os.path.abspath(os.path.join(results, "..", "..", ".."))
    outages = {s: load(results, "outage_" + s, kver) for s in SYSTEMS}
    takeover = load(results, "takeover_time", kver)
    fastpath = load(results, "fastpath", kver)
    replies = load(results, "error_replies", kver)
    memory = load(results, "memory", kver)
    timeout_ms = next((o["probe_timeout_ms"] for o in outages.values() if o), 3000)
    png = chart(results, EARLIER.get("outage_ipto", kver), outages, timeout_ms)

    md = []
    w = md.append
    w("# ipto benchmark results")
    w("")
    w("- Date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    w("- Kernel: %s (Debian), in a QEMU guest under TCG (software emulation, 2 vCPUs): "
      "absolute figures are slow and noisy; compare within this run" % kver)
    w("- Commit: %s" % commit_of(top))
    w("- Reproduce: `make bench` (default KERNELS=6.1; `BENCH=\"outage_ipto fastpath\"` runs a "
      "subset); the benchmarks are `selftests/bench/*.sh`, this file is written by "
      "`selftests/bench/report.py` from the JSON next to it")
    if runs:
        w("- Guest time per benchmark: " + ", ".join(
            "%s %s s%s" % (b, fmt(ms / 1000), "" if st == "ok" else " (%s)" % st)
            for b, (st, ms) in runs.items()))
    earlier_at = len(md)
    w("")

    w("## Client-observed outage")
    w("")
    w("Three nodes and a client on one LAN (`selftests/helpers/iptod.sh`: node i has 10.0.0.i "
      "and VIP 10.0.0.1i, an echo service on every address; the client is 10.0.0.100). Per cut "
      "two `ipto-probe`s run from the client against [10.0.0.11, 10.0.0.12], port 7000, every "
      "100 ms, timeout %d ms: **connect** (a new connection per request) and **keep** (`-k -r "
      "'x\\n'`: one open connection, a request and its echo per tick). Node 1's LAN port goes "
      "down at a time taken with `date +%%s.%%N`; a probe's outage is the end of its first "
      "served attempt begun after the cut minus the cut. Then the port comes back and the next "
      "cut waits until node 1 serves VIP1 again (polled)." % timeout_ms)
    w("")
    w("The probe timeout, %d ms, is the same for every system: a client that gives an address "
      "up to 3 s (the first SYN retransmissions come at 1 s and 3 s) before it tries the next. "
      "It bounds the outage of the systems that do not move VIP1 in time; a client that relies "
      "on the kernel's own connect timeout would wait ~127 s (6 SYN retries: 1+2+4+...+64 s)."
      % timeout_ms)
    w("")
    w("| system | setup | cuts | connect: median (min - max) ms | keep: median (min - max) ms "
      "| errors the probes saw (first cut) |")
    w("|---|---|---|---|---|---|")
    for s in SYSTEMS:
        o = outages[s]
        if not o:
            w("| %s | did not run | | | | |" % s)
            continue
        cells = []
        for m in MODES:
            st = o[m]
            cell = "**%s** (%s - %s)" % (fmt(st["median_ms"]), fmt(st["min_ms"]),
                                         fmt(st["max_ms"]))
            if st["unended"]:
                cell += ", %d unended" % st["unended"]
            cells.append(cell)
        first = o["cuts"][0] if o["cuts"] else None
        errs = "; ".join("%s: %s" % (m, " ".join(first[m]["errors"][:2]) or "none")
                         for m in MODES) if first else ""
        w("| %s | %s | %d | %s | %s | %s |" % (s, o["description"], len(o["cuts"]), cells[0],
                                              cells[1], errs))
    w("")
    w("What bounds the figures: VRRP's backup takes over after its master-down interval, "
      "3 x advert_int + (256 - priority) / 256 x advert_int (3.61 s for advert_int 1, "
      "0.36 s for 0.1, backup priority 100), iptod after interval x misses. A connect probe's "
      "attempt in flight at the cut has its SYN lost and the kernel sends it again only 1 s "
      "later (then 3 s), so, whatever the system, that attempt ends no earlier than its "
      "retransmission once the address answers again (refused by ipto, served by the VRRP "
      "backup); a keep probe's data is retransmitted after the RTO (200 ms at least, "
      "doubling), which lets the detection time show.")
    w("")
    if outages["none"]:
        w("*none*: nothing moves VIP1, so the outage is the client's own timeout (%d ms here) "
          "plus one connection to VIP2; without a timeout of its own a client's connect would "
          "hang ~127 s (kernel default, `tcp_syn_retries` 6)." % timeout_ms)
        w("")
    for s in ("ipto", "ipto_fast"):
        o = outages[s]
        if o and "peer_dead_declared" in o:
            w("*%s*: peers declared dead by nodes 2 and 3 over the %d cuts (node 1 once per cut "
              "expected, anything else is a false positive): `%s`" % (
                  s, len(o["cuts"]), json.dumps(o["peer_dead_declared"])))
            w("")
    for s in ("corosync_default", "corosync_tuned"):
        o = outages[s]
        if o and "token_ms" in o:
            w("*%s*: iptod with `membership = corosync`; corosync's token in force %s ms, "
              "consensus %s ms (read by iptod from cmap). A survivor adopts once corosync has "
              "formed the new ring without node 1, about token + consensus after the cut "
              "(%s ms here), and holds its own lease meanwhile, so VIP2 stays answered; when "
              "that is longer than the probe's timeout the outage is the client's own move to "
              "VIP2 (iptod(8), Membership through corosync)." % (
                  s, o["token_ms"], o["consensus_ms"], fmt(o["token_ms"] + o["consensus_ms"])))
            w("")
    if png:
        w("![outage per cut](%s)" % png)
        w("")

    w("### Ratios of the medians (ipto outage / other outage; below 1: ipto's is shorter)")
    w("")
    w("| ipto setting | against | connect | keep |")
    w("|---|---|---|---|")
    for a in ("ipto", "ipto_fast"):
        for b in ("corosync_default", "corosync_tuned", "keepalived", "keepalived_fast", "none"):
            if outages[a] and outages[b]:
                w("| %s | %s | %s | %s |" % (a, b, *(
                    ratio(outages[a][m]["median_ms"], outages[b][m]["median_ms"])
                    for m in MODES)))
    w("")

    w("## Idle-connection outage")
    w("")
    idle = {s: load(results, "idle_" + s, kver) for s in IDLE_SYSTEMS}
    limit = next((i["limit_s"] for i in idle.values() if i), None)
    w("The same LAN; per cut the client holds one idle connection to VIP1, blocked in recv() "
      "after data went both ways (`selftests/helpers/idle_client.py`: a pooled connection, a "
      "session in LISTEN). The outage is the time from the cut until its recv() ends with "
      "ECONNRESET, when the client learns that it must reconnect; a client that has not "
      "learnt it after the limit (%s s) counts as the limit, a lower bound (it would wait "
      "for TCP keepalive, 2 h by default, or its own timeout)." % fmt(limit))
    w("")
    w("| system | setup | cuts | reset | median ms | max ms |")
    w("|---|---|---|---|---|---|")
    for s in IDLE_SYSTEMS:
        i = idle[s]
        if not i:
            w("| %s | did not run | | | | |" % s)
            continue
        w("| %s | %s | %d | %d | **%s** | %s |" % (s, i["description"], len(i["cuts"]),
                                                  i["reset"], fmt(i["median_ms"]),
                                                  fmt(i["max_ms"])))
    w("")
    cost = load(results, "sync_cost", kver)
    w("### Connection sync cost")
    w("")
    if cost:
        w("Node 1's iptod (the sender) and node 2's (a receiver), over a window each, at the "
          "default conn_sync_ms (500): CPU time from /proc, bytes and datagrams sent from the "
          "status file (`selftests/bench/sync_cost.sh`). churn: connections opened (1000 a "
          "second asked, %s reached by the client under TCG) and closed about a second later, "
          "beside the idle ones." % fmt(cost.get("churn_per_s")))
        w("")
        w("| window | connections | sender CPU % | receiver CPU % | bytes/s | datagrams/s |")
        w("|---|---|---|---|---|---|")
        for r in cost["windows"]:
            w("| %s | %s | %s | %s | %s | %s |" % (
                r["window"], fmt(r["connections"]), fmt(r["sender_cpu_pct"], 2),
                fmt(r["receiver_cpu_pct"], 2), fmt(r["bytes_per_s"]),
                fmt(r["msgs_per_s"], 1)))
    else:
        w("did not run")
    w("")

    w("## Planned switchover")
    w("")
    sw = {s: load(results, "switchover_" + s, kver) for s in SWITCH_SYSTEMS}
    w("The same LAN and probes as the outage benchmark ([VIP1, VIP2], every 100 ms, timeout "
      "3 s), but node 1 hands VIP1 over on purpose, once per round "
      "(`selftests/bench/lib/switchover.sh`); a round ends when both probes were served "
      "after the handover. A failed request is one that every address failed; an error is "
      "an attempt that failed and moved to the next address within its request; the outage "
      "is a probe's longest time between two served requests in a round, counted only "
      "when an error came between (0: none): one served at once after an error shows "
      "about one probe interval, 100 ms.")
    w("")
    w("| system | setup | rounds | connect: failed / errors / requests | connect outage "
      "median (max) ms | keep: failed / errors / requests | keep outage median (max) ms "
      "| handover median ms |")
    w("|---|---|---|---|---|---|---|---|")
    for s in SWITCH_SYSTEMS:
        r = sw[s]
        if not r:
            w("| %s | did not run | | | | | | |" % s)
            continue
        c, k = r["connect"], r["keep"]
        w("| %s | %s | %d | **%d** / %d / %d | %s (%s) | **%d** / %d / %d | %s (%s) | %s |" % (
            s, r["description"], len(r["rounds"]), c["failed"], c["errors"], c["requests"],
            fmt(c["outage_median_ms"]), fmt(c["outage_max_ms"]), k["failed"], k["errors"],
            k["requests"], fmt(k["outage_median_ms"]), fmt(k["outage_max_ms"]),
            fmt(r["handover_median_ms"])))
    w("")
    w("ipto's handover waits for drain_timeout_ms because the keep probe's connection never "
      "ends by itself; a handover comes as soon as the node's connections are gone.")
    w("")

    w("## Kernel takeover time")
    w("")
    if takeover:
        w("Node 1 set down on node 2 over generic netlink with N home addresses of node 1: "
          "the request's round trip, in which node 2 adopts and announces (once) every address "
          "(`selftests/bench/takeover_time.py`).")
        w("")
        w("| addresses | median ms | min ms | max ms | runs |")
        w("|---|---|---|---|---|")
        for r in takeover["results"]:
            w("| %s | %s | %s | %s | %d |" % (fmt(r["addresses"]), fmt(r["median_ms"], 2),
                                              fmt(r["min_ms"], 2), fmt(r["max_ms"], 2),
                                              r["runs"]))
    else:
        w("did not run")
    w("")

    w("## Fast-path cost")
    w("")
    if fastpath:
        w("%s; %d s per run, %s, %d runs each." % (
            fastpath["setup"], fastpath["seconds_per_run"], fastpath["order"],
            len(fastpath["loaded_bps"])))
        w("")
        w("| | median Mbit/s | runs (Mbit/s) |")
        w("|---|---|---|")
        w("| A: ipto loaded, 10,000 adopted | %s | %s |" % (
            fmt(fastpath["loaded_median_bps"] / 1e6),
            ", ".join(fmt(x / 1e6) for x in fastpath["loaded_bps"])))
        w("| B: module not loaded | %s | %s |" % (
            fmt(fastpath["unloaded_median_bps"] / 1e6),
            ", ".join(fmt(x / 1e6) for x in fastpath["unloaded_bps"])))
        w("")
        w("Throughput ratio A / B: **%.3f**" % fastpath["ratio_loaded_over_unloaded"])
    else:
        w("did not run")
    w("")

    w("## Error-reply throughput")
    w("")
    if replies:
        w("%s." % replies["setup"])
        w("")
        w("| target | median RST/s | runs |")
        w("|---|---|---|")
        w("| ipto, adopted address | %s | %s |" % (
            fmt(replies["ipto_median_rst_per_s"]),
            ", ".join(fmt(x) for x in replies["ipto_rst_per_s"])))
        w("| kernel, closed port on a local address | %s | %s |" % (
            fmt(replies["kernel_median_rst_per_s"]),
            ", ".join(fmt(x) for x in replies["kernel_rst_per_s"])))
        w("")
        w("RST rate ratio ipto / kernel: **%s** (SYNs suppressed by ipto's rate limit: %d)." % (
            fmt(replies["ratio_ipto_over_kernel"], 3), replies["ipto_suppressed_by_rate_limit"]))
        w("")
        w("%s On the veth between client and node the node's receive-and-reply work runs in "
          "softirq on the sending CPU, so an unpaced flood runs at the rate that sender and "
          "replying path sustain together: the ratio compares the cost of ipto's reply with "
          "the kernel's, not two saturated servers." % (
              "Every SYN was answered in every run." if replies.get("all_answered")
              else "Not every SYN was answered (see the JSON)."))
    else:
        w("did not run")
    w("")

    w("## Memory per adopted address")
    w("")
    if memory:
        w("%s addresses adopted on one device (in %s ms), `/proc/meminfo` before and after "
          "(caches dropped): **%s bytes of slab per address** (the address entries); %s bytes "
          "per address of MemFree, which also counts the hash table's bucket array (whole "
          "pages) and is noisier; %s kB of slab not back right after releasing them all." % (
              fmt(memory["addresses"]), fmt(memory["adopt_ms"]),
              fmt(memory["slab_bytes_per_address"]),
              fmt(memory["memfree_bytes_per_address"]),
              fmt(memory["slab_kb_not_returned_after_release"])))
    else:
        w("did not run")
    w("")
    if EARLIER:
        md.insert(earlier_at, "- Not run this time, figures from the last run that measured them "
                  "(same benchmark, its JSON named by kernel): " + ", ".join(
                      "%s (%s)" % (n, k) for n, k in sorted(EARLIER.items())))
    with open(os.path.join(results, "RESULTS.md"), "w") as f:
        f.write("\n".join(md))
    print("report: %s" % os.path.join(results, "RESULTS.md"))


main()

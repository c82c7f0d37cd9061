#!/usr/bin/env python3
"""bench/summary.py MODE SAMPLES - the tables the bench/*.sh scripts print.

SAMPLES has one "round variant key value" line per measurement.  Every
figure is a median over rounds with its min-max; a ratio is taken within
each round first (variant / bare of that round), then summarised.
"""
import statistics
import sys
from collections import defaultdict


def load(path):
    d = defaultdict(dict)  # (variant, key) -> {round: value}
    for line in open(path):
        parts = line.split()
        if len(parts) != 4 or parts[3] in ("", "-1"):
            continue
        r, v, k, x = parts
        d[(v, k)][r] = float(x)
    return d


def mmm(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return statistics.median(xs), min(xs), max(xs)


def fmt(t, f="{:.2f}", unit=""):
    if t is None:
        return "-"
    return (f + unit + " (" + f + "–" + f + ")").format(*t)


def ratios(d, v, k, base="bare"):
    a, b = d.get((v, k), {}), d.get((base, k), {})
    return [a[r] / b[r] for r in a if r in b and b[r] > 0]


def table(rows, head):
    w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for i, row in enumerate([head] + rows):
        print("  ".join(str(c).ljust(w[j]) for j, c in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * x for x in w))


def npm_medium(d):
    variants = [v for v in ("bare", "pkgtrace", "pt-stats", "pt-enforce", "strace") if (v, "wall_s") in d]
    n = len(d[("bare", "wall_s")])
    print(f"\nnpm-medium, {n} interleaved round(s); median (min–max)\n")
    rows = []
    for v in variants:
        wall = mmm(d[(v, "wall_s")].values())
        cpu = mmm(d[(v, "cpu_s")].values())
        rat = "1" if v == "bare" else fmt(mmm(ratios(d, v, "wall_s")), "{:.3f}", "x")
        name = {"strace": "strace -f", "pt-stats": "pkgtrace+stats",
                "pt-enforce": "pkgtrace --enforce"}.get(v, v)
        rows.append([name, fmt(wall, "{:.1f}", " s"), rat, fmt(cpu, "{:.1f}", " s")])
    table(rows, ["variant", "wall", "wall / bare", "CPU (incl. children)"])
    if ("pkgtrace", "events") not in d:
        return
    p = lambda k: d.get(("pkgtrace", k), {})
    # BPF run time only exists with the stats on (pt-stats); collector CPU,
    # events, drops and RSS come from the plain pkgtrace rounds.
    ps = lambda k: d.get(("pt-stats", k), {}) or p(k)
    bare_cpu = d[("bare", "cpu_s")]
    share, coll, bpf = [], [], []
    for r, self_s in p("self_cpu_s").items():
        b = ps("bpf_run_ns").get(r, 0) / 1e9
        coll.append(self_s)
        bpf.append(b)
        if r in bare_cpu:
            share.append(100 * (self_s + b) / bare_cpu[r])
    print()
    rows = [
        ["events", fmt(mmm(p("events").values()), "{:.0f}")],
        ["dropped (total over rounds)", "%d" % sum(p("dropped").values())],
        ["collector CPU", fmt(mmm(coll), "{:.2f}", " s")],
        ["BPF run time (pkgtrace+stats rounds)", fmt(mmm(bpf), "{:.2f}", " s")],
        ["CPU share (collector+BPF) / bare install CPU", fmt(mmm(share), "{:.1f}", " %")],
        ["collector peak RSS", fmt(mmm([x / 1024 for x in p("hwm_kb").values()]), "{:.1f}", " MB")],
    ]
    if ("pt-enforce", "dropped") in d:
        rows.append(["dropped, --enforce rounds (total)", "%d" % sum(d[("pt-enforce", "dropped")].values())])
    table(rows, ["pkgtrace", "median (min–max)"])
    print("\ntargets: wall/bare <= 1.02x (--enforce: <= 1.03x), CPU share <= 3 %, 0 drops, peak RSS <= 64 MB")


def micro(d):
    modes = [m for m in ("open", "write", "rename", "forkexec", "getppid") if (m + ".bare", "ns") in d]
    n = len(d[(modes[0] + ".bare", "ns")])
    print(f"\nmicro, {n} interleaved round(s); median (min–max)\n")
    rows = []
    for m in modes:
        bare, traced = d[(m + ".bare", "ns")], d[(m + ".pkgtrace", "ns")]
        epo = d.get((m, "events_per_op"), {})
        per_op = all(x < 0.5 for x in epo.values())
        added = [(traced[r] - bare[r]) / (1 if per_op else epo[r]) for r in traced if r in bare]
        rat = [traced[r] / bare[r] for r in traced if r in bare]
        rows.append([m, fmt(mmm(bare.values()), "{:.0f}"), fmt(mmm(traced.values()), "{:.0f}"),
                     fmt(mmm(rat), "{:.2f}", "x"), fmt(mmm(epo.values()), "{:.2f}"),
                     fmt(mmm(added), "{:.0f}") + (" per op" if per_op else ""),
                     "%d" % sum(d.get((m, "dropped"), {}).values())])
    table(rows, ["loop", "bare ns/op", "traced ns/op", "traced / bare", "events/op",
                 "ns added per event", "drops"])
    print("\ngetppid is recorded by nothing: its row is the price of a syscall inside the traced tree")


def stress(d):
    keys = sorted({v for (v, k) in d if k == "events_per_s"}, key=lambda x: (x.split(".")[0], int(x.split(".j")[1])))
    n = len(d[(keys[0], "events_per_s")])
    print(f"\nstress, {n} interleaved round(s); median (min–max)\n")
    rows = []
    for key in keys:
        m, j = key.split(".j")
        bare, tr = d[(key, "bare.ops_per_s")], d[(key, "pkgtrace.ops_per_s")]
        rat = [tr[r] / bare[r] for r in tr if r in bare]
        rows.append([m, j, fmt(mmm([x / 1e3 for x in bare.values()]), "{:.0f}", "k"),
                     fmt(mmm([x / 1e3 for x in d[(key, "events_per_s")].values()]), "{:.0f}", "k"),
                     fmt(mmm(rat), "{:.2f}", "x"), "%d" % sum(d[(key, "dropped")].values())])
    table(rows, ["loop", "workers", "bare ops/s", "traced events/s", "traced / bare", "drops"])
    print("\ntarget: >= 1 M events/s with 0 drops (the bare loop is the ceiling: one event per op)")


def untracked(d):
    loops = [l for l in ("getppid", "open") if ("none", l) in d]
    modes = [m for m in ("none", "run", "daemon") if ("none" == m or (m, loops[0]) in d)]
    n = len(d[("none", loops[0])])
    print(f"\nuntracked processes, {n} interleaved round(s); ns per syscall, median (min–max)\n")
    rows = []
    for m in modes:
        row = [{"none": "no tracer", "run": "pkgtrace -- CMD", "daemon": "pkgtrace daemon"}[m]]
        for l in loops:
            x = d[(m, l)]
            row.append(fmt(mmm(x.values()), "{:.0f}"))
            if m != "none":
                base = d[("none", l)]
                row.append(fmt(mmm([x[r] - base[r] for r in x if r in base]), "{:+.0f}"))
            else:
                row.append("")
        rows.append(row)
    head = ["tracer"]
    for l in loops:
        head += [l + " ns/syscall", "added"]
    table(rows, head)
    print("\ntarget: <= 150 ns added per syscall")


def rss(d, dpath):
    peak = d.get(("peak", "hwm_kb"), {})
    if peak:
        print(f"\npkgtrace -- npm ci (npm-medium), {len(peak)} run(s); median (min–max)\n")
        table([["peak RSS", fmt(mmm([x / 1024 for x in peak.values()]), "{:.1f}", " MB")],
               ["events", fmt(mmm(d[("peak", "events")].values()), "{:.0f}")]],
              ["collector", "median (min–max)"])
    samples = []
    try:
        samples = [tuple(map(float, l.split())) for l in open(dpath) if len(l.split()) == 3]
    except OSError:
        pass
    if samples:
        end = open(dpath + ".end").read().split()
        t = [s[0] for s in samples]
        rss = [s[1] / 1024 for s in samples]
        q = max(1, len(rss) // 4)
        first, last = statistics.median(rss[:q]), statistics.median(rss[-q:])
        inst = [s[2] for s in samples]
        slope = 0.0
        if len(set(inst)) > 1:
            mi, mr = statistics.mean(inst), statistics.mean(rss)
            slope = sum((a - mi) * (b - mr) for a, b in zip(inst, rss)) / sum((a - mi) ** 2 for a in inst)
        print(f"\ndaemon, {t[-1]:.0f} s, {end[2]} installs looped, {end[3]} report line(s), RSS sampled every 5 s\n")
        table([["RSS, first quarter (median)", f"{first:.1f} MB"],
               ["RSS, last quarter (median)", f"{last:.1f} MB"],
               ["RSS min–max", f"{min(rss):.1f}–{max(rss):.1f} MB"],
               ["peak (VmHWM)", f"{int(end[1]) / 1024:.1f} MB"],
               ["growth per install (slope)", f"{slope * 1024:+.0f} kB"]],
              ["daemon", "value"])
        print("\nbounded:", "yes" if last <= first * 1.10 + 2 else "NO (last quarter above first)")
    print("\ntarget: peak RSS <= 64 MB on npm-medium; daemon RSS bounded over the run")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    d = load(path)
    if mode == "rss":
        return rss(d, sys.argv[3])
    {"npm-medium": npm_medium, "micro": micro, "stress": stress, "untracked": untracked}[mode](d)


if __name__ == "__main__":
    main()

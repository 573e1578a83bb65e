#!/usr/bin/env python3
"""Writes docs/benchmarks.md from one run of `benchmarks/run.sh report`.

Reads JMH's JSON results and the Markdown tables the plain programs printed, all from the
results directory run.sh wrote, and the machine description run.sh captured. Every ratio compares
rows of the same run, never numbers from elsewhere.

usage: report.py RESULTS_DIR OUTPUT_MD
"""
import json
import os
import sys

# Rows that are not peers to beat: the caches under test and the bounds nobody can reach.
NOT_PEERS = {"CAIRN_JCACHE", "CAIRN_ENGINE", "CAIRN", "CONCURRENT_HASH_MAP", "MAPDB_NO_LOG"}


def is_peer(name):
    return name not in NOT_PEERS and not name.startswith("cairn") and "NotDurable" not in name


def load(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def fmt(value):
    # JMH writes "NaN" (a string) for the error of a single iteration, which has none.
    if isinstance(value, str) or value != value:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def label(row):
    params = row.get("params") or {}
    return ", ".join(str(v) for v in params.values()) or "-"


def method(row):
    return row["benchmark"].rsplit(".", 1)[1]


def table(rows, reference=None, higher_is_better=True, name=label):
    """One Markdown table; the ratio is to the best peer (or to `reference`) of these rows."""
    if not rows:
        return "_not run_\n"
    unit = rows[0]["primaryMetric"]["scoreUnit"]
    scores = {name(r): r["primaryMetric"]["score"] for r in rows}
    peers = [s for n, s in scores.items() if is_peer(n)]
    if len(rows) == 1:
        base, base_name = None, None
    elif reference is not None and reference in scores:
        base, base_name = scores[reference], reference
    elif peers:
        base = max(peers) if higher_is_better else min(peers)
        base_name = next(n for n, s in scores.items() if s == base and is_peer(n))
    else:
        base, base_name = None, None
    better = "higher is better" if higher_is_better else "lower is better"
    lines = [f"| variant | {unit} | ± error (99.9%) | ratio to {base_name or '-'} |",
             "|---|---:|---:|---:|"]
    for r in rows:
        metric = r["primaryMetric"]
        ratio = "-"
        if base:
            ratio = f"{metric['score'] / base:.2f}"
        lines.append(f"| {name(r)} | {fmt(metric['score'])} | {fmt(metric['scoreError'])} "
                     f"| {ratio} |")
    return "\n".join(lines) + f"\n\n({unit}, {better}; a ratio above 1 means "\
        f"{'faster' if higher_is_better else 'slower'} than {base_name}.)\n"


def score(rows, name, bench):
    for r in rows:
        if method(r) == bench and label(r) == name:
            return r["primaryMetric"]["score"]
    return None


def verdict(ok):
    return "met" if ok else "**missed**"


def targets(memory1, memory2, disk, restart):
    out = ["| target | measured | verdict |", "|---|---:|---|"]
    for threads, rows in (("1 thread", memory1), ("2 threads", memory2)):
        for bench, need in (("read", 0.9), ("readWrite", 0.9), ("write", 0.8)):
            cairn = score(rows, "CAIRN_JCACHE", bench)
            caffeine = score(rows, "CAFFEINE", bench)
            if cairn and caffeine:
                out.append(f"| {bench}, {threads}: Cairn JCache ≥ {need}× raw Caffeine "
                           f"| {cairn / caffeine:.2f}× | {verdict(cairn / caffeine >= need)} |")
            for peer in ("CAFFEINE_JCACHE", "EHCACHE_JCACHE"):
                other = score(rows, peer, bench)
                if cairn and other:
                    out.append(f"| {bench}, {threads}: Cairn JCache ahead of {peer} "
                               f"| {cairn / other:.2f}× | {verdict(cairn > other)} |")
            cache2k = score(rows, "CACHE2K_JCACHE", bench)
            if cairn and cache2k:
                out.append(f"| {bench}, {threads}: gap to cache2k (reported, no target) "
                           f"| {cairn / cache2k:.2f}× | - |")
    for bench, what in (("readMissingMemory", "reads missing memory"),
                        ("putSustained", "sustained puts")):
        cairn, ehcache = score(disk, "CAIRN", bench), score(disk, "EHCACHE", bench)
        if cairn and ehcache:
            out.append(f"| {what}: Cairn ≥ 3× Ehcache 3 heap+disk | {cairn / ehcache:.2f}× "
                       f"| {verdict(cairn / ehcache >= 3)} |")
    disk_burst, memory_burst = score(disk, "disk", "putBurst"), score(disk, "memory", "putBurst")
    if disk_burst and memory_burst:
        ratio = memory_burst / disk_burst  # times per put: memory time / disk time = speed ratio
        out.append(f"| burst into the buffer ≥ 0.5× memory-only put | {ratio:.2f}× "
                   f"| {verdict(ratio >= 0.5)} |")
    for r in restart:
        if method(r) == "reopen":
            ms = r["primaryMetric"]["score"]
            out.append(f"| reopen {label(r)} entries < 1 s | {ms:,.0f} ms | {verdict(ms < 1000)} |")
    during = next((r["primaryMetric"]["score"] for r in restart
                   if method(r) == "readDuringWarmUp"), None)
    after = next((r["primaryMetric"]["score"] for r in restart
                  if method(r) == "readAfterWarmUp"), None)
    if during and after:
        out.append(f"| reads during warm-up against after it (no target; a stall shows as ≈0) "
                   f"| {during / after:.2f}× | - |")
    return "\n".join(out) + "\n"


def read_text(path):
    if not os.path.exists(path):
        return "_not run_\n"
    with open(path) as f:
        return f.read().rstrip() + "\n"


def main():
    results, output = sys.argv[1], sys.argv[2]
    memory1 = load(os.path.join(results, "memory-t1.json"))
    memory2 = load(os.path.join(results, "memory-t2.json"))
    disk = load(os.path.join(results, "disk.json"))
    restart = load(os.path.join(results, "restart.json"))
    flush = load(os.path.join(results, "flush.json"))
    recovery = load(os.path.join(results, "recovery.json"))

    md = ["# Benchmarks", "",
          "Generated by `benchmarks/report.py` from one run of `benchmarks/run.sh report`; do "
          "not edit by hand. Every ratio compares rows of this run only. What each benchmark "
          "measures: [benchmarks/README.md](../benchmarks/README.md).", ""]
    md += ["## Machine and command", "", read_text(os.path.join(results, "machine.md"))]
    md += ["## Targets (issue 6)", "", targets(memory1, memory2, disk, restart)]

    md += ["## In memory — `MemoryBenchmark`", "",
           "Zipf keys (exponent 0.99) over 65,536 keys, every cache bounded to 65,536 entries, "
           "by reference, statistics off; ratios to the best peer of each table (cache2k, "
           "Caffeine's JCache, Ehcache 3 or raw Caffeine; Cairn and the unbounded "
           "ConcurrentHashMap are not peers).", ""]
    for threads, rows in (("1 thread", memory1), ("2 threads", memory2)):
        for bench, title in (("read", "reads"), ("readWrite", "75% reads, 25% writes"),
                             ("write", "writes")):
            md += [f"### {title}, {threads}", "",
                   table([r for r in rows if method(r) == bench])]

    md += ["## On disk — `DiskBenchmark`", "",
           "One thread, 100-character values; memory tiers of 10,000 entries. MapDB with a log "
           "commits every 512 puts; `MAPDB_NO_LOG` is never durable and is not a peer.", ""]
    md += ["### reads of 100,000 entries, nine in ten missing memory", "",
           table([r for r in disk if method(r) == "readMissingMemory"])]
    md += ["### sustained puts over 1,048,576 keys", "",
           table([r for r in disk if method(r) == "putSustained"])]
    md += ["### a burst of 20,000 puts, Cairn with and without the disk tier", "",
           table([r for r in disk if method(r) == "putBurst"], reference="memory",
                 higher_is_better=False)]

    md += ["## Warm restart — `RestartBenchmark`", ""]
    for bench, title, higher in (("reopen", "reopen", False),
                                 ("reopenAndWarm", "reopen and warm the hot set", False),
                                 ("readDuringWarmUp", "reads of the hot set during warm-up", True),
                                 ("readAfterWarmUp", "reads of the hot set after warm-up", True)):
        md += [f"### {title}", "",
               table([r for r in restart if method(r) == bench], higher_is_better=higher)]

    md += ["## Loss window after a crash — `LossWindow`", "",
           read_text(os.path.join(results, "loss-window.md"))]
    md += ["## Hit rate — `HitRates`", "", read_text(os.path.join(results, "hit-rates.md"))]

    md += ["## Durable flushes — `DiskFlushBenchmark`", ""]
    for size in sorted({label(r) for r in flush}):
        md += [f"### batch {size}", "",
               table([r for r in flush if label(r) == size], name=method)]
    md += ["## Reopen after close or kill — `DiskRecoveryBenchmark`", ""]
    for size in sorted({label(r) for r in recovery}):
        md += [f"### {size} entries", "",
               table([r for r in recovery if label(r) == size], reference="openAfterCleanClose",
                     higher_is_better=False, name=method)]

    with open(output, "w") as f:
        f.write("\n".join(md))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()

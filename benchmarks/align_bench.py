"""Alignment and classification speed, side by side with CollateX, and a whole report.

    pip install -e '.[bench]'   # CollateX (GPL) is a benchmark-only peer
    python benchmarks/align_bench.py [--collatex-timeout 900] [--report-size 10000]

Prints: the median time to align and classify a 5-version story of ~2,000-word articles and a
20-version one; CollateX's time on the same witnesses (collate(..., output="json")) and the
ratio; and the wall time of the whole report (ingest, cluster, align, classify) on a 10,000-
document corpus. Targets (issue 4): <= 50 ms for 5 versions, >= 50x CollateX, report <= 60 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate, story

from parallax.core.align import clear_caches
from parallax.core.cluster import Cluster, cluster_documents
from parallax.core.ingest import load
from parallax.core.report import analyse_story, build_report

COLLATEX = """
import json, sys, time
from collatex import Collation, collate
bodies = json.load(sys.stdin)
collation = Collation()
for i, body in enumerate(bodies):
    collation.add_plain_witness(f"W{i}", body)
start = time.perf_counter()
collate(collation, output="json")
print(time.perf_counter() - start)
"""


def time_parallax(versions: int, repeats: int) -> tuple[float, int, int]:
    documents = story(versions)
    cluster = Cluster(id="c", documents=tuple(d.id for d in documents))
    result = analyse_story(cluster, documents)
    times = []
    for _ in range(repeats):
        clear_caches()  # every run pays for tokenising, as a report's single pass does
        start = time.perf_counter()
        analyse_story(cluster, documents)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(result.alignment.rows), len(result.discrepancies)


def time_collatex(versions: int, timeout: float) -> float | None:
    bodies = [d.body for d in story(versions)]
    try:
        result = subprocess.run(
            [sys.executable, "-c", COLLATEX],
            input=json.dumps(bodies),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        print(f"  CollateX failed: {result.stderr.strip().splitlines()[-1:]}")
        return float("nan")
    return float(result.stdout.strip())


def time_report(size: int) -> None:
    documents, _ = generate(size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for d in documents:
                row = {"title": d.title, "source": d.source, "body": d.body}
                row["published"] = d.published_raw
                out.write(json.dumps(row) + "\n")
        start = time.perf_counter()
        corpus = load([path])
        loaded = time.perf_counter()
        clustering = cluster_documents(corpus.documents)
        clustered = time.perf_counter()
        report = build_report(corpus.documents, clustering)
        done = time.perf_counter()
    stories = sum(1 for s in report.clusters if len(s.documents) > 1)
    found = sum(len(s.discrepancies) for s in report.clusters)
    print(
        f"\nwhole report on {size:,} documents: {done - start:.1f} s "
        f"(ingest {loaded - start:.1f} s, cluster {clustered - loaded:.1f} s, "
        f"align+classify {done - clustered:.1f} s; {stories:,} stories, {found:,} discrepancies;"
        " target <= 60 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--collatex-timeout", type=float, default=900.0)
    parser.add_argument("--skip-collatex", action="store_true")
    parser.add_argument("--report-size", type=int, default=10_000)
    args = parser.parse_args()
    for versions in (5, 20):
        median, rows, found = time_parallax(versions, args.repeats if versions == 5 else 5)
        words = sum(len(d.body.split()) for d in story(versions)) // versions
        print(
            f"{versions} versions of ~{words:,} words: Parallax median {median * 1000:.1f} ms "
            f"({rows} rows, {found} discrepancies)" + (" target <= 50 ms" if versions == 5 else "")
        )
        if args.skip_collatex:
            continue
        theirs = time_collatex(versions, args.collatex_timeout)
        if theirs is None:
            print(
                f"  CollateX: no result within {args.collatex_timeout:.0f} s; "
                f"Parallax is more than "
                f"{args.collatex_timeout / median:,.0f}x faster"
            )
        else:
            print(f"  CollateX: {theirs:.2f} s; Parallax is {theirs / median:,.0f}x faster")
    if args.report_size:
        time_report(args.report_size)


if __name__ == "__main__":
    main()

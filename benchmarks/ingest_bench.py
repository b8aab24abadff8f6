"""Search-export parsing speed and memory on a generated 100 MB export.

    python benchmarks/ingest_bench.py [--megabytes 100] [--touch-segments]

Generates an export of documents modelled on the demo corpus (titles with CJK, bodies of
sections and bullets with citation markers), then loads it in a fresh child process so the
peak RSS is the parser's own. Targets (issue 2): >= 20 MB/s and peak RSS <= 4x the file size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a synthetic search export of about ``megabytes`` MB; return its size in bytes."""
    from parallax.core.data import demo_corpus_path
    from parallax.core.ingest import load

    rng = random.Random(seed)
    templates = load([demo_corpus_path()]).documents
    target = int(megabytes * 1_000_000)
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("稀土国产化\nSearch documents\n")
        n = 0
        while written < target:
            template = templates[n % len(templates)]
            body = template.body
            for number in ("6000", "350", "20", "70%", "2027", "2.6"):
                body = body.replace(number, str(rng.randint(2, 9000)), 1)
            title = f"{template.title} {n}"
            minute = n % 60
            record = (
                f"{title}\n{template.source}· 2026-01-{1 + n % 28:02d} 07:{minute:02d}\n{body}\n"
            )
            out.write(record)
            written += len(record.encode("utf-8"))
            n += 1
    return path.stat().st_size


def measure(path: Path, touch_segments: bool) -> dict[str, float]:
    """Load ``path`` and report time and peak RSS of this process."""
    from parallax.core.ingest import load

    start = time.perf_counter()
    corpus = load([path])
    elapsed = time.perf_counter() - start
    stats = {
        "documents": len(corpus.documents),
        "seconds": elapsed,
        "problems": len(corpus.problems),
    }
    if touch_segments:
        start = time.perf_counter()
        segments = sum(len(d.segments) for d in corpus.documents)
        stats["segment_seconds"] = time.perf_counter() - start
        stats["segments"] = segments
    stats["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    parser.add_argument("--touch-segments", action="store_true", help="also segment every body")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.touch_segments)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.txt"
        size = generate(path, args.megabytes)
        command = [sys.executable, __file__, "--measure", str(path)]
        if args.touch_segments:
            command.append("--touch-segments")
        stats = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    megabytes = size / 1_000_000
    print(f"file:           {megabytes:.1f} MB, {stats['documents']:,} documents")
    print(
        f"parse:          {stats['seconds']:.2f} s = {megabytes / stats['seconds']:.1f} MB/s "
        f"(target >= 20 MB/s)"
    )
    print(
        f"peak RSS:       {stats['peak_rss_bytes'] / 1e6:.0f} MB = "
        f"{stats['peak_rss_bytes'] / size:.2f}x the file (target <= 4x)"
    )
    if "segments" in stats:
        print(
            f"segmentation:   {stats['segments']:,} segments in {stats['segment_seconds']:.2f} s "
            f"(lazy; not part of the parse figure)"
        )


if __name__ == "__main__":
    main()

"""Many tiny documents, and one huge story: time and memory of parse, load, cluster, report.

    python benchmarks/tiny_bench.py [--documents 1000000] [--story-versions 3637] [--skip-cluster]

Generates a JSON Lines file of ``--documents`` tiny documents (one or two words of two or three
letters each, 17 MB for a million), then measures, each in a fresh child process:

* ``load()``: seconds, and the memory each document costs beyond its text (RSS after loading
  minus RSS before, minus the characters of every title and body, per document);
* ``parallax parse FILE > /dev/null``: seconds and peak RSS;
* ``parallax cluster FILE > /dev/null``: seconds and peak RSS;
* ``parallax report`` on one story of ``--story-versions`` near-identical versions (about 320
  words each): seconds, peak RSS and what it says about the story.

Targets (issue 11): parse <= 15 s with <= 1 KB per document beyond its text; cluster <= 2 GB;
a story above the size limit in bounded memory, with a clear message. CPU seconds are printed
beside wall seconds, because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, count: int, seed: int = 11) -> int:
    """Write ``count`` tiny JSON Lines documents; return the file size in bytes."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(2, 3))) for _ in range(12_000)}
    )
    with open(path, "w", encoding="utf-8") as out:
        for _ in range(count):
            words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 2)))
            out.write(f'{{"body":"{words}"}}\n')
    return path.stat().st_size


def generate_story(path: Path, versions: int, seed: int = 5) -> None:
    """One story told ``versions`` times, each version with a word or a figure changed."""
    rng = random.Random(seed)
    base = (
        "Japan's deep-sea drilling vessel Chikyu left Shimizu port on Monday for the waters "
        "off Minamitorishima. It will spend about 20 days retrieving mud that contains rare "
        "earths from about 6000 metres below the surface. Japan imports about 70% of its rare "
        "earths from China, and the government hopes to produce them at home by 2027. "
    ) * 8
    base = base.split()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(versions):
            words = list(base)
            for _ in range(4):
                position = rng.randrange(len(words))
                words[position] = rng.choice(["Tokyo", "350", "vessel", "ship", "30", "Kishida"])
            record = {"title": f"Chikyu sets sail ({i})", "source": f"Outlet {i % 40}"}
            record["body"] = " ".join(words)
            out.write(json.dumps(record) + "\n")


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure_load(path: Path) -> dict[str, float]:
    """In this (fresh) process: load ``path`` and report seconds and memory per document."""
    from parallax.core.ingest import load

    before = _rss_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    corpus = load([path])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    after = _rss_kb("VmRSS")
    documents = len(corpus.documents)
    text = sum(len(d.body) + len(d.title) for d in corpus.documents)
    return {
        "documents": documents,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "text_bytes": text,
        "overhead_per_document": ((after - before) * 1024 - text) / max(documents, 1),
    }


def run_command(args: list[str]) -> dict[str, float | str]:
    """Run ``parallax ARGS`` with stdout to /dev/null; seconds, CPU seconds, peak RSS, stderr."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "parallax.tui", *args], stdout=devnull, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
        "stderr": stderr.strip().splitlines()[-3:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--story-versions", type=int, default=3637)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--measure-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_load:
        print(json.dumps(measure_load(args.measure_load)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiny.jsonl"
        size = generate(path, args.documents)
        print(f"file:      {args.documents:,} tiny documents, {size / 1e6:.1f} MB")
        load = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--measure-load", str(path)],
                check=True,
                capture_output=True,
            ).stdout
        )
        print(
            f"load():    {load['seconds']:.1f} s ({load['cpu_seconds']:.1f} s CPU), "
            f"{load['overhead_per_document']:.0f} bytes per document beyond its text "
            "(target <= 1024)"
        )
        parse = run_command(["parse", str(path)])
        print(
            f"parse:     {parse['seconds']:.1f} s ({parse['cpu_seconds']:.1f} s CPU), "
            f"peak RSS {parse['peak_rss_mb']:.0f} MB, exit {parse['exit']} (target <= 15 s)"
        )
        if not args.skip_cluster:
            cluster = run_command(["cluster", str(path)])
            print(
                f"cluster:   {cluster['seconds']:.1f} s ({cluster['cpu_seconds']:.1f} s CPU), "
                f"peak RSS {cluster['peak_rss_mb']:.0f} MB, exit {cluster['exit']} "
                "(target <= 2048 MB)"
            )
            if cluster["exit"]:
                print(f"           {cluster['stderr']}")
        if args.story_versions:
            story = Path(tmp) / "story.jsonl"
            generate_story(story, args.story_versions)
            report = run_command(["report", str(story), "--format", "json"])
            print(
                f"report:    one story of {args.story_versions:,} versions: "
                f"{report['seconds']:.1f} s ({report['cpu_seconds']:.1f} s CPU), "
                f"peak RSS {report['peak_rss_mb']:.0f} MB, exit {report['exit']}"
            )
            for line in report["stderr"]:
                print(f"           {line}")


if __name__ == "__main__":
    main()

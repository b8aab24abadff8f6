"""Clustering speed, memory and quality, side by side with datasketch.

    pip install -e '.[bench]'
    python benchmarks/cluster_bench.py [--sizes 10000 100000] [--skip-datasketch]

For each size, a synthetic corpus with ground truth (benchmarks/synthetic.py) is clustered by
Parallax and by datasketch (MinHash num_perm=128, MinHashLSH at the same threshold, union-find
on its candidates, fed the same word-bigram shingles), in this one process. Printed: wall time,
documents/s, peak RSS, pairwise precision/recall/F1 and the speed ratio. Then the same on the
NewsEdits evaluation data in ../shared/eval (skipped when absent), and a threshold sweep.
Targets (issue 3): 100k documents in <= 20 s and <= 2 GB; F1 >= 0.95; >= 3x datasketch.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import TEMPLATES, generate, pairwise_scores, template_events

from parallax.core.cluster import (
    ClusterSettings,
    band_keys,
    candidate_pairs,
    cluster_documents,
    matching_text,
    sign,
    similarity,
)
from parallax.core.document import Document, Origin
from parallax.core.tokens import tokenize

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "newsedits"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def labels_of(clusters: list[list[int]], count: int) -> list[int]:
    labels = [0] * count
    for label, members in enumerate(clusters):
        for member in members:
            labels[member] = label
    return labels


def run_parallax(documents: list[Document], settings: ClusterSettings) -> tuple[list[int], float]:
    start = time.perf_counter()
    result = cluster_documents(documents, settings=settings)
    elapsed = time.perf_counter() - start
    position = {d.id: i for i, d in enumerate(documents)}
    clusters = [[position[d] for d in c.documents] for c in result.clusters]
    return labels_of(clusters, len(documents)), elapsed


def run_datasketch(documents: list[Document], threshold: float) -> tuple[list[int], float]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    signatures = []
    for i, document in enumerate(documents):
        tokens = tokenize(matching_text(document))
        shingles = {f"{a} {b}".encode() for a, b in itertools.pairwise(tokens)}
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch(list(shingles) or [b""])
        lsh.insert(i, minhash)
        signatures.append(minhash)
    parent = list(range(len(documents)))
    for i, minhash in enumerate(signatures):
        for j in lsh.query(minhash):
            a, b = _find(parent, i), _find(parent, j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    elapsed = time.perf_counter() - start
    return [_find(parent, i) for i in range(len(documents))], elapsed


def report(name: str, labels: list[int], truth: list[int], seconds: float, count: int) -> float:
    precision, recall, f1 = pairwise_scores(labels, truth)
    print(
        f"  {name:<11} {seconds:8.2f} s {count / seconds:10,.0f} docs/s   "
        f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
    )
    return f1


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def sweep(documents: list[Document], truth: list[int], settings: ClusterSettings) -> None:
    """F1 per threshold, scoring every candidate pair once."""
    tokens, signatures = sign([matching_text(d) for d in documents], settings)
    signed = ~(signatures == 0xFFFFFFFF).all(axis=1)
    pairs = candidate_pairs(band_keys(signatures, settings), signed, settings).tolist()
    scores = [similarity(tokens[i], tokens[j], settings=settings) for i, j in pairs]
    cells = []
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7):
        parent = list(range(len(documents)))
        for (i, j), score in zip(pairs, scores, strict=True):
            if score >= threshold or tokens[i] == tokens[j]:
                a, b = _find(parent, i), _find(parent, j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        labels = [_find(parent, i) for i in range(len(documents))]
        precision, recall, f1 = pairwise_scores(labels, truth)
        cells.append(f"{threshold:.2f}: P {precision:.2f} R {recall:.2f} F1 {f1:.3f}")
    print("  threshold sweep (Parallax):")
    for cell in cells:
        print("    " + cell)


def load_eval() -> tuple[list[Document], list[int]] | None:
    versions, truth_file = EVAL / "versions.jsonl", EVAL / "truth.json"
    if not (versions.exists() and truth_file.exists()):
        return None
    rows = [json.loads(line) for line in versions.read_text(encoding="utf-8").splitlines() if line]
    documents = [
        Document(
            id=f"e{i}",
            index=i + 1,
            title=row.get("title") or "",
            source=row.get("source"),
            origin=Origin(path=str(versions), line=i + 1),
            format="json",
            body=row["body"],
        )
        for i, row in enumerate(rows)
    ]
    truth = [0] * len(rows)
    for label, members in enumerate(json.loads(truth_file.read_text())["clusters"]):
        for member in members:
            truth[member - 1] = label
    return documents, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-datasketch", action="store_true")
    parser.add_argument(
        "--sweep", action="store_true", help="threshold sweep on the synthetic data"
    )
    args = parser.parse_args()
    settings = ClusterSettings()
    print(f"Parallax settings: {settings.model_dump()}")
    for size in args.sizes:
        documents, truth = generate(size)
        gc.collect()
        print(f"\nsynthetic corpus: {size:,} documents, {len(set(truth)):,} stories")
        before = current_rss_mb()
        labels, ours = run_parallax(documents, settings)
        f1_ours = report("Parallax", labels, truth, ours, size)
        print(
            f"  peak RSS of the process: {peak_rss_mb():,.0f} MB "
            f"(of which the corpus in memory before clustering: {before:,.0f} MB)"
        )
        if not args.skip_datasketch:
            labels, theirs = run_datasketch(documents, settings.threshold)
            f1_theirs = report("datasketch", labels, truth, theirs, size)
            print(
                f"  ratio: Parallax is {theirs / ours:.1f}x faster than datasketch "
                f"(F1 {f1_ours:.3f} vs {f1_theirs:.3f})"
            )
        if args.sweep:
            sweep(documents, truth, settings)
        del documents, truth, labels
    documents, truth = template_events()
    print(
        f"\nreports of different events written from {len(TEMPLATES)} templates: "
        f"{len(documents)} documents of {len(set(truth))} events"
    )
    labels, ours = run_parallax(documents, settings)
    report("Parallax", labels, truth, ours, len(documents))
    unchecked = settings.model_copy(update={"subject_share": 0.0})
    labels, ours = run_parallax(documents, unchecked)
    report("without the subject check", labels, truth, ours, len(documents))
    if not args.skip_datasketch:
        labels, theirs = run_datasketch(documents, settings.threshold)
        report("datasketch", labels, truth, theirs, len(documents))
    evaluation = load_eval()
    if evaluation is None:
        print("\nNewsEdits evaluation data not found: skipped")
        return
    documents, truth = evaluation
    print(f"\nNewsEdits (real): {len(documents)} versions of {len(set(truth))} articles")
    labels, ours = run_parallax(documents, settings)
    report("Parallax", labels, truth, ours, len(documents))
    if not args.skip_datasketch:
        labels, theirs = run_datasketch(documents, settings.threshold)
        report("datasketch", labels, truth, theirs, len(documents))
    sweep(documents, truth, settings)


if __name__ == "__main__":
    main()

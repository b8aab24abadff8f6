"""Annotations under stress: made, lost, misattached and orphaned, per scenario (issue 10).

    python benchmarks/annotation_stress.py [--seconds 60] [--seed 1]

A. Three reviewer processes annotate the same story (tags, notes, statuses on its
   discrepancies, tags on single words of its versions, undo, reload, restart) for ``--seconds``
   while a fourth keeps editing the sources (spaces doubled, a bullet appended to a version,
   everything reverted) and opening them again, as the app does (re-anchoring, relinking).
B. One reviewer annotates every discrepancy of a story and words of every document, then the
   sources are edited step by step and opened again after each step: spaces, a prefix, an
   appended bullet, a name corrected (the discrepancy goes away), a document removed, another
   moved to the end, a copy of a version (same text, another title) added before it.
C. Annotations on the demo export, then the app opened on another file of the same folder alone
   (the NewsEdits versions from ``../shared/eval`` when present, else a synthetic file).

Made: annotations created (and still wanted: an undone creation is not counted). Lost: an
annotation missing, or not saying what its reviewer last made it say. Misattached: placed
(not orphaned) on a document that is not its own or its successor, on other text, on another
occurrence of the same word, or, for a discrepancy, on one whose readings differ from those it
was made on. Orphaned: kept and listed as not placed (B says how many were expected). The
history is checked too: one creation per annotation, one row per reviewer action, and no row by
Parallax itself that changes who made an annotation, when, or what it says.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from parallax.core.annotations import Workspace, make_target
from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import cluster_documents
from parallax.core.data import demo_corpus_path
from parallax.core.entities import AliasTable
from parallax.core.ingest import load
from parallax.tui.session import ReviewSession

ROOT = Path(__file__).resolve().parents[1]
NEWSEDITS = ROOT.parent.parent / "shared" / "eval" / "newsedits" / "versions.jsonl"
if not NEWSEDITS.exists():
    NEWSEDITS = ROOT.parent / "shared" / "eval" / "newsedits" / "versions.jsonl"
TAGS = ["error", "verified", "disputed", "minor", "needs-source"]
WORD = re.compile(r"[A-Za-z]{4,}")
BODY_LINES = {1: 4, 2: 7, 3: 10, 4: 13, 5: 16, 6: 19}  # version index -> line of its body


# --- helpers ------------------------------------------------------------------------------------


def write_atomically(path: Path, lines: list[str]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.edit")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    os.replace(temporary, path)


def open_sources(source: Path, workspace: Path):
    """What the app does on start: read, cluster, open the workspace, place annotations."""
    corpus = load([source])
    session = ReviewSession(corpus, cluster_documents(corpus.documents), AliasTable())
    opened = Workspace.open(workspace)
    book = AnnotationBook(opened, corpus.documents)
    session.attach(book)
    cluster = max(session.clusters, key=lambda c: len(c.documents))
    return corpus, session, opened, book, cluster


def normalised(text: str) -> str:
    return " ".join(text.split())


def readings_of(discrepancy, positions: dict[str, int]) -> list[tuple[int, str]]:
    return sorted(
        (positions[r.document], normalised(r.text))
        for r in discrepancy.readings
        if r.document in positions
    )


def occurrence(body: str, word: str, start: int) -> int:
    found, position = 0, body.find(word)
    while 0 <= position < start:
        found += 1
        position = body.find(word, position + 1)
    return found if position == start else -1


def said(annotation) -> list:
    return [sorted(annotation.tags), annotation.note, annotation.status]


# --- scenario A: processes ------------------------------------------------------------------------


def reviewer(name: str, folder: str, seconds: float, seed: int, out: str) -> None:
    rng = random.Random(seed)
    source, workspace = Path(folder) / "export.txt", Path(folder) / "review.sqlite"
    deadline = time.monotonic() + seconds
    log: dict[str, dict] = {}
    actions: Counter[str] = Counter()
    while time.monotonic() < deadline:
        corpus, session, opened, book, cluster = open_sources(source, workspace)
        positions = {d.id: d.index for d in corpus.documents}
        story = session.story(cluster.id)
        members = session.documents_of(cluster.id)
        for _ in range(rng.randint(10, 30)):
            if time.monotonic() >= deadline:
                break
            roll = rng.random()
            tags = rng.sample(TAGS, rng.randint(0, 2))
            note = rng.choice(["", f"{name} {rng.randint(0, 999)}"])
            status = rng.choice(["open", "confirmed", "dismissed"])
            if roll < 0.45 and story.discrepancies:
                discrepancy = rng.choice(story.discrepancies)
                existing = book.mine(discrepancy.id, name)
                target = book.target_for(discrepancy, cluster.id, prefer=rng.choice(members).id)
                made = book.annotate(
                    target, name, tags=tags, note=note, status=status, existing=existing
                )
                actions["update" if existing else "create"] += 1
                entry = log.setdefault(made.id, {"kind": "discrepancy"})
                entry.setdefault("readings", readings_of(discrepancy, positions))
                entry.setdefault("discrepancy_kind", discrepancy.kind)
                entry.update(said=said(made), withdrawn=False)
            elif roll < 0.8:
                document = rng.choice(members)
                match = rng.choice(list(WORD.finditer(document.body)))
                target = make_target(document, match.start(), match.end(), cluster=cluster.id)
                made = book.annotate(target, name, tags=tags or ["word"], note=note)
                actions["create"] += 1
                log[made.id] = {
                    "kind": "span",
                    "version": document.index,
                    "word": match.group(),
                    "occurrence": occurrence(document.body, match.group(), match.start()),
                    "said": said(made),
                    "withdrawn": False,
                }
            elif roll < 0.9:
                undone = book.undo(name)
                if undone is not None:
                    actions["undo"] += 1
                    stored = opened.get(undone.id)
                    entry = log.setdefault(undone.id, {"kind": "unknown"})
                    entry.update(said=said(stored.annotation), withdrawn=stored.withdrawn)
            else:
                book.reload()  # the "r" key
                session.relink_analysed()
                actions["reload"] += 1
        opened.close()
        actions["restart"] += 1
    Path(out).write_text(json.dumps({"log": log, "actions": actions}), encoding="utf-8")


def editor(folder: str, seconds: float, seed: int, out: str) -> None:
    rng = random.Random(seed)
    source, workspace = Path(folder) / "export.txt", Path(folder) / "review.sqlite"
    original = source.read_text(encoding="utf-8").split("\n")
    deadline = time.monotonic() + seconds
    counts: Counter[str] = Counter()
    while time.monotonic() < deadline:
        lines = source.read_text(encoding="utf-8").split("\n")
        roll = rng.random()
        line = BODY_LINES[rng.choice([1, 2, 3])]
        if roll < 0.6:
            spaces = [m.start() for m in re.finditer(" ", lines[line])]
            at = rng.choice(spaces)
            lines[line] = lines[line][:at] + " " + lines[line][at:]
            counts["spaces"] += 1
        elif roll < 0.85:
            if "Zqx" not in lines[line]:
                lines[line] += " - Zqx editorial remark."
            counts["bullet"] += 1
        else:
            lines = list(original)
            counts["revert"] += 1
        write_atomically(source, lines)
        _, session, opened, _, cluster = open_sources(source, workspace)
        session.story(cluster.id)
        opened.close()
        counts["reopen"] += 1
        time.sleep(rng.uniform(0.1, 0.5))
    Path(out).write_text(json.dumps(counts), encoding="utf-8")


# --- checking -------------------------------------------------------------------------------------


def check(folder: Path, logs: dict[str, dict], expected_actions: Counter[str]) -> dict:
    """Open the final sources and compare every annotation with what its reviewer made."""
    source, workspace = folder / "export.txt", folder / "review.sqlite"
    corpus, session, opened, book, cluster = open_sources(source, workspace)
    story = session.story(cluster.id)
    for other in session.clusters:
        if len(other.documents) > 1:
            session.story(other.id)
    by_position = {d.index: d for d in corpus.documents}
    positions = {d.id: d.index for d in corpus.documents}
    discrepancies = {d.id: d for d in story.discrepancies}
    placed = {a.id: a for a in book.annotations()}
    result = Counter()
    for annotation_id, entry in logs.items():
        stored = opened.get(annotation_id)
        if stored is None or stored.withdrawn != entry["withdrawn"]:
            result["lost"] += 1
            continue
        if entry["withdrawn"]:
            continue
        result["made"] += 1
        if said(stored.annotation) != entry["said"]:
            result["lost"] += 1
            continue
        annotation = placed.get(annotation_id)
        if annotation is None:
            result["lost"] += 1  # not shown although its document is loaded
            continue
        if annotation.orphaned:
            if entry["kind"] == "span":
                body = by_position[entry["version"]].body
                found_at = [m.start() for m in re.finditer(re.escape(entry["word"]), body)]
                still_there = len(found_at) > entry["occurrence"]
            else:
                wanted = [tuple(r) for r in entry["readings"]]
                still_there = any(readings_of(d, positions) == wanted for d in story.discrepancies)
            result["orphaned"] += 1
            result["orphaned: text removed, or its discrepancy changed"] += not still_there
            result["orphaned: needlessly (its text or discrepancy is still there)"] += still_there
            continue
        target = annotation.target
        if entry["kind"] == "span":
            document = by_position[entry["version"]]
            right = (
                target.document == document.id
                and target.exact == entry["word"]
                and occurrence(document.body, entry["word"], target.start) == entry["occurrence"]
            )
        else:
            found = discrepancies.get(target.discrepancy or "")
            right = (
                found is not None
                and readings_of(found, positions) == [tuple(r) for r in entry["readings"]]
                and found.kind == entry["discrepancy_kind"]
            )
        if not right:
            result["misattached"] += 1
    history = opened.history()
    result.update(history_problems(opened, history, expected_actions))
    result["history rows"] = len(history)
    opened.close()
    return result


def history_problems(opened: Workspace, history: list[dict], expected: Counter[str]) -> Counter:
    problems: Counter[str] = Counter()
    creations = Counter(h["annotation"] for h in history if h["action"] in ("create", "import"))
    stored = opened.all(include_withdrawn=True)
    problems["history: annotations without exactly one creation"] = sum(
        1 for s in stored if creations[s.annotation.id] != 1
    )
    by_reviewer = Counter(
        h["action"] for h in history if h["action"] in ("create", "update", "undo")
    )
    problems["history: reviewer rows that differ from reviewer actions"] = sum(
        abs(by_reviewer[action] - expected[action]) for action in ("create", "update", "undo")
    )
    problems["history: parallax changed what a reviewer said"] = 0
    for row in history:
        if row["reviewer"] != "parallax":
            continue
        before = json.loads(row["before"])["annotation"]
        after = json.loads(row["after"])["annotation"]
        for field in ("reviewer", "created", "modified", "tags", "note", "status"):
            if before[field] != after[field]:
                problems["history: parallax changed what a reviewer said"] += 1
                break
    return problems


def scenario_a(folder: Path, seconds: float, seed: int) -> dict:
    shutil.copy(demo_corpus_path(), folder / "export.txt")
    Workspace.open(folder / "review.sqlite").close()
    spawn = multiprocessing.get_context("spawn")
    outputs = [folder / f"reviewer{i}.json" for i in range(3)]
    processes = [
        spawn.Process(
            target=reviewer, args=(f"reviewer{i}", str(folder), seconds, seed + i, str(out))
        )
        for i, out in enumerate(outputs)
    ]
    processes.append(
        spawn.Process(
            target=editor, args=(str(folder), seconds, seed + 10, str(folder / "editor.json"))
        )
    )
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a process failed (exit {process.exitcode})")
    logs: dict[str, dict] = {}
    actions: Counter[str] = Counter()
    for out in outputs:
        data = json.loads(out.read_text(encoding="utf-8"))
        logs.update(data["log"])
        actions.update(data["actions"])
    edits = Counter(json.loads((folder / "editor.json").read_text(encoding="utf-8")))
    result = check(folder, logs, actions)
    result["actions"] = sum(actions[a] for a in ("create", "update", "undo"))
    result["detail"] = (
        f"{actions['create']} created, {actions['update']} changed, {actions['undo']} undone, "
        f"{actions['reload']} reloads, {actions['restart']} restarts; sources edited and "
        f"reopened {edits['reopen']} times ({edits['spaces']} spacing, {edits['bullet']} "
        f"appended bullets, {edits['revert']} reverts)"
    )
    return result


# --- scenario B: edits one after the other ------------------------------------------------------


def replacements(text: str, old: str, new: str) -> list[tuple[int, int, str]]:
    """The edits ``text.replace(old, new)`` makes, as ``(start, end, replacement)``."""
    found, position = [], text.find(old)
    while position >= 0:
        found.append((position, position + len(old), new))
        position = text.find(old, position + len(old))
    return found


def apply_edits(text: str, edits: list[tuple[int, int, str]], spans: dict[str, tuple | None]):
    """Apply non-overlapping edits; move each span with them (``None`` once one touches it)."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
        shift = len(new) - (end - start)
        for key, place in spans.items():
            if place is None:
                continue
            a, b = place
            if end <= a:
                spans[key] = (a + shift, b + shift)
            elif start >= b:
                continue
            else:
                spans[key] = None
    return text


def scenario_b(folder: Path, seed: int) -> dict:
    rng = random.Random(seed)
    source, workspace = folder / "export.txt", folder / "review.sqlite"
    shutil.copy(demo_corpus_path(), source)
    corpus, session, opened, book, cluster = open_sources(source, workspace)
    positions = {d.id: d.index for d in corpus.documents}
    story = session.story(cluster.id)
    made: dict[str, dict] = {}
    for discrepancy in story.discrepancies:
        prefer = rng.choice(session.documents_of(cluster.id)).id
        annotation = book.annotate(
            book.target_for(discrepancy, cluster.id, prefer=prefer), "ana", tags=["error"]
        )
        made[annotation.id] = {
            "kind": "discrepancy",
            "readings": readings_of(discrepancy, positions),
            "primary": positions[annotation.target.document],
            "said": said(annotation),
        }
    spans: dict[int, dict[str, tuple | None]] = {d.index: {} for d in corpus.documents}
    for document in corpus.documents:
        matches = list(WORD.finditer(document.body))
        for match in rng.sample(matches, min(8, len(matches))):
            annotation = book.annotate(
                make_target(document, match.start(), match.end()), "ana", tags=["word"]
            )
            made[annotation.id] = {
                "kind": "span",
                "version": document.index,
                "said": said(annotation),
            }
            spans[document.index][annotation.id] = (match.start(), match.end())
    opened.close()
    # The file as records of three lines (title, source and date, body) after two header lines.
    lines = source.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header, records = lines[:2], [lines[i : i + 3] for i in range(2, len(lines), 3)]
    order = [d.index for d in corpus.documents]  # original index of each record, in file order

    def step(edit=None, version: int = 0) -> None:
        if edit is not None:
            record = records[order.index(version)]
            record[2] = apply_edits(record[2], edit(record[2]), spans[version])
        text = "\n".join(header + [line for record in records for line in record]) + "\n"
        write_atomically(source, text.split("\n"))
        _, session, opened, _, _ = open_sources(source, workspace)
        for other in session.clusters:
            if len(other.documents) > 1:
                session.story(other.id)
        opened.close()

    step(lambda t: replacements(t, " - ", "  -  "), 2)
    step(lambda t: [(0, 0, "Zqx: ")], 1)
    step(lambda t: [(len(t), len(t), " - Zqx an appended remark.")], 3)
    step(lambda t: replacements(t, "Fumio Kishida", "Sanna Takashi"), 3)
    records.pop(order.index(5))
    order.remove(5)
    spans[5] = dict.fromkeys(spans[5])
    step()
    records.append(records.pop(order.index(4)))
    order.append(order.pop(order.index(4)))
    step()
    first = records[order.index(1)]
    records.insert(0, [first[0] + " (copy)", first[1], first[2]])  # the same text
    order.insert(0, 0)  # not one of the originals
    step()
    # Check: the final sources, opened as the app would.
    corpus, session, opened, book, cluster = open_sources(source, workspace)
    stories = [session.story(c.id) for c in session.clusters if len(c.documents) > 1]
    now_at = {original: corpus.documents[i] for i, original in enumerate(order)}
    positions = {d.id: original for original, d in now_at.items()}
    discrepancies = {d.id: d for s in stories for d in s.discrepancies}
    placed = {a.id: a for a in book.annotations()}
    result: Counter[str] = Counter()
    same_readings = {
        tuple(r for r in readings_of(d, positions) if r[0]): d for d in discrepancies.values()
    }
    for annotation_id, entry in made.items():
        result["made"] += 1
        annotation = placed.get(annotation_id)
        if annotation is None or said(annotation) != entry["said"]:
            result["lost"] += 1
            continue
        if entry["kind"] == "span":
            now = spans[entry["version"]][annotation_id]
            still_there = now is not None
        else:  # a discrepancy with the very same readings exists
            still_there = tuple(tuple(r) for r in entry["readings"]) in same_readings
        if annotation.orphaned:
            result["orphaned"] += 1
            result["orphaned: text removed, or its discrepancy changed"] += not still_there
            result["orphaned: needlessly (its text or discrepancy is still there)"] += still_there
            continue
        target = annotation.target
        if entry["kind"] == "span":
            right = (
                now is not None
                and target.document == now_at[entry["version"]].id
                and (target.start, target.end) == now
            )
        else:
            found = discrepancies.get(target.discrepancy or "")
            right = (
                found is not None
                and target.document == now_at[entry["primary"]].id
                and [r for r in readings_of(found, positions) if r[0]] == entry["readings"]
            )
        result["misattached"] += not right
    history = opened.history()
    result.update(history_problems(opened, history, Counter(create=len(made))))
    result["history rows"] = len(history)
    result["detail"] = (
        "7 edits, each opened again: spacing in #2, a prefix in #1, a bullet appended to #3, "
        "the name corrected in #3, #5 removed, #4 moved to the end, a copy of #1 (same text, "
        "another title) added first"
    )
    opened.close()
    return result


# --- scenario C: another file in the folder --------------------------------------------------


def scenario_c(folder: Path, seed: int) -> dict:
    rng = random.Random(seed)
    source, workspace = folder / "export.txt", folder / "review.sqlite"
    shutil.copy(demo_corpus_path(), source)
    other = folder / "other.jsonl"
    if NEWSEDITS.exists():
        shutil.copy(NEWSEDITS, other)
        described = "the NewsEdits versions"
    else:
        records = [
            {"id": f"n{i}", "title": f"Report {i}", "body": f"At least {i} of 15 may be 2 km."}
            for i in range(50)
        ]
        other.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        described = "a synthetic JSONL file"
    corpus, session, opened, book, _ = open_sources(source, workspace)
    made = 0
    for story_cluster in session.clusters:
        if len(story_cluster.documents) < 2:
            continue
        for discrepancy in session.story(story_cluster.id).discrepancies:
            book.annotate(book.target_for(discrepancy, story_cluster.id), "ana", tags=["error"])
            made += 1
    for document in corpus.documents:
        for short in ("2", "15", "may", "at least", "20", "70%"):
            start = document.body.find(short)
            if start >= 0 and rng.random() < 0.8:
                book.annotate(make_target(document, start, start + len(short)), "ana", note="x")
                made += 1
    before = ([s.annotation for s in opened.all()], opened.history())
    opened.close()
    corpus = load([other])
    session = ReviewSession(corpus, cluster_documents(corpus.documents), AliasTable())
    opened = Workspace.open(workspace)
    book = AnnotationBook(opened, corpus.documents)
    session.attach(book)
    for story_cluster in session.clusters:
        if len(story_cluster.documents) > 1:
            session.story(story_cluster.id)
    after = ([s.annotation for s in opened.all()], opened.history())
    opened.close()
    changed = {a.id for a in before[0]} ^ {a.id for a in after[0]}
    changed |= {a.id for a, b in zip(before[0], after[0], strict=False) if a != b}
    result = Counter(made=made, lost=len(changed), misattached=len(changed))
    result["orphaned"] = len(book.orphans())
    result["history rows written"] = len(after[1]) - len(before[1])
    result["detail"] = (
        f"annotations on the demo export, then the app opened on {described} alone "
        f"({len(corpus.documents)} documents); rows rewritten: {len(changed)}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of scenario A")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="parallax-stress-") as temporary:
        for name, run in (
            ("A", lambda f: scenario_a(f, args.seconds, args.seed)),
            ("B", lambda f: scenario_b(f, args.seed)),
            ("C", lambda f: scenario_c(f, args.seed)),
        ):
            folder = Path(temporary) / name
            folder.mkdir()
            started = time.perf_counter()
            results[name] = run(folder)
            results[name]["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{'scenario':<9}{'made':>7}{'lost':>7}{'misattached':>13}{'orphaned':>10}")
    for name, result in results.items():
        print(
            f"{name:<9}{result['made']:>7}{result['lost']:>7}{result['misattached']:>13}"
            f"{result['orphaned']:>10}   ({result['seconds']} s)"
        )
    for name, result in results.items():
        print(f"\n{name}: {result['detail']}")
        for key, value in sorted(result.items()):
            if key.startswith(("history", "orphaned:")):
                print(f"   {key}: {value}")
    failed = any(r["lost"] or r["misattached"] for r in results.values()) or any(
        v for r in results.values() for k, v in r.items() if k.startswith("history:")
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""How far a reviewer can trust the discrepancies: precision, recall and severity against a gold
set read by hand, and atomic edits applied to real versions.

    python benchmarks/quality_bench.py [--items] [--story NAME]

The gold set (``benchmarks/gold/*.json``, format in its README) lists, story by story, every
difference a fact-checker needs to see, with its kind and severity. Stories from the NewsEdits
evaluation data (``../shared/eval/newsedits``) are skipped cleanly when it is absent; the demo
stories always run. Two stories are held out: the rules were never looked at item by item
against them, and their figures are printed apart.

Prints, for the dev stories, the held-out ones and all together:

* precision: reported items (tier ``reported``) that match a real gold difference;
* recall: real gold differences (high/medium/low) matched by a reported item;
* high precision: reported high items whose gold severity is high;
* severity agreement: matched pairs with equal severity;
* items per story, items reported on formatting-only stories, time per story.

Then the synthetic edits: a name, a figure, a date, a negation, a hedge, a citation marker and
a sentence changed in real versions (each must be found at the expected kind and severity),
and equivalent rewrites (15 km / 15 kilometers, four / 4, 1,200 / 1200, March 4 / 4 March,
$1.2bn / $1.2 billion, 1月23日 / 1 月 23 日) that must give nothing above the unimportant tier.

Targets (issue 9): precision >= 0.85, recall >= 0.95, high precision >= 0.80, severity
agreement >= 0.75, nothing above unimportant on formatting-only stories, synthetic edits found
at the right severity >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from parallax.core.cluster import Cluster
from parallax.core.data import demo_corpus_path
from parallax.core.dates import date_spans
from parallax.core.discrepancy import Discrepancy
from parallax.core.document import Document, document_id
from parallax.core.ingest import load
from parallax.core.report import analyse_story
from parallax.core.text import CITATION_RUN

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"
EVAL = HERE.parent.parent / "shared" / "eval" / "newsedits" / "versions.jsonl"
HELD_OUT = {"newsedits-bbc-manning", "newsedits-reuters-jpmorgan"}
REAL = {"high", "medium", "low"}


# --- gold matching ---------------------------------------------------------------------------


@dataclass
class Score:
    """Counts behind the figures."""

    reported: int = 0
    matched_reported: int = 0
    gold: int = 0
    matched_gold: int = 0
    high_reported: int = 0
    high_right: int = 0
    same_severity: int = 0
    stories: int = 0
    formatting_items: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "reported",
            "matched_reported",
            "gold",
            "matched_gold",
            "high_reported",
            "high_right",
            "same_severity",
            "stories",
            "formatting_items",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds

    def line(self, label: str) -> str:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.2f} ({a}/{b})" if b else "n/a"

        per_story = self.reported / self.stories if self.stories else 0
        median = statistics.median(self.seconds) * 1000 if self.seconds else 0
        return (
            f"{label:<10} precision {ratio(self.matched_reported, self.reported)}  "
            f"recall {ratio(self.matched_gold, self.gold)}  "
            f"high precision {ratio(self.high_right, self.high_reported)}  "
            f"severity agreement {ratio(self.same_severity, self.matched_reported)}  "
            f"items/story {per_story:.1f}  formatting-only items {self.formatting_items}  "
            f"median {median:.1f} ms/story"
        )


def _places(discrepancy: Discrepancy, index: dict[str, int]) -> dict[tuple[int, str], tuple]:
    """Where a reported item has text: (version, field) -> (start, end)."""
    places = {}
    for reading in discrepancy.readings:
        if reading.start is not None and reading.end is not None:
            places[(index[reading.document], reading.field)] = (reading.start, reading.end)
    return places


def _gold_places(difference: dict) -> dict[tuple[int, str], tuple]:
    return {
        (int(version), reading.get("field", "body")): (reading["start"], reading["end"])
        for version, reading in difference["readings"].items()
    }


def _overlap(a: dict, b: dict) -> float:
    """How much two items' spans coincide: shared characters over the characters of both, in
    the versions where both have text (an empty span touching the other counts as one)."""
    shared = union = 0
    for key, (start, end) in a.items():
        if key not in b:
            continue
        other_start, other_end = b[key]
        size = min(end, other_end) - max(start, other_start)
        if size > 0 or (size == 0 and (start == end or other_start == other_end)):
            shared += max(size, 1)
            union += max(end, other_end) - min(start, other_start) or 1
    return shared / union if union else 0.0


def score_story(
    gold: dict, documents: list[Document], *, show: bool = False
) -> tuple[Score, list[str]]:
    cluster = Cluster(id="gold", documents=tuple(d.id for d in documents))
    start = time.perf_counter()
    story = analyse_story(cluster, documents)
    elapsed = time.perf_counter() - start
    index = {d.id: d.index for d in documents}
    reported = [d for d in story.discrepancies if d.tier == "reported"]
    differences = [d for d in gold["differences"] if d["severity"] in REAL]
    pairs = []
    for i, item in enumerate(reported):
        mine = _places(item, index)
        for j, difference in enumerate(gold["differences"]):
            size = _overlap(mine, _gold_places(difference))
            if size > 0:
                pairs.append((size, i, j))
    item_of: dict[int, int] = {}
    gold_of: dict[int, int] = {}
    for _size, i, j in sorted(pairs, reverse=True):
        if i not in item_of and j not in gold_of:
            item_of[i], gold_of[j] = j, i
    score = Score(stories=1, seconds=[elapsed], reported=len(reported), gold=len(differences))
    lines = []
    for i, item in enumerate(reported):
        j = item_of.get(i)
        golden = gold["differences"][j] if j is not None else None
        real = golden is not None and golden["severity"] in REAL
        score.matched_reported += real
        if item.severity == "high":
            score.high_reported += 1
            score.high_right += real and golden["severity"] == "high"
        if real and golden["severity"] == item.severity:
            score.same_severity += 1
        if show:
            verdict = f"= {golden['id']} ({golden['severity']})" if golden else "× noise"
            lines.append(f"  {item.severity:<6} {item.kind:<9} {item.summary[:90]}  {verdict}")
    score.matched_gold = sum(
        1 for j, d in enumerate(gold["differences"]) if j in gold_of and d["severity"] in REAL
    )
    if gold.get("formatting_only"):
        score.formatting_items = len(reported)
    if show:
        for j, difference in enumerate(gold["differences"]):
            if difference["severity"] in REAL and j not in gold_of:
                quotes = " / ".join(r["quote"][:30] for r in difference["readings"].values())
                lines.append(
                    f"  MISSED {difference['severity']:<6} {difference['kind']:<9} "
                    f"{difference['id']}: {quotes}"
                )
    return score, lines


def load_gold(only: str | None) -> list[tuple[dict, list[Document]]]:
    corpora: dict[str, tuple[Document, ...]] = {"demo": load([demo_corpus_path()]).documents}
    if EVAL.exists():
        corpora["newsedits"] = load([EVAL]).documents
    stories = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if only and gold["story"] != only:
            continue
        corpus = corpora.get(gold["corpus"])
        if corpus is None:
            print(f"skipped {gold['story']}: {gold['corpus']} data not found")
            continue
        documents = [corpus[v - 1] for v in gold["versions"]]
        gold["differences"] = paragraph_level(gold["differences"], documents)
        stories.append((gold, documents))
    return stories


def paragraph_level(differences: list[dict], documents: list[Document]) -> list[dict]:
    """Gold omissions of consecutive sentences of one paragraph, stated by the same versions,
    as one difference: a paragraph some versions add is one difference (one reviewer stop),
    whether its reader listed it sentence by sentence or whole."""
    by_index = {d.index: d for d in documents}

    def place(reading: dict, version: str) -> tuple[int, int] | None:
        body = by_index[int(version)]
        first = next((s for s in body.segments if s.start <= reading["start"] < s.end), None)
        last = next((s for s in body.segments if s.start < reading["end"] <= s.end), None)
        if first is None or last is None or first.block != last.block:
            return None
        return first.block, last.index

    out: list[dict] = []
    for difference in differences:
        last = out[-1] if out else None
        if (
            last is not None
            and difference["kind"] == last["kind"] == "omission"
            and difference["severity"] == last["severity"]
            and difference["readings"].keys() == last["readings"].keys()
            and all(
                reading.get("field", "body") == "body"
                for reading in difference["readings"].values()
            )
        ):
            joined = True
            for version, reading in difference["readings"].items():
                before = place(last["readings"][version], version)
                after = place(reading, version)
                first = next(
                    (
                        s
                        for s in by_index[int(version)].segments
                        if s.start <= reading["start"] < s.end
                    ),
                    None,
                )
                if before is None or after is None or first is None:
                    joined = False
                    break
                if before[0] != after[0] or first.index != before[1] + 1:
                    joined = False
                    break
            if joined:
                merged = dict(last)
                merged["readings"] = {
                    version: {**last["readings"][version], "end": reading["end"]}
                    for version, reading in difference["readings"].items()
                }
                merged["id"] = f"{last['id']}+{difference['id']}"
                out[-1] = merged
                continue
        out.append(difference)
    return out


# --- synthetic edits -------------------------------------------------------------------------

#: An equivalence sentence in two wordings that say exactly the same thing.
EQUIVALENT = [
    ("The ship sailed 15 km east.", "The ship sailed 15 kilometers east."),
    ("Officials counted four boats.", "Officials counted 4 boats."),
    ("The storm damaged 1,200 homes.", "The storm damaged 1200 homes."),
    ("The vote was held on March 4.", "The vote was held on 4 March."),
    ("The deal is worth $1.2bn to investors.", "The deal is worth $1.2 billion to investors."),
    ("会议于1月23日举行。", "会议于1 月 23 日举行。"),
    ("The firm, ASML, said so.", "The firm, ASML Holding, said so."),
]


@dataclass
class Edit:
    name: str
    kind: str
    severity: str


def _variant(document: Document, body: str, suffix: str) -> Document:
    # A new model, not model_copy: a copy would keep the original's cached segments.
    fields = document.model_dump(include=set(Document.model_fields))
    fields.update(
        body=body,
        id=document_id(document.title, document.source, document.published_raw, body) + suffix,
        index=document.index + 1000,
    )
    return Document(**fields)


_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})(?= [a-z])")
_FIGURE = re.compile(r"\b(\d{2,3})\b(?! ?(?:%|per))")
_DATE = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December)"
    r" (\d{1,2})\b"
)
_CITATION = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"(?<=[.!?]) [A-Z][^.!?\n]{40,200}[.!?](?= [A-Z])")
_VERB = re.compile(r"\b(is|was|are|were|has|have|will)\b(?! not)")
_FACTUAL = re.compile(r"\b(said|says|is|was|will)\b")


def _edits(
    rng: random.Random, body: str
) -> list[tuple[Edit, str, tuple[int, int], tuple[int, int]]]:
    """Each atomic edit the body allows: (edit, new body, where it sits in the new body, where
    it sat in the old one)."""
    out = []

    # A figure edit must change a figure, not a date's day or a citation marker.
    reserved = [(s, e) for _, s, e in date_spans(body)]
    reserved += [(m.start(), m.end()) for m in CITATION_RUN.finditer(body)]

    def replace(pattern: re.Pattern[str], edit: Edit, make) -> None:
        matches = [
            m
            for m in pattern.finditer(body)
            if edit.kind != "number" or not any(s < m.end() and m.start() < e for s, e in reserved)
        ]
        if not matches:
            return
        match = rng.choice(matches)
        new = make(match)
        start, end = match.start(), match.end()
        out.append((edit, body[:start] + new + body[end:], (start, start + len(new)), (start, end)))

    replace(_NAME, Edit("name", "entity", "high"), lambda m: "Vandermeer")
    replace(_FIGURE, Edit("figure", "number", "high"), lambda m: str(int(m.group(1)) + 7))
    replace(
        _DATE,
        Edit("date", "date", "high"),
        lambda m: f"{m.group(1)} {int(m.group(2)) % 27 + 2}",
    )
    replace(_VERB, Edit("negation", "qualifier", "high"), lambda m: f"{m.group(1)} not")
    replace(_FACTUAL, Edit("hedge", "qualifier", "medium"), lambda m: f"reportedly {m.group(1)}")
    replace(_CITATION, Edit("citation", "citation", "medium"), lambda m: f"[{int(m.group(1)) + 3}]")
    sentences = list(_SENTENCE.finditer(body))
    if sentences:
        match = rng.choice(sentences)
        out.append(
            (
                Edit("sentence removed", "omission", "medium"),
                body[: match.start()] + body[match.end() :],
                (match.start(), match.start()),
                (match.start(), match.end()),
            )
        )
    return out


def _touches(item: Discrepancy, document: str, region: tuple[int, int]) -> bool:
    start, end = region
    for reading in item.readings:
        if (
            reading.document == document
            and reading.start is not None
            and reading.end is not None
            and reading.start <= end
            and start <= reading.end
        ):
            return True
    return False


def synthetic(originals: list[Document], seed: int = 7) -> None:
    rng = random.Random(seed)
    found: dict[str, list[int]] = {}
    right: dict[str, list[int]] = {}
    for original in originals:
        for edit, body, new_region, old_region in _edits(rng, original.body):
            edited = _variant(original, body, "-edit")
            documents = [original, edited]
            story = analyse_story(Cluster(id="s", documents=(original.id, edited.id)), documents)
            hits = [
                item
                for item in story.discrepancies
                if item.tier == "reported"
                and (
                    _touches(item, edited.id, new_region) or _touches(item, original.id, old_region)
                )
            ]
            found.setdefault(edit.name, []).append(bool(hits))
            right.setdefault(edit.name, []).append(
                any(i.kind == edit.kind and i.severity == edit.severity for i in hits)
            )
    total = sum(sum(v) for v in right.values())
    count = sum(len(v) for v in right.values())
    print(
        f"synthetic edits found at the right kind and severity: {total / count:.2f} "
        f"({total}/{count})"
    )
    for name in found:
        print(
            f"  {name:<17} found {sum(found[name])}/{len(found[name])}, "
            f"right kind and severity {sum(right[name])}/{len(right[name])}"
        )
    noise = 0
    for original in originals:
        for plain, rewritten in EQUIVALENT:
            a = _variant(original, original.body + "\n\n" + plain, "-a")
            b = _variant(original, original.body + "\n\n" + rewritten, "-b")
            story = analyse_story(Cluster(id="e", documents=(a.id, b.id)), [a, b])
            noise += sum(1 for d in story.discrepancies if d.tier == "reported")
    print(
        f"equivalent rewrites reported above the unimportant tier: {noise} "
        f"(of {len(originals) * len(EQUIVALENT)} rewrites)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", action="store_true", help="print every item and miss")
    parser.add_argument("--story", help="only this gold story")
    args = parser.parse_args(argv)
    stories = load_gold(args.story)
    dev, held, everything = Score(), Score(), Score()
    for gold, documents in stories:
        score, lines = score_story(gold, documents, show=args.items)
        (held if gold["story"] in HELD_OUT else dev).add(score)
        everything.add(score)
        print(
            f"{gold['story']}: {score.reported} reported, {score.matched_gold}/{score.gold} found"
        )
        for line in lines:
            print(line)
    print(dev.line("dev"))
    print(held.line("held-out"))
    print(everything.line("all"))
    originals = [documents[0] for _, documents in stories]
    if originals and not args.story:
        synthetic(originals)
    return 0


if __name__ == "__main__":
    sys.exit(main())

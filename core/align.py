"""Align the N versions of a story claim by claim, then token by token within each claim.

**Rows.** The first version gives the initial rows, one per claim (segment). Every further
version is matched against the rows on content: each of its claims is scored against up to
three members of every row with rapidfuzz's normalised Indel similarity over normalised word
tokens (one token per CJK character; citation markers left out), and pairs are assigned one to
one, best first, ties going to the pair closest in relative position. Then:

* a claim left over that is mostly contained in a claim it neighbours (a version that *split*
  one claim in two) joins that claim's row;
* a row left without this version whose text is mostly contained in one of this version's
  claims (a version that *merged* two claims) is merged into that claim's row;
* any other claim starts a new row, placed right after the row holding the version's
  previous claim, so each version's order is kept wherever the content allows.

Section headings are aligned by title and by the claims they introduce, and the metadata
(title, source, timestamp) get a row each at the top.

**Variation units.** Within a row, every version's tokens are diffed against the first
version present (rapidfuzz opcodes over exact tokens, so spelling and case differences show),
and overlapping differences of all versions are merged into units. A unit gives, for each
version, the exact text it has at that point, with offsets into its body, or nothing.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from pydantic import Field
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Opcodes
from rapidfuzz.process import cdist

from parallax.core.dates import date_spans
from parallax.core.document import Document, Frozen, TextField, trusted
from parallax.core.entities import names_used_mid_sentence
from parallax.core.facts import WORD_TERMS, citations_blanked, content_terms, stem
from parallax.core.quantities import SCALES, UNITS, find_quantities
from parallax.core.text import (
    CITATION_MARKER,
    CJK_CHAR,
    CJK_RANGES,
    WITHOUT_CITATIONS,
    Memo,
    digit_starts,
    fold,
)

RowKind = Literal["title", "source", "published", "section", "claim"]

_CJK = CJK_RANGES
#: Tokens for diffing: citation runs, numbers (with separators, decimals, currency and %),
#: single CJK characters, and words (keeping inner hyphens and apostrophes).
DIFF_TOKEN = re.compile(
    rf"(?:{CITATION_MARKER})+"
    r"|[$€£¥]?\d+(?:[.,]\d+)*(?:\s?%)?"
    rf"|[{_CJK}]"
    rf"|[^\W\d_{_CJK}][^\W_{_CJK}]*(?:['’\-][^\W_{_CJK}]+)*"
)


class AlignSettings(Frozen):
    """How claims are matched across versions."""

    match: float = Field(
        0.62,
        ge=0.0,
        le=1.0,
        description="Least bag-of-words similarity (token sort ratio) of two claims in one row.",
    )
    contain: float = Field(
        0.75,
        ge=0.0,
        le=1.0,
        description="Least share of a claim found inside another for a split or merge.",
    )
    min_contained_tokens: int = Field(
        4, ge=1, description="Claims shorter than this never count as split or merged parts."
    )
    paraphrase: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Least weighted content-term cosine of two claims paired as rewordings "
        "(each must also be the other's best match).",
    )


class Cell(Frozen):
    """What one version has in a row: its segments (none for a gap) and their span.

    For a body row ``start``/``end`` are offsets into the body; for a metadata row, into that
    metadata field. Both are ``None`` for a gap.
    """

    document: str
    segments: tuple[int, ...] = ()
    start: int | None = None
    end: int | None = None

    @property
    def is_gap(self) -> bool:
        """True when the version has nothing in this row."""
        return self.start is None


class Row(Frozen):
    """One aligned point of a story: a claim, a section heading, or a metadata field."""

    index: int
    kind: RowKind
    cells: tuple[Cell, ...]
    section: int | None = Field(None, description="For a heading row, its section number.")
    moved: tuple[str, ...] = Field(
        (), description="Documents whose claim here sits out of their own order (it moved)."
    )

    @property
    def field(self) -> TextField:
        """Which text the cells' offsets index."""
        if self.kind == "section" or self.kind == "claim":
            return "body"
        return self.kind


class Alignment(Frozen):
    """The rows of a story, in display order, over its documents in input order."""

    documents: tuple[str, ...]
    rows: tuple[Row, ...]


class Token(NamedTuple):
    """A diff token: its text and where it sits in its text."""

    text: str
    start: int
    end: int

    @property
    def kind(self) -> str:
        """``cite``, ``num``, ``cjk`` or ``word``, told by the first character."""
        first = self.text[0]
        if first == "[":
            return "cite"
        if first.isdigit() or first in "$€£¥":
            return "num"
        if CJK_CHAR.match(first):
            return "cjk"
        return "word"


def clear_caches() -> None:
    """Forget memoised tokens, keys and terms (benchmarks use it to measure cold runs)."""
    content_terms.cache_clear()
    citations_blanked.cache_clear()
    date_spans.cache_clear()
    digit_starts.cache_clear()
    find_quantities.cache_clear()
    stem.cache_clear()
    _span_tokens.cache_clear()
    names_used_mid_sentence.cache_clear()
    _MATCH_KEYS.clear()
    _CLAIM_WORDS.clear()
    _TEXT_TOKENS.clear()
    _DIFF_KEYS.clear()
    WORD_TERMS.clear()
    WITHOUT_CITATIONS.clear()


_MATCH_KEYS = Memo(fold)


def match_key(token: str) -> str:
    """A token folded for matching claims: case, width and Latin diacritics removed."""
    return _MATCH_KEYS[token]


# --- claim rows -------------------------------------------------------------------------------


class _Terms:
    """Content terms per segment of a version, read only when a segment needs them (most
    claims pair word for word and never do)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.cache: dict[int, tuple[str, ...]] = {}

    def __getitem__(self, segment: int) -> tuple[str, ...]:
        terms = self.cache.get(segment)
        if terms is None:
            terms = self.cache[segment] = content_terms(self.document.segments[segment].text)
        return terms

    def __len__(self) -> int:
        return len(self.document.segments)


@dataclass
class _Version:
    document: Document
    keys: list[str]  # token string per segment (one character per token), for containment
    words: list[str]  # folded tokens joined by spaces, for bag-of-words similarity
    terms: _Terms  # content terms per segment, for paraphrase similarity
    sets: dict[int, frozenset[str]] = field(default_factory=dict)

    def term_set(self, segment: int) -> frozenset[str]:
        """The distinct content terms of one segment."""
        found = self.sets.get(segment)
        if found is None:
            found = self.sets[segment] = frozenset(self.terms[segment])
        return found


@dataclass
class _Draft:
    members: dict[int, list[int]] = field(default_factory=dict)  # version -> segments
    representatives: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    # The last terms read, and the members they were read for: a row is read again for
    # every later version, and most rows gain no member in between.
    _terms: tuple[tuple[tuple[int, tuple[int, ...]], ...], Counter[str]] | None = field(
        default=None, repr=False, compare=False
    )

    def terms(self, versions: list[_Version]) -> Counter[str]:
        """The content terms of every member (not to be changed by the caller)."""
        members = tuple((v, tuple(segments)) for v, segments in self.members.items())
        if self._terms is not None and self._terms[0] == members:
            return self._terms[1]
        counts: Counter[str] = Counter()
        for v, segments in members:
            for s in segments:
                counts.update(versions[v].terms[s])
        self._terms = (members, counts)
        return counts


class _Keys:
    """Folded token -> one private-use character, assigned in first-seen order."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def string(self, keys: Sequence[str]) -> str:
        codes = self.codes
        out = []
        for key in keys:
            code = codes.get(key)
            if code is None:
                code = chr(0xF0000 + len(codes) % 0xFFFD)
                codes[key] = code
            out.append(code)
        return "".join(out)


def _claim_words(text: str) -> tuple[tuple[str, ...], str]:
    """A claim's folded tokens without its citation markers, and the same sorted and joined
    by spaces (so that ``fuzz.ratio`` in ``cdist`` equals ``token_sort_ratio`` at a fraction
    of its cost)."""
    keys = _MATCH_KEYS
    folded = tuple(keys[token] for token, _, _ in _TEXT_TOKENS[text] if token[0] != "[")
    return folded, " ".join(sorted(folded))


#: :func:`_claim_words` of each claim text, remembered: the versions of a story share most of
#: their claims word for word.
_CLAIM_WORDS = Memo(_claim_words, limit=16_384)


def _prepare(documents: Sequence[Document], keys: _Keys) -> list[_Version]:
    versions = []
    claim_words = _CLAIM_WORDS
    for document in documents:
        read = [claim_words[segment.text] for segment in document.segments]
        segment_keys = [keys.string(folded) for folded, _ in read]
        words = [joined for _, joined in read]
        versions.append(_Version(document, segment_keys, words, _Terms(document)))
    return versions


def canonical_order(documents: Sequence[Document]) -> list[int]:
    """The order versions are aligned in: the one with most claims first, then by id.

    Alignment is progressive (each version is matched against the rows built so far), so a
    fixed order makes the rows, and every discrepancy, independent of the input order.
    """
    return sorted(
        range(len(documents)), key=lambda i: (-len(documents[i].segments), documents[i].id)
    )


def _containment(part: str, whole: str) -> float:
    """Share of ``part``'s tokens found, in order, in ``whole``."""
    if not part:
        return 0.0
    lcs = (len(part) + len(whole) - Indel.distance(part, whole)) / 2
    return lcs / len(part)


def _term_containment(part: tuple[str, ...], whole: Counter[str]) -> float:
    """Share of ``part``'s content terms that ``whole`` has, in any order."""
    if not part:
        return 0.0
    return sum(term in whole for term in part) / len(part)


class _Weights:
    """Inverse document frequency of content terms over the claims being paired: terms they
    all repeat ("rare earth") weigh little, a figure or a name a lot."""

    def __init__(self, claims: Sequence[Counter[str] | tuple[str, ...]]) -> None:
        frequency: Counter[str] = Counter()
        for terms in claims:
            frequency.update(set(terms))
        count = len(claims)
        self.idf = {term: math.log(1 + count / n) for term, n in frequency.items()}

    def vector(self, terms: Counter[str] | tuple[str, ...]) -> dict[str, float]:
        counts = terms if isinstance(terms, Counter) else Counter(terms)
        return {term: n * self.idf.get(term, 1.0) for term, n in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


def _claim_rows(versions: list[_Version], settings: AlignSettings) -> list[_Draft]:
    first = versions[0]
    rows = [_Draft({0: [s]}, [key], [first.words[s]]) for s, key in enumerate(first.keys)]
    for v in range(1, len(versions)):
        version = versions[v]
        count = len(version.keys)
        if not count:
            continue
        row_of: dict[int, int] = {}
        taken: set[int] = set()
        _pair_exact(version, rows, row_of, taken)
        _pair_similar(version, rows, row_of, taken, settings)
        _pair_paraphrases(version, versions, rows, row_of, taken, settings)
        _absorb_splits(version, versions, rows, row_of, settings)
        _merge_rows(version, versions, v, rows, row_of, taken, settings)
        for s, r in row_of.items():
            rows[r].members.setdefault(v, []).append(s)
            if len(rows[r].representatives) < 3:
                rows[r].representatives.append(version.keys[s])
                rows[r].words.append(version.words[s])
        _insert_new_rows(version, v, rows, row_of)
    for row in rows:
        for segments in row.members.values():
            segments.sort()
    return rows


def _pair_exact(
    version: _Version, rows: list[_Draft], row_of: dict[int, int], taken: set[int]
) -> None:
    """Claims repeated word for word are matched by hash, nearest in relative position first."""
    count, total_rows = len(version.keys), max(len(rows), 1)
    exact: dict[str, list[int]] = {}
    for r, row in enumerate(rows):
        for key in row.representatives:
            exact.setdefault(key, []).append(r)
    for s, key in enumerate(version.keys):
        options = [r for r in exact.get(key, ()) if r not in taken] if key else []
        if options:
            r = min(options, key=lambda r: (abs(s / count - r / total_rows), r))
            row_of[s] = r
            taken.add(r)


def _pair_similar(
    version: _Version,
    rows: list[_Draft],
    row_of: dict[int, int],
    taken: set[int],
    settings: AlignSettings,
) -> None:
    """Claims with mostly the same words (in any order) pair one to one, best first."""
    count, total_rows = len(version.keys), max(len(rows), 1)
    pending = [s for s in range(count) if s not in row_of]
    representatives = [
        (r, words) for r, row in enumerate(rows) if r not in taken for words in row.words
    ]
    if not pending or not representatives:
        return
    scores = (
        cdist(
            [version.words[s] for s in pending],
            [words for _, words in representatives],
            scorer=fuzz.ratio,
            score_cutoff=settings.match * 100,
        )
        / 100.0
    )
    owners = np.fromiter((r for r, _ in representatives), dtype=np.int64)
    starts = np.flatnonzero(np.diff(owners, prepend=-1))
    per_row = np.maximum.reduceat(scores, starts, axis=1)
    row_ids = owners[starts]
    candidates: list[tuple[float, float, int, int]] = []
    for i, column in zip(*np.nonzero(per_row >= settings.match), strict=True):
        s, r = pending[int(i)], int(row_ids[column])
        distance = abs(s / count - r / total_rows)
        candidates.append((-float(per_row[i, column]), distance, s, r))
    for _, _, s, r in sorted(candidates):
        if s not in row_of and r not in taken:
            row_of[s] = r
            taken.add(r)


def _pair_paraphrases(
    version: _Version,
    versions: list[_Version],
    rows: list[_Draft],
    row_of: dict[int, int],
    taken: set[int],
    settings: AlignSettings,
) -> None:
    """Claims that say the same in other words pair when each is the other's best match on
    weighted content terms (figures, dates, names and stems of content words)."""
    pending = [s for s in range(len(version.keys)) if s not in row_of and version.terms[s]]
    if not pending:
        return
    row_terms = {r: row.terms(versions) for r, row in enumerate(rows) if r not in taken}
    free = [r for r, terms in row_terms.items() if terms and rows[r].members]
    if not free:
        return
    weights = _Weights([version.terms[s] for s in pending] + [row_terms[r] for r in free])
    claim_vectors = {s: weights.vector(version.terms[s]) for s in pending}
    row_vectors = {r: weights.vector(row_terms[r]) for r in free}
    scores = {(s, r): _cosine(claim_vectors[s], row_vectors[r]) for s in pending for r in free}
    best_row = {s: max(free, key=lambda r: (scores[s, r], -r)) for s in pending}
    best_claim = {r: max(pending, key=lambda s: (scores[s, r], -s)) for r in free}
    for s, r in best_row.items():
        if best_claim[r] == s and scores[s, r] >= settings.paraphrase:
            row_of[s] = r
            taken.add(r)


def _absorb_splits(
    version: _Version,
    versions: list[_Version],
    rows: list[_Draft],
    row_of: dict[int, int],
    settings: AlignSettings,
) -> None:
    """A leftover claim mostly contained in a neighbour's row joins that row."""
    for s in range(len(version.keys)):
        if s in row_of or len(version.keys[s]) < settings.min_contained_tokens:
            continue
        for neighbour in (s - 1, s + 1):
            r = row_of.get(neighbour)
            if r is None:
                continue
            if any(
                _containment(version.keys[s], rep) >= settings.contain
                for rep in rows[r].representatives
            ) or (_term_containment(version.terms[s], rows[r].terms(versions)) >= settings.contain):
                row_of[s] = r
                break


#: How many rows away from a skipped row a version's merged claim is looked for.
MERGE_REACH = 3
#: Least share of a skipped row's words found in order in a claim before its content terms
#: are compared (a merge that rewords still keeps some of the words in order).
MERGE_HINT = 0.3


def _merge_rows(
    version: _Version,
    versions: list[_Version],
    v: int,
    rows: list[_Draft],
    row_of: dict[int, int],
    taken: set[int],
    settings: AlignSettings,
) -> None:
    """A row this version skipped, but whose claim sits inside one of its claims, is merged."""
    matched = sorted({r for r in row_of.values()})
    segment_of: dict[int, int] = {}
    for s, r in sorted(row_of.items()):
        segment_of.setdefault(r, s)
    for r in range(len(rows)):
        if r in taken or not rows[r].members or v in rows[r].members:
            continue
        representative = rows[r].representatives[0]
        if len(representative) < settings.min_contained_tokens:
            continue
        row_terms: set[str] | None = None
        # A merged claim stands where its parts stood: look a few rows around.
        nearby = matched[
            bisect_left(matched, r - MERGE_REACH) : bisect_left(matched, r + MERGE_REACH + 1)
        ]
        for target in nearby:
            if target == r or not rows[target].members:
                continue
            segment = segment_of[target]
            share = _containment(representative, version.keys[segment])
            contained = share >= settings.contain
            # Reworded merges share some words in order too: only those are read for terms.
            if not contained and share >= MERGE_HINT:
                if row_terms is None:
                    row_terms = set(rows[r].terms(versions))
                if len(row_terms) >= settings.min_contained_tokens:
                    whole = version.term_set(segment)
                    contained = len(row_terms & whole) / len(row_terms) >= settings.contain
            if contained:
                for other, segments in rows[r].members.items():
                    rows[target].members.setdefault(other, []).extend(segments)
                rows[target].representatives.extend(rows[r].representatives)
                rows[target].words.extend(rows[r].words)
                rows[r].members = {}
                rows[r].representatives = []
                rows[r].words = []
                break


def _insert_new_rows(version: _Version, v: int, rows: list[_Draft], row_of: dict[int, int]) -> None:
    """Claims still unplaced start rows right after the row of the version's previous claim."""
    for s in range(len(version.keys)):
        if s in row_of:
            continue
        previous = max((row_of[p] for p in range(s) if p in row_of), default=None)
        position = 0 if previous is None else previous + 1
        if previous is None:
            following = [row_of[n] for n in range(s + 1, len(version.keys)) if n in row_of]
            position = min(following) if following else len(rows)
        rows.insert(position, _Draft({v: [s]}, [version.keys[s]], [version.words[s]]))
        for other, row in row_of.items():
            if row >= position:
                row_of[other] = row + 1
        row_of[s] = position


def _moved_members(drafts: list[_Draft], versions: list[_Version]) -> list[set[int]]:
    """Per row, the versions whose claim there is out of that version's own order (it moved to
    another place of the story): claims outside the longest run of rows each version keeps in
    order."""
    moved: list[set[int]] = [set() for _ in drafts]
    for v in range(len(versions)):
        placed = sorted(
            (segments[0], position)
            for position, draft in enumerate(drafts)
            if (segments := draft.members.get(v))
        )
        positions = [position for _, position in placed]
        for index in _outside_longest_increasing(positions):
            moved[positions[index]].add(v)
    return moved


def _outside_longest_increasing(values: list[int]) -> list[int]:
    """Indices of ``values`` not in one longest strictly increasing subsequence."""
    if not values:
        return []
    tails: list[int] = []  # index of the smallest tail of an increasing run of each length
    parents = [-1] * len(values)
    for i, value in enumerate(values):
        low = bisect_left([values[t] for t in tails], value)
        if low > 0:
            parents[i] = tails[low - 1]
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    keep = set()
    index = tails[-1]
    while index >= 0:
        keep.add(index)
        index = parents[index]
    return [i for i in range(len(values)) if i not in keep]


# --- assembling rows ----------------------------------------------------------------------------


def _metadata_rows(documents: Sequence[Document]) -> list[Row]:
    rows: list[Row] = []
    kinds: tuple[RowKind, ...] = ("title", "source", "published")
    for kind in kinds:
        cells = []
        for document in documents:
            value = _metadata_value(document, kind)
            if value:
                cells.append(
                    trusted(
                        Cell,
                        _SPAN_CELL_FIELDS,
                        {"document": document.id, "segments": (), "start": 0, "end": len(value)},
                    )
                )
            else:
                cells.append(_gap(document.id))
        rows.append(
            trusted(
                Row,
                _METADATA_ROW_FIELDS,
                {
                    "index": len(rows),
                    "kind": kind,
                    "cells": tuple(cells),
                    "section": None,
                    "moved": (),
                },
            )
        )
    return rows


def _metadata_value(document: Document, kind: str) -> str:
    if kind == "title":
        return document.title
    if kind == "source":
        return document.source or ""
    return document.published_raw or ""


def metadata_text(document: Document, field: TextField) -> str:
    """The text a row field refers to for a document (its body for claim and heading rows)."""
    return document.body if field == "body" else _metadata_value(document, field)


# Cells and rows are built without validation (:func:`parallax.core.document.trusted`), each
# with the fields the validating constructor would record as given.
_CELL_FIELDS = set(Cell.model_fields)
_SPAN_CELL_FIELDS = {"document", "start", "end"}
_GAP_FIELDS = {"document"}
_ROW_FIELDS = set(Row.model_fields)
_METADATA_ROW_FIELDS = {"index", "kind", "cells"}


def _gap(document: str) -> Cell:
    """A version's cell in a row it has nothing in."""
    return trusted(
        Cell, _GAP_FIELDS, {"document": document, "segments": (), "start": None, "end": None}
    )


def _claim_cell(version: _Version, segments: list[int]) -> Cell:
    document = version.document
    spans = [document.segments[s] for s in segments]
    return trusted(
        Cell,
        _CELL_FIELDS,
        {
            "document": document.id,
            "segments": tuple(segments),
            "start": min(span.start for span in spans),
            "end": max(span.end for span in spans),
        },
    )


def _section_rows(
    versions: list[_Version], drafts: list[_Draft]
) -> dict[int, list[tuple[int, dict[int, int]]]]:
    """Heading rows to place before claim row positions: position -> [(label, version->section)]."""
    row_of_segment: dict[tuple[int, int], int] = {}
    for position, draft in enumerate(drafts):
        for v, segments in draft.members.items():
            for s in segments:
                row_of_segment[(v, s)] = position
    placed: dict[int, list[tuple[int, dict[int, int]]]] = {}
    titles: list[tuple[str, int, dict[int, int]]] = []  # (folded title, position, members)
    for v, version in enumerate(versions):
        for section in version.document.sections:
            if section.heading_start is None:
                continue
            positions = [
                row_of_segment[(v, segment.index)]
                for segment in version.document.segments
                if segment.section == section.index and (v, segment.index) in row_of_segment
            ]
            position = min(positions) if positions else len(drafts)
            folded = match_key(section.name or section.title or "")
            target = None
            for entry in titles:
                if v in entry[2]:
                    continue
                same_place = entry[1] == position
                similar = Indel.normalized_similarity(entry[0], folded) >= 0.6
                if same_place or similar:
                    target = entry
                    break
            if target is None:
                members: dict[int, int] = {v: section.index}
                titles.append((folded, position, members))
                placed.setdefault(position, []).append((len(titles) - 1, members))
            else:
                target[2][v] = section.index
    return placed


def align(documents: Sequence[Document], *, settings: AlignSettings | None = None) -> Alignment:
    """Align the versions of one story (2 to 20 documents, in input order).

    The rows do not depend on the order of ``documents``: versions are aligned in
    :func:`canonical_order` and each row's cells are then given in input order.
    """
    settings = settings or AlignSettings()
    order = canonical_order(documents)
    ordered = [documents[i] for i in order]
    keys = _Keys()
    versions = _prepare(ordered, keys)
    drafts = [d for d in _claim_rows(versions, settings) if d.members] if versions else []
    headings = _section_rows(versions, drafts)
    moved = _moved_members(drafts, versions)
    # Cells are built in canonical order and handed out in input order.
    to_input = sorted(range(len(order)), key=lambda v: order[v])
    rows = _metadata_rows(documents)

    def add(
        kind: RowKind, cells: list[Cell], section: int | None = None, shifted: Iterable[int] = ()
    ) -> None:
        rows.append(
            trusted(
                Row,
                _ROW_FIELDS,
                {
                    "index": len(rows),
                    "kind": kind,
                    "cells": tuple(cells[v] for v in to_input),
                    "section": section,
                    "moved": tuple(sorted(versions[v].document.id for v in shifted)),
                },
            )
        )

    for position in range(len(drafts) + 1):
        for label, members in headings.get(position, []):
            cells = []
            for v, version in enumerate(versions):
                if v in members:
                    section = version.document.sections[members[v]]
                    cells.append(
                        Cell(
                            document=version.document.id,
                            start=section.heading_start,
                            end=section.heading_end,
                        )
                    )
                else:
                    cells.append(_gap(version.document.id))
            add("section", cells, section=label)
        if position < len(drafts):
            draft = drafts[position]
            add(
                "claim",
                [
                    _claim_cell(version, draft.members[v])
                    if v in draft.members
                    else _gap(version.document.id)
                    for v, version in enumerate(versions)
                ],
                shifted=moved[position],
            )
    return Alignment(documents=tuple(d.id for d in documents), rows=tuple(rows))


# --- variation units ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """What one version has at one point of a row: a text span, or nothing (``start is None``).

    ``anchor`` is where absent text would sit (for display), when the version has the row.
    """

    text: str
    start: int | None
    end: int | None
    anchor: int | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """One point where the versions present in a row differ: one span per version."""

    spans: tuple[Span, ...]
    present: tuple[bool, ...]  # which versions have the row at all


def cell_tokens(document: Document, row: Row, cell: Cell) -> list[Token]:
    """The diff tokens of a cell, with offsets into the row's field of the document."""
    if cell.is_gap:
        return []
    text = metadata_text(document, row.field)
    if row.kind == "claim":
        spans = [(document.segments[s].start, document.segments[s].end) for s in cell.segments]
    else:
        spans = [(cell.start or 0, len(text) if cell.end is None else cell.end)]
    return [token for start, end in spans for token in _span_tokens(text, start, end)]


@lru_cache(maxsize=8192)
def _span_tokens(text: str, start: int, end: int) -> tuple[Token, ...]:
    new = tuple.__new__
    return tuple(
        new(Token, (token, start + s, start + e)) for token, s, e in _TEXT_TOKENS[text[start:end]]
    )


def _text_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple((m.group(), m.start(), m.end()) for m in DIFF_TOKEN.finditer(text))


#: The diff tokens of each claim text with offsets into it, remembered: the versions of a story
#: share most claims word for word, and a claim is read for matching (:func:`_claim_words`)
#: and again for diffing (:func:`_span_tokens`). ``DIFF_TOKEN`` looks neither behind nor
#: ahead, so a claim's tokens are the same read alone or inside its body.
_TEXT_TOKENS = Memo(_text_tokens, limit=8_192)


def diff_key(token: str) -> str:
    """A token as compared within a row: folded, without hyphens or apostrophes, so that
    spelling variants ("Chikyū"/"Chikyu", "Minami-Torishima"/"Minami-Tori-shima") line up."""
    return _DIFF_KEYS[token]


_JOINERS = re.compile(r"['’\-]")
_DIFF_KEYS = Memo(lambda token: _JOINERS.sub("", fold(token)))


def _same_text(documents: Sequence[Document], row: Row) -> bool:
    """True when every version present has the row's text, character for character."""
    texts = {
        metadata_text(document, row.field)[cell.start : cell.end]
        for document, cell in zip(documents, row.cells, strict=True)
        if not cell.is_gap
    }
    return len(texts) <= 1


def _same_tokens(tokens: list[list[Token]], present: tuple[bool, ...]) -> bool:
    """True when every version present has exactly the same tokens (texts that differ only
    in spacing)."""
    words = {
        tuple(token.text for token in found)
        for found, here in zip(tokens, present, strict=True)
        if here
    }
    return len(words) <= 1


def variation_units(documents: Sequence[Document], row: Row) -> list[Unit]:
    """The points where the versions present in ``row`` differ, in the base version's order.

    Metadata rows give at most one unit, the whole field. Body rows are diffed token by token
    against the first version present; tokens that line up but are written differently are
    units of their own.
    """
    cells = row.cells
    present = tuple(not cell.is_gap for cell in cells)
    base = next((i for i, p in enumerate(present) if p), None)
    if base is None:
        return []
    texts = [metadata_text(d, row.field) for d in documents]
    if row.kind in ("title", "source", "published"):
        return _metadata_unit(texts, cells, present)
    if sum(present) < 2:
        return []
    if _same_text(documents, row):
        return []
    tokens = [cell_tokens(d, row, c) for d, c in zip(documents, cells, strict=True)]
    if _same_tokens(tokens, present):
        return []
    base_keys = [diff_key(t.text) for t in tokens[base]]
    intervals: list[tuple[int, int]] = []
    spelling: set[tuple[int, int]] = set()
    maps: dict[int, _BoundaryMap] = {}
    for v, version_tokens in enumerate(tokens):
        if not present[v] or v == base:
            continue
        maps[v], changed, respelled = _diff_version(tokens[base], base_keys, version_tokens)
        intervals += changed
        spelling |= respelled
    merged = _with_context(_merge_intervals(intervals, spelling), tokens[base])
    return [Unit(_unit_spans(unit, texts, tokens, cells, base, maps), present) for unit in merged]


#: Where each token boundary of the base version falls in another version: the leftmost and the
#: rightmost of its candidates (they differ where that version inserted text).
_BoundaryMap = tuple[list[int], list[int]]


def _diff_version(
    base_tokens: list[Token], base_keys: list[str], version_tokens: list[Token]
) -> tuple[_BoundaryMap, list[tuple[int, int]], set[tuple[int, int]]]:
    """Diff one version against the base: its boundary map, the base intervals it changes,
    and the base tokens it writes differently (a spelling variant of the same key)."""
    size = len(base_keys)
    opcodes = _replacements(Indel.opcodes(base_keys, [diff_key(t.text) for t in version_tokens]))
    left = [10**9] * (size + 1)
    right = [-1] * (size + 1)
    changed: list[tuple[int, int]] = []
    respelled: set[tuple[int, int]] = set()
    for tag, i1, i2, j1, j2 in opcodes:
        left[i1] = min(left[i1], j1)
        right[i1] = max(right[i1], j1 if tag != "insert" else j2)
        left[i2] = min(left[i2], j2 if tag != "insert" else j1)
        right[i2] = max(right[i2], j2)
        if tag != "equal":
            changed.append((i1, i2))
            continue
        for x in range(i1 + 1, i2):
            left[x] = right[x] = j1 + x - i1
        for offset in range(i2 - i1):
            if base_tokens[i1 + offset].text != version_tokens[j1 + offset].text:
                respelled.add((i1 + offset, i1 + offset + 1))
    return (left, right), changed, respelled


def _unit_spans(
    unit: tuple[int, int, bool, bool],
    texts: list[str],
    tokens: list[list[Token]],
    cells: tuple[Cell, ...],
    base: int,
    maps: dict[int, _BoundaryMap],
) -> tuple[Span, ...]:
    """What each version has at one unit ``(low, high, owns_low, owns_high)`` of the base."""
    low, high, owns_low, owns_high = unit
    spans = []
    for v, version_tokens in enumerate(tokens):
        if cells[v].is_gap:
            spans.append(Span("", None, None))
            continue
        if v == base:
            first, last = low, high
        else:
            left, right = maps[v]
            # Insertions at a boundary belong to the unit that absorbed them.
            first = left[low] if owns_low else right[low]
            last = right[high] if owns_high else left[high]
            last = max(last, first)
        spans.append(_span(texts[v], version_tokens, first, last, cells[v]))
    return tuple(spans)


_MONTH_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


def _with_context(
    units: list[tuple[int, int, bool, bool]], base: list[Token]
) -> list[tuple[int, int, bool, bool]]:
    """Widen units by a neighbouring number, unit or month, so a reading says "15 km" and
    "January 23" rather than "km" and "23" (the neighbour is the same in every version)."""
    out: list[tuple[int, int, bool, bool]] = []
    for index, (low, high, owns_low, owns_high) in enumerate(units):
        floor = out[-1][1] if out else 0
        ceiling = units[index + 1][0] if index + 1 < len(units) else len(base)
        if low > floor and low < high:
            before = base[low - 1]
            first = base[low]
            if (before.kind == "num" and _is_unit_word(first.text)) or (
                before.text.lower().rstrip(".") in _MONTH_WORDS and first.kind == "num"
            ):
                low, owns_low = low - 1, False
        if high < ceiling and low < high:
            after = base[high]
            last = base[high - 1]
            if (last.kind == "num" and _is_unit_word(after.text)) or (
                last.text.lower().rstrip(".") in _MONTH_WORDS and after.kind == "num"
            ):
                high, owns_high = high + 1, False
        out.append((low, high, owns_low, owns_high))
    return out


def _is_unit_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in UNITS or lowered.rstrip("s") in UNITS or lowered in SCALES


def _replacements(opcodes: Opcodes) -> list[tuple[str, int, int, int, int]]:
    """Indel opcodes with each run of adjacent deletions and insertions made one replacement."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in opcodes:
        current = (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        if out and current[0] != "equal" and out[-1][0] != "equal":
            _, i1, _, j1, _ = out[-1]
            current = ("replace", i1, current[2], j1, current[4])
            out[-1] = current
        else:
            out.append(current)
    return out


def _metadata_unit(
    texts: list[str], cells: tuple[Cell, ...], present: tuple[bool, ...]
) -> list[Unit]:
    values = {texts[v] for v, p in enumerate(present) if p}
    if len(values) < 2 and all(present):
        return []
    spans = tuple(
        Span(texts[v], 0, len(texts[v]), 0) if p else Span("", None, None)
        for v, p in enumerate(present)
    )
    return [Unit(spans, tuple(True for _ in present))]


def _merge_intervals(
    changes: list[tuple[int, int]], spelling: set[tuple[int, int]]
) -> list[tuple[int, int, bool, bool]]:
    """Union overlapping intervals into units ``(low, high, owns_low, owns_high)``.

    An empty interval (an insertion) joins a unit it touches, unless that unit is only a
    spelling variant; ``owns_low``/``owns_high`` say whether the unit holds the insertions
    made at its boundaries.
    """
    merged: list[_Run] = []
    items = [(low, high, False) for low, high in set(changes)]
    items += [(low, high, True) for low, high in spelling if (low, high) not in set(changes)]
    for low, high, is_spelling in sorted(items):
        if merged:
            last = merged[-1]
            empty = low == high
            touching = low == last.high and (
                (empty and not last.spelling_only) or (last.low == last.high and not is_spelling)
            )
            if low < last.high or touching:
                last.high = max(last.high, high)
                last.spelling_only = last.spelling_only and is_spelling
                if empty:
                    last.insert_points.add(low)
                continue
        merged.append(_Run(low, high, is_spelling, {low} if low == high else set()))
    return [
        (run.low, run.high, run.low in run.insert_points, run.high in run.insert_points)
        for run in merged
    ]


@dataclass(slots=True)
class _Run:
    """A unit being merged: ``low:high``, whether only spelling variants make it, and where
    insertions it holds were made."""

    low: int
    high: int
    spelling_only: bool
    insert_points: set[int]


def _span(text: str, tokens: list[Token], first: int, last: int, cell: Cell) -> Span:
    if last <= first:
        anchor: int | None
        if tokens and first < len(tokens):
            anchor = tokens[first].start
        elif tokens:
            anchor = tokens[-1].end
        else:
            anchor = cell.start
        return Span("", None, None, anchor)
    start, end = tokens[first].start, tokens[last - 1].end
    return Span(text[start:end], start, end, start)

"""Find an annotation's text again after its source changed, in its own document only.

Two questions, answered in this order:

1. **Which document?** The annotation's own: the document with the same id (its text has not
   changed), or that document's *edited successor* in the same source file. Successors are
   recorded in the workspace (:func:`trace_lineage`): the workspace keeps the list of documents
   of every file that carries annotations (and the text of the annotated ones); when a file is
   read again, a document that vanished from it is paired with a document that appeared in it,
   by the id the source gives it, else by text similarity (at least 50 %), else (no text kept)
   by the same title at the same position. An annotation whose file is not loaded is left alone;
   one whose document vanished without successor is orphaned. Nothing is ever searched for in
   another file's documents, nor in another document of the same file.
2. **Where in it?** Scored as Hypothesis does (quote 50, prefix 20, suffix 20, position 2, each a
   similarity between 0 and 1; :func:`match_quote`). Candidates are every exact occurrence of the
   quote and, for quotes of at least 10 characters, approximate ones (the span the old text maps
   to through a character diff, the span between the old prefix and suffix, the best window). A
   candidate is accepted only when its context agrees: the mean similarity of the 32 characters
   before and after it to the stored prefix and suffix is at least 0.5. The one exception is an
   exact quote of 32 characters or more that occurs once in the document. An approximate quote
   must also be at least 85 % similar. When the annotated text is kept (a character diff of the
   old and new text keeps the quote whole), that span needs one side of its context to agree.
   The best accepted candidate wins; none means orphaned.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from parallax.core.annotations.models import (
    CONTEXT,
    Annotation,
    Quote,
    Target,
    make_quote,
    text_of,
)
from parallax.core.document import Document

Placement = Literal["unchanged", "moved", "orphaned", "elsewhere"]

#: Mean similarity of the text around a candidate to the stored prefix and suffix.
CONTEXT_CUTOFF = 0.5
#: Least similarity of an approximate match to the quote.
QUOTE_CUTOFF = 0.85
#: A quote this long that occurs exactly once needs no context.
LONG_QUOTE = 32
#: Shorter quotes are only ever placed exactly.
MIN_FUZZY = 10
#: Hypothesis's weights: quote, prefix, suffix, position.
WEIGHTS = (50.0, 20.0, 20.0, 2.0)
#: Least similarity of a vanished document's text to its successor's.
KINSHIP_CUTOFF = 0.5
_MAX_OCCURRENCES = 5000
_ORDINAL_WINDOW = 64


# --- documents and files ------------------------------------------------------------------------


def file_key(path: str, base: Path | None = None) -> str:
    """The file part of a document key: the path relative to ``base`` (the folder the workspace
    belongs to), with ``/`` separators; names such as ``<stdin>`` stay as they are."""
    if path.startswith("<") or path == "-":
        return path
    absolute = os.path.realpath(path)
    if base is None:
        return Path(absolute).as_posix()
    try:
        return Path(os.path.relpath(absolute, os.path.realpath(base))).as_posix()
    except ValueError:  # another drive
        return Path(absolute).as_posix()


def document_keys(documents: Sequence[Document], base: Path | None = None) -> dict[str, str]:
    """A key per document: its file and its position in that file (``path#n``)."""
    seen: dict[str, int] = {}
    keys: dict[str, str] = {}
    files: dict[str, str] = {}
    for document in documents:
        path = document.origin.path
        if path not in files:
            files[path] = file_key(path, base)
        seen[path] = seen.get(path, 0) + 1
        keys.setdefault(document.id, f"{files[path]}#{seen[path]}")
    return keys


def split_key(key: str | None) -> tuple[str | None, int | None]:
    """``(file, position)`` of a document key."""
    if not key:
        return None, None
    file, _, number = key.rpartition("#")
    if not file or not number.isdigit():
        return key, None
    return file, int(number)


@dataclass(frozen=True)
class KnownDocument:
    """What the workspace remembers of a document of a file that carries annotations."""

    file: str
    id: str
    ordinal: int
    title: str
    content_hash: str
    external_id: str | None = None
    body: str | None = None
    successor: str | None = None
    gone: bool = False

    @property
    def active(self) -> bool:
        """True while the document is the current version (not replaced, not gone)."""
        return self.successor is None and not self.gone


def known_from(document: Document, file: str, ordinal: int, *, body: bool) -> KnownDocument:
    """The record of a loaded document (with its text when ``body``)."""
    return KnownDocument(
        file=file,
        id=document.id,
        ordinal=ordinal,
        title=document.title,
        content_hash=document.content_hash,
        external_id=document.external_id,
        body=document.body if body else None,
    )


def _kinship(old: KnownDocument, ordinal: int, new: Document) -> float | None:
    """How surely ``new`` is the edited version of ``old``, or ``None`` if it is not."""
    if old.external_id and new.external_id:
        return 3.0 if old.external_id == new.external_id else None
    bonus = 0.01 * (ordinal == old.ordinal) + 0.01 * (new.title == old.title)
    if old.body is not None:
        cutoff = KINSHIP_CUTOFF * 100
        similarity = fuzz.ratio(old.body, new.body, score_cutoff=cutoff) / 100
        return similarity + bonus if similarity else None
    if ordinal == old.ordinal and new.title == old.title:
        return 0.6
    return None


def trace_lineage(
    known: Iterable[KnownDocument],
    loaded: Mapping[str, Sequence[tuple[int, Document]]],
) -> list[KnownDocument]:
    """The records to write after reading ``loaded`` (file → ``(position, document)``s): for each
    file the workspace knows, new documents, successors of vanished ones, new positions."""
    by_file: dict[str, list[KnownDocument]] = {}
    for record in known:
        by_file.setdefault(record.file, []).append(record)
    changes: list[KnownDocument] = []
    for file, records in by_file.items():
        current = loaded.get(file)
        if current is None:
            continue
        changes += _trace_file(file, records, current)
    return changes


def _trace_file(
    file: str, records: list[KnownDocument], current: Sequence[tuple[int, Document]]
) -> list[KnownDocument]:
    by_id = {r.id: r for r in records}
    active = {r.id: r for r in records if r.active}
    here = {d.id for _, d in current}
    vanished = [r for r in active.values() if r.id not in here]
    fresh = [(o, d) for o, d in current if d.id not in active]
    pairs: list[tuple[float, int, int]] = []
    for i, old in enumerate(vanished):
        for j, (ordinal, new) in enumerate(fresh):
            if (
                abs(ordinal - old.ordinal) > _ORDINAL_WINDOW
                and new.title != old.title
                and not (old.external_id and old.external_id == new.external_id)
            ):
                continue
            score = _kinship(old, ordinal, new)
            if score is not None:
                pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    successor_of: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in pairs:
        if i not in successor_of and j not in taken:
            successor_of[i] = j
            taken.add(j)
    changes: list[KnownDocument] = []
    inherits: set[str] = set()
    for i, old in enumerate(vanished):
        successor = successor_of.get(i)
        if successor is None:
            changes.append(replace(old, gone=True))
        else:
            new = fresh[successor][1]
            changes.append(replace(old, successor=new.id))
            if old.body is not None:
                inherits.add(new.id)
    for ordinal, document in fresh:
        before = by_id.get(document.id)
        body = (
            document.body
            if document.id in inherits or (before is not None and before.body is not None)
            else None
        )
        changes.append(known_from(document, file, ordinal, body=body is not None))
    for ordinal, document in current:
        record = active.get(document.id)
        if record is not None and record.ordinal != ordinal:
            changes.append(replace(record, ordinal=ordinal))
    return changes


@dataclass(frozen=True)
class Recording:
    """What to record of some loaded files, worked out (inside a transaction) against what the
    workspace knows of them already: the lineage of the files it records (as
    :func:`trace_lineage`), every document of the files it does not record yet, and the text of
    the ``annotated`` documents."""

    files: Mapping[str, Sequence[tuple[int, Document]]]
    annotated: frozenset[str] = frozenset()

    def changes(self, known: list[KnownDocument]) -> list[KnownDocument]:
        """The records to write."""
        recorded = {r.file for r in known}
        out = trace_lineage(known, self.files)
        for file, entries in self.files.items():
            if file not in recorded:
                out += [known_from(d, file, o, body=d.id in self.annotated) for o, d in entries]
        merged = {(r.file, r.id): r for r in known}
        merged.update({(r.file, r.id): r for r in out})
        for file, entries in self.files.items():
            for _, document in entries:
                record = merged.get((file, document.id))
                if document.id in self.annotated and record is not None and record.body is None:
                    out.append(replace(record, body=document.body))
        return out


# --- where in a text ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A place for a quote in a text, with Hypothesis's score and its parts."""

    start: int
    end: int
    score: float
    quote: float
    context: float


def _context(text: str, start: int, end: int, prefix: str, suffix: str) -> tuple[float, float]:
    before = text[max(0, start - max(CONTEXT, len(prefix))) : start]
    after = text[end : end + max(CONTEXT, len(suffix))]
    return (
        Levenshtein.normalized_similarity(prefix, before),
        Levenshtein.normalized_similarity(suffix, after),
    )


def _occurrences(text: str, exact: str, hint: int) -> list[int]:
    found = []
    position = text.find(exact)
    while position >= 0:
        found.append(position)
        position = text.find(exact, position + 1)
    if len(found) > _MAX_OCCURRENCES:
        found = sorted(found, key=lambda p: abs(p - hint))[:_MAX_OCCURRENCES]
    return found


def _between_context(text: str, exact: str, prefix: str, suffix: str) -> list[tuple[int, int]]:
    """Spans that sit between the end of the old prefix and the start of the old suffix."""
    head, tail = prefix[-12:], suffix[:12]
    if len(head) < 8 or len(tail) < 8:
        return []
    spans: list[tuple[int, int]] = []
    position = text.find(head)
    while position >= 0 and len(spans) < 50:
        start = position + len(head)
        stop = text.find(tail, start, start + 2 * len(exact) + 16)
        if stop >= 0:
            spans.append((start, stop))
        position = text.find(head, position + 1)
    return spans


def match_quote(
    text: str,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    *,
    hint: int = 0,
    mapped: tuple[int, int] | None = None,
    kept: bool = False,
) -> Match | None:
    """The best place for ``exact`` in ``text`` whose context agrees, or ``None``.

    ``hint`` is where the quote is expected; ``mapped`` the span the old text maps to (when the
    old text is known), and ``kept`` true when a character diff keeps the quote there whole:
    that span then needs only one side of its context to agree. See the module's docstring.
    """
    if not exact:
        return None
    occurrences = _occurrences(text, exact, hint)
    candidates: dict[tuple[int, int], float] = {(p, p + len(exact)): 1.0 for p in occurrences}
    if len(exact) >= MIN_FUZZY and text:
        spans = _between_context(text, exact, prefix, suffix)
        if mapped is not None:
            spans.append(mapped)
        window = fuzz.partial_ratio_alignment(exact, text, score_cutoff=QUOTE_CUTOFF * 100)
        if window is not None:
            spans.append((window.dest_start, window.dest_end))
        for start, end in spans:
            if (start, end) not in candidates and 0 <= start <= end <= len(text):
                similarity = Indel.normalized_similarity(exact, text[start:end])
                if similarity >= QUOTE_CUTOFF:
                    candidates[(start, end)] = similarity
    unique = len(occurrences) == 1
    best: tuple[tuple[float, int], Match] | None = None
    quote_weight, prefix_weight, suffix_weight, position_weight = WEIGHTS
    total = sum(WEIGHTS)
    for (start, end), similarity in candidates.items():
        before, after = _context(text, start, end, prefix, suffix)
        context = (before + after) / 2
        if similarity == 1.0:
            accepted = context >= CONTEXT_CUTOFF or (len(exact) >= LONG_QUOTE and unique)
            if kept and (start, end) == mapped:
                accepted = accepted or max(before, after) >= CONTEXT_CUTOFF
        else:
            accepted = similarity >= QUOTE_CUTOFF and context >= CONTEXT_CUTOFF
        if not accepted:
            continue
        position = 1.0 - abs(start - hint) / max(len(text), 1)
        score = (
            quote_weight * similarity
            + prefix_weight * before
            + suffix_weight * after
            + position_weight * max(position, 0.0)
        ) / total
        rank = (score, -abs(start - hint))
        if best is None or rank > best[0]:
            best = (rank, Match(start, end, score, similarity, context))
    return best[1] if best else None


class SpanMap:
    """Maps positions of an old text to a new one through a character diff."""

    def __init__(self, old: str, new: str) -> None:
        self.blocks = [
            (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
            for op in Levenshtein.opcodes(old, new)
        ]
        self.starts = [block[1] for block in self.blocks]

    def _position(self, position: int, *, end: bool) -> int:
        # A start belongs to the block it begins in, an end to the block it closes.
        if end:
            index = bisect_left(self.starts, position) - 1
        else:
            index = bisect_right(self.starts, position) - 1
        if not self.blocks:
            return 0
        tag, i1, i2, j1, j2 = self.blocks[min(max(index, 0), len(self.blocks) - 1)]
        if tag == "equal":
            return j1 + min(max(position - i1, 0), i2 - i1)
        return j2 if end else j1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where ``old[start:end]`` is in the new text (approximately, when it was edited)."""
        new_start = self._position(start, end=False)
        new_end = self._position(end, end=True) if end > start else new_start
        return new_start, max(new_start, new_end)

    def kept(self, start: int, end: int) -> bool:
        """True when the diff keeps every character of ``old[start:end]``, in one piece."""
        if end <= start:
            return False
        index = bisect_right(self.starts, start) - 1
        if index < 0:
            return False
        tag, i1, i2, _, _ = self.blocks[index]
        return tag == "equal" and i1 <= start and end <= i2


@lru_cache(maxsize=64)
def _span_map(old: str, new: str) -> SpanMap:
    return SpanMap(old, new)


# --- placing annotations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """The document an annotation's quote lives in now, and the text it was made on."""

    document: Document | None
    state: Literal["loaded", "successor", "gone", "elsewhere"]
    old: KnownDocument | None = None


@dataclass(frozen=True)
class Spot:
    """Where one reading of an annotation is now, for relinking: its document now (``None`` when
    that version is not loaded any more), its span there (found, or where a character diff puts
    the old one; ``None`` when neither is known), and whether it said something when it was
    annotated."""

    document: str | None
    field: str
    start: int | None
    end: int | None
    present: bool


def spots_of(target: Target) -> tuple[Spot, ...]:
    """The spots of a target whose readings are all where they say."""
    return tuple(Spot(q.document, q.field, q.start, q.end, q.placed) for q in target.quotes())


@dataclass(frozen=True)
class Anchored:
    """Where an annotation sits now.

    ``annotation`` is the placed annotation (its target moved, or ``orphaned`` set); ``home`` the
    id of its document in the current sources (``None`` when it is not loaded); ``spots`` where
    each of its readings is now.
    """

    annotation: Annotation
    placement: Placement
    home: str | None
    spots: tuple[Spot, ...] = ()


class Anchorer:
    """Re-anchors targets against one corpus, each in its own document."""

    def __init__(
        self,
        documents: Sequence[Document],
        *,
        base: Path | None = None,
        known: Iterable[KnownDocument] = (),
    ) -> None:
        self.base = base
        self.ordered = list(documents)
        self.keys = document_keys(documents, base)
        self.by_file: dict[str, list[tuple[int, Document]]] = {}
        self.aliases: dict[str, str] = {}
        self.copies: dict[str, list[tuple[str, Document]]] = {}
        files: dict[str, str] = {}
        for document in documents:
            path = document.origin.path
            if path not in files:
                files[path] = file_key(path, base)
                self.aliases[path] = files[path]
                if not path.startswith("<"):
                    self.aliases[os.path.realpath(path)] = files[path]
                self.aliases[files[path]] = files[path]
            file = files[path]
            entries = self.by_file.setdefault(file, [])
            entries.append((len(entries) + 1, document))
            self.copies.setdefault(document.id, []).append((file, document))
        self.known: dict[tuple[str, str], KnownDocument] = {}
        self.recorded: set[str] = set()
        self.remember(known)

    def remember(self, records: Iterable[KnownDocument]) -> None:
        """Take in records of the workspace (later ones replace earlier ones)."""
        for record in records:
            self.known[(record.file, record.id)] = record
            self.recorded.add(record.file)

    def loaded_files(self) -> dict[str, list[tuple[int, Document]]]:
        """The loaded documents of each file, with their positions."""
        return self.by_file

    def key(self, document_id: str) -> str | None:
        """The key (``file#n``) of a loaded document."""
        return self.keys.get(document_id)

    def file_of(self, key: str | None) -> str | None:
        """The loaded file a stored key names (new keys are relative to the workspace folder,
        keys of earlier versions were paths as given), or ``None``."""
        file, _ = split_key(key)
        if file is None:
            return None
        if file in self.aliases:
            return self.aliases[file]
        if file.startswith("<"):
            return None
        candidates = [os.path.realpath(file)]
        if self.base is not None:
            candidates.insert(0, os.path.realpath(os.path.join(self.base, file)))
        for candidate in candidates:
            if candidate in self.aliases:
                return self.aliases[candidate]
        return None

    def home(self, document_id: str, key: str | None = None) -> Home:
        """The document that ``document_id`` is now (see the module's docstring)."""
        wanted = self.file_of(key)
        copies = self.copies.get(document_id, [])
        here = next((d for f, d in copies if f == wanted), None)
        if here is not None:
            return Home(here, "loaded", self._record(document_id, wanted))
        if copies and wanted is None:
            # The same text, read from a file the key does not name (renamed, or no key).
            return Home(copies[0][1], "loaded", self._record(document_id, copies[0][0]))
        files = [wanted] if wanted is not None else []
        files += [f for (f, i) in self.known if i == document_id and f not in files]
        for file in files:
            if file not in self.by_file:
                continue
            record = self.known.get((file, document_id))
            if record is None:
                if file != wanted:
                    continue
                if file in self.recorded:
                    # The workspace records this file and never saw this document: whatever
                    # version of it this was, it cannot be told apart from its neighbours.
                    return Home(None, "gone")
                # A file no record was kept of (by an earlier version): only the document
                # at the same position can be it, and its quotes must be found with context.
                found = self._by_position(file, key)
                if found is not None:
                    return Home(found, "successor")
                continue
            current, seen = record, {document_id}
            while current.successor is not None and current.successor not in seen:
                seen.add(current.successor)
                loaded = next(
                    (d for f, d in self.copies.get(current.successor, []) if f == file), None
                )
                if loaded is not None:
                    return Home(loaded, "successor", record)
                following = self.known.get((file, current.successor))
                if following is None:
                    break
                current = following
            return Home(None, "gone", record)
        if copies:
            return Home(copies[0][1], "loaded", self._record(document_id, copies[0][0]))
        return Home(None, "elsewhere")

    def _record(self, document_id: str, file: str | None) -> KnownDocument | None:
        if file is not None and (file, document_id) in self.known:
            return self.known[(file, document_id)]
        return next((r for (f, i), r in self.known.items() if i == document_id), None)

    def _by_position(self, file: str, key: str | None) -> Document | None:
        """Workspaces of earlier versions kept no list of documents: the document at the same
        position of the same file is the only candidate (and its quotes need context)."""
        _, position = split_key(key)
        if position is None:
            return None
        entries = self.by_file.get(file, [])
        return entries[position - 1][1] if 0 < position <= len(entries) else None

    def place(self, quote: Quote, home: Home) -> Quote | None:
        """The quote in its home document, or ``None`` when it cannot be placed there."""
        document = home.document
        if document is None:
            return None
        text = text_of(document, quote.field)
        if quote.start is None or quote.end is None:
            if document.id == quote.document:
                return quote
            return quote.model_copy(
                update={"document": document.id, "content_hash": document.content_hash}
            )
        if (
            document.id == quote.document
            and quote.end <= len(text)
            and text[quote.start : quote.end] == quote.exact
        ):
            return quote
        hint, mapped, kept = quote.start, None, False
        old = home.old
        if (
            quote.field == "body"
            and old is not None
            and old.body is not None
            and old.content_hash == quote.content_hash
            and quote.end <= len(old.body)
        ):
            spans = _span_map(old.body, text)
            mapped, kept = spans.span(quote.start, quote.end), spans.kept(quote.start, quote.end)
            hint = mapped[0]
        if not quote.exact:
            position = mapped[0] if mapped is not None else _between(text, quote)
            if position is None:
                return None
            return make_quote(document, position, position, field=quote.field)
        found = match_quote(
            text, quote.exact, quote.prefix, quote.suffix, hint=hint, mapped=mapped, kept=kept
        )
        if found is None:
            return None
        return make_quote(document, found.start, found.end, field=quote.field)

    def _estimate(self, quote: Quote, home: Home) -> tuple[int, int] | None:
        """Where a quote that cannot be found any more was, through a diff of the old text."""
        old, document = home.old, home.document
        if (
            document is None
            or quote.field != "body"
            or quote.start is None
            or quote.end is None
            or old is None
            or old.body is None
            or old.content_hash != quote.content_hash
            or quote.end > len(old.body)
        ):
            return None
        return _span_map(old.body, document.body).span(quote.start, quote.end)

    def anchor(self, annotation: Annotation, key: str | None) -> Anchored:
        """Place an annotation (``key`` is the document key stored with it)."""
        target = annotation.target
        home = self.home(target.document, key)
        if home.state == "elsewhere":
            return Anchored(annotation, "elsewhere", None)
        primary = self.place(target.primary(), home)
        readings: list[Quote] = []
        placed_any = primary is not None and primary.placed
        homes: list[str] = []
        spots: list[Spot] = []
        for reading in target.quotes():
            same = reading.document == target.document
            where = home if same else self.home(reading.document)
            moved = self.place(reading, where) if where.state != "elsewhere" else None
            if moved is None:
                readings.append(reading)
                estimate = self._estimate(reading, where)
                spots.append(
                    Spot(
                        where.document.id if where.document is not None else None,
                        reading.field,
                        estimate[0] if estimate else None,
                        estimate[1] if estimate else None,
                        reading.placed,
                    )
                )
            else:
                readings.append(moved)
                placed_any = placed_any or moved.placed
                spots.append(
                    Spot(moved.document, moved.field, moved.start, moved.end, reading.placed)
                )
                if where.document is not None:
                    homes.append(where.document.id)
        if not target.readings:
            readings = []
        update: dict[str, Any] = {"readings": tuple(readings)}
        if primary is not None:
            update.update(primary.model_dump(exclude={"start", "end"}))
            update.update(start=primary.start or 0, end=primary.end or 0)
        placed_target = target.model_copy(update=update)
        if target.discrepancy:
            # A discrepancy annotation stays until its story says otherwise (relinking).
            orphaned = not placed_any or (annotation.orphaned and placed_target == target)
        else:
            orphaned = primary is None
        if not target.discrepancy and primary is None:
            placed_target = target
        home_id = home.document.id if home.document is not None else next(iter(homes), None)
        placed = annotation.model_copy(update={"target": placed_target, "orphaned": orphaned})
        state: Placement = "orphaned" if orphaned else "unchanged"
        if placed == annotation:
            return Anchored(annotation, state, home_id, tuple(spots))
        return Anchored(placed, "orphaned" if orphaned else "moved", home_id, tuple(spots))


def _between(text: str, quote: Quote) -> int | None:
    """Where an empty quote sits: between its prefix and its suffix, when they still meet."""
    if not quote.prefix and not quote.suffix:
        return None
    position = text.find(quote.prefix + quote.suffix)
    return None if position < 0 else position + len(quote.prefix)


def reanchor(annotation: Annotation, anchorer: Anchorer, key: str | None) -> Annotation:
    """The annotation placed in the current corpus, or marked orphaned (never dropped); an
    annotation whose document is not loaded is returned unchanged."""
    return anchorer.anchor(annotation, key).annotation


__all__ = [
    "Anchored",
    "Anchorer",
    "Home",
    "KnownDocument",
    "Match",
    "Recording",
    "SpanMap",
    "Spot",
    "Target",
    "document_keys",
    "file_key",
    "known_from",
    "match_quote",
    "reanchor",
    "split_key",
    "spots_of",
    "trace_lineage",
]

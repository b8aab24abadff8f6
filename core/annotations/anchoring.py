"""Find an annotation's text again after its source changed.

In order: the same document, unchanged (its content hash matches); the document now at the same
place (same file, same position in it) or, failing that, any document of the corpus, searched for
the quote: exactly first (the occurrence whose surrounding text and position agree best), then
approximately with rapidfuzz. What cannot be placed is *orphaned*: kept, listed, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from parallax.core.annotations.models import Annotation, Target, make_target, text_of
from parallax.core.document import Document

Placement = Literal["unchanged", "exact", "fuzzy", "orphaned"]
FUZZY_CUTOFF = 85.0


def document_keys(documents: Sequence[Document]) -> dict[str, str]:
    """A key per document that survives edits: its file and its position in that file."""
    seen: dict[str, int] = {}
    keys = {}
    for document in documents:
        seen[document.origin.path] = seen.get(document.origin.path, 0) + 1
        keys[document.id] = f"{document.origin.path}#{seen[document.origin.path]}"
    return keys


@dataclass(frozen=True)
class Anchored:
    """Where an annotation sits now (``target`` is ``None`` when it is orphaned)."""

    target: Target | None
    placement: Placement


class Anchorer:
    """Re-anchors targets against one corpus."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = {d.id: d for d in documents}
        keys = document_keys(documents)
        self.by_key = {key: self.documents[doc_id] for doc_id, key in keys.items()}
        self.key_of = keys
        self.ordered = list(documents)

    def key(self, document_id: str) -> str | None:
        """The stable key of a document of this corpus."""
        return self.key_of.get(document_id)

    def anchor(self, target: Target, key: str | None = None) -> Anchored:
        """Place a target in the current corpus. ``key`` is the document key stored with it."""
        same = self.documents.get(target.document)
        if same is not None and same.content_hash == target.content_hash:
            text = text_of(same, target.field)
            if text[target.start : target.end] == target.exact:
                return Anchored(target, "unchanged")
        candidates: list[Document] = []
        for document in (same, self.by_key.get(key or "")):
            if document is not None and document not in candidates:
                candidates.append(document)
        for document in candidates:
            found = self._exact(target, document)
            if found is not None:
                return Anchored(found, "exact")
        for document in self.ordered:
            if document not in candidates:
                found = self._exact(target, document)
                if found is not None:
                    return Anchored(found, "exact")
        for document in candidates:
            found = self._fuzzy(target, document)
            if found is not None:
                return Anchored(found, "fuzzy")
        return Anchored(None, "orphaned")

    def _retarget(self, target: Target, document: Document, start: int, end: int) -> Target:
        moved = make_target(
            document,
            start,
            end,
            field=target.field,
            discrepancy=target.discrepancy,
            cluster=target.cluster,
        )
        return moved

    def _exact(self, target: Target, document: Document) -> Target | None:
        text = text_of(document, target.field)
        if not target.exact:
            return None
        best: tuple[int, int, int] | None = None  # (-agreement, distance, start)
        position = text.find(target.exact)
        while position >= 0:
            end = position + len(target.exact)
            before = text[max(0, position - len(target.prefix)) : position]
            after = text[end : end + len(target.suffix)]
            agreement = _common_suffix(before, target.prefix) + _common_prefix(after, target.suffix)
            candidate = (-agreement, abs(position - target.start), position)
            if best is None or candidate < best:
                best = candidate
            position = text.find(target.exact, position + 1)
        if best is None:
            return None
        start = best[2]
        return self._retarget(target, document, start, start + len(target.exact))

    def _fuzzy(self, target: Target, document: Document) -> Target | None:
        text = text_of(document, target.field)
        if len(target.exact) < 8 or not text:
            return None  # too short to recognise approximately
        alignment = fuzz.partial_ratio_alignment(target.exact, text, score_cutoff=FUZZY_CUTOFF)
        if alignment is None:
            return None
        return self._retarget(target, document, alignment.dest_start, alignment.dest_end)


def _common_prefix(text: str, expected: str) -> int:
    count = 0
    for a, b in zip(text, expected, strict=False):
        if a != b:
            break
        count += 1
    return count


def _common_suffix(text: str, expected: str) -> int:
    count = 0
    for a, b in zip(reversed(text), reversed(expected), strict=False):
        if a != b:
            break
        count += 1
    return count


def reanchor(annotation: Annotation, anchorer: Anchorer, key: str | None) -> Annotation:
    """The annotation placed in the current corpus, or marked orphaned (never dropped)."""
    placed = anchorer.anchor(annotation.target, key)
    if placed.target is None:
        return annotation.model_copy(update={"orphaned": True})
    if placed.placement == "unchanged" and not annotation.orphaned:
        return annotation
    return annotation.model_copy(update={"target": placed.target, "orphaned": False})

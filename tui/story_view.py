"""A story as the review screen shows it: which spans to paint where, in which order to visit
discrepancies, and which ones a filter keeps. Computed once per story from core models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from parallax.core.discrepancy import Discrepancy
from parallax.core.document import Document
from parallax.core.report import Story

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to paint: body offsets of one document, and the discrepancy it belongs to."""

    start: int
    end: int
    kind: str
    severity: str
    discrepancy: str
    whole_claim: bool  # a claim-level omission: painted under everything else


@dataclass(frozen=True)
class Filter:
    """Which discrepancies to visit: by severity and by kind (empty means all)."""

    severities: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def keeps(self, discrepancy: Discrepancy) -> bool:
        """True when the filter lets ``discrepancy`` through."""
        return (not self.severities or discrepancy.severity in self.severities) and (
            not self.kinds or discrepancy.kind in self.kinds
        )

    def describe(self) -> str:
        """A short label for the status line."""
        parts = sorted(self.severities, key=SEVERITY_RANK.get) + sorted(self.kinds)
        return ",".join(parts) if parts else "all"


@dataclass
class StoryView:
    """Everything the review screen needs to know about one story."""

    story: Story
    documents: list[Document]
    marks: dict[tuple[int, int], list[Mark]] = field(default_factory=dict)  # (column, row)
    metadata: dict[tuple[int, str], list[Mark]] = field(default_factory=dict)  # (column, field)
    by_id: dict[str, Discrepancy] = field(default_factory=dict)

    @classmethod
    def build(cls, story: Story, documents: Iterable[Document]) -> StoryView:
        """Index a story's discrepancies by where they are painted."""
        view = cls(story=story, documents=list(documents))
        rows = story.alignment.rows
        for discrepancy in story.discrepancies:
            view.by_id[discrepancy.id] = discrepancy
            row = rows[discrepancy.row]
            for column, reading in enumerate(discrepancy.readings):
                if reading.start is None or reading.end is None:
                    continue
                whole = (
                    discrepancy.kind == "omission"
                    and row.kind == "claim"
                    and reading.start == row.cells[column].start
                    and reading.end == row.cells[column].end
                )
                mark = Mark(
                    reading.start,
                    reading.end,
                    discrepancy.kind,
                    discrepancy.severity,
                    discrepancy.id,
                    whole,
                )
                if reading.field == "body":
                    view.marks.setdefault((column, discrepancy.row), []).append(mark)
                else:
                    view.metadata.setdefault((column, reading.field), []).append(mark)
        for marks in (*view.marks.values(), *view.metadata.values()):
            # Claim-wide marks first, then low to high severity: the most important wins.
            marks.sort(key=lambda m: (not m.whole_claim, -SEVERITY_RANK[m.severity], m.start))
        return view

    def ordered(self, keep: Filter | None = None) -> list[Discrepancy]:
        """The discrepancies in reading order (row, then position), those the filter keeps."""
        return [d for d in self.story.discrepancies if keep is None or keep.keeps(d)]

    def mark_at(self, column: int, row: int, offset: int) -> Mark | None:
        """The most specific mark covering a body offset (a click lands on it)."""
        covering = [m for m in self.marks.get((column, row), []) if m.start <= offset < m.end]
        if not covering:
            return None
        return min(covering, key=lambda m: (m.whole_claim, m.end - m.start))

    def worst_severity(self, column: int, row: int) -> str | None:
        """The highest severity of the marks of one cell, for the gutter."""
        marks = self.marks.get((column, row))
        if not marks:
            return None
        return min((m.severity for m in marks), key=SEVERITY_RANK.__getitem__)

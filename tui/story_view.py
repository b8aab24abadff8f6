"""A story as the review screen shows it: which spans to paint where, in which order rows are
shown and discrepancies visited, and which ones a filter keeps. Computed once per story from core
models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from parallax.core.discrepancy import SEVERITIES, Discrepancy
from parallax.core.document import Document
from parallax.core.report import Story
from parallax.tui.grouping import Group, reading_groups
from parallax.tui.layout import Placement, display_order

#: Severities, most severe first.
SEVERITY_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to paint: body offsets of one document, and the discrepancy it belongs to."""

    start: int
    end: int
    kind: str
    severity: str
    discrepancy: str
    whole_claim: bool  # a claim-level omission: painted under everything else
    unimportant: bool = False  # an equivalent variant: painted only on request, dimmed


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
        parts = sorted(self.severities, key=SEVERITY_RANK.__getitem__) + sorted(self.kinds)
        return ",".join(parts) if parts else "all"


@dataclass
class StoryView:
    """Everything the review screen needs to know about one story."""

    story: Story
    documents: list[Document]
    marks: dict[tuple[int, int], list[Mark]] = field(default_factory=dict)  # (column, row)
    metadata: dict[tuple[int, str], list[Mark]] = field(default_factory=dict)  # (column, field)
    by_id: dict[str, Discrepancy] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)  # body rows in display order
    reading_order: list[Discrepancy] = field(default_factory=list)  # every one, as shown
    _ordered: dict[Filter | None, list[Discrepancy]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, story: Story, documents: Iterable[Document]) -> StoryView:
        """Index a story's discrepancies by where they are painted, and order its rows so each
        version reads in its own order."""
        view = cls(story=story, documents=list(documents))
        rows = story.alignment.rows
        view.placements = display_order(rows)
        shown_at: dict[int, int] = {}
        for position, placement in enumerate(view.placements):
            shown_at.setdefault(placement.row.index, position)
        view.reading_order = sorted(
            story.discrepancies,
            key=lambda d: shown_at.get(d.row, -1),  # metadata rows (headers) first; stable
        )
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
                    discrepancy.tier == "unimportant",
                )
                if reading.field == "body":
                    view.marks.setdefault((column, discrepancy.row), []).append(mark)
                else:
                    view.metadata.setdefault((column, reading.field), []).append(mark)
        for marks in (*view.marks.values(), *view.metadata.values()):
            # Claim-wide marks first, then low to high severity: the most important wins.
            # Unimportant variants under everything reported.
            marks.sort(
                key=lambda m: (
                    not m.whole_claim,
                    not m.unimportant,
                    -SEVERITY_RANK[m.severity],
                    m.start,
                )
            )
        return view

    def ordered(self, keep: Filter | None = None) -> list[Discrepancy]:
        """The reported discrepancies in reading order (rows as shown, then position), those the
        filter keeps. The unimportant tier is never visited nor counted. (Asked on every key:
        remembered per filter; do not change the list returned.)"""
        found = self._ordered.get(keep)
        if found is None:
            found = self._ordered[keep] = [
                d
                for d in self.reading_order
                if d.tier == "reported" and (keep is None or keep.keeps(d))
            ]
        return found

    def listed(self, keep: Filter | None = None, *, unimportant: bool = False) -> list[Discrepancy]:
        """What the list shows: :meth:`ordered`, with the unimportant tier when asked for."""
        if not unimportant:
            return self.ordered(keep)
        if keep is None:
            return self.reading_order
        return [d for d in self.reading_order if keep.keeps(d)]

    def groups(self, discrepancy: Discrepancy) -> list[Group]:
        """The distinct readings of a discrepancy, with the story columns that give each."""
        rows = self.story.alignment.rows
        row = rows[discrepancy.row] if 0 <= discrepancy.row < len(rows) else None
        return reading_groups(discrepancy, self.story.documents, row)

    def mark_at(
        self, column: int, row: int, offset: int, *, unimportant: bool = False
    ) -> Mark | None:
        """The most specific mark covering a body offset (a click lands on it); marks of the
        unimportant tier only when they are shown."""
        covering = [
            m
            for m in self.marks.get((column, row), [])
            if m.start <= offset < m.end and (unimportant or not m.unimportant)
        ]
        if not covering:
            return None
        return min(covering, key=lambda m: (m.whole_claim, m.end - m.start))

    def worst_severity(self, column: int, row: int) -> str | None:
        """The highest severity of the reported marks of one cell, for the gutter."""
        marks = [m for m in self.marks.get((column, row), ()) if not m.unimportant]
        if not marks:
            return None
        return min((m.severity for m in marks), key=SEVERITY_RANK.__getitem__)

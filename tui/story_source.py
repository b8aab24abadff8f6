"""What the Stories screen reads: one seam, two implementations.

:class:`StorySource` is all the Stories screen asks of its data: the stories in an order
(sorted, filtered, singles hidden or not), one row of cells at a time, and totals.
:class:`FilesStories` answers from a session of parsed documents (sorting and fuzzy filtering
in Python, as before); :class:`parallax.tui.index_session.IndexStories` answers with queries on
a corpus index, without reading any document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple, Protocol

from rapidfuzz import fuzz, process, utils

from parallax.tui.session_protocol import Session

#: Orders the Stories table can be sorted in (``S`` cycles through them).
SORTS = ("severity", "date", "source", "title", "versions")


class StoryRow(NamedTuple):
    """The cells of one story's row, before styling."""

    title: str
    versions: int
    sources: str
    span: str
    counts: dict[str, int] | None  # None: not analysed yet


class Totals(NamedTuple):
    """The summary line: documents, stories with several versions, single documents."""

    documents: int
    stories: int
    singles: int


class StorySource(Protocol):
    """The Stories screen's view of a corpus."""

    def order(self, *, hide_singletons: bool, filter_text: str, sort: str) -> Sequence[str]:
        """Story ids in display order (the screen reads the first few hundred)."""
        ...

    def row(self, story_id: str) -> StoryRow:
        """What the table shows of one story."""
        ...

    def totals(self) -> Totals:
        """Counts for the summary line."""
        ...

    def problems(self) -> int:
        """How many problems reading the sources were met."""
        ...


#: What stories sort by: compared item by item.
SortKey = tuple[float | str, ...]


def story_source(session: Session) -> StorySource:
    """The source of a session: its own when it has one (an index), else read from files."""
    own: Callable[[], StorySource] | None = getattr(session, "story_source", None)
    return own() if own is not None else FilesStories(session)


class FilesStories:
    """Stories of a session of parsed documents."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _sort_key(self, sort: str) -> Callable[[str], SortKey]:
        session = self.session

        def severity(cluster_id: str) -> SortKey:
            cluster = session.cluster(cluster_id)
            single = len(cluster.documents) == 1
            position = session.position[cluster_id]
            if single or not session.is_analysed(cluster_id):
                return (single, 1, 0, 0, position)
            counts = session.counts(cluster_id)
            return (single, 0, -counts["high"], -counts["medium"], position)

        if sort == "severity":
            return severity

        def other(cluster_id: str) -> SortKey:
            documents = session.documents_of(cluster_id)
            position = session.position[cluster_id]
            if sort == "versions":
                return (-len(documents), position)
            if sort == "title":
                return (documents[0].title.casefold(), position)
            if sort == "source":
                return (min((d.source or "-").casefold() for d in documents), position)
            dates = [d.published.timestamp() for d in documents if d.published is not None]
            return (0, -max(dates), position) if dates else (1, 0, position)

        return other

    def order(self, *, hide_singletons: bool, filter_text: str, sort: str) -> list[str]:
        session = self.session
        ids = [c.id for c in session.clusters if not (hide_singletons and len(c.documents) == 1)]
        ids.sort(key=self._sort_key(sort))
        if filter_text:
            labels = {i: self._label(i) for i in ids}
            matches = process.extract(
                filter_text,
                labels,
                scorer=fuzz.partial_ratio,
                processor=utils.default_process,
                limit=None,
                score_cutoff=80,
            )
            keep_ids = {match[2] for match in matches}
            ids = [i for i in ids if i in keep_ids]
        return ids

    def _label(self, cluster_id: str) -> str:
        documents = self.session.documents_of(cluster_id)
        return " ".join(f"{d.title} {d.source or ''}" for d in documents)

    def row(self, story_id: str) -> StoryRow:
        session = self.session
        documents = session.documents_of(story_id)
        sources = ", ".join(sorted({d.source or "-" for d in documents}))
        dates = sorted(d.published for d in documents if d.published is not None)
        span = "-"
        if dates:
            span = dates[0].strftime("%Y-%m-%d")
            if dates[-1].date() != dates[0].date():
                span += f"…{dates[-1].strftime('%m-%d')}"
        counts = (
            session.counts(story_id)
            if len(documents) > 1 and session.is_analysed(story_id)
            else None
        )
        return StoryRow(documents[0].title, len(documents), sources, span, counts)

    def totals(self) -> Totals:
        session = self.session
        stories = sum(1 for c in session.clusters if len(c.documents) > 1)
        return Totals(len(session.documents), stories, len(session.clusters) - stories)

    def problems(self) -> int:
        return len(self.session.problems)

"""What the app, its screens and its exports ask of a session: one seam, two implementations.

:class:`~parallax.tui.session.ReviewSession` answers from parsed files (stories analysed when
first shown); :class:`~parallax.tui.index_session.IndexSession` answers from a corpus index
(stories read when opened). Read-only members are properties here, so that either an attribute
or a property meets them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import Cluster, Clustering
from parallax.core.document import Document
from parallax.core.errors import Problem
from parallax.core.ingest import Corpus
from parallax.core.report import Story


class Session(Protocol):
    """Documents, stories and their discrepancies, with annotations attached."""

    @property
    def documents(self) -> Mapping[str, Document]:
        """Documents by id."""
        ...

    @property
    def clusters(self) -> Sequence[Cluster]:
        """Every story as a cluster, in story order."""
        ...

    @property
    def position(self) -> Mapping[str, int]:
        """Story id -> place in :attr:`clusters`."""
        ...

    @property
    def corpus(self) -> Corpus:
        """The documents an export from the app covers."""
        ...

    @property
    def clustering(self) -> Clustering:
        """The clustering an export from the app covers."""
        ...

    @property
    def problems(self) -> Sequence[Problem | str]:
        """What could not be read."""
        ...

    @property
    def relink_problem(self) -> str | None:
        """The last problem met while relinking annotations, if any."""
        ...

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster by id."""
        ...

    def documents_of(self, cluster_id: str) -> list[Document]:
        """The documents of a story, in input order."""
        ...

    def is_analysed(self, cluster_id: str) -> bool:
        """True once the story's discrepancy counts are known."""
        ...

    def counts(self, cluster_id: str) -> dict[str, int]:
        """Reported discrepancies per severity."""
        ...

    def discrepancy_ids(self, cluster_id: str) -> tuple[str, ...]:
        """The ids of a story's reported discrepancies."""
        ...

    def has_story(self, cluster_id: str) -> bool:
        """True when the analysed story is in memory (showing it takes no time)."""
        ...

    def story(self, cluster_id: str) -> Story:
        """The analysed story."""
        ...

    def analyse_counts(self, workers: int | None = None) -> Iterator[list[str]]:
        """Count what is not counted yet, yielding each batch of story ids done."""
        ...

    def attach(self, book: AnnotationBook | None) -> None:
        """Relink ``book``'s annotations in the stories read from now on, and those in memory."""
        ...

    def relink_analysed(self) -> None:
        """Relink the stories in memory (after the annotations were read again)."""
        ...

    def relink_annotated(self) -> None:
        """Relink every story that carries annotations (before an export)."""
        ...


class SessionSources(Protocol):
    """What the app reads of the sources a session came from."""

    @property
    def paths(self) -> list[str]:
        """The paths given."""
        ...

    @property
    def corpus(self) -> Corpus | None:
        """A corpus handed over already parsed (then nothing is kept in a workspace)."""
        ...

    def first_path(self) -> Path:
        """Where the workspace lives (beside the first source)."""
        ...

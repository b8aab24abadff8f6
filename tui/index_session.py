"""The app on a corpus index: the Stories screen from the stories table, a story read when
it is opened (Toolong's approach: an index in memory, everything else on demand).

:class:`IndexSession` answers what the app and the review screen ask of a
:class:`~parallax.tui.session.ReviewSession`; :class:`IndexStories` answers the Stories screen
with queries on the stories table (pyarrow compute), so sorting and filtering a million-document
corpus never reads a document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation

from parallax.core.annotations import Annotation, Target, Workspace, WorkspaceError
from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import Cluster, Clustering, ClusterSettings, ClusterStats
from parallax.core.discrepancy import SEVERITIES
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.index.store import CorpusIndex
from parallax.core.ingest import Corpus
from parallax.core.report import Story
from parallax.tui.story_source import StoryRow, Totals

_KEEP = 64


@dataclass
class IndexSources:
    """An index to open (what :class:`~parallax.tui.session.Sources` is for files)."""

    path: str
    aliases: AliasTable = field(default_factory=AliasTable)
    corpus: None = None  # never a corpus handed over: the workspace lives beside the index

    @property
    def paths(self) -> list[str]:
        """The index folder, as the only source path."""
        return [self.path]

    def first_path(self) -> Path:
        """The workspace lives in the index folder."""
        return Path(self.path)


_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


class _Lru(OrderedDict[_K, _V], Generic[_K, _V]):
    """The last ``size`` entries put."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: _K, value: _V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _array(column: pa.ChunkedArray) -> pa.Array:
    """A column as one array, for direct scalar reads: its only chunk as it is (combining
    would copy it), or its chunks combined."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


class IndexSession:
    """A corpus index, read a story at a time."""

    def __init__(self, index: CorpusIndex, aliases: AliasTable | None = None) -> None:
        self.index = index
        self.aliases = aliases or AliasTable()
        stories = index.stories
        self.position = _Positions(stories["id"])
        self._columns = {
            name: _array(stories[name]) for name in stories.column_names if name != "label"
        }
        self._sizes = stories["documents"].to_numpy()
        self._counts = {name: stories[name].to_numpy() for name in SEVERITIES}
        self._stories: _Lru[str, Story] = _Lru(_KEEP)
        self._documents: _Lru[str, list[Document]] = _Lru(_KEEP)
        self._discrepancy_ids: _Lru[str, tuple[str, ...]] = _Lru(4096)
        self._lock = threading.Lock()
        self.problems = list(index.manifest.get("problems", []))
        self.documents = _Documents(self)
        self.book: AnnotationBook | None = None
        self.relink_problem: str | None = None
        self._labels: pa.StringArray | None = None
        self._labels_lock = threading.Lock()
        self._annotated_for: object = None
        self._annotated_clusters: set[str | None] = set()

    # --- what the Stories screen reads --------------------------------------------------------

    def story_source(self) -> IndexStories:
        """The Stories screen's data: queries on the stories table."""
        return IndexStories(self)

    # --- what the app and the review screen read ----------------------------------------------

    @property
    def clusters(self) -> list[Cluster]:
        """Every story as a cluster (built on demand: avoid on large indexes)."""
        return [self.cluster(i) for i in self.index.stories["id"].to_pylist()]

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster by id (its document ids from the stories table)."""
        row = self._where(cluster_id, ("document_ids",))
        return Cluster.model_construct(id=cluster_id, documents=tuple(row["document_ids"]))

    def _where(self, cluster_id: str, columns: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Some columns of a story's row (scalar reads from whole arrays: fast)."""
        pos = self.position[cluster_id]
        names = columns or self._columns.keys()
        return {
            name: (self._columns[name] if name != "label" else self.labels())[pos].as_py()
            for name in names
        }

    def labels(self) -> pa.StringArray:
        """What the filter matches, per story: read once (:meth:`read_labels_soon`)."""
        with self._labels_lock:
            if self._labels is None:
                self._labels = self.index.labels()
            return self._labels

    def read_labels_soon(self) -> None:
        """Read the filter labels in a background thread: the largest column, read while the
        reviewer looks at the Stories screen rather than on their first keystroke."""
        threading.Thread(target=self._read_labels, name="parallax-labels", daemon=True).start()

    def _read_labels(self) -> None:
        try:
            self.labels()
        except Exception:  # a damaged index: the filter reports it when it reads them itself
            return

    def documents_of(self, cluster_id: str) -> list[Document]:
        """The documents of a story, read from the index on first use."""
        with self._lock:
            found = self._documents.get(cluster_id)
        if found is None:
            found = self.index.documents_of(cluster_id, self._where(cluster_id))
            with self._lock:
                self._documents.put(cluster_id, found)
            if isinstance(self.book, IndexBook):
                self.book.include(found)  # a story opened: its annotations can be placed
        return found

    def story_of(self, document_id: str) -> str | None:
        """The story a document of the index belongs to."""
        import pyarrow.compute as pc

        meta = self.index.documents_meta()
        at: int = pc.index(meta["id"], document_id).as_py()
        story: str | None = None if at < 0 else meta["story"][at].as_py()
        return story

    def is_analysed(self, cluster_id: str) -> bool:
        """Always: the index holds every story's analysis."""
        return True

    def counts(self, cluster_id: str) -> dict[str, int]:
        """Reported discrepancies per severity (from the stories table)."""
        pos = self.position[cluster_id]
        return {name: int(values[pos]) for name, values in self._counts.items()}

    def discrepancy_ids(self, cluster_id: str) -> tuple[str, ...]:
        """A story's discrepancy ids (one column of one row group). The Stories screen asks
        for every row, to count reviewed ones: a story no annotation names is not read."""
        if self._sizes[self.position[cluster_id]] < 2 or not self._maybe_annotated(cluster_id):
            return ()
        with self._lock:
            found = self._discrepancy_ids.get(cluster_id)
        if found is None:
            found = tuple(self.index.discrepancy_ids(cluster_id, self._where(cluster_id)))
            with self._lock:
                self._discrepancy_ids.put(cluster_id, found)
        return found

    def _maybe_annotated(self, cluster_id: str) -> bool:
        book = self.book
        if book is None:
            return True
        state = (id(book.items), len(book.items))
        if self._annotated_for != state:
            clusters = {stored.annotation.target.cluster for stored in book.items.values()}
            self._annotated_clusters = clusters
            self._annotated_for = state
        return cluster_id in self._annotated_clusters or None in self._annotated_clusters

    def has_story(self, cluster_id: str) -> bool:
        """True when the story is in memory."""
        return cluster_id in self._stories

    def story(self, cluster_id: str) -> Story:
        """The analysed story, read from the index (the last few are kept)."""
        with self._lock:
            found = self._stories.get(cluster_id)
        if found is None:
            found = self.index.story(cluster_id, self._where(cluster_id))
            with self._lock:
                self._stories.put(cluster_id, found)
            self.relink(found)
        return found

    def analyse_counts(self, workers: int | None = None) -> Iterator[list[str]]:
        """Nothing to do: every count is in the index."""
        yield from ()

    # --- annotations and exports --------------------------------------------------------------

    def annotation_book(self, workspace: Workspace) -> IndexBook:
        """The workspace's annotations, placed in the documents they refer to."""
        self.book = IndexBook(workspace, self)
        return self.book

    def attach(self, book: AnnotationBook | None) -> None:
        """Relink ``book``'s annotations in the stories read from now on, and those in memory."""
        self.book = book
        self.relink_analysed()

    def relink(self, story: Story) -> None:
        """Match the annotations of a story with its discrepancies (after ``--update`` they
        may have changed)."""
        if self.book is None:
            return
        try:
            self.book.relink(story)
        except WorkspaceError as error:
            self.relink_problem = str(error)
        else:
            self.relink_problem = self.book.problem or self.relink_problem

    def relink_analysed(self) -> None:
        """Relink the stories in memory (after the annotations were read again)."""
        with self._lock:
            stories = list(self._stories.values())
        for story in stories:
            self.relink(story)

    def relink_annotated(self) -> None:
        """Relink every story that carries annotations (before an export)."""
        for story in dict.fromkeys(self._annotated()):
            self.relink(self.story(story))

    def _annotated(self) -> list[str]:
        """Stories that annotations refer to."""
        if self.book is None:
            return []
        clusters = (a.target.cluster for a in self.book.annotations())
        return [c for c in clusters if c is not None and c in self.position]

    @property
    def corpus(self) -> Corpus:
        """The documents of the annotated stories (what an export from the app covers)."""
        documents = [
            d for story in dict.fromkeys(self._annotated()) for d in self.documents_of(story)
        ]
        return Corpus(tuple(sorted(documents, key=lambda d: d.index)), ())

    @property
    def clustering(self) -> Clustering:
        """The annotated stories as a clustering (for exports)."""
        settings = ClusterSettings(**self.index.settings)
        clusters = tuple(self.cluster(c) for c in dict.fromkeys(self._annotated()))
        stats = ClusterStats(documents=0, candidate_pairs=0, verified_pairs=0, joined_pairs=0)
        return Clustering(clusters=clusters, settings=settings, stats=stats)


class _Positions(Mapping[str, int]):
    """Story id -> position in the stories table, from a sorted array of 48-bit numbers (the
    ids are ``c`` and 12 hex digits): a few bytes per story instead of a dict of strings."""

    def __init__(self, ids: pa.StringArray) -> None:
        import numpy as np

        numbers = np.fromiter((int(i[1:], 16) for i in ids.to_pylist()), np.int64, len(ids))
        self._order = np.argsort(numbers, kind="stable")
        self._sorted = numbers[self._order]
        self._ids = ids

    @overload
    def get(self, key: str, /) -> int | None: ...

    @overload
    def get(self, key: str, default: int | _T, /) -> int | _T: ...

    def get(self, key: str, default: object = None, /) -> object:
        import numpy as np

        try:
            number = int(key[1:], 16)
        except (TypeError, ValueError):
            return default
        at = int(np.searchsorted(self._sorted, number))
        if at < len(self._sorted) and self._sorted[at] == number:
            pos = int(self._order[at])
            if self._ids[pos].as_py() == key:
                return pos
        return default

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.to_pylist())

    def __len__(self) -> int:
        return len(self._ids)


class _Documents(Mapping[str, Document]):
    """Documents by id, read from the index when asked for."""

    def __init__(self, session: IndexSession) -> None:
        self.session = session
        self.total = int(session.index.manifest.get("counts", {}).get("documents", 0))
        self._cache: _Lru[str, Document] = _Lru(256)

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[str]:
        raise TypeError("an index's documents are read a story at a time")

    @overload
    def get(self, key: str, /) -> Document | None: ...

    @overload
    def get(self, key: str, default: Document | _T, /) -> Document | _T: ...

    def get(self, key: str, default: object = None, /) -> object:
        found = self._cache.get(key)
        if found is None:  # most often a document of a story just opened
            with self.session._lock:
                opened = [d for docs in self.session._documents.values() for d in docs]
            found = next((d for d in opened if d.id == key), None)
        if found is None:
            found = self.session.index.document(id=key)
            if found is None:
                return default
            self._cache.put(key, found)
        return found

    def __getitem__(self, key: str) -> Document:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


class IndexBook(AnnotationBook):
    """The annotations of a workspace over an index. The documents they refer to, and those of
    every story opened since, are read from the index (never the whole corpus); an index is a
    snapshot, so nothing about the sources' files is recorded from here (``parallax index
    --update`` reads the sources again; the app on the files follows their edits)."""

    def __init__(self, workspace: Workspace, session: IndexSession) -> None:
        self.session = session
        super().__init__(workspace, _annotated_documents(workspace, session))

    def reload(self, *, record: bool = False) -> None:
        super().reload(record=False)

    def include(self, documents: Sequence[Document]) -> None:
        """Make documents of the index available here (a story was opened)."""
        with self._lock:
            new = [d for d in documents if d.id not in self.documents]
            if not new:
                return
            self._ordered.extend(new)
            self.documents.update({d.id: d for d in new})
        self.reload()

    def annotate(self, target: Target, reviewer: str, **changes: Any) -> Annotation:
        if target.cluster is not None and target.cluster in self.session.position:
            self.include(self.session.documents_of(target.cluster))
        return super().annotate(target, reviewer, **changes)


def _annotated_documents(workspace: Workspace, session: IndexSession) -> list[Document]:
    """The documents of every story of the index that an annotation of the workspace names."""
    stories: dict[str, None] = {}
    for stored in workspace.all():
        target = stored.annotation.target
        story = target.cluster if target.cluster in session.position else None
        if story is None:
            document = session.documents.get(target.document)
            if document is None and stored.key:
                document = session.index.document(key=stored.key)
            story = session.story_of(document.id) if document is not None else None
        if story is not None:
            stories.setdefault(story, None)
    documents = [d for story in stories for d in session.documents_of(story)]
    return sorted(documents, key=lambda d: d.index)


class _Ids(Sequence[str]):
    """Story ids in display order, read from the arrow array as the screen asks for them (a
    million-document index has a few hundred thousand; the table shows the first few)."""

    def __init__(self, ids: pa.StringArray) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, at: int) -> str: ...

    @overload
    def __getitem__(self, at: slice) -> list[str]: ...

    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            found: list[str] = self.ids[at].to_pylist()
            return found
        if not -len(self.ids) <= at < len(self.ids):
            raise IndexError(at)
        item: str = self.ids[at].as_py()
        return item


class IndexStories:
    """The Stories screen's queries on the stories table."""

    def __init__(self, session: IndexSession) -> None:
        self.session = session
        self.table = session.index.stories
        # The screen asks again for the same order as it mounts, resizes and is annotated.
        self._orders: _Lru[tuple[bool, str, str], _Ids] = _Lru(8)

    def order(self, *, hide_singletons: bool, filter_text: str, sort: str) -> Sequence[str]:
        key = (hide_singletons, " ".join(filter_text.split()), sort)
        found = self._orders.get(key)
        if found is None:
            found = _Ids(self._order(hide_singletons, key[1], sort))
            if not self._orders:
                # The first screen's order is ready: read the labels while it is drawn.
                self.session.read_labels_soon()
            self._orders.put(key, found)
        return found

    def _order(self, hide_singletons: bool, filter_text: str, sort: str) -> pa.StringArray:
        import pyarrow.compute as pc

        table = self.table
        mask = None
        if hide_singletons:
            mask = pc.greater(table["documents"], 1)
        for word in filter_text.split():
            found = pc.match_substring(self.session.labels(), word, ignore_case=True)
            mask = found if mask is None else pc.and_(mask, found)
        if mask is not None:
            table = table.filter(mask)
        single = pc.equal(table["documents"], 1)
        if sort == "severity":
            keys = [("single", "ascending"), ("high", "descending"), ("medium", "descending")]
        elif sort == "date":
            keys = [("undated", "ascending"), ("last_published", "descending")]
        elif sort == "source":
            keys = [("sources_folded", "ascending")]
        elif sort == "title":
            keys = [("title_folded", "ascending")]
        else:
            keys = [("documents", "descending")]
        columns = {"pos": table["pos"], "single": single}
        for name, _ in keys:
            if name == "undated":
                columns[name] = pc.is_null(table["last_published"])
            elif name.endswith("_folded"):
                columns[name] = pc.utf8_lower(table[name.removesuffix("_folded")])
            elif name not in columns:
                columns[name] = table[name]
        import pyarrow as pa

        view = pa.table(columns)
        order = pc.sort_indices(view, sort_keys=[*keys, ("pos", "ascending")])
        return pc.take(table["id"], order)

    def row(self, story_id: str) -> StoryRow:
        row = self.session._where(
            story_id, ("title", "documents", "sources", "span", "high", "medium", "low")
        )
        counts = (
            {"high": row["high"], "medium": row["medium"], "low": row["low"]}
            if row["documents"] > 1
            else None
        )
        return StoryRow(row["title"], row["documents"], row["sources"], row["span"], counts)

    def totals(self) -> Totals:
        import pyarrow.compute as pc

        sizes = self.table["documents"]
        stories = int(pc.sum(pc.greater(sizes, 1)).as_py() or 0)
        return Totals(int(pc.sum(sizes).as_py() or 0), stories, self.table.num_rows - stories)

    def problems(self) -> int:
        return len(self.session.problems)

"""What the app reviews: the corpus, its clusters and their analysed stories.

A thin service over ``parallax.core``. Stories are analysed on first use; the most recent ones
are kept whole and, for every story, its discrepancy counts (what the Stories screen shows), so
memory stays bounded however large the corpus. The counts of a large corpus are computed in
worker processes, which keeps the app responsive.

With an annotation book attached, every story is relinked as soon as it is analysed: the
annotations made on its discrepancies follow them to the new analysis (whose ids may differ), or
are orphaned. Stories that carry such annotations are analysed here rather than in the worker
processes, so that this happens before their counts are shown.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from parallax.core.annotations.book import AnnotationBook
from parallax.core.annotations.store import WorkspaceError
from parallax.core.boilerplate import Boilerplate, recurring_sentences
from parallax.core.cluster import (
    DEFAULT_THRESHOLD,
    Cluster,
    Clustering,
    ClusterSettings,
    Progress,
    cluster_documents,
)
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.errors import Problem
from parallax.core.ingest import Corpus, FormatChoice, load
from parallax.core.report import Story, analyse_story

Counts = dict[str, int]
_KEEP_STORIES = 64


def _count_chunk(
    work: list[tuple[Cluster, list[Document]]], aliases: AliasTable, boilerplate: Boilerplate
) -> list[tuple[str, Counts, tuple[str, ...]]]:
    """Analyse clusters in a worker process; return only what the Stories screen needs."""
    out = []
    for cluster, documents in work:
        story = analyse_story(cluster, documents, aliases=aliases, boilerplate=boilerplate)
        out.append((cluster.id, story.severity_counts(), _reported_ids(story)))
    return out


def _reported_ids(story: Story) -> tuple[str, ...]:
    """The ids of the discrepancies a story reports (the unimportant tier is never counted)."""
    return tuple(d.id for d in story.discrepancies if d.tier == "reported")


@dataclass
class Sources:
    """What to read, and how: the app loads it in a worker."""

    paths: list[str]
    include: list[str] | None = None
    exclude: list[str] = field(default_factory=list)
    input_format: FormatChoice = "auto"
    threshold: float = DEFAULT_THRESHOLD
    aliases: AliasTable = field(default_factory=AliasTable)
    corpus: Corpus | None = None  # already parsed (benchmarks, embedding): skip reading

    def first_path(self) -> Path:
        """The first source path (the workspace lives beside it)."""
        return Path(self.paths[0]) if self.paths else Path.cwd()


class ReviewSession:
    """Documents, clusters and lazily analysed stories."""

    def __init__(
        self,
        corpus: Corpus,
        clustering: Clustering,
        aliases: AliasTable,
        boilerplate: Boilerplate | None = None,
    ) -> None:
        self.corpus = corpus
        self.clustering = clustering
        self.aliases = aliases
        self._boilerplate = boilerplate
        self.documents = {d.id: d for d in corpus.documents}
        self.clusters: list[Cluster] = list(clustering.clusters)
        self.position = {c.id: i for i, c in enumerate(self.clusters)}
        self._by_id = {c.id: c for c in self.clusters}
        self._stories: OrderedDict[str, Story] = OrderedDict()
        self._counts: dict[str, Counts] = {}
        self._discrepancy_ids: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._boilerplate_lock = threading.Lock()
        self.book: AnnotationBook | None = None
        #: The last problem met while relinking (relinks then stay in memory only).
        self.relink_problem: str | None = None

    @property
    def boilerplate(self) -> Boilerplate:
        """Sentences the corpus repeats under several stories: boilerplate in every story.
        Counted when the first story is analysed, not before the Stories screen shows."""
        with self._boilerplate_lock:  # not the stories' lock: counting takes a moment
            if self._boilerplate is None:
                self._boilerplate = recurring_sentences(self.corpus.documents, self.clustering)
            return self._boilerplate

    @classmethod
    def load(cls, sources: Sources, progress: Progress | None = None) -> ReviewSession:
        """Read and cluster the sources (call it from a worker thread)."""
        corpus = sources.corpus or load(
            sources.paths,
            include=sources.include,
            exclude=sources.exclude,
            format=sources.input_format,
        )
        clustering = cluster_documents(
            corpus.documents,
            settings=ClusterSettings(threshold=sources.threshold),
            progress=progress,
            workers=os.cpu_count() or 1,  # the reviewer waits for this one
        )
        return cls(corpus, clustering, sources.aliases)

    # --- annotations ----------------------------------------------------------------------------

    def attach(self, book: AnnotationBook | None) -> None:
        """Relink ``book``'s annotations in every story analysed from now on, and in those
        already analysed."""
        self.book = book
        self.relink_analysed()

    def relink(self, story: Story) -> None:
        """Match the annotations of a story with its discrepancies (see ``AnnotationBook``)."""
        book = self.book
        if book is None:
            return
        try:
            book.relink(story)
        except WorkspaceError as error:
            self.relink_problem = str(error)
        else:
            self.relink_problem = book.problem or self.relink_problem

    def relink_analysed(self) -> None:
        """Relink every story in memory (after the annotations were read again)."""
        with self._lock:
            stories = list(self._stories.values())
        for story in stories:
            self.relink(story)

    def annotated_clusters(self) -> set[str]:
        """The stories that carry annotations on discrepancies."""
        if self.book is None:
            return set()
        documents = self.book.annotated_documents()
        return {
            c.id for c in self.clusters if len(c.documents) > 1 and documents & set(c.documents)
        }

    def relink_annotated(self) -> None:
        """Analyse (if needed) and relink every story that carries annotations: before an
        export, so that it says where each annotation is now."""
        for cluster_id in sorted(self.annotated_clusters(), key=self.position.__getitem__):
            self.story(cluster_id)

    @property
    def problems(self) -> Sequence[Problem]:
        """What could not be read."""
        return self.corpus.problems

    def cluster(self, cluster_id: str) -> Cluster:
        """A cluster by id."""
        return self._by_id[cluster_id]

    def documents_of(self, cluster_id: str) -> list[Document]:
        """The documents of a cluster, in input order."""
        return [self.documents[i] for i in self._by_id[cluster_id].documents]

    def is_analysed(self, cluster_id: str) -> bool:
        """True once the story's discrepancy counts are known."""
        return cluster_id in self._counts

    def counts(self, cluster_id: str) -> Counts:
        """Discrepancies per severity of a story (analysing it if needed)."""
        if cluster_id not in self._counts:
            self.story(cluster_id)
        return self._counts[cluster_id]

    def discrepancy_ids(self, cluster_id: str) -> tuple[str, ...]:
        """The ids of a story's reported discrepancies (analysing it if needed)."""
        if cluster_id not in self._discrepancy_ids:
            self.story(cluster_id)
        return self._discrepancy_ids[cluster_id]

    def has_story(self, cluster_id: str) -> bool:
        """True when the analysed story is in memory (showing it takes no time)."""
        return cluster_id in self._stories

    def story(self, cluster_id: str) -> Story:
        """The analysed story of a cluster (analysed now if it is not in memory)."""
        with self._lock:
            story = self._stories.get(cluster_id)
            if story is not None:
                self._stories.move_to_end(cluster_id)
                return story
        story = analyse_story(
            self._by_id[cluster_id],
            self.documents_of(cluster_id),
            aliases=self.aliases,
            boilerplate=self.boilerplate,
        )
        with self._lock:
            self._stories[cluster_id] = story
            while len(self._stories) > _KEEP_STORIES:
                self._stories.popitem(last=False)
            self._counts[cluster_id] = story.severity_counts()
            self._discrepancy_ids[cluster_id] = _reported_ids(story)
        self.relink(story)
        return story

    def analyse_counts(self, workers: int | None = None) -> Iterator[list[str]]:
        """Count the discrepancies of every story not yet counted, yielding each batch of ids
        done. Large corpora use worker processes (default: one per CPU)."""
        annotated = self.annotated_clusters()
        first = [c for c in self.clusters if c.id in annotated and c.id not in self._counts]
        for start in range(0, len(first), 50):
            batch = first[start : start + 50]
            for cluster in batch:
                self.counts(cluster.id)  # analysed here, so relinked before it is shown
            yield [c.id for c in batch]
        pending = [c for c in self.clusters if len(c.documents) > 1 and c.id not in self._counts]
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(pending) < 200:
            for start in range(0, len(pending), 50):
                batch = pending[start : start + 50]
                for cluster in batch:
                    self.counts(cluster.id)
                yield [c.id for c in batch]
            return
        size = max(25, len(pending) // (workers * 16))
        chunks = [
            [(c, self.documents_of(c.id)) for c in pending[i : i + size]]
            for i in range(0, len(pending), size)
        ]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for results in pool.map(
                _count_chunk,
                chunks,
                [self.aliases] * len(chunks),
                [self.boilerplate] * len(chunks),
            ):
                with self._lock:
                    for cluster_id, counts, ids in results:
                        self._counts[cluster_id] = counts
                        self._discrepancy_ids[cluster_id] = ids
                yield [cluster_id for cluster_id, _, _ in results]

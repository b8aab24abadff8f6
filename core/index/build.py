"""``parallax index``: build a corpus index with the local engine or on Dask.

Both engines run the steps of :mod:`parallax.core.index.steps` and the clustering steps of
:mod:`parallax.core.cluster`; they differ only in where the steps run. The local engine reads
and clusters in this process (:func:`parallax.core.cluster.cluster_signed`, what
``cluster_documents`` runs) and analyses story partitions in a process pool; the Dask engine
(:mod:`parallax.core.index.dask_engine`) runs every step as tasks over partitions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pyarrow as pa  # untyped: its names stand for Any, as documentation

    from parallax.core.cluster import Cluster
    from parallax.core.entities import AliasTable
    from parallax.core.index.steps import SourceFile

from parallax.core.boilerplate import Boilerplate, recurring_keys
from parallax.core.cluster import (
    Clustering,
    ClusterStats,
    Progress,
    cluster_signed,
    make_clustering,
)
from parallax.core.document import Document
from parallax.core.errors import Problem
from parallax.core.index.steps import (
    Options,
    analyse_part,
    boilerplate_of,
    default_workers,
    file_records,
    list_sources,
    origin_keys,
    plan_stories,
    sentence_pairs,
    sign_documents,
    story_numbers,
    write_signatures,
)
from parallax.core.index.store import CorpusIndexError, IndexWriter, require
from parallax.core.ingest import load

#: Where an index can be built: a local process pool, or a Dask cluster.
ENGINES = ("local", "dask")


@dataclass
class BuildResult:
    """What an indexing run did."""

    documents: int
    stories: int
    multi: int
    discrepancies: int
    problems: list[Problem]
    stats: ClusterStats
    timings: dict[str, float]
    worker_peak_rss: dict[str, int] | None = None
    worker_cpu: dict[str, float] | None = None


class NoDocuments(CorpusIndexError):
    """Nothing could be read from the given paths (``problems`` says why)."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def build_index(
    paths: Sequence[str],
    output: str,
    *,
    options: Options | None = None,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_file: Callable[[str], None] | None = None,
) -> BuildResult:
    """Read, cluster and analyse ``paths`` and write the index at ``output``."""
    options = options or Options()
    require("pyarrow")
    if engine == "dask":
        require("dask")
        require("distributed")
        from parallax.core.index.dask_engine import build_with_dask

        return build_with_dask(
            paths, output, options=options, workers=workers, scheduler=scheduler, progress=progress
        )
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}")
    return _build_local(paths, output, options, workers, progress, on_file)


def _build_local(
    paths: Sequence[str],
    output: str,
    options: Options,
    workers: int | None,
    progress: Progress | None,
    on_file: Callable[[str], None] | None,
) -> BuildResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    files, _ = list_sources(paths, options)
    corpus = load(
        paths,
        include=list(options.include) if options.include else None,
        exclude=options.exclude,
        format=options.input_format,
        on_file=on_file,
    )
    documents = list(corpus.documents)
    if not documents:
        raise NoDocuments("no document loaded", corpus.problems)
    timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    signed = sign_documents(0, documents, options.settings, progress=progress)
    timings["sign"] = time.perf_counter() - clock
    clock = time.perf_counter()
    groups, stats = cluster_signed(
        signed.tokens, signed.signatures, settings=options.settings, progress=progress
    )
    clustering = make_clustering(
        groups,
        [d.index for d in documents],
        [d.id for d in documents],
        settings=options.settings,
        stats=stats,
    )
    numbers = story_numbers(clustering, signed.ids)
    boilerplate = boilerplate_of([recurring_keys([sentence_pairs(signed.sentences, numbers)])])
    timings["cluster"] = time.perf_counter() - clock
    writer = IndexWriter(output)
    try:
        write_signatures(str(writer.folder), 0, signed.ids, signed)
        del signed
        clock = time.perf_counter()
        tables = analyse_locally(
            str(writer.folder),
            documents,
            clustering,
            options,
            workers,
            progress,
            boilerplate=boilerplate,
        )
        timings["analyse"] = time.perf_counter() - clock
        clock = time.perf_counter()
        result = finish(
            writer,
            tables,
            files,
            documents,
            corpus.problems,
            stats,
            "local",
            options,
            boilerplate=boilerplate,
        )
        timings["write"] = time.perf_counter() - clock
    except BaseException:
        writer.discard()
        raise
    result.timings = timings
    return result


#: The arguments of :func:`analyse_part` for one story partition.
_PartArguments: TypeAlias = (
    "tuple[str, int, list[tuple[int, Cluster]], list[Document], dict[str, str], AliasTable, "
    "Boilerplate | None]"
)


def analyse_locally(
    folder: str,
    documents: Sequence[Document],
    clustering: Clustering,
    options: Options,
    workers: int | None,
    progress: Progress | None,
    *,
    first_part: int = 0,
    keys: dict[str, str] | None = None,
    boilerplate: Boilerplate | None = None,
) -> list[Any]:
    """Analyse and write every story partition, in a process pool when there are several.
    ``keys`` are the documents' origin keys (default: computed from ``documents``, which must
    then hold whole files); ``boilerplate``, the corpus's recurring sentences."""
    parts = plan_stories(clustering, options.story_part_documents)
    by_id = {d.id: d for d in documents}
    keys = keys if keys is not None else origin_keys(documents)
    workers = workers or default_workers()

    def arguments(number: int) -> _PartArguments:
        stories = parts[number]
        members = [by_id[i] for _, c in stories for i in c.documents]
        return (
            folder,
            first_part + number,
            stories,
            members,
            {d.id: keys[d.id] for d in members},
            options.aliases,
            boilerplate,
        )

    total = sum(len(c.documents) for p in parts for _, c in p)
    done = 0
    tables: list[Any] = [None] * len(parts)
    if workers <= 1 or len(parts) <= 1:
        for number in range(len(parts)):
            tables[number] = analyse_part(*arguments(number))
            done += sum(len(c.documents) for _, c in parts[number])
            if progress is not None:
                progress("analysing", done, total)
        return tables
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future[pa.Table], int] = {}
        queue = list(range(len(parts)))
        while queue or pending:
            while queue and len(pending) < workers * 2:
                number = queue.pop(0)
                pending[pool.submit(analyse_part, *arguments(number))] = number
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                number = pending.pop(future)
                tables[number] = future.result()
                done += sum(len(c.documents) for _, c in parts[number])
                if progress is not None:
                    progress("analysing", done, total)
    return tables


def finish(
    writer: IndexWriter,
    tables: Sequence[pa.Table | None],
    files: Sequence[SourceFile],
    documents_or_counts: Sequence[Document] | dict[str, int],
    problems: Sequence[Problem],
    stats: ClusterStats,
    engine: str,
    options: Options,
    extra: dict[str, Any] | None = None,
    *,
    boilerplate: Boilerplate,
) -> BuildResult:
    """Write the stories, files and boilerplate tables and the manifest, and commit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from parallax.core.index.schema import arrow_schema

    stories = (
        pa.concat_tables([t for t in tables if t is not None])
        if any(t is not None for t in tables)
        else arrow_schema("stories").empty_table()
    )
    stories = stories.take(pc.sort_indices(stories["pos"]))
    writer.write_table("stories", stories)
    if isinstance(documents_or_counts, dict):
        counts = documents_or_counts
    else:
        counts = {}
        for document in documents_or_counts:
            counts[document.origin.path] = counts.get(document.origin.path, 0) + 1
    writer.write_table("files", file_records(files, counts))
    writer.write_table("boilerplate", [{"key": key} for key in sorted(boilerplate.recurring)])
    total_documents = int(pc.sum(stories["documents"]).as_py() or 0)
    multi = int(pc.sum(pc.greater(stories["documents"], 1)).as_py() or 0)
    discrepancies = int(pc.sum(stories["discrepancies"]).as_py() or 0)
    writer.commit(
        {
            "engine": engine,
            "settings": options.settings.model_dump(),
            "sources": {
                "include": list(options.include) if options.include else None,
                "exclude": list(options.exclude),
                "input_format": options.input_format,
            },
            "aliases": [list(group) for group in options.aliases.groups],
            "counts": {
                "documents": total_documents,
                "stories": stories.num_rows,
                "multi": multi,
                "discrepancies": discrepancies,
            },
            "stats": stats.model_dump(),
            "problems": [str(p) for p in problems][:1000],
            **(extra or {}),
        }
    )
    return BuildResult(
        documents=total_documents,
        stories=stories.num_rows,
        multi=multi,
        discrepancies=discrepancies,
        problems=list(problems),
        stats=stats,
        timings={},
    )

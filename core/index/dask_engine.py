"""The Dask engine: every step of indexing as tasks over partitions.

How the clustering of :mod:`parallax.core.cluster` maps to tasks (no task ever holds the whole
corpus; the client holds one id and one group label per document, and the joined pairs):

* **map**, one task per read partition (:func:`~parallax.core.index.steps.sign_and_spill`):
  read its files, :func:`~parallax.core.cluster.sign` them,
  :func:`~parallax.core.cluster.copy_keys`, and write the arrays (token strings, signatures,
  subjects, sentence keys, ids: about 2 KB a document) to a file in the index's temporary
  folder; the task's result is a small handle (:class:`~parallax.core.index.steps.SpilledPart`)
  and each later step maps the file while it runs, so workers do not hold every partition's
  arrays from signing until the signatures are written.
* **shuffle**, :func:`_scatter_keys` per read partition sends each (band, band key, position)
  of :func:`~parallax.core.cluster.band_keys`, and each (copy key, position), to the bucket
  partition its key hashes to; :func:`_buckets` per bucket partition runs
  :func:`~parallax.core.cluster.bucket_pairs` for each band and
  :func:`~parallax.core.cluster.copy_pairs`, then cuts the pairs into blocks (the read
  partitions of their two documents).
* **verify**, one task per block (:func:`_verify_block`): the block's pairs, de-duplicated by
  :func:`~parallax.core.cluster.unique_pairs`, through :func:`~parallax.core.cluster.join_copies`
  and :func:`~parallax.core.cluster.verify_pairs`, with the two read partitions' signatures.
* **union-find** on the client over the joined pairs (a forest per block: fewer pairs than
  documents), with :class:`~parallax.core.cluster.UnionFind`, then
  :func:`~parallax.core.cluster.make_clustering`.

Then each read partition routes its documents to their story partitions (:func:`_route`), and
each story partition is analysed and written by a worker (:func:`_analyse_routed`, which calls
:func:`~parallax.core.index.steps.analyse_part`, hence ``analyse_story``).

Every task is a pure function of its inputs and nothing is scattered, so when a worker dies the
scheduler recomputes what it held: a lost worker costs time, not data. A map task run again
writes the same file (under a temporary name, then renamed, so no reader sees half of one).
The spill folder is removed once the signatures are written, and with the rest of the
temporary folder when a run fails or is interrupted. The index folder must be reachable by
every worker (a shared file system) when the scheduler is remote.
"""

from __future__ import annotations

import operator
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from parallax.core.about import Subjects
from parallax.core.boilerplate import Boilerplate, key_buckets, recurring_keys
from parallax.core.cluster import (
    Clustering,
    ClusterSettings,
    ClusterStats,
    Progress,
    UnionFind,
    band_keys,
    bucket_pairs,
    copy_pairs,
    join_copies,
    make_clustering,
    signed_mask,
    unique_pairs,
    verify_pairs,
)
from parallax.core.index.build import BuildResult, NoDocuments, finish
from parallax.core.index.steps import (
    Options,
    ReadPart,
    SpilledPart,
    analyse_part,
    boilerplate_of,
    finish_documents,
    global_ids,
    list_sources,
    plan_reads,
    plan_stories,
    read_part,
    sentence_pairs,
    sign_and_spill,
    write_signatures,
)
from parallax.core.index.store import CorpusIndexError, IndexWriter
from parallax.core.tokens import TokenStrings

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation
    from distributed import Client, Future, LocalCluster

    from parallax.core.cluster import Cluster
    from parallax.core.entities import AliasTable
    from parallax.core.errors import Problem
    from parallax.core.index.steps import SourceFile
    from parallax.core.ingest import FormatChoice

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _destination(
    keys: NDArray[np.uint64], salt: NDArray[np.uint64] | int, parts: int
) -> NDArray[np.int64]:
    mixed = (keys ^ (np.asarray(salt, dtype=np.uint64) * _MIX)) * _MIX
    return ((mixed >> np.uint64(33)) % np.uint64(parts)).astype(np.int64)


def _meta(spilled: SpilledPart) -> tuple[int, list[str], list[Problem], dict[str, int]]:
    return spilled.count, spilled.ids(), spilled.problems, spilled.files


def _scatter_keys(
    spilled: SpilledPart, offset: int, parts: int, settings: ClusterSettings
) -> dict[int, tuple[np.ndarray, ...]]:
    """Shuffle out: (band, key, position) and (copy key, position) by destination."""
    arrays = spilled.arrays()
    signatures, copy_keys = arrays["signatures"], arrays["copy_keys"]
    del arrays
    positions = np.arange(spilled.count, dtype=np.int64) + offset
    keys = band_keys(signatures, settings)
    keep = signed_mask(signatures)
    del signatures
    rows, bands = np.nonzero(np.broadcast_to(keep[:, None], keys.shape))
    values = keys[rows, bands]
    where = _destination(values, bands.astype(np.uint64), parts)
    copy_where = _destination(copy_keys, 0, parts)
    out: dict[int, tuple[np.ndarray, ...]] = {}
    for q in range(parts):
        mask = where == q
        copy_mask = copy_where == q
        out[q] = (
            bands[mask].astype(np.int16),
            values[mask],
            positions[rows[mask]],
            copy_keys[copy_mask],
            positions[copy_mask],
        )
    return out


def _block_of(pairs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    a = np.searchsorted(offsets, pairs[:, 0], side="right") - 1
    b = np.searchsorted(offsets, pairs[:, 1], side="right") - 1
    return a * len(offsets) + b


def _buckets(
    pieces: Sequence[tuple[np.ndarray, ...]], settings: ClusterSettings, offsets: np.ndarray
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Bucket partition: candidate and copy pairs of the keys hashed here, cut into blocks."""
    bands = np.concatenate([p[0] for p in pieces])
    values = np.concatenate([p[1] for p in pieces])
    positions = np.concatenate([p[2] for p in pieces])
    order = np.lexsort((positions, bands))
    bands, values, positions = bands[order], values[order], positions[order]
    starts = np.flatnonzero(np.concatenate(([True], bands[1:] != bands[:-1])))
    ends = np.concatenate((starts[1:], [bands.size]))
    chunks = [np.empty((0, 2), dtype=np.int64)]
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        chunks.append(bucket_pairs(values[start:end], positions[start:end], settings))
    candidates = unique_pairs(np.concatenate(chunks))
    copies = copy_pairs(
        np.concatenate([p[3] for p in pieces]), np.concatenate([p[4] for p in pieces])
    )
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    empty = np.empty((0, 2), dtype=np.int64)
    for kind, pairs in ((0, candidates), (1, copies)):
        if not len(pairs):
            continue
        blocks = _block_of(pairs, offsets)
        for block in np.unique(blocks).tolist():
            current = out.get(block, (empty, empty))
            chosen = pairs[blocks == block]
            out[block] = (chosen, current[1]) if kind == 0 else (current[0], chosen)
    return out


def _block_keys(buckets: dict[int, Any]) -> list[int]:
    return sorted(buckets)


def _verify_block(
    block: int,
    pieces: Sequence[tuple[np.ndarray, np.ndarray]],
    first: SpilledPart,
    second: SpilledPart,
    offsets: np.ndarray,
    settings: ClusterSettings,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Verify the pairs between two read partitions (or within one), their arrays mapped from
    the partitions' files for the time of the task."""
    a, b = divmod(block, len(offsets))
    candidates = unique_pairs(np.concatenate([p[0] for p in pieces]))
    copies = unique_pairs(np.concatenate([p[1] for p in pieces]))
    tokens, signatures, subjects = _verify_arrays(first)
    count = first.count
    if a != b:
        # Copied, as before the map output was spilled: taking only the documents a block's
        # pairs name costs more, as they are most of both partitions.
        others = _verify_arrays(second)
        tokens = tokens + others[0]
        signatures = np.concatenate([signatures, others[1]])
        subjects = subjects + others[2]
        del others

    def local(pairs: np.ndarray) -> np.ndarray:
        out: np.ndarray = pairs - offsets[a]
        if a != b:
            in_second = pairs >= offsets[b]
            out[in_second] = pairs[in_second] - offsets[b] + count
        return out

    def back(pairs: np.ndarray) -> np.ndarray:
        out: np.ndarray = pairs + offsets[a]
        if a != b:
            in_second = pairs >= count
            out[in_second] = pairs[in_second] - count + offsets[b]
        return out

    groups = UnionFind(len(tokens))
    copied = join_copies(local(copies), tokens, groups)
    joined, verified = verify_pairs(
        local(candidates), tokens, signatures, settings, groups, subjects=subjects
    )
    return back(copied), back(joined), len(candidates), verified


def _verify_arrays(spilled: SpilledPart) -> tuple[TokenStrings, np.ndarray, Subjects]:
    """What the verify step reads of a partition: token strings, signatures, subjects."""
    arrays = spilled.arrays()
    return (
        TokenStrings(arrays["codes"], arrays["bounds"]),
        arrays["signatures"],
        Subjects(arrays["subject_values"], arrays["subject_offsets"]),
    )


def _route(
    part: ReadPart,
    input_format: FormatChoice,
    offset: int,
    ids: list[str],
    story_part: np.ndarray,
    story_ids: list[str],
) -> dict[int, Any]:
    """Read a partition again and send each document, as index rows, to its story partition."""
    import pyarrow as pa

    from parallax.core.index.records import document_record
    from parallax.core.index.schema import arrow_schema
    from parallax.core.index.steps import origin_keys

    documents, _ = read_part(part, input_format)
    if len(documents) != len(ids):
        raise CorpusIndexError(f"{part.files[0].path}: the sources changed while being indexed")
    documents = finish_documents(documents, offset, ids)
    keys = origin_keys(documents)
    schema = arrow_schema("documents")
    out = {}
    for target in np.unique(story_part).tolist():
        chosen = np.flatnonzero(story_part == target).tolist()
        out[target] = pa.Table.from_pylist(
            [document_record(documents[i], story_ids[i], keys[documents[i].id]) for i in chosen],
            schema=schema,
        )
    return out


def _sentence_buckets(spilled: SpilledPart, numbers: np.ndarray, buckets: int) -> list[np.ndarray]:
    """A read partition's (story, sentence key) pairs, split by key into ``buckets``."""
    arrays = spilled.arrays()
    sentences = (arrays["sentence_owners"], arrays["sentence_keys"])
    return key_buckets(sentence_pairs(sentences, numbers), buckets)


def _write_signatures(folder: str, part: int, ids: list[str], spilled: SpilledPart) -> None:
    write_signatures(folder, part, ids, spilled.load())


def _recurring_bucket(pieces: Sequence[np.ndarray]) -> np.ndarray:
    """The keys of one bucket found under several stories."""
    return recurring_keys(pieces)


def _analyse_routed(
    folder: str,
    number: int,
    stories: list[tuple[int, Cluster]],
    pieces: Sequence[pa.Table],
    aliases: AliasTable,
    recurring: np.ndarray,
) -> pa.Table:
    """Analyse a story partition from the documents routed to it."""
    import pyarrow as pa

    from parallax.core.index.records import document_from_record

    records = pa.concat_tables(pieces).to_pylist()
    documents = [document_from_record(r) for r in records]
    keys = {r["id"]: r["origin_key"] for r in records}
    boilerplate = Boilerplate(frozenset(int(key) for key in recurring.tolist()))
    return analyse_part(folder, number, stories, documents, keys, aliases, boilerplate)


def _usage() -> tuple[int, float]:
    """Peak RSS (bytes) and CPU seconds of this worker process."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def connect(scheduler: str | None, workers: int | None) -> tuple[Client, LocalCluster | None]:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster of ``workers``
    single-threaded worker processes started for this run (closed with the client)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except OSError as error:
            raise CorpusIndexError(
                f"{scheduler}: cannot reach the Dask scheduler ({error})"
            ) from None
    import dask

    # A worker samples its task thread's stack every 10 ms for the dashboard's profile, and
    # the GIL's contention every millisecond: several percent of an analysis that is nothing
    # but Python. The workers started here take this configuration with them.
    with dask.config.set(QUIET_WORKERS):
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit=None,
        )
    return Client(cluster), cluster


#: Dask settings of the workers a run starts for itself (an existing cluster keeps its own).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def _wait(
    futures: list[Future[Any]],
    stage: str,
    progress: Progress | None,
    weights: list[int] | None = None,
) -> None:
    """Wait for ``futures`` (reporting progress); raise the first task error."""
    from distributed import as_completed

    total = sum(weights) if weights else len(futures)
    if progress is not None:
        progress(stage, 0, total)
    done = 0
    index = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):
        if future.status == "error":
            future.result()  # raises the task's exception
        done += weights[index[future.key]] if weights else 1
        if progress is not None:
            progress(stage, done, total)


def build_with_dask(
    paths: Sequence[str],
    output: str,
    *,
    options: Options,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    client: Client | None = None,
) -> BuildResult:
    """Index ``paths`` into ``output`` on a Dask cluster."""
    if any(p == "-" for p in paths):
        raise CorpusIndexError("the Dask engine reads files, not standard input")
    files, problems = list_sources(paths, options)
    reads = plan_reads(files, options.partition_bytes)
    if not reads:
        raise NoDocuments("no document loaded", problems)
    cluster = None
    if client is None:
        client, cluster = connect(scheduler, workers)
    try:
        return _run(client, paths, output, files, problems, reads, options, progress)
    finally:
        if cluster is not None:
            client.close()
            cluster.close()


def _run(
    client: Client,
    paths: Sequence[str],
    output: str,
    files: list[SourceFile],
    problems: list[Problem],
    reads: list[ReadPart],
    options: Options,
    progress: Progress | None,
) -> BuildResult:
    settings = options.settings
    timings: dict[str, float] = {}
    submit = client.submit
    clock = time.perf_counter()
    # The index's temporary folder is made first: the map output is kept there (``spill``)
    # until the signatures are written, not in worker memory; a failed or interrupted run
    # removes it with the rest.
    writer = IndexWriter(output)
    try:
        folder = str(writer.folder)
        spill = writer.folder / "spill"
        spill.mkdir()

        # map: read and sign each partition
        signed = [submit(sign_and_spill, part, options, str(spill), pure=False) for part in reads]
        _wait(signed, "signing", progress, [len(p.files) for p in reads])
        metas = client.gather([submit(_meta, s, pure=False) for s in signed])
        counts = [m[0] for m in metas]
        problems = list(problems) + [p for m in metas for p in m[2]]
        if not sum(counts):
            raise NoDocuments("no document loaded", problems)
        ids = global_ids([m[1] for m in metas])
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        total = int(sum(counts))
        timings["sign"] = time.perf_counter() - clock

        # shuffle and verify, then union-find on the client, over the joined pairs only
        buckets_n = max(2, min(64, len(reads)))
        results = _shuffle_and_verify(
            client, signed, offsets, settings, buckets_n, progress, timings
        )
        clock = time.perf_counter()
        flat_ids = [i for part in ids for i in part]
        clustering = _cluster_joined(results, total, flat_ids, settings)
        del results
        timings["union"] = time.perf_counter() - clock
        clock = time.perf_counter()

        plan = plan_stories(clustering, options.story_part_documents)
        story_part, story_number, story_of = _route_plan(plan, flat_ids, total)
        boilerplate = _count_boilerplate(client, signed, story_number, offsets, counts, buckets_n)
        del story_number
        timings["boilerplate"] = time.perf_counter() - clock
        clock = time.perf_counter()

        written = [
            submit(_write_signatures, folder, p, ids[p], s, pure=False)
            for p, s in enumerate(signed)
        ]
        _wait(written, "writing", progress)
        del signed, written
        # Nothing reads the map output any more (no task left depends on it).
        shutil.rmtree(spill)
        routes = _Routes(reads, offsets, counts, ids, story_part, story_of, options.input_format)
        tables = _analyse_stories(client, plan, routes, folder, options, boilerplate, progress)
        timings["analyse"] = time.perf_counter() - clock
        clock = time.perf_counter()
        file_counts = {path: n for m in metas for path, n in m[3].items()}
        result = finish(
            writer,
            tables,
            files,
            file_counts,
            problems,
            clustering.stats,
            "dask",
            options,
            boilerplate=boilerplate,
        )
        timings["write"] = time.perf_counter() - clock
    except BaseException:
        writer.discard()
        raise
    result.timings = timings
    try:
        usage = client.run(_usage)
        result.worker_peak_rss = {str(k): int(v[0]) for k, v in usage.items()}
        result.worker_cpu = {str(k): float(v[1]) for k, v in usage.items()}
    except Exception:  # a worker that just restarted has nothing to say
        result.worker_peak_rss = None
    return result


def _shuffle_and_verify(
    client: Client,
    signed: list[Future[Any]],
    offsets: np.ndarray,
    settings: ClusterSettings,
    buckets_n: int,
    progress: Progress | None,
    timings: dict[str, float],
) -> list[tuple[np.ndarray, np.ndarray, int, int]]:
    """Shuffle band keys and copy keys to bucket partitions and their pairs to blocks, then
    verify one block per task: (copied, joined, candidates, verified) of every block."""
    submit = client.submit
    clock = time.perf_counter()
    scattered = [
        submit(_scatter_keys, s, int(offsets[p]), buckets_n, settings, pure=False)
        for p, s in enumerate(signed)
    ]
    buckets = []
    for q in range(buckets_n):
        pieces = [submit(operator.getitem, s, q, pure=False) for s in scattered]
        buckets.append(submit(_buckets, pieces, settings, offsets, pure=False))
    # The scheduler keeps each piece until its bucket is made, then lets it go.
    del scattered, pieces
    _wait(buckets, "grouping", progress)
    block_lists = client.gather([submit(_block_keys, b, pure=False) for b in buckets])
    timings["shuffle"] = time.perf_counter() - clock
    clock = time.perf_counter()

    by_block: dict[int, list[Future[Any]]] = {}
    for q, blocks in enumerate(block_lists):
        for block in blocks:
            by_block.setdefault(block, []).append(
                submit(operator.getitem, buckets[q], block, pure=False)
            )
    # Each bucket's pairs, and each block's, go once the blocks that need them are verified.
    del buckets
    verified_f = []
    for block, block_pieces in sorted(by_block.items()):
        a, b = divmod(block, len(offsets))
        verified_f.append(
            submit(
                _verify_block,
                block,
                block_pieces,
                signed[a],
                signed[b],
                offsets,
                settings,
                pure=False,
            )
        )
    del by_block
    _wait(verified_f, "verifying", progress)
    results: list[tuple[np.ndarray, np.ndarray, int, int]] = client.gather(verified_f)
    timings["verify"] = time.perf_counter() - clock
    return results


def _cluster_joined(
    results: list[tuple[np.ndarray, np.ndarray, int, int]],
    total: int,
    flat_ids: list[str],
    settings: ClusterSettings,
) -> Clustering:
    """The stories: copies joined first, then the verified pairs (as one machine would)."""
    groups = UnionFind(total)
    for copied, _, _, _ in results:
        for i, j in copied.tolist():
            groups.union(i, j)
    joined = 0
    for _, pairs, _, _ in results:
        for i, j in pairs.tolist():
            joined += groups.union(i, j)
    stats = ClusterStats(
        documents=total,
        candidate_pairs=sum(r[2] for r in results),
        verified_pairs=sum(r[3] for r in results),
        joined_pairs=joined,
    )
    return make_clustering(
        groups.groups(), range(1, total + 1), flat_ids, settings=settings, stats=stats
    )


def _route_plan(
    plan: list[list[tuple[int, Cluster]]], flat_ids: list[str], total: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per document (in global order): its story partition, its story's position, its story."""
    story_part = np.empty(total, dtype=np.int32)
    story_number = np.empty(total, dtype=np.int64)
    story_of = [""] * total
    position = {d: k for k, d in enumerate(flat_ids)}
    for number, stories in enumerate(plan):
        for pos, cluster in stories:
            for document_id in cluster.documents:
                k = position[document_id]
                story_part[k] = number
                story_number[k] = pos
                story_of[k] = cluster.id
    return story_part, story_number, story_of


def _count_boilerplate(
    client: Client,
    signed: list[Future[Any]],
    story_number: np.ndarray,
    offsets: np.ndarray,
    counts: list[int],
    buckets_n: int,
) -> Boilerplate:
    """Boilerplate: (story, sentence key) pairs shuffled by key, counted per bucket."""
    submit = client.submit
    paired = [
        submit(
            _sentence_buckets,
            s,
            story_number[int(offsets[p]) : int(offsets[p]) + counts[p]],
            buckets_n,
            pure=False,
        )
        for p, s in enumerate(signed)
    ]
    recurring = [
        submit(
            _recurring_bucket,
            [submit(operator.getitem, piece, q, pure=False) for piece in paired],
            pure=False,
        )
        for q in range(buckets_n)
    ]
    del paired
    return boilerplate_of(client.gather(recurring))


@dataclass(frozen=True)
class _Routes:
    """Where each read partition's documents go: ``offsets``/``counts`` place a partition in the
    global order, ``story_part`` and ``story_of`` give each document's story partition and
    story."""

    reads: list[ReadPart]
    offsets: np.ndarray
    counts: list[int]
    ids: list[list[str]]
    story_part: np.ndarray
    story_of: list[str]
    input_format: FormatChoice

    def needed_by(self) -> list[set[int]]:
        """Per read partition, the story partitions its documents go to."""
        return [
            set(np.unique(self.story_part[self._span(p)]).tolist()) for p in range(len(self.reads))
        ]

    def _span(self, p: int) -> slice:
        start = int(self.offsets[p])
        return slice(start, start + self.counts[p])

    def route(self, client: Client, p: int) -> Future[Any]:
        """Read partition ``p`` again and send its documents to their story partitions."""
        span = self._span(p)
        return client.submit(
            _route,
            self.reads[p],
            self.input_format,
            span.start,
            self.ids[p],
            self.story_part[span],
            self.story_of[span],
            pure=False,
        )


def _analyse_stories(
    client: Client,
    plan: list[list[tuple[int, Cluster]]],
    routes: _Routes,
    folder: str,
    options: Options,
    boilerplate: Boilerplate,
    progress: Progress | None,
) -> list[Any]:
    """Route documents to story partitions, analyse and write each; the stories tables."""
    from distributed import as_completed

    # In every analysis task's arguments, not scattered: scattered data has no lineage, and the
    # worker holding it may die.
    recurring_keys_array = np.array(sorted(boilerplate.recurring), dtype=np.uint64)
    needs = routes.needed_by()
    pieces: dict[tuple[int, int], Future[Any]] = {}
    analysed: list[Future[Any] | None] = [None] * len(plan)
    number_of: dict[Future[Any], int] = {}
    running = as_completed()

    def submit(number: int) -> None:
        sources = [p for p in range(len(routes.reads)) if number in needs[p]]
        for p in sources:
            if (p, number) not in pieces:
                routed = routes.route(client, p)
                # Cut for every story partition at once: a piece cut only when its partition
                # comes up waits behind the analysis running on the (one-thread) worker that
                # holds it, and the worker that needs it sits idle meanwhile. The pieces hold
                # the routed tables themselves, not copies.
                for target in needs[p]:
                    pieces[p, target] = client.submit(operator.getitem, routed, target, pure=False)
                del routed
        future = client.submit(
            _analyse_routed,
            folder,
            number,
            plan[number],
            [pieces.pop((p, number)) for p in sources],
            options.aliases,
            recurring_keys_array,
            pure=False,
        )
        analysed[number] = future
        number_of[future] = number
        running.add(future)

    # A few story partitions in flight per worker: documents are read as their stories come
    # up instead of all waiting in memory for a worker (when stories are local to some files,
    # as news is to days; otherwise each routed partition stays until its last story).
    window = min(len(plan), 2 * max(1, sum(client.nthreads().values())))
    for number in range(window):
        submit(number)
    weights = [sum(len(c.documents) for _, c in stories) for stories in plan]
    total, done = sum(weights), 0
    if progress is not None:
        progress("analysing", 0, total)
    following = window
    for future in running:
        if future.status == "error":
            future.result()  # raises the task's exception
        done += weights[number_of.pop(future)]
        if progress is not None:
            progress("analysing", done, total)
        if following < len(plan):
            submit(following)
            following += 1
    tables: list[Any] = client.gather(analysed)
    return tables

"""``parallax index --update``: add new and changed sources to an index without redoing it.

1. Files under PATHS that are new, or whose size or modification time changed, are read; a file
   of the index that no longer exists is dropped. Documents of unchanged files keep their id and
   index; new documents are numbered after the last one.
2. Only new documents are signed. A story that lost a document (its file changed or went away)
   is *dirty*: its remaining documents are grouped again, as if new.
3. Candidates come from the LSH buckets that hold a dirty document (band keys of the other
   documents are computed from their stored signatures); pairs with a dirty document are
   verified with :func:`parallax.core.cluster.verify_pairs`, on token strings computed for the
   documents involved only. Clean stories are joined as units.
4. A story whose set of documents is unchanged keeps its analysis (same id, same rows); the
   others are analysed. Part files holding only unchanged stories are linked into the new
   generation, others are copied without the stories that changed.

Annotations are kept in the workspace, which lives beside the index, and anchor by quote and
position: documents that did not change keep their ids, so nothing moves.

An update gives the same stories as indexing everything anew, except in two rare cases: a
bucket that grows past ``max_bucket`` (an index built anew would verify it as a star and a
chain, an update keeps the pairs it verified before), and the order of documents read from a
new file that sorts before old ones (an update numbers them last).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation

import numpy as np

from parallax.core.about import subject_keys
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
    matching_text,
    sign,
    signed_mask,
    unique_pairs,
    verify_pairs,
)
from parallax.core.document import Document
from parallax.core.errors import Problem
from parallax.core.index.build import BuildResult, NoDocuments, analyse_locally, finish
from parallax.core.index.schema import arrow_schema
from parallax.core.index.steps import (
    Options,
    SignedPart,
    SourceFile,
    list_sources,
    sign_documents,
    write_signatures,
)
from parallax.core.index.store import (
    DOC_GROUP_ROWS,
    CorpusIndex,
    IndexWriter,
    part_name,
    require,
)
from parallax.core.ingest import load


def update_index(
    index_path: str,
    paths: Sequence[str],
    *,
    options: Options | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Bring the index at ``index_path`` up to date with ``paths``."""
    require("pyarrow")
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    index = CorpusIndex(index_path)
    # Documents are grouped as the index grouped them, with its settings.
    settings = ClusterSettings(**index.manifest["settings"])
    options = replace(options or Options(), settings=settings)
    changes = _read_changes(index, paths, options)
    timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    signed = _sign_changes(index, changes, settings, progress)
    timings["sign"] = time.perf_counter() - clock
    clock = time.perf_counter()
    clustering = _regroup(index, changes, signed, settings, progress)
    timings["cluster"] = time.perf_counter() - clock
    result = _write_update(index, changes, signed, clustering, options, workers, progress, timings)
    result.timings = timings
    return result


@dataclass
class _Changes:
    """Step 1: the files that are new, changed or gone, and the documents read again."""

    old_files: dict[str, dict[str, Any]]  # the index's files table, by path
    fresh: list[SourceFile]  # files new or changed
    gone: set[str]  # files of the index that no longer exist
    problems: list[Problem]
    documents_meta: pa.Table  # every document of the index (no bodies)
    kept_meta: pa.Table  # those of files that did not change, in index order
    kept_ids: list[str]
    removed_ids: set[str]
    new_documents: list[Document]  # read from the fresh files, numbered after the kept ones


@dataclass
class _Signed:
    """Step 2: the new documents signed; signatures and copy keys of kept then new ones."""

    new: SignedPart
    signatures: np.ndarray
    copy_keys: np.ndarray


def _read_changes(index: CorpusIndex, paths: Sequence[str], options: Options) -> _Changes:
    """Which files are new, changed or gone; the new and changed ones are read."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    old_files = {r["path"]: r for r in pq.read_table(index.data / "files.parquet").to_pylist()}
    files, problems = list_sources(paths, options)
    listed = {f.path: f for f in files}
    fresh = [
        f
        for f in files
        if f.path not in old_files
        or (old_files[f.path]["size"], old_files[f.path]["mtime_ns"]) != (f.size, f.mtime_ns)
    ]
    gone = {p for p in old_files if p not in listed and not Path(p).exists()}
    stale_paths = {f.path for f in fresh} | gone

    documents_meta = _documents_meta(index)
    stale = pc.is_in(documents_meta["origin_path"], pc.cast(list(stale_paths) or [""], "string"))
    removed_ids = set(documents_meta.filter(stale)["id"].to_pylist())
    kept_meta = documents_meta.filter(pc.invert(stale))
    kept_meta = kept_meta.take(pc.sort_indices(kept_meta["index"]))

    corpus = load([f.path for f in fresh], format=options.input_format)
    kept_ids: list[str] = kept_meta["id"].to_pylist()
    new_documents = _renumber(
        list(corpus.documents),
        kept_ids,
        int(pc.max(kept_meta["index"]).as_py() or 0) if kept_meta.num_rows else 0,
    )
    if not kept_ids and not new_documents:
        raise NoDocuments("no document loaded")
    return _Changes(
        old_files,
        fresh,
        gone,
        list(problems) + list(corpus.problems),
        documents_meta,
        kept_meta,
        kept_ids,
        removed_ids,
        new_documents,
    )


def _sign_changes(
    index: CorpusIndex, changes: _Changes, settings: ClusterSettings, progress: Progress | None
) -> _Signed:
    """Sign the new documents only; the kept ones' signatures are read from the index."""
    new = sign_documents(0, changes.new_documents, settings, progress=progress)
    if not changes.kept_ids:
        return _Signed(new, new.signatures, new.copy_keys)
    old_copy_keys, old_signatures = _signatures(index, changes.kept_ids)
    return _Signed(
        new,
        np.concatenate([old_signatures, new.signatures]),
        np.concatenate([old_copy_keys, new.copy_keys]),
    )


def _regroup(
    index: CorpusIndex,
    changes: _Changes,
    signed: _Signed,
    settings: ClusterSettings,
    progress: Progress | None,
) -> Clustering:
    """Group again: the clean stories as units, the dirty documents anew."""
    count_old, count_new = len(changes.kept_ids), len(changes.new_documents)
    total = count_old + count_new
    dirty, unit = _dirty_units(changes, total)
    copies, candidates = _dirty_pairs(signed, dirty, settings)
    if progress is not None:
        progress("grouping", 1, 1)
    involved = np.unique(
        np.concatenate([copies.ravel(), candidates.ravel(), np.flatnonzero(dirty)])
    )
    local = {int(g): k for k, g in enumerate(involved.tolist())}
    tokens, subjects = _involved_texts(index, changes, signed, involved, local, settings)
    groups = UnionFind(len(involved))
    unit_first: dict[int, int] = {}
    for g in involved.tolist():
        if not dirty[g]:
            first = unit_first.setdefault(int(unit[g]), local[g])
            groups.union(first, local[g])

    def to_local(pairs: np.ndarray) -> np.ndarray:
        return np.vectorize(local.__getitem__, otypes=[np.int64])(pairs) if len(pairs) else pairs

    copied = join_copies(to_local(copies), tokens, groups)
    joined, verified = verify_pairs(
        to_local(candidates),
        tokens,
        signed.signatures[involved],
        settings,
        groups,
        progress,
        subjects,
    )
    final = UnionFind(total)
    for k in range(total):
        if unit[k] != k:
            final.union(int(unit[k]), k)
    for i, j in np.concatenate([copied, joined]).tolist():
        final.union(int(involved[i]), int(involved[j]))
    stats = ClusterStats(
        documents=total,
        candidate_pairs=len(candidates),
        verified_pairs=verified,
        joined_pairs=len(joined),
    )
    return make_clustering(
        final.groups(),
        changes.kept_meta["index"].to_pylist() + [d.index for d in changes.new_documents],
        changes.kept_ids + [d.id for d in changes.new_documents],
        settings=settings,
        stats=stats,
    )


def _dirty_units(changes: _Changes, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Which documents (kept, then new) are dirty, and each one's unit: the clean documents
    of one old story share a unit; a dirty one is a unit of its own. A story that lost a
    document is dirty."""
    count_old = len(changes.kept_ids)
    meta = changes.documents_meta
    old_members: dict[str, list[str]] = {}
    for doc_id, story in zip(meta["id"].to_pylist(), meta["story"].to_pylist(), strict=True):
        old_members.setdefault(story, []).append(doc_id)
    dirty_stories = {
        s for s, members in old_members.items() if any(m in changes.removed_ids for m in members)
    }
    story_of_old: list[str] = changes.kept_meta["story"].to_pylist()
    dirty = np.zeros(total, dtype=bool)
    dirty[count_old:] = True
    for k, story in enumerate(story_of_old):
        dirty[k] = story in dirty_stories
    unit = np.arange(total, dtype=np.int64)
    first_of: dict[str, int] = {}
    for k, story in enumerate(story_of_old):
        if not dirty[k]:
            unit[k] = first_of.setdefault(story, k)
    return dirty, unit


def _dirty_pairs(
    signed: _Signed, dirty: np.ndarray, settings: ClusterSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Copy pairs and candidate pairs that hold a dirty document: the LSH buckets of the dirty
    documents' band keys, over every document's signature."""
    positions = np.arange(len(dirty), dtype=np.int64)
    dirty_at = np.flatnonzero(dirty)
    copies = copy_pairs(signed.copy_keys, positions)
    copies = copies[dirty[copies[:, 0]] | dirty[copies[:, 1]]] if len(copies) else copies
    keys = band_keys(signed.signatures, settings)
    has = signed_mask(signed.signatures)
    chunks = [np.empty((0, 2), dtype=np.int64)]
    for band in range(keys.shape[1]):
        wanted = keys[dirty_at[has[dirty_at]], band]
        if not wanted.size:
            continue
        chosen = np.flatnonzero(has & np.isin(keys[:, band], wanted))
        chunks.append(bucket_pairs(keys[chosen, band], chosen, settings))
    candidates = unique_pairs(np.concatenate(chunks))
    candidates = candidates[dirty[candidates[:, 0]] | dirty[candidates[:, 1]]]
    return copies, candidates


def _involved_texts(
    index: CorpusIndex,
    changes: _Changes,
    signed: _Signed,
    involved: np.ndarray,
    local: dict[int, int],
    settings: ClusterSettings,
) -> tuple[list[str], list[np.ndarray]]:
    """Token strings and subject keys of the documents in some pair, in ``involved`` order:
    the kept ones' computed from their bodies, the new ones' from their signing."""
    count_old = len(changes.kept_ids)
    tokens = [""] * len(involved)
    subjects = [np.empty(0, dtype=np.uint64)] * len(involved)
    texts_needed = [int(g) for g in involved.tolist() if g < count_old]
    if texts_needed:
        bodies = index.documents_by_id([changes.kept_ids[g] for g in texts_needed])
        old_texts = [matching_text(bodies[changes.kept_ids[g]]) for g in texts_needed]
        old_tokens, _ = sign(old_texts, settings)
        for g, t, s in zip(texts_needed, old_tokens, subject_keys(old_texts), strict=True):
            tokens[local[g]] = t
            subjects[local[g]] = s
    for k in range(len(changes.new_documents)):
        if count_old + k in local:
            tokens[local[count_old + k]] = signed.new.tokens[k]
            subjects[local[count_old + k]] = signed.new.subjects[k]
    return tokens, subjects


def _write_update(
    index: CorpusIndex,
    changes: _Changes,
    signed: _Signed,
    clustering: Clustering,
    options: Options,
    workers: int | None,
    progress: Progress | None,
    timings: dict[str, float],
) -> BuildResult:
    """Analyse the changed stories; link or copy the rest; write the new generation."""
    import pyarrow as pa

    clock = time.perf_counter()
    old_ids = set(index.stories["id"].to_pylist())
    changed = [c for c in clustering.clusters if c.id not in old_ids]
    kept_stories = {c.id for c in clustering.clusters if c.id in old_ids}
    new_ids = {d.id for d in changes.new_documents}
    writer = IndexWriter(str(index.path))
    try:
        folder = writer.folder
        summaries, next_part = _carry_parts(index, kept_stories, folder)
        needed = {i for c in changed for i in c.documents}
        documents = [d for d in changes.new_documents if d.id in needed]
        old_needed = [i for i in needed if i not in new_ids]
        if old_needed:
            documents += list(index.documents_by_id(old_needed).values())
        sub = Clustering(
            clusters=tuple(changed), settings=clustering.settings, stats=clustering.stats
        )
        # The recurring sentences of the full index: counting them again would need every
        # stored document's sentences (see the README's note on --update).
        boilerplate = index.boilerplate()
        tables = analyse_locally(
            str(folder),
            documents,
            sub,
            options,
            workers,
            progress,
            first_part=next_part,
            keys=_keys(documents, changes.kept_meta, changes.new_documents),
            boilerplate=boilerplate,
        )
        timings["analyse"] = time.perf_counter() - clock
        clock = time.perf_counter()
        _carry_signatures(index, changes.removed_ids, folder)
        write_signatures(
            str(folder), _next_number(folder / "signatures"), signed.new.ids, signed.new
        )
        position = {c.id: pos for pos, c in enumerate(clustering.clusters)}
        everything = [t for t in tables if t is not None]
        if summaries is not None:
            everything.append(summaries)
        stories = (
            pa.concat_tables(everything) if everything else arrow_schema("stories").empty_table()
        )
        stories = stories.set_column(
            stories.schema.get_field_index("pos"),
            "pos",
            pa.array([position[s] for s in stories["id"].to_pylist()], pa.int64()),
        )
        file_list, counts = _files(
            changes.old_files, changes.fresh, changes.gone, changes.new_documents
        )
        result = finish(
            writer,
            [stories],
            file_list,
            counts,
            changes.problems,
            clustering.stats,
            "update",
            options,
            extra={"updated_from": index.manifest.get("data"), "reanalysed": len(changed)},
            boilerplate=boilerplate,
        )
        timings["write"] = time.perf_counter() - clock
    except BaseException:
        writer.discard()
        raise
    return result


def _documents_meta(index: CorpusIndex) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ["id", "index", "story", "origin_path", "origin_key"]
    tables = [pq.read_table(f, columns=columns) for f in index.parts("documents")]
    if not tables:
        return arrow_schema("documents").empty_table().select(columns)
    return pa.concat_tables(tables)


def _renumber(documents: list[Document], existing: Sequence[str], last: int) -> list[Document]:
    """New documents numbered after ``last``, their ids made unique among ``existing``."""
    seen: dict[str, int] = {}
    for document_id in existing:
        base, _, copy = document_id.partition("-")
        seen[base] = max(seen.get(base, 0), int(copy) if copy.isdigit() else 1)
    out = []
    for k, document in enumerate(documents, 1):
        base = document.id.partition("-")[0]
        seen[base] = seen.get(base, 0) + 1
        new_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(document.model_copy(update={"index": last + k, "id": new_id}))
    return out


def _signatures(index: CorpusIndex, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Copy keys and signatures of documents ``ids``, in that order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.concat_tables([pq.read_table(f) for f in index.parts("signatures")])
    position = {doc_id: k for k, doc_id in enumerate(table["id"].to_pylist())}
    rows = np.array([position[i] for i in ids], dtype=np.int64)
    if not len(rows):
        return np.empty(0, np.uint64), np.empty((0, 0), np.uint32)
    keys = table["copy_key"].to_numpy()[rows].astype(np.uint64)
    blocks = []
    for chunk in table["signature"].chunks:  # every signature has the same length
        if not len(chunk):
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        blocks.append(data.view("<u4").reshape(len(chunk), -1))
    return keys, np.concatenate(blocks)[rows].astype(np.uint32)


def _keys(
    documents: Sequence[Document], kept_meta: pa.Table, new_documents: Sequence[Document]
) -> dict[str, str]:
    from parallax.core.index.steps import origin_keys

    keys = dict(zip(kept_meta["id"].to_pylist(), kept_meta["origin_key"].to_pylist(), strict=True))
    keys.update(origin_keys(new_documents))
    return {d.id: keys[d.id] for d in documents}


def _next_number(folder: Path) -> int:
    numbers = [int(p.stem.split("-")[1]) for p in folder.glob("part-*.parquet")]
    return max(numbers, default=-1) + 1


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _carry_parts(index: CorpusIndex, kept: set[str], folder: Path) -> tuple[pa.Table | None, int]:
    """Link parts whose stories are all kept; copy the kept stories of the others into new
    parts. Returns the kept stories' rows (located) and the next free part number."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    stories = index.full_stories()
    present = pc.is_in(stories["id"], pc.cast(list(kept) or [""], "string"))
    by_part: dict[int, list[int]] = {}
    for row, (part, keep) in enumerate(
        zip(stories["part"].to_pylist(), present.to_pylist(), strict=True)
    ):
        by_part.setdefault(part, []).append(row if keep else -1 - row)
    next_part = max(by_part, default=-1) + 1
    out = []
    for part, rows in sorted(by_part.items()):
        keep_rows = [r for r in rows if r >= 0]
        if not keep_rows:
            continue
        if len(keep_rows) == len(rows):
            for table in ("documents", "rows", "discrepancies"):
                _link(index.data / part_name(table, part), folder / part_name(table, part))
            out.append(stories.take(keep_rows))
            continue
        chosen = stories.take(keep_rows).to_pylist()
        tables = {
            t: pq.read_table(index.data / part_name(t, part))
            for t in ("documents", "rows", "discrepancies")
        }
        writers = {
            t: pq.ParquetWriter(
                folder / part_name(t, next_part), arrow_schema(t), compression="zstd"
            )
            for t in tables
        }
        groups = dict.fromkeys(tables, 0)
        try:
            batch: list[dict[str, Any]] = []
            size = 0
            for position, summary in enumerate(chosen):
                batch.append(summary)
                size += summary["documents"]
                if size < DOC_GROUP_ROWS and position + 1 < len(chosen):
                    continue
                ids = pc.cast([s["id"] for s in batch], "string")
                numbers = {}
                for t, table in tables.items():
                    rows_of = table.filter(pc.is_in(table["story"], ids))
                    if rows_of.num_rows:
                        writers[t].write_table(rows_of, row_group_size=rows_of.num_rows)
                        numbers[t] = groups[t]
                        groups[t] += 1
                    present_ids = set(rows_of["story"].to_pylist())
                    for s in batch:
                        key = {
                            "documents": "doc_group",
                            "rows": "row_group",
                            "discrepancies": "disc_group",
                        }[t]
                        s[key] = numbers[t] if s["id"] in present_ids else -1
                for s in batch:
                    s["part"] = next_part
                    out.append(pa.Table.from_pylist([s], schema=arrow_schema("stories")))
                batch, size = [], 0
        finally:
            for writer in writers.values():
                writer.close()
        next_part += 1
    return (pa.concat_tables(out) if out else None), next_part


def _carry_signatures(index: CorpusIndex, removed: set[str], folder: Path) -> None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for file in index.parts("signatures"):
        target = folder / "signatures" / file.name
        if not removed:
            _link(file, target)
            continue
        table = pq.read_table(file)
        dropped = pc.is_in(table["id"], pc.cast(list(removed), "string"))
        if not pc.any(dropped).as_py():
            _link(file, target)
        else:
            pq.write_table(table.filter(pc.invert(dropped)), target, compression="zstd")


def _files(
    old_files: dict[str, dict[str, Any]],
    fresh: Sequence[SourceFile],
    gone: set[str],
    new_documents: Sequence[Document],
) -> tuple[list[SourceFile], dict[str, int]]:
    counts: dict[str, int] = {}
    for document in new_documents:
        counts[document.origin.path] = counts.get(document.origin.path, 0) + 1
    fresh_paths = {f.path for f in fresh}
    out = []
    for path, row in old_files.items():
        if path in gone or path in fresh_paths:
            continue
        out.append(SourceFile(path, row["size"], row["mtime_ns"]))
        counts[path] = row["documents"]
    out.extend(fresh)
    return out, counts

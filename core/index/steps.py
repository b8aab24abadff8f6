"""The steps of indexing that both engines run, on one partition at a time.

A *read partition* is a run of whole source files (so a document's key, ``path#n``, is known
inside it); a *story partition* is a run of stories in story order. Reading, signing, routing
documents to their story partition and analysing one story partition are plain functions of
their inputs: the local engine calls them in one process (and a process pool), the Dask engine
submits them as tasks, and both get the same answer.
"""

from __future__ import annotations

import itertools
import mmap
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation

import numpy as np

from parallax.core.about import Subjects, subject_keys
from parallax.core.annotations.anchoring import document_keys
from parallax.core.boilerplate import (
    Boilerplate,
    document_sentence_keys,
    story_key_pairs,
)
from parallax.core.cluster import (
    Cluster,
    Clustering,
    ClusterSettings,
    Progress,
    copy_keys,
    matching_text,
    sign,
)
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.errors import Problem
from parallax.core.ingest import FormatChoice, iter_files, load
from parallax.core.report import Story, analyse_story, frozen_before_each
from parallax.core.tokens import TokenStrings

#: Source bytes per read partition, and documents per story partition (the defaults).
PARTITION_BYTES = 16 * 1024 * 1024
STORY_PART_DOCUMENTS = 5_000
#: At most this many read partitions (the verify step has one task per pair of them).
MAX_READ_PARTS = 24


@dataclass(frozen=True)
class Options:
    """What to read and how to group and analyse it."""

    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    input_format: FormatChoice = "auto"
    settings: ClusterSettings = field(default_factory=ClusterSettings)
    aliases: AliasTable = field(default_factory=AliasTable)
    partition_bytes: int = PARTITION_BYTES
    story_part_documents: int = STORY_PART_DOCUMENTS


@dataclass(frozen=True)
class SourceFile:
    """A file to read: the path to open, as displayed, with its size and modification time."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ReadPart:
    """Whole files read together, in input order."""

    number: int
    files: tuple[SourceFile, ...]


def list_sources(paths: Sequence[str], options: Options) -> tuple[list[SourceFile], list[Problem]]:
    """Every file under ``paths`` (walked as ``parallax`` walks them), or a problem per path."""
    files: list[SourceFile] = []
    problems: list[Problem] = []
    for item in iter_files(paths, include=options.include, exclude=options.exclude):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        file, display = item
        if display == "<stdin>":
            files.append(SourceFile("-", 0, 0))
            continue
        try:
            stat = file.stat()
        except OSError as error:
            problems.append(Problem(display, None, f"cannot read ({error.strerror or error})"))
            continue
        files.append(SourceFile(display, stat.st_size, stat.st_mtime_ns))
    return files, problems


def plan_reads(files: Sequence[SourceFile], partition_bytes: int) -> list[ReadPart]:
    """Runs of consecutive files of about ``partition_bytes`` each (larger for a corpus that
    would need more than :data:`MAX_READ_PARTS` of them)."""
    partition_bytes = max(partition_bytes, sum(f.size for f in files) // MAX_READ_PARTS + 1)
    parts: list[ReadPart] = []
    current: list[SourceFile] = []
    size = 0
    for file in files:
        current.append(file)
        size += file.size
        if size >= partition_bytes:
            parts.append(ReadPart(len(parts), tuple(current)))
            current, size = [], 0
    if current:
        parts.append(ReadPart(len(parts), tuple(current)))
    return parts


def read_part(part: ReadPart, input_format: FormatChoice) -> tuple[list[Document], list[Problem]]:
    """The documents of a read partition, numbered from 1 within it."""
    corpus = load([f.path for f in part.files], format=input_format)
    return list(corpus.documents), list(corpus.problems)


@dataclass
class SignedPart:
    """The map output of one read partition: what clustering needs, and nothing more."""

    number: int
    count: int
    ids: list[str]  # as read; may be renamed if a copy was read in another partition
    tokens: TokenStrings
    signatures: np.ndarray
    subjects: Subjects
    copy_keys: np.ndarray
    problems: list[Problem]
    files: dict[str, int]  # documents read per file
    # sentence keys of each document, for boilerplate by recurrence: (position, key) arrays
    sentences: tuple[np.ndarray, np.ndarray]


def sign_part(part: ReadPart, options: Options) -> SignedPart:
    """Read a partition and sign its documents (the map step of clustering)."""
    documents, problems = read_part(part, options.input_format)
    return sign_documents(part.number, documents, options.settings, problems)


def sign_documents(
    number: int,
    documents: Sequence[Document],
    settings: ClusterSettings,
    problems: list[Problem] | None = None,
    progress: Progress | None = None,
) -> SignedPart:
    """Sign documents with :func:`parallax.core.cluster.sign` (what clustering signs)."""
    texts = [matching_text(d) for d in documents]
    tokens, signatures = sign(texts, settings, progress)
    files: dict[str, int] = {}
    for document in documents:
        files[document.origin.path] = files.get(document.origin.path, 0) + 1
    return SignedPart(
        number=number,
        count=len(documents),
        ids=[d.id for d in documents],
        tokens=TokenStrings.pack(tokens),
        signatures=signatures,
        subjects=subject_keys(texts),
        copy_keys=copy_keys(tokens),
        problems=problems or [],
        files=files,
        sentences=document_sentence_keys(documents),
    )


@dataclass(frozen=True)
class SpilledArrays:
    """Named arrays written to one file (:func:`write_arrays`): a handle a few hundred bytes
    long, whatever their size."""

    path: str
    layout: tuple[tuple[str, str, tuple[int, ...], int], ...]  # name, dtype, shape, offset

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays, read-only, mapped from the file (no copy): their pages are read when
        touched and leave the process once the arrays are dropped."""
        if not any(_nbytes(dtype, shape) for _, dtype, shape, _ in self.layout):
            return {name: np.empty(shape, dtype) for name, dtype, shape, _ in self.layout}
        with open(self.path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return {
            name: np.frombuffer(
                mapped, dtype=dtype, count=int(np.prod(shape)), offset=offset
            ).reshape(shape)
            for name, dtype, shape, offset in self.layout
        }


def _nbytes(dtype: str, shape: tuple[int, ...]) -> int:
    return int(np.prod(shape)) * np.dtype(dtype).itemsize


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> SpilledArrays:
    """Write ``arrays`` to the file ``path``, under a temporary name and then renamed: a task
    run again (a worker died) writes the same file whole, and a reader never sees half of one.
    The folder must exist: a run that was stopped removes it, and a task still running then
    fails instead of making it again."""
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    layout = []
    offset = 0
    with open(temporary, "wb") as file:
        for name, value in arrays.items():
            array = np.ascontiguousarray(value)
            padding = -offset % 64
            file.write(bytes(padding))
            offset += padding
            file.write(array.reshape(-1).view(np.uint8).data)
            layout.append((name, array.dtype.str, tuple(array.shape), offset))
            offset += array.nbytes
    os.replace(temporary, path)
    return SpilledArrays(str(path), tuple(layout))


@dataclass(frozen=True)
class SpilledPart:
    """A :class:`SignedPart` whose arrays (and ids) are in a file (:func:`spill`): what the
    Dask engine keeps in worker memory between the steps that need them, instead of the arrays
    themselves (about 2 KB a document)."""

    number: int
    count: int
    data: SpilledArrays
    problems: list[Problem]
    files: dict[str, int]

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays, mapped from the file (:meth:`SpilledArrays.arrays`)."""
        return self.data.arrays()

    def ids(self) -> list[str]:
        """The document ids, as read."""
        arrays = self.arrays()
        blob = arrays["id_bytes"].tobytes()
        bounds = arrays["id_bounds"].tolist()
        return [blob[start:end].decode("utf-8") for start, end in itertools.pairwise(bounds)]

    def load(self) -> SignedPart:
        """The signed part, its arrays mapped from the file."""
        arrays = self.arrays()
        return SignedPart(
            number=self.number,
            count=self.count,
            ids=self.ids(),
            tokens=TokenStrings(arrays["codes"], arrays["bounds"]),
            signatures=arrays["signatures"],
            subjects=Subjects(arrays["subject_values"], arrays["subject_offsets"]),
            copy_keys=arrays["copy_keys"],
            problems=self.problems,
            files=self.files,
            sentences=(arrays["sentence_owners"], arrays["sentence_keys"]),
        )


def spill(signed: SignedPart, folder: str) -> SpilledPart:
    """Write ``signed``'s arrays and ids to ``folder/part-NNNNN.bin`` (:func:`write_arrays`)."""
    encoded = [i.encode("utf-8") for i in signed.ids]
    id_bounds = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=id_bounds[1:])
    data = write_arrays(
        Path(folder) / f"part-{signed.number:05d}.bin",
        {
            "codes": signed.tokens.codes,
            "bounds": signed.tokens.bounds,
            "signatures": signed.signatures,
            "subject_values": signed.subjects.values,
            "subject_offsets": signed.subjects.offsets,
            "sentence_owners": signed.sentences[0],
            "sentence_keys": signed.sentences[1],
            "copy_keys": signed.copy_keys,
            "id_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            "id_bounds": id_bounds,
        },
    )
    return SpilledPart(signed.number, signed.count, data, signed.problems, signed.files)


def sign_and_spill(part: ReadPart, options: Options, folder: str) -> SpilledPart:
    """:func:`sign_part`, its output written to a file in ``folder`` (:func:`spill`)."""
    return spill(sign_part(part, options), folder)


def global_ids(parts: Sequence[Sequence[str]]) -> list[list[str]]:
    """Document ids across partitions as one :func:`load` call would give them: the second
    copy of a document read in another partition becomes ``id-2``, and so on."""
    seen: dict[str, int] = {}
    out = []
    for ids in parts:
        fixed = []
        for document_id in ids:
            base = document_id.split("-", 1)[0]
            seen[base] = seen.get(base, 0) + 1
            fixed.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
        out.append(fixed)
    return out


def finish_documents(
    documents: Sequence[Document], offset: int, ids: Sequence[str]
) -> list[Document]:
    """Documents of a partition with their corpus-wide index and id."""
    out = []
    for document, document_id in zip(documents, ids, strict=True):
        index = offset + document.index
        if index != document.index or document_id != document.id:
            document = document.model_copy(update={"index": index, "id": document_id})
        out.append(document)
    return out


def plan_stories(clustering: Clustering, per_part: int) -> list[list[tuple[int, Cluster]]]:
    """Stories (position, cluster) in story order, cut into partitions of about ``per_part``
    documents."""
    parts: list[list[tuple[int, Cluster]]] = [[]]
    size = 0
    for pos, cluster in enumerate(clustering.clusters):
        if size >= per_part:
            parts.append([])
            size = 0
        parts[-1].append((pos, cluster))
        size += len(cluster.documents)
    return parts if parts[0] else []


def origin_keys(documents: Sequence[Document]) -> dict[str, str]:
    """The annotation key of each document (``path#n``); whole files only."""
    return document_keys(documents)


def analyse_part(
    folder: str,
    part: int,
    stories: Sequence[tuple[int, Cluster]],
    documents: Sequence[Document],
    keys: dict[str, str],
    aliases: AliasTable,
    boilerplate: Boilerplate | None = None,
) -> pa.Table:
    """Analyse a story partition with :func:`parallax.core.report.analyse_story` and write its
    part files; return its rows of the stories table (a pyarrow table)."""
    import pyarrow as pa

    from parallax.core.index.records import story_summary
    from parallax.core.index.schema import arrow_schema
    from parallax.core.index.store import write_parts

    by_id = {d.id: d for d in documents}

    def analysed() -> Iterator[tuple[int, Cluster, list[Document], Story | None, dict[str, Any]]]:
        # One story at a time: its analysis is dropped once its rows are buffered, so a
        # partition never holds every story's analysis at once.
        for pos, cluster in frozen_before_each(stories):
            members = [by_id[i] for i in cluster.documents]
            story = (
                analyse_story(cluster, members, aliases=aliases, boilerplate=boilerplate)
                if len(members) > 1
                else None
            )
            yield pos, cluster, members, story, story_summary(pos, cluster, members, story)

    rows = write_parts(folder, part, analysed(), keys)
    return pa.Table.from_pylist(rows, schema=arrow_schema("stories"))


def story_numbers(clustering: Clustering, ids: Sequence[str]) -> np.ndarray:
    """The position in ``clustering`` of each document's story, for documents ``ids``."""
    position = {d: n for n, c in enumerate(clustering.clusters) for d in c.documents}
    return np.array([position[i] for i in ids], dtype=np.int64)


def sentence_pairs(sentences: tuple[np.ndarray, np.ndarray], numbers: np.ndarray) -> np.ndarray:
    """A partition's distinct ``(story, sentence key)`` pairs, from :attr:`SignedPart.sentences`
    and the story number of each of its documents."""
    owners, keys = sentences
    return story_key_pairs(numbers[owners], keys)


def boilerplate_of(recurring: Sequence[np.ndarray]) -> Boilerplate:
    """The corpus's boilerplate from the :func:`recurring_keys` of each key bucket."""
    return Boilerplate(frozenset(int(key) for keys in recurring for key in keys.tolist()))


def write_signatures(folder: str, part: int, ids: Sequence[str], signed: SignedPart) -> None:
    """The signatures part of a read partition (``--update`` re-signs only new documents)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from parallax.core.index.schema import arrow_schema
    from parallax.core.index.store import part_name

    rows = signed.signatures.astype("<u4")
    table = pa.table(
        {
            "id": pa.array(list(ids), pa.string()),
            "copy_key": pa.array(signed.copy_keys, pa.uint64()),
            "signature": pa.array([row.tobytes() for row in rows], pa.binary()),
        },
        schema=arrow_schema("signatures"),
    )
    pq.write_table(table, Path(folder) / part_name("signatures", part), compression="zstd")


def file_records(files: Sequence[SourceFile], counts: dict[str, int]) -> list[dict[str, Any]]:
    """Rows of the files table."""
    return [
        {"path": f.path, "size": f.size, "mtime_ns": f.mtime_ns, "documents": counts.get(f.path, 0)}
        for f in files
    ]


def default_workers() -> int:
    """One worker per CPU."""
    return os.cpu_count() or 1

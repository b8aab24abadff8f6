"""Writing an index atomically, and reading it a story at a time.

:class:`IndexWriter` writes a new generation into a temporary folder inside the index folder;
:meth:`IndexWriter.commit` renames it into place and then replaces ``manifest.json`` (atomic),
so an interrupted run leaves the previous index whole. Part files are written by
:func:`write_parts`, which any worker process can call on its own share of the stories.

:class:`CorpusIndex` opens an index: the stories table (no bodies) is read at once, a story's
documents, alignment and discrepancies when asked for, one row group each.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation
    import pyarrow.parquet as pq

from parallax.core.boilerplate import Boilerplate
from parallax.core.cluster import Cluster
from parallax.core.document import Document
from parallax.core.index.schema import MANIFEST, NAME, PARTED, TABLES, VERSION, arrow_schema
from parallax.core.report import Story

#: Flush a row group of every part table once this many documents are buffered.
DOC_GROUP_ROWS = 256
#: ... or this many discrepancies.
DISC_GROUP_ROWS = 8_192


class CorpusIndexError(Exception):
    """The index cannot be read or written: missing, damaged, of a newer version, not an index."""


class MissingExtra(CorpusIndexError):
    """The ``scale`` extra (pyarrow, dask, distributed) is not installed."""


def require(module: str) -> Any:
    """Import one of the ``scale`` extra's modules, or explain how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"the corpus index needs the 'scale' extra ({module} is not installed): "
            "pip install 'parallax-review[scale]'"
        ) from None


def is_index(path: str | Path) -> bool:
    """True when ``path`` is a folder holding an index manifest."""
    return (Path(path) / MANIFEST).is_file()


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of the index at ``path``; raises :class:`CorpusIndexError`."""
    folder = Path(path)
    file = folder / MANIFEST
    if not folder.exists():
        raise CorpusIndexError(f"{folder}: no such index")
    if not file.is_file():
        raise CorpusIndexError(f"{folder}: not a Parallax index (no {MANIFEST})")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CorpusIndexError(f"{file}: damaged manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != NAME:
        raise CorpusIndexError(f"{folder}: not a Parallax index")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise CorpusIndexError(
            f"{folder}: index version {version} is newer than this Parallax reads ({VERSION})"
        )
    data = folder / str(manifest.get("data", ""))
    if not manifest.get("data") or not data.is_dir():
        raise CorpusIndexError(f"{folder}: damaged index (its data folder is missing)")
    return manifest


# --- writing ------------------------------------------------------------------------------------


class IndexWriter:
    """A new generation of the index at ``path``, visible only once committed."""

    def __init__(self, path: str | Path) -> None:
        require("pyarrow")
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise CorpusIndexError(f"{self.path}: exists and is not an index folder")
        if self.path.is_dir() and any(self.path.iterdir()) and not is_index(self.path):
            raise CorpusIndexError(
                f"{self.path}: a folder that is not a Parallax index; not overwriting it"
            )
        self.created = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for stale in self.path.glob(".tmp-*"):  # left by a run that was killed
                if not _alive(stale.name.split("-")[1]):
                    shutil.rmtree(stale, ignore_errors=True)
            self.folder = self.path / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}"
            self.folder.mkdir()
            for table in PARTED:
                (self.folder / table).mkdir()
        except OSError as error:
            raise CorpusIndexError(
                f"{self.path}: cannot write ({error.strerror or error})"
            ) from None
        self.committed = False

    def write_table(self, name: str, records: Sequence[dict[str, Any]] | Any) -> None:
        """Write one of the single-file tables (stories, files) from records or a pyarrow table."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = arrow_schema(name)
        table = (
            records
            if isinstance(records, pa.Table)
            else pa.Table.from_pylist(list(records), schema=schema)
        )
        pq.write_table(table.cast(schema), self.folder / f"{name}.parquet", compression="zstd")

    def commit(self, manifest: dict[str, Any]) -> None:
        """Make the new generation the index: rename it, then replace the manifest."""
        number = 1
        while (self.path / f"g-{number:06d}").exists():
            number += 1
        data = f"g-{number:06d}"
        os.rename(self.folder, self.path / data)
        manifest = {
            "schema": NAME,
            "version": VERSION,
            "data": data,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
            **manifest,
        }
        temporary = self.path / f".{MANIFEST}.{uuid.uuid4().hex[:8]}"
        temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path / MANIFEST)
        self.committed = True
        for old in self.path.glob("g-*"):  # the previous generation, and any left by a crash
            if old.name != data:
                shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Remove the temporary folder (an interrupted or failed run), and the index folder if
        this writer made it."""
        if not self.committed:
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.created:
                with contextlib.suppress(OSError):  # not empty: something else is there
                    self.path.rmdir()


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def part_name(table: str, part: int) -> str:
    """The path of a part file, relative to the data folder."""
    return f"{table}/part-{part:05d}.parquet"


def write_parts(
    folder: str | Path,
    part: int,
    stories: Iterable[tuple[int, Cluster, Sequence[Document], Story | None, dict[str, Any]]],
    origin_keys: dict[str, str],
) -> list[dict[str, Any]]:
    """Write the part files of ``stories`` (pos, cluster, documents, analysed story or None,
    summary) and return their stories-table rows, located (part and row groups)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from parallax.core.index.records import (
        discrepancy_records,
        document_record,
        row_records,
    )

    folder = Path(folder)
    writers = {
        table: pq.ParquetWriter(
            folder / part_name(table, part), arrow_schema(table), compression="zstd"
        )
        for table in ("documents", "rows", "discrepancies")
    }
    buffers: dict[str, list[dict[str, Any]]] = {table: [] for table in writers}
    groups = dict.fromkeys(writers, 0)
    pending: list[tuple[dict[str, Any], dict[str, bool]]] = []
    out: list[dict[str, Any]] = []

    def flush() -> None:
        numbers = {}
        for table, rows in buffers.items():
            if rows:
                writers[table].write_table(
                    pa.Table.from_pylist(rows, schema=arrow_schema(table)), row_group_size=len(rows)
                )
                numbers[table] = groups[table]
                groups[table] += 1
                buffers[table] = []
        for summary, has in pending:
            summary["doc_group"] = numbers["documents"]
            summary["row_group"] = numbers["rows"] if has["rows"] else -1
            summary["disc_group"] = numbers["discrepancies"] if has["discrepancies"] else -1
            out.append(summary)
        pending.clear()

    try:
        for _pos, cluster, documents, story, summary in stories:
            buffers["documents"].extend(
                document_record(d, cluster.id, origin_keys[d.id]) for d in documents
            )
            rows = row_records(story) if story is not None and len(documents) > 1 else []
            found = discrepancy_records(story) if story is not None else []
            buffers["rows"].extend(rows)
            buffers["discrepancies"].extend(found)
            pending.append(
                ({**summary, "part": part}, {"rows": bool(rows), "discrepancies": bool(found)})
            )
            if (
                len(buffers["documents"]) >= DOC_GROUP_ROWS
                or len(buffers["discrepancies"]) >= DISC_GROUP_ROWS
            ):
                flush()
        flush()
    finally:
        for writer in writers.values():
            writer.close()
    return out


# --- reading ------------------------------------------------------------------------------------


def _contiguous(table: pa.Table) -> pa.Table:
    """``table`` with one chunk per column (scalar reads are then direct), and the read's
    buffers handed back: on a million-document index they are as large as the table."""
    import pyarrow as pa

    if all(column.num_chunks <= 1 for column in table.columns):
        return table
    single = table.combine_chunks()
    del table
    pa.default_memory_pool().release_unused()
    return single


class CorpusIndex:
    """An index opened for reading: the stories table in memory, the rest on demand."""

    def __init__(self, path: str | Path) -> None:
        require("pyarrow")
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.manifest = read_manifest(self.path)
        self.data = self.path / self.manifest["data"]
        try:  # everything but the filter labels, the largest column (see labels())
            names = [n for n, *_ in TABLES["stories"] if n != "label"]
            self.stories = _contiguous(pq.read_table(self.data / "stories.parquet", columns=names))
        except Exception as error:  # pyarrow raises several kinds for a damaged file
            raise CorpusIndexError(f"{self.path}: damaged index ({error})") from None
        self._documents_meta: pa.Table | None = None

    def full_stories(self) -> pa.Table:
        """The whole stories table, labels included (for rewriting it)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.data / "stories.parquet")

    def labels(self) -> pa.StringArray:
        """The stories' filter labels (titles and sources), in story order."""
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(self.data / "stories.parquet", columns=["label"])
        except Exception as error:
            raise CorpusIndexError(f"{self.path}: damaged index ({error})") from None
        labels: pa.StringArray = _contiguous(table)["label"].chunk(0)
        return labels

    def boilerplate(self) -> Boilerplate:
        """The sentences the corpus repeats under several stories, as the index was built
        (an index written before the table existed has none)."""
        import pyarrow.parquet as pq

        file = self.data / "boilerplate.parquet"
        if not file.exists():
            return Boilerplate()
        try:
            keys = pq.read_table(file, columns=["key"])["key"].to_pylist()
        except Exception as error:
            raise CorpusIndexError(f"{self.path}: damaged index ({error})") from None
        return Boilerplate(frozenset(keys))

    @property
    def settings(self) -> dict[str, Any]:
        """The clustering settings the index was built with."""
        settings: dict[str, Any] = self.manifest.get("settings", {})
        return settings

    def _read_group(
        self, table: str, part: int, group: int, columns: list[str] | None = None
    ) -> pa.Table:
        try:
            with _READING:  # the app reads from worker threads
                return _parquet_file(str(self.data / part_name(table, part))).read_row_group(
                    group, columns=columns
                )
        except Exception as error:
            raise CorpusIndexError(f"{self.path}: damaged index ({table}: {error})") from None

    def _story_rows(
        self, table: str, story_id: str, part: int, group: int, columns: list[str] | None = None
    ) -> list[dict[str, Any]]:
        import pyarrow.compute as pc

        if group < 0:
            return []
        chunk = self._read_group(table, part, group, columns)
        rows: list[dict[str, Any]] = chunk.filter(pc.equal(chunk["story"], story_id)).to_pylist()
        return rows

    def location(self, story_id: str) -> dict[str, Any]:
        """The stories-table row of a story."""
        import pyarrow.compute as pc

        found = self.stories.filter(pc.equal(self.stories["id"], story_id))
        if not found.num_rows:
            raise KeyError(story_id)
        row: dict[str, Any] = found.slice(0, 1).to_pylist()[0]
        return row

    def documents_of(self, story_id: str, where: dict[str, Any] | None = None) -> list[Document]:
        """The documents of a story, in input order."""
        from parallax.core.index.records import document_from_record

        where = where or self.location(story_id)
        records = self._story_rows("documents", story_id, where["part"], where["doc_group"])
        return [document_from_record(r) for r in sorted(records, key=lambda r: r["index"])]

    def documents_by_id(self, ids: Iterable[str]) -> dict[str, Document]:
        """Documents by id, each row group that holds some of them read once (an update
        needs thousands of stories' documents: one read per story was most of its time)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from parallax.core.index.records import document_from_record

        wanted = pa.array(sorted(set(ids)), pa.string())
        if not len(wanted):
            return {}
        meta = self.documents_meta()
        stories = pc.unique(meta.filter(pc.is_in(meta["id"], wanted))["story"])
        places = self.stories.select(["id", "part", "doc_group"])
        places = places.filter(pc.is_in(places["id"], stories))
        out: dict[str, Document] = {}
        for part, group in sorted(
            set(zip(places["part"].to_pylist(), places["doc_group"].to_pylist(), strict=True))
        ):
            chunk = self._read_group("documents", part, group)
            for record in chunk.filter(pc.is_in(chunk["id"], wanted)).to_pylist():
                out[record["id"]] = document_from_record(record)
        return out

    def story(self, story_id: str, where: dict[str, Any] | None = None) -> Story:
        """The analysed story, as it was written."""
        from parallax.core.index.records import story_from_records

        where = where or self.location(story_id)
        rows = self._story_rows("rows", story_id, where["part"], where["row_group"])
        found = self._story_rows("discrepancies", story_id, where["part"], where["disc_group"])
        return story_from_records(story_id, where["document_ids"], rows, found)

    def discrepancy_ids(self, story_id: str, where: dict[str, Any] | None = None) -> list[str]:
        """The ids of a story's discrepancies, in reading order (one column read)."""
        where = where or self.location(story_id)
        rows = self._story_rows(
            "discrepancies",
            story_id,
            where["part"],
            where["disc_group"],
            ["story", "ordinal", "id"],
        )
        return [r["id"] for r in sorted(rows, key=lambda r: r["ordinal"])]

    def parts(self, table: str) -> list[Path]:
        """The part files of a table, in order."""
        return sorted((self.data / table).glob("part-*.parquet"))

    def iter_records(
        self, table: str, columns: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every row of a parted table, part by part (for exports and tests)."""
        import pyarrow.parquet as pq

        for file in self.parts(table):
            yield from pq.read_table(file, columns=columns).to_pylist()

    def snapshot(self) -> dict[str, Any]:
        """Everything the index says, in a canonical order (to compare two indexes)."""
        stories = self.stories.drop_columns(["part", "doc_group", "row_group", "disc_group"])
        stories = stories.append_column("label", self.labels())
        return {
            "stories": stories.to_pylist(),
            "documents": sorted(self.iter_records("documents"), key=lambda r: r["index"]),
            "rows": sorted(self.iter_records("rows"), key=lambda r: (r["story"], r["index"])),
            "discrepancies": sorted(
                self.iter_records("discrepancies"), key=lambda r: (r["story"], r["ordinal"])
            ),
            "signatures": sorted(self.iter_records("signatures"), key=lambda r: r["id"]),
            "boilerplate": sorted(self.boilerplate().recurring),
        }

    def documents_meta(self) -> pa.Table:
        """id, index, origin key and story of every document (no bodies); read once."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._documents_meta is None:
            columns = ["id", "index", "origin_key", "story"]
            tables = [pq.read_table(f, columns=columns) for f in self.parts("documents")]
            self._documents_meta = (
                pa.concat_tables(tables) if tables else arrow_schema("documents").empty_table()
            )
        return self._documents_meta

    def document(self, *, id: str | None = None, key: str | None = None) -> Document | None:
        """One document by id or by origin key (``path#n``), or None."""
        import pyarrow.compute as pc

        meta = self.documents_meta()
        column, value = ("id", id) if id is not None else ("origin_key", key)
        if value is None:
            return None
        at = pc.index(meta[column], value).as_py()
        if at < 0:
            return None
        story_id = meta["story"][at].as_py()
        for document in self.documents_of(story_id):
            if document.id == meta["id"][at].as_py():
                return document
        return None


_READING = threading.Lock()


@lru_cache(maxsize=64)
def _parquet_file(path: str) -> pq.ParquetFile:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path, memory_map=True)

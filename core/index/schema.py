"""The corpus index's on-disk schema, versioned and described field by field.

An index is a directory any Parquet reader understands (DuckDB, pandas, Polars, Spark)::

    INDEX/manifest.json              what, when, how: schema and version, settings, counts,
                                     and which generation folder holds the data
    INDEX/g-000003/stories.parquet   one row per story (a cluster of versions), in story order
    INDEX/g-000003/files.parquet     the source files read, with size and modification time
    INDEX/g-000003/documents/part-00000.parquet    one row per document, with its body
    INDEX/g-000003/rows/part-00000.parquet         the alignment rows of each story
    INDEX/g-000003/discrepancies/part-00000.parquet  every discrepancy with its readings
    INDEX/g-000003/signatures/part-00000.parquet   MinHash signature of each document (update)
    INDEX/g-000003/boilerplate.parquet  sentences the corpus repeats under several stories

Part files hold whole stories, and each story's rows sit in one row group of each part file:
``stories.part`` and ``stories.*_group`` say where, so a reader opens one story by reading one
row group. A new index, or an update, is written to a temporary folder and becomes visible when
``manifest.json`` is replaced (an atomic rename); readers never see half an index.

This module is plain Python (no pyarrow), so ``parallax schema index`` works without the
``scale`` extra. :func:`arrow_schema` builds the pyarrow schema from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa  # untyped: its names stand for Any, as documentation

NAME = "parallax.index"
VERSION = 1
MANIFEST = "manifest.json"

_READING = (
    "struct<document: string, text: string, start: int64, end: int64, field: string, "
    "anchor: int64, row: int64>"
)
_GROUP = "struct<text: string, documents: list<string>, minority: bool>"
_CELL = "struct<document: string, segments: list<int32>, start: int64, end: int64>"

#: table -> [(column, type, nullable, description)]
TABLES: dict[str, list[tuple[str, str, bool, str]]] = {
    "stories": [
        ("pos", "int64", False, "0-based story order: clusters ordered by their first document"),
        ("id", "string", False, "Cluster id: a hash of the ids of its documents"),
        ("documents", "int32", False, "Number of versions"),
        ("document_ids", "list<string>", False, "Its documents' ids, in input order"),
        ("first_index", "int64", False, "Input position (1-based) of its first document"),
        ("title", "string", False, "Title of its first document"),
        ("sources", "string", False, "Its distinct sources, sorted, joined by ', '"),
        ("span", "string", False, "Publication dates as shown: 2026-01-13 or 2026-01-13…01-15"),
        ("first_published", "timestamp", True, "Earliest publication time (UTC when known)"),
        ("last_published", "timestamp", True, "Latest publication time (UTC when known)"),
        ("label", "string", False, "Titles and sources of every version: what a filter matches"),
        ("high", "int32", False, "Reported discrepancies of high severity"),
        ("medium", "int32", False, "Reported discrepancies of medium severity"),
        ("low", "int32", False, "Reported discrepancies of low severity"),
        ("unimportant", "int32", False, "Discrepancies of the unimportant tier"),
        ("discrepancies", "int32", False, "All discrepancies"),
        ("part", "int32", False, "Number of the part files holding its rows"),
        ("doc_group", "int32", False, "Row group of documents/part-N holding its documents"),
        ("row_group", "int32", False, "Row group of rows/part-N holding its alignment (-1: none)"),
        ("disc_group", "int32", False, "Row group of discrepancies/part-N (-1: none)"),
    ],
    "documents": [
        ("id", "string", False, "Stable content hash (with -2, -3… for repeated copies)"),
        ("index", "int64", False, "1-based position in input order"),
        ("story", "string", False, "Id of the story it belongs to"),
        ("title", "string", False, "Title"),
        ("source", "string", True, "Outlet or author"),
        ("published", "string", True, "Publication time, ISO 8601 as parsed (with its offset)"),
        ("published_at", "timestamp", True, "Publication time for sorting (UTC when known)"),
        ("published_raw", "string", True, "The timestamp exactly as written"),
        ("url", "string", True, "URL given by the source"),
        ("external_id", "string", True, "Id given by the source"),
        ("origin_path", "string", False, "Source file, as given"),
        ("origin_line", "int64", False, "1-based line of the file it starts on"),
        ("origin_key", "string", False, "path#n: its position among its file's documents"),
        ("format", "string", False, "export, text, markdown or json"),
        ("encoding", "string", False, "Encoding of the source file"),
        ("content_hash", "string", False, "SHA-256 of the body"),
        ("body", "large_string", False, "The text; every offset of the index points into it"),
    ],
    "rows": [
        ("story", "string", False, "Story id"),
        ("index", "int32", False, "Row number within the story's alignment"),
        ("kind", "string", False, "title, source, published, section or claim"),
        ("section", "int32", True, "For a heading row, its section number"),
        ("cells", f"list<{_CELL}>", False, "One cell per document: segments and span, or a gap"),
        ("moved", "list<string>", False, "Documents whose claim here is out of their own order"),
    ],
    "discrepancies": [
        ("story", "string", False, "Story id"),
        ("ordinal", "int32", False, "Position in the story's reading order"),
        ("id", "string", False, "Discrepancy id (what annotations refer to)"),
        ("kind", "string", False, "entity, number, date, citation, qualifier, omission, …"),
        ("severity", "string", False, "high, medium or low"),
        ("tier", "string", False, "reported, or unimportant (hidden by default)"),
        ("summary", "string", False, "One line saying what differs"),
        ("row", "int32", False, "Alignment row it sits in"),
        ("readings", f"list<{_READING}>", False, "What each version says: text and offsets"),
        ("groups", f"list<{_GROUP}>", False, "Distinct readings with the versions giving each"),
        ("moved", "list<string>", False, "Documents whose reading sits elsewhere in the story"),
    ],
    "signatures": [
        ("id", "string", False, "Document id"),
        ("copy_key", "uint64", False, "Hash of its token string (exact copies share it)"),
        ("signature", "binary", False, "MinHash signature: bins × uint32, little-endian"),
    ],
    "boilerplate": [
        (
            "key",
            "uint64",
            False,
            "A sentence found under 3 or more stories (blake2b-64 of its folded text, "
            "parallax.core.boilerplate.sentence_key): differences in it are unimportant",
        ),
    ],
    "files": [
        ("path", "string", False, "Source file, as given"),
        ("size", "int64", False, "Size in bytes when read"),
        ("mtime_ns", "int64", False, "Modification time when read (ns)"),
        ("documents", "int64", False, "Documents read from it"),
    ],
}

#: The tables stored as part files (one folder each); the others are single files.
PARTED = ("documents", "rows", "discrepancies", "signatures")


def describe() -> dict[str, Any]:
    """The schema as JSON-ready data (what ``parallax schema index`` prints)."""
    return {
        "schema": NAME,
        "version": VERSION,
        "layout": {
            "manifest": MANIFEST,
            "data": "the folder named by manifest['data'] (g-NNNNNN)",
            "single": [f"{t}.parquet" for t in TABLES if t not in PARTED],
            "parted": [f"{t}/part-NNNNN.parquet" for t in PARTED],
        },
        "tables": {
            table: [
                {"name": name, "type": kind, "nullable": nullable, "description": text}
                for name, kind, nullable, text in columns
            ]
            for table, columns in TABLES.items()
        },
    }


def arrow_schema(table: str) -> pa.Schema:
    """The pyarrow schema of one table, each field carrying its description."""
    import pyarrow as pa

    fields = [
        pa.field(name, _arrow_type(kind), nullable=nullable, metadata={"description": text})
        for name, kind, nullable, text in TABLES[table]
    ]
    return pa.schema(fields, metadata={"schema": NAME, "version": str(VERSION), "table": table})


def _arrow_type(kind: str) -> pa.DataType:
    import pyarrow as pa

    kind = kind.strip()
    simple = {
        "string": pa.string(),
        "large_string": pa.large_string(),
        "int64": pa.int64(),
        "int32": pa.int32(),
        "uint64": pa.uint64(),
        "bool": pa.bool_(),
        "binary": pa.binary(),
        "timestamp": pa.timestamp("us"),
    }
    if kind in simple:
        return simple[kind]
    if kind.startswith("list<") and kind.endswith(">"):
        return pa.list_(_arrow_type(kind[5:-1]))
    if kind.startswith("struct<") and kind.endswith(">"):
        return pa.struct(
            [pa.field(name.strip(), _arrow_type(sub)) for name, sub in _split_fields(kind[7:-1])]
        )
    raise ValueError(f"unknown column type {kind!r}")


def _split_fields(text: str) -> list[tuple[str, str]]:
    fields, depth, current = [], 0, ""
    for char in text + ",":
        if char == "," and depth == 0:
            name, _, kind = current.partition(":")
            fields.append((name, kind))
            current = ""
            continue
        depth += char == "<"
        depth -= char == ">"
        current += char
    return fields

"""Read source files and directories into :class:`~parallax.core.document.Document` models.

``load(paths)`` walks the paths (directories recursively, filtered by include/exclude globs),
detects each file's encoding and format from its content, parses it, and numbers the documents
in input order. Problems with one file or one record never stop the others: they are collected
as one-line ``path:line: message`` reports in ``Corpus.problems``.
"""

from __future__ import annotations

import fnmatch
import gc
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from parallax.core.document import Document, document_id
from parallax.core.errors import IngestError, Problem
from parallax.core.ingest.decode import TextSource, decode_bytes, open_source
from parallax.core.ingest.json_records import looks_like_json, parse_json
from parallax.core.ingest.records import RawDocument
from parallax.core.ingest.search_export import looks_like_export, parse_export
from parallax.core.ingest.text import looks_like_markdown, parse_text_document

FormatChoice = Literal["auto", "export", "text", "markdown", "json"]
FORMATS: tuple[FormatChoice, ...] = ("auto", "export", "text", "markdown", "json")

#: Files picked up when walking a directory (files named explicitly are always read).
DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown", "*.json", "*.jsonl", "*.ndjson")

__all__ = [
    "DEFAULT_INCLUDE",
    "FORMATS",
    "Corpus",
    "FormatChoice",
    "IngestError",
    "Problem",
    "RawDocument",
    "detect_format",
    "iter_documents",
    "iter_files",
    "load",
    "parse_source",
    "parse_string",
    "paused_collection",
]


@dataclass(frozen=True)
class Corpus:
    """The documents read from some paths, in input order, and every problem met on the way."""

    documents: tuple[Document, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def by_id(self) -> dict[str, Document]:
        """Map document id to document."""
        return {document.id: document for document in self.documents}


_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def detect_format(head: str, path: str) -> FormatChoice:
    """Guess a file's format from the start of its text (and, for JSON and Markdown, its name:
    a JSON Lines file whose first line is broken is still read as JSON Lines)."""
    if looks_like_json(head) or path.lower().endswith(_JSON_SUFFIXES):
        return "json"
    if looks_like_export(head):
        return "export"
    if looks_like_markdown(head, path):
        return "markdown"
    return "text"


def parse_source(
    source: TextSource, *, format: FormatChoice = "auto"
) -> Iterator[RawDocument | Problem]:
    """Parse a decoded source. Raises :class:`IngestError` when it holds nothing usable."""
    chosen = detect_format(source.head, source.path) if format == "auto" else format
    if chosen == "export":
        yield from parse_export(source.lines(), path=source.path)
    elif chosen == "json":
        yield from parse_json(source.read(), path=source.path)
    else:
        yield parse_text_document(source.read(), path=source.path, markdown=chosen == "markdown")


def parse_string(
    text: str, *, path: str = "<string>", format: FormatChoice = "auto"
) -> list[RawDocument | Problem]:
    """Parse text already in memory (tests, stdin). Raises :class:`IngestError`."""
    return list(parse_source(decode_bytes(text.encode("utf-8"), path=path), format=format))


def iter_files(
    paths: Iterable[str | Path],
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
) -> Iterator[tuple[Path, str] | Problem]:
    """Yield ``(file, display path)`` for every file to read, or a Problem for a bad path.

    Directories are walked recursively in sorted order, skipping hidden entries; their files
    must match one of ``include`` (default :data:`DEFAULT_INCLUDE`) and none of ``exclude``.
    Globs match the file name or its path relative to the directory. Symbolic links are
    followed, but each real directory is walked once, so a link to ``.`` or to a parent adds
    nothing. A directory that cannot be read is reported as such.
    """
    patterns = tuple(include) if include else DEFAULT_INCLUDE
    for given in paths:
        display = str(given)
        path = Path(given)
        if display == "-":
            yield path, "<stdin>"
            continue
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            yield Problem(display, None, "no such file or directory")
            continue
        except (OSError, ValueError) as error:
            yield Problem(display, None, f"cannot read: {_reason(error)}")
            continue
        if stat.S_ISDIR(mode):
            found = unreadable = False
            for file, problem in _walk(path):
                relative = file.relative_to(path).as_posix()
                if relative == ".":
                    shown = display
                else:
                    shown = relative if display == "." else str(path / relative)
                if problem is not None:
                    unreadable = unreadable or file == path
                    yield Problem(shown, None, problem.message)
                elif _matches(relative, patterns) and not _matches(relative, exclude):
                    found = True
                    yield file, shown
            if not found and not unreadable:
                yield Problem(display, None, f"no files matching {', '.join(patterns)}")
        elif stat.S_ISREG(mode):
            if not _matches(path.name, exclude):
                yield path, display
        else:
            yield Problem(display, None, "not a regular file or directory")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _walk(directory: Path) -> Iterator[tuple[Path, Problem | None]]:
    """``(file, None)`` for every file under ``directory``, depth first in name order, and
    ``(folder, Problem)`` for each folder that cannot be read. Each real directory (device and
    inode, after following links) is listed once, which ends symbolic-link loops."""
    seen: set[tuple[int, int]] = set()

    def listing(folder: Path) -> Iterator[os.DirEntry[str]] | Problem | None:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                return None
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                return iter(sorted(entries, key=lambda entry: entry.name))
        except OSError as error:
            return Problem(str(folder), None, f"cannot read the directory ({_reason(error)})")

    stack: list[tuple[Path, Iterator[os.DirEntry[str]]]] = []
    first = listing(directory)
    if isinstance(first, Problem):
        yield directory, first
    elif first is not None:
        stack.append((directory, first))
    while stack:
        folder, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            found = listing(path)
            if isinstance(found, Problem):
                yield path, found
            elif found is not None:
                stack.append((path, found))
        elif is_file:
            yield path, None


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(relative, p) for p in patterns)


def iter_documents(
    paths: Iterable[str | Path],
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    format: FormatChoice = "auto",
    on_file: Callable[[str], None] | None = None,
) -> Iterator[Document | Problem]:
    """Every document under ``paths`` (numbered from 1 in input order) and every problem met,
    as they are read; never raises for bad input. :func:`load` collects them; a caller that
    only passes documents on (``parallax parse``) holds one file's records at a time.

    ``on_file`` is called with each file's display path before it is read (progress).
    """
    seen_ids: dict[str, int] = {}
    count = 0
    for item in iter_files(paths, include=include, exclude=exclude):
        if isinstance(item, Problem):
            yield item
            continue
        file, display = item
        if on_file is not None:
            on_file(display)
        try:
            if display == "<stdin>":
                source = decode_bytes(sys.stdin.buffer.read(), path=display)
            else:
                source = open_source(file, path=display)
            # Records become documents as they come: a parser raises before its first record or
            # not at all (NUL bytes are found when the file is opened, a JSON array is read
            # whole first), so a file is never half loaded.
            for record in parse_source(source, format=format):
                if isinstance(record, Problem):
                    yield record
                    continue
                if not record.body:
                    yield Problem(display, record.line, "expected body text after the title")
                count += 1
                yield _build(record, count, display, source.encoding, seen_ids)
        except IngestError as error:
            yield error.problem


def load(
    paths: Iterable[str | Path],
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    format: FormatChoice = "auto",
    on_file: Callable[[str], None] | None = None,
) -> Corpus:
    """Read every document under ``paths``; never raises for bad input.

    ``on_file`` is called with each file's display path before it is read (progress).
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    with paused_collection():
        for item in iter_documents(
            paths, include=include, exclude=exclude, format=format, on_file=on_file
        ):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                documents.append(item)
    return Corpus(tuple(documents), tuple(problems))


@contextmanager
def paused_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many small objects are built.

    Loading a million documents builds millions of objects that hold no reference cycles; the
    collector would walk all of them again and again (a third of the time) and free nothing.
    Memory is still freed as usual: by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    record: RawDocument, index: int, path: str, encoding: str, seen_ids: dict[str, int]
) -> Document:
    base = document_id(record.title, record.source, record.published_raw, record.body)
    copies = seen_ids.get(base, 0) + 1
    seen_ids[base] = copies
    return Document.from_parser(
        record,
        id=base if copies == 1 else f"{base}-{copies}",
        index=index,
        path=path,
        encoding=encoding,
    )

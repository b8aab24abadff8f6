"""The search-export format: a query line, ``Search documents``, then per document a title line,
a ``Source · YYYY-MM-DD HH:MM`` line and a body.

The parser streams lines, so memory grows with the documents, not with the file. A document's
title is the last non-blank line before its source line; its body is every line up to the next
document's title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from parallax.core.errors import IngestError, Problem
from parallax.core.ingest.records import RawDocument, clean_field

#: ``Source· 2026-01-13 07:26``: middle dot, bullet, katakana dot or an HTML entity; any spacing;
#: the time is optional.
SOURCE_LINE = re.compile(
    r"^\s*(?P<source>[^\n]{0,200}?)\s*(?:[·•・∙⋅‧]|&middot;|&#183;|&bull;)\s*"
    r"(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:(?:\s+|T)(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?\s*$"
)
HEADER_LINE = "search documents"
EXPECTED = "expected a search export: a title line followed by a 'Source · YYYY-MM-DD HH:MM' line"


def is_source_line(line: str) -> re.Match[str] | None:
    """Return the match if ``line`` is a ``Source · date time`` line."""
    if len(line) > 260:
        return None
    return SOURCE_LINE.match(line)


def looks_like_export(head: str) -> bool:
    """True when the start of a text reads as a search export."""
    lines = head.split("\n")[:400]
    stripped = [line.strip() for line in lines]
    if HEADER_LINE in (s.lower() for s in stripped[:5]):
        return True
    for i, line in enumerate(lines[1:], 1):
        if stripped[i - 1] and is_source_line(line) and not is_source_line(lines[i - 1]):
            return True
    return False


def parse_export(lines: Iterable[str], *, path: str) -> Iterator[RawDocument | Problem]:
    """Yield the documents of a search export, and a :class:`Problem` for each flaw found.

    Raises :class:`IngestError` when the text holds no document at all.
    """
    pending: list[tuple[int, str]] = []
    current: tuple[int, str, re.Match[str]] | None = None
    for lineno, line in enumerate(lines, 1):
        match = is_source_line(line)
        if match is None:
            pending.append((lineno, line))
            continue
        title_at = _last_non_blank(pending)
        if (
            current is None
            and title_at is not None
            and pending[title_at][1].strip().lower() == HEADER_LINE
        ):
            title_at = None
        if current is not None:
            yield from _finish(
                current, pending[:title_at] if title_at is not None else pending, path
            )
        if title_at is None:
            yield Problem(path, lineno, "expected a title line before this source line")
            current = (lineno, "", match)
        else:
            title_line, title = pending[title_at]
            current = (title_line, title, match)
        pending = []
    if current is None:
        raise IngestError(path, 1, EXPECTED)
    yield from _finish(current, pending, path)


def _last_non_blank(lines: list[tuple[int, str]]) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i][1].strip():
            return i
    return None


def _finish(
    current: tuple[int, str, re.Match[str]], body_lines: list[tuple[int, str]], path: str
) -> Iterator[RawDocument | Problem]:
    title_line, title, match = current
    body = "\n".join(text for _, text in body_lines).strip()
    published = match.group("date")
    if match.group("time"):
        published = f"{published} {match.group('time')}"
    yield RawDocument(
        title=" ".join(title.split()),
        body=body,
        line=title_line,
        format="export",
        source=clean_field(match.group("source")),
        published_raw=published,
    )

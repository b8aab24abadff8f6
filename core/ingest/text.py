"""Plain text and Markdown articles: one document per file.

Optional YAML-ish front matter (``---`` lines around ``key: value`` pairs) gives ``title``,
``source``, ``published`` and ``url``. Otherwise the title is the first heading (Markdown) or
the first line, when that line is short and more text follows; failing that, the file name.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from parallax.core.errors import IngestError
from parallax.core.ingest.records import RawDocument, clean_field

_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_MAX_TITLE = 200
_KEYS = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "publisher": "source",
    "outlet": "source",
    "published": "published",
    "date": "published",
    "published_at": "published",
    "url": "url",
    "link": "url",
    "id": "id",
}


def parse_front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Return the recognised front-matter fields and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:201], 1):
        if line.strip() in ("---", "..."):
            return fields, i + 1
        match = _FRONT_MATTER_KEY.match(line)
        if match and match.group(1).lower() in _KEYS:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields.setdefault(_KEYS[match.group(1).lower()], value)
    return {}, 0


def parse_text_document(text: str, *, path: str, markdown: bool) -> RawDocument:
    """Read one plain-text or Markdown document. Raises :class:`IngestError` when it is empty."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    fields, cursor = parse_front_matter(lines)
    while cursor < len(lines) and not lines[cursor].strip():
        cursor += 1
    if cursor >= len(lines):
        raise IngestError(path, max(cursor, 1), "expected text after the front matter")
    title = fields.get("title")
    first = lines[cursor]
    heading = _heading(lines, cursor) if markdown else None
    if heading is not None:
        heading_text, consumed = heading
        if title is None or " ".join(heading_text.split()) == " ".join(title.split()):
            title = heading_text
            cursor += consumed
    elif (
        title is None
        and len(first.strip()) <= _MAX_TITLE
        and any(char.isalnum() for char in first)
        and _has_text(lines, cursor + 1)
    ):
        title = first.strip()
        cursor += 1
    if title is None:
        title = PurePath(path).stem
    body = "\n".join(lines[cursor:]).strip()
    return RawDocument(
        title=" ".join(title.split()),
        body=body,
        line=1,
        format="markdown" if markdown else "text",
        source=clean_field(fields.get("source")),
        published_raw=clean_field(fields.get("published")),
        url=clean_field(fields.get("url")),
        external_id=clean_field(fields.get("id")),
    )


def _heading(lines: list[str], at: int) -> tuple[str, int] | None:
    atx = _ATX.match(lines[at])
    if atx:
        return atx.group(1).strip(), 1
    if at + 1 < len(lines) and lines[at].strip() and _SETEXT.match(lines[at + 1]):
        return lines[at].strip(), 2
    return None


def _has_text(lines: list[str], start: int) -> bool:
    return any(line.strip() for line in lines[start:])


def looks_like_markdown(head: str, path: str) -> bool:
    """True for ``.md`` files and for text that opens with front matter or uses headings."""
    if PurePath(path).suffix.lower() in (".md", ".markdown", ".mdown", ".mkd"):
        return True
    lines = head.split("\n")[:200]
    return sum(1 for line in lines if _ATX.match(line)) >= 1 and lines[0].lstrip().startswith("#")

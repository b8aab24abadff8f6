"""What a format parser produces before the corpus numbers and identifies documents."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from parallax.core.dates import parse_published
from parallax.core.document import SourceFormat


class RawDocument(NamedTuple):
    """One document as a parser found it: text fields, where it starts, how it was written.

    A named tuple: immutable, and built in half the time of a frozen dataclass (parsers make a
    million of them for a million documents)."""

    title: str
    body: str
    line: int
    format: SourceFormat
    source: str | None = None
    published_raw: str | None = None
    url: str | None = None
    external_id: str | None = None

    @property
    def published(self) -> datetime | None:
        """The parsed timestamp, or ``None`` when absent or unreadable."""
        return parse_published(self.published_raw)


def clean_field(value: str | None) -> str | None:
    """Collapse whitespace in a one-line field; empty becomes ``None``."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None

"""Annotations: what a reviewer says about a discrepancy or a span of text, and where it points.

A target records the document's id and content hash, a quote selector (the exact text with up to
32 characters either side) and a position selector, so it can be found again when the source
changes (:mod:`parallax.core.annotations.anchoring`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field

from parallax.core.document import Document, Frozen

Status = Literal["open", "confirmed", "dismissed"]
TextField = Literal["body", "title", "source", "published"]
CONTEXT = 32

SCHEMA = "parallax.annotations/1"


def now() -> datetime:
    """The current time in UTC, to the millisecond (what annotations record)."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Target(Frozen):
    """What an annotation points at: a span of one document, and the discrepancy, if any."""

    document: str = Field(description="Id of the document.")
    discrepancy: str | None = Field(None, description="Id of the discrepancy, if it is on one.")
    field: TextField = Field("body", description="Which text of the document the span is in.")
    start: int = Field(ge=0, description="Position selector: first character.")
    end: int = Field(ge=0, description="Position selector: one past the last character.")
    exact: str = Field(description="Quote selector: the text itself.")
    prefix: str = Field("", description="Quote selector: up to 32 characters before it.")
    suffix: str = Field("", description="Quote selector: up to 32 characters after it.")
    content_hash: str = Field("", description="SHA-256 of the document's body when annotated.")
    cluster: str | None = Field(None, description="Id of the story (cluster) it was made in.")


class Annotation(Frozen):
    """Tags, a note and a status that a reviewer attached to a target."""

    id: str
    target: Target
    tags: tuple[str, ...] = ()
    note: str = ""
    status: Status = "open"
    reviewer: str
    created: datetime
    modified: datetime
    orphaned: bool = Field(
        False, description="True when the quote could not be found in the current sources."
    )

    @property
    def reviewed(self) -> bool:
        """True when the annotation says something: a tag, a note or a status."""
        return bool(self.tags or self.note or self.status != "open")


def text_of(document: Document, field: TextField) -> str:
    """The text a target's offsets index."""
    if field == "body":
        return document.body
    if field == "title":
        return document.title
    if field == "source":
        return document.source or ""
    return document.published_raw or ""


def make_target(
    document: Document,
    start: int,
    end: int,
    *,
    field: TextField = "body",
    discrepancy: str | None = None,
    cluster: str | None = None,
) -> Target:
    """A target for ``text[start:end]`` of a document, with its quote and position selectors."""
    text = text_of(document, field)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return Target(
        document=document.id,
        discrepancy=discrepancy,
        field=field,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        content_hash=document.content_hash,
        cluster=cluster,
    )

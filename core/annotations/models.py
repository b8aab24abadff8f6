"""Annotations: what a reviewer says about a discrepancy or a span of text, and where it points.

A target records the document's id and content hash, a quote selector (the exact text with up to
32 characters either side) and a position selector, so it can be found again when the source
changes (:mod:`parallax.core.annotations.anchoring`). A target on a discrepancy also records the
discrepancy as it was seen (kind, severity, summary, tier) and every version's reading, each with
its own quote and position, so the annotation can be matched with the discrepancy of a story
analysed again (whose id may differ) and exported with every side of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Literal

from pydantic import AwareDatetime, Field, model_validator

from parallax.core.document import Document, Frozen, TextField

if TYPE_CHECKING:
    from parallax.core.discrepancy import Discrepancy

Status = Literal["open", "confirmed", "dismissed"]
CONTEXT = 32

SCHEMA: Final = "parallax.annotations/1"


def now() -> datetime:
    """The current time in UTC, to the millisecond (what annotations record)."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Quote(Frozen):
    """One version's reading at a discrepancy: quote and position selectors in its document.

    ``start`` and ``end`` are ``None`` when the version has nothing at all there (it lacks the
    claim); an empty ``exact`` with a position marks where absent words would sit.
    """

    document: str = Field(description="Id of the document (the version).")
    field: TextField = Field("body", description="Which text of the document the span is in.")
    start: int | None = Field(None, ge=0, description="Position selector: first character.")
    end: int | None = Field(None, ge=0, description="Position selector: one past the last.")
    exact: str = Field("", description="Quote selector: the text itself ('' when absent).")
    prefix: str = Field("", description="Quote selector: up to 32 characters before it.")
    suffix: str = Field("", description="Quote selector: up to 32 characters after it.")
    content_hash: str = Field("", description="SHA-256 of the document's body when quoted.")

    @model_validator(mode="after")
    def _ordered(self) -> Quote:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end are both given or both absent")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self

    @property
    def placed(self) -> bool:
        """True when the reading says something (a non-empty span)."""
        return self.start is not None and self.end is not None and self.end > self.start


class Target(Frozen):
    """What an annotation points at: a span of one document, and the discrepancy, if any.

    For an annotation on a discrepancy, the span is the reading of the version the reviewer was
    looking at, and ``readings`` holds every version's reading (that one included).
    """

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
    kind: str | None = Field(None, description="The discrepancy's kind (entity, number, ...).")
    severity: str | None = Field(None, description="The discrepancy's severity.")
    summary: str | None = Field(None, description="The discrepancy's one-line summary.")
    tier: str | None = Field(None, description="The discrepancy's tier, when it has one.")
    readings: tuple[Quote, ...] = Field(
        (), description="Every version's reading of the discrepancy, in the story's order."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self

    def quotes(self) -> tuple[Quote, ...]:
        """Every reading of a discrepancy target; for a span, the span itself."""
        return self.readings or (self.primary(),)

    def primary(self) -> Quote:
        """The annotated span as a :class:`Quote`."""
        return Quote(**self.model_dump(include=set(Quote.model_fields)))


class Annotation(Frozen):
    """Tags, a note and a status that a reviewer attached to a target."""

    id: str = Field(min_length=1, pattern=r"\S")
    target: Target
    tags: tuple[str, ...] = ()
    note: str = ""
    status: Status = "open"
    reviewer: str
    created: AwareDatetime
    modified: AwareDatetime
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


def make_quote(document: Document, start: int, end: int, *, field: TextField = "body") -> Quote:
    """Quote and position selectors for ``text[start:end]`` of a document."""
    text = text_of(document, field)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    start = min(start, end)
    return Quote(
        document=document.id,
        field=field,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        content_hash=document.content_hash,
    )


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
    quote = make_quote(document, start, end, field=field)
    return Target(
        **quote.model_dump(exclude={"start", "end"}),
        start=quote.start or 0,
        end=quote.end or 0,
        discrepancy=discrepancy,
        cluster=cluster,
    )


def discrepancy_quotes(
    discrepancy: Discrepancy, documents: Mapping[str, Document]
) -> tuple[Quote, ...]:
    """Every reading of a discrepancy as quote and position selectors."""
    quotes = []
    for reading in discrepancy.readings:
        document = documents.get(reading.document)
        if document is None:
            continue
        if reading.start is not None and reading.end is not None:
            quotes.append(make_quote(document, reading.start, reading.end, field=reading.field))
        elif reading.anchor is not None:
            quotes.append(make_quote(document, reading.anchor, reading.anchor, field=reading.field))
        else:
            quotes.append(
                Quote(document=document.id, field=reading.field, content_hash=document.content_hash)
            )
    return tuple(quotes)


def discrepancy_target(
    discrepancy: Discrepancy,
    documents: Mapping[str, Document],
    *,
    cluster: str | None,
    prefer: str | None = None,
) -> Target:
    """A target for a discrepancy: every reading, and as its span the reading of ``prefer`` (a
    document id) if that version says something there, else the first reading that does."""
    quotes = discrepancy_quotes(discrepancy, documents)
    spoken = [q for q in quotes if q.placed] or [q for q in quotes if q.start is not None]
    if not spoken:
        raise ValueError(f"discrepancy {discrepancy.id} has no reading in these documents")
    primary = next((q for q in spoken if q.document == prefer), spoken[0])
    return Target(
        **primary.model_dump(exclude={"start", "end"}),
        start=primary.start or 0,
        end=primary.end or 0,
        discrepancy=discrepancy.id,
        cluster=cluster,
        kind=discrepancy.kind,
        severity=discrepancy.severity,
        summary=discrepancy.summary,
        tier=getattr(discrepancy, "tier", None),
        readings=quotes,
    )

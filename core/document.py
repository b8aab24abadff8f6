"""The document model: one version of an article, with exact offsets for everything in it.

Sections, segments and citations are computed from the body on first use and then cached, so
loading a 100 MB export does not build millions of objects that nobody looks at; they are part
of the model's serialisation all the same. Parsers build documents with
:meth:`Document.from_parser`, which skips validation of values they have already checked and
keeps each document to about 500 bytes beyond its text, so a million tiny documents fit in
memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from parallax.core.segment import (
    SectionSpan,
    SegmentSpan,
    detect_layout,
    find_citations,
    is_one_segment,
    segment_body,
)

if TYPE_CHECKING:
    from parallax.core.ingest.records import RawDocument

SourceFormat = Literal["export", "text", "markdown", "json"]
#: Which text of a document an offset indexes: the body or a metadata field.
TextField = Literal["body", "title", "source", "published"]
_Model = TypeVar("_Model", bound=BaseModel)
_set = object.__setattr__


class Frozen(BaseModel):
    """Base of every core model: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _trusted(instance: _Model, fields: set[str]) -> _Model:
    """Finish an instance whose field values were set one attribute at a time, as
    ``model_construct`` would, with two savings that matter for a million instances.

    Set one at a time, in the same order for every instance, the values live in a dictionary
    that shares its table of keys with every other instance (CPython's key-sharing dictionaries:
    a third of the size of a dictionary of its own). And the names of the fields set, a set
    pydantic keeps per instance (700 bytes for a document) and never changes on a frozen model,
    are the one ``fields`` set.
    """
    _set(instance, "__pydantic_fields_set__", fields)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def trusted(model: type[_Model], fields: set[str], values: dict[str, Any]) -> _Model:
    """An instance of ``model`` made of ``values`` without validating them, as
    ``model_construct`` makes it but at a fraction of its cost: for models the analysis builds
    by the hundred thousand (segments, cells, readings) from values it computed itself.

    ``values`` must hold every field, in declaration order, each already of its field's type
    (a tuple for a tuple, never a list); ``fields`` is what the validating constructor would
    record as given (``model_fields_set``: the fields passed to it), one set shared by all.
    The instance is equal in every way to the validated one.
    """
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


class Origin(Frozen):
    """Where a document came from: the file path as given and the 1-based line it starts on."""

    path: str
    line: int = Field(ge=1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Citation(Frozen):
    """A run of adjacent citation markers such as ``[1][25]``, with the numbers it cites."""

    index: int
    start: int
    end: int
    text: str
    numbers: tuple[int, ...]


class Section(Frozen):
    """A section of a body, e.g. ``Group 2: Rare Earth Mining Initiatives``.

    ``start``/``end`` delimit the section's content; ``heading_start``/``heading_end`` its
    heading, when it has one (``None`` for the untitled lead of a body).
    """

    index: int
    title: str | None
    label: str | None = None
    number: int | None = None
    name: str | None = None
    start: int
    end: int
    heading_start: int | None = None
    heading_end: int | None = None


class Segment(Frozen):
    """One claim or sentence. ``body[start:end] == text`` always holds.

    ``block`` numbers the bullet or paragraph the sentence belongs to (several sentences of one
    bullet share it); ``citations`` are indices into ``Document.citations``.
    """

    index: int
    section: int
    block: int
    start: int
    end: int
    text: str
    citations: tuple[int, ...] = ()


class Document(Frozen):
    """One version of an article as read from a source file."""

    id: str = Field(description="Stable content hash of title, source, timestamp and body.")
    index: int = Field(ge=1, description="1-based position in input order.")
    title: str
    source: str | None = None
    published: datetime | None = None
    published_raw: str | None = Field(None, description="The timestamp exactly as written.")
    url: str | None = None
    external_id: str | None = Field(None, description="The id given by the source, if any.")
    origin: Origin
    format: SourceFormat
    encoding: str = "utf-8"
    body: str

    # mypy rejects a decorator over a property; pydantic documents this ignore.
    @computed_field(repr=False)  # type: ignore[prop-decorator]
    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the body alone; annotations use it to notice a changed source."""
        return hashlib.sha256(self.body.encode("utf-8", "surrogatepass")).hexdigest()

    # mypy rejects a decorator over a property; pydantic documents this ignore.
    @computed_field(repr=False)  # type: ignore[prop-decorator]
    @cached_property
    def citations(self) -> tuple[Citation, ...]:
        """Every run of citation markers in the body, in order."""
        body = self.body
        return tuple(
            trusted(
                Citation,
                _CITATION_FIELDS,
                {
                    "index": i,
                    "start": span.start,
                    "end": span.end,
                    "text": body[span.start : span.end],
                    "numbers": span.numbers,
                },
            )
            for i, span in enumerate(find_citations(body))
        )

    def _spans(self) -> tuple[list[SectionSpan], list[SegmentSpan]]:
        return segment_body(self.body, detect_layout(self.body, self.format))

    @cached_property
    def structure(self) -> tuple[tuple[Section, ...], tuple[Segment, ...]]:
        """Sections and segments, computed together on first use."""
        section_spans, segment_spans = self._spans()
        sections = tuple(Section(index=i, **asdict(s)) for i, s in enumerate(section_spans))
        citations = self.citations
        segments = []
        cursor = 0
        for i, span in enumerate(segment_spans):
            while cursor < len(citations) and citations[cursor].end <= span.start:
                cursor += 1
            inside = []
            probe = cursor
            while probe < len(citations) and citations[probe].start < span.end:
                if citations[probe].start >= span.start and citations[probe].end <= span.end:
                    inside.append(probe)
                probe += 1
            segments.append(
                trusted(
                    Segment,
                    _SEGMENT_FIELDS,
                    {
                        "index": i,
                        "section": span.section,
                        "block": span.block,
                        "start": span.start,
                        "end": span.end,
                        "text": self.body[span.start : span.end],
                        "citations": tuple(inside),
                    },
                )
            )
        return sections, tuple(segments)

    # mypy rejects a decorator over a property; pydantic documents this ignore.
    @computed_field(repr=False)  # type: ignore[prop-decorator]
    @property
    def sections(self) -> tuple[Section, ...]:
        """The body's sections in order; a body without headings has one untitled section."""
        return self.structure[0]

    # mypy rejects a decorator over a property; pydantic documents this ignore.
    @computed_field(repr=False)  # type: ignore[prop-decorator]
    @property
    def segments(self) -> tuple[Segment, ...]:
        """Every claim or sentence of the body, in order."""
        return self.structure[1]

    @property
    def label(self) -> str:
        """A short human label: ``#3 Source``."""
        return f"#{self.index} {self.source or self.origin.path}"

    def counts(self) -> tuple[int, int, int]:
        """Numbers of sections, segments and citation runs, without building (and keeping)
        their models when they have not been built yet."""
        if "structure" in self.__dict__:
            return len(self.sections), len(self.segments), len(self.citations)
        if is_one_segment(self.body, detect_layout(self.body, self.format)):
            return 1, 1, 0
        sections, segments = self._spans()
        citations = self.__dict__.get("citations")
        if citations is None:
            citations = find_citations(self.body)
        return len(sections), len(segments), len(citations)

    @classmethod
    def from_parser(
        cls, record: RawDocument, *, id: str, index: int, path: str, encoding: str
    ) -> Document:
        """The document of a record a parser read from ``path`` (its values already checked,
        ``index`` >= 1), built without validation: loading a million documents takes seconds,
        not minutes, and each costs about 500 bytes beyond its text instead of 2 KB. Equal in
        every way to the validated ``Document(...)``."""
        # Straight-line code, fields in declaration order: see _trusted for why one at a time.
        origin = Origin.__new__(Origin)
        _set(origin, "path", path)
        _set(origin, "line", record.line)
        _trusted(origin, _ORIGIN_FIELDS)
        document = cls.__new__(cls)
        _set(document, "id", id)
        _set(document, "index", index)
        _set(document, "title", record.title)
        _set(document, "source", record.source)
        _set(document, "published", record.published)
        _set(document, "published_raw", record.published_raw)
        _set(document, "url", record.url)
        _set(document, "external_id", record.external_id)
        _set(document, "origin", origin)
        _set(document, "format", record.format)
        _set(document, "encoding", encoding)
        _set(document, "body", record.body)
        return _trusted(document, _DOCUMENT_FIELDS)


_ORIGIN_FIELDS = set(Origin.model_fields)
_CITATION_FIELDS = set(Citation.model_fields)
_SEGMENT_FIELDS = set(Segment.model_fields)
_DOCUMENT_FIELDS = set(Document.model_fields)


def document_id(title: str, source: str | None, published_raw: str | None, body: str) -> str:
    """The stable id of a document: a hash of what it says and who said it when (each part
    followed by a unit separator, U+001F)."""
    parts = f"{title}\x1f{source or ''}\x1f{published_raw or ''}\x1f{body}\x1f"
    return "d" + hashlib.blake2b(parts.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()

"""W3C Web Annotation export and import (JSON-LD, ``http://www.w3.org/ns/anno.jsonld``).

One ``Annotation`` per annotation in an ``AnnotationCollection``: ``TextualBody`` bodies with
purpose ``tagging`` (one per tag), ``commenting`` (the note) and ``assessing`` (the status), and
for an annotation on a discrepancy ``classifying`` (its kind) and ``describing`` (its summary).
A span annotation has one target; one on a discrepancy has one target per version, each a
``source`` (the document's URN) with a ``TextQuoteSelector`` and a ``TextPositionSelector``
(a version that has nothing at that point has an empty quote where its text would be, or no
selector when it lacks the whole claim) and the discrepancy as ``scope``. ``creator``,
``created``, ``modified``; Parallax's own details (severity, tier, which target the reviewer
annotated, content hashes, document keys) under ``parallax``. Reading it back gives the same
annotations, so export → import → export is the identity.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from parallax.core.annotations.models import Annotation, Quote, Status, Target
from parallax.core.document import TextField
from parallax.core.export.native import AnnotationExport, ExportedAnnotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_DOC = "urn:parallax:document:"
_DISCREPANCY = "urn:parallax:discrepancy:"
_STORY = "urn:parallax:story:"
_ANNOTATION = "urn:uuid:"


def to_w3c(export: AnnotationExport) -> dict[str, Any]:
    """The export as a W3C ``AnnotationCollection``."""
    origins = {d.id: d.origin for d in export.documents}
    items = [_annotation(a, origins.get(a.target.document)) for a in export.annotations]
    return {
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": "Parallax review annotations",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _selected(quote: Quote, scope: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"source": _DOC + quote.document}
    if quote.start is not None and quote.end is not None:
        out["selector"] = [
            {
                "type": "TextQuoteSelector",
                "exact": quote.exact,
                "prefix": quote.prefix,
                "suffix": quote.suffix,
            },
            {"type": "TextPositionSelector", "start": quote.start, "end": quote.end},
        ]
    if scope:
        out["scope"] = _DISCREPANCY + scope
    return out


def _annotation(annotation: ExportedAnnotation, origin: dict[str, Any] | None) -> dict[str, Any]:
    target = annotation.target
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in annotation.tags
    ]
    if annotation.note:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": annotation.note,
                "format": "text/plain",
            }
        )
    bodies.append({"type": "TextualBody", "purpose": "assessing", "value": annotation.status})
    if target.kind:
        bodies.append({"type": "TextualBody", "purpose": "classifying", "value": target.kind})
    if target.summary:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": target.summary,
                "format": "text/plain",
            }
        )
    primary = target.primary()
    quotes = list(target.readings) or [primary]
    annotated = next((i for i, q in enumerate(quotes) if q == primary), None)
    targets = [_selected(q, target.discrepancy) for q in quotes]
    extras: dict[str, Any] = {
        "field": target.field,
        "content_hash": target.content_hash,
        "story": _STORY + target.cluster if target.cluster else None,
        "document_key": annotation.document_key,
        "document_origin": origin,
        "orphaned": annotation.orphaned,
    }
    if target.discrepancy:
        extras["discrepancy"] = {
            "kind": target.kind,
            "severity": target.severity,
            "summary": target.summary,
            "tier": target.tier,
        }
    if target.readings:
        extras["readings"] = [{"field": q.field, "content_hash": q.content_hash} for q in quotes]
        if annotated is not None:
            extras["annotated"] = annotated
        else:  # the span annotated is not one of the readings (it could not be placed)
            extras["annotated_target"] = _selected(primary, target.discrepancy)
    return {
        "@context": CONTEXT,
        "id": _ANNOTATION + annotation.id,
        "type": "Annotation",
        "motivation": "assessing" if target.discrepancy else "highlighting",
        "body": bodies,
        "target": targets[0] if len(targets) == 1 else targets,
        "creator": {"type": "Person", "name": annotation.reviewer},
        "created": annotation.created.isoformat(timespec="milliseconds"),
        "modified": annotation.modified.isoformat(timespec="milliseconds"),
        # Parallax's own details, needed to read the annotation back exactly.
        "parallax": extras,
    }


# --- reading back ------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow")


class W3CBody(_Strict):
    type: Literal["TextualBody"]
    purpose: Literal["tagging", "commenting", "assessing", "classifying", "describing"]
    value: str


class W3CQuote(_Strict):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str = ""
    suffix: str = ""


class W3CPosition(_Strict):
    type: Literal["TextPositionSelector"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> W3CPosition:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self


class W3CTarget(_Strict):
    source: str = Field(pattern=r"^urn:parallax:document:\S")
    selector: tuple[W3CQuote, W3CPosition] | None = None
    scope: str | None = Field(None, pattern=r"^urn:parallax:discrepancy:")


class W3CCreator(_Strict):
    type: str = "Person"
    name: str


class W3CReadingExtras(_Strict):
    field: TextField = "body"
    content_hash: str = ""


class W3CDiscrepancy(_Strict):
    kind: str | None = None
    severity: str | None = None
    summary: str | None = None
    tier: str | None = None


class W3CExtras(_Strict):
    field: TextField = "body"
    content_hash: str = ""
    story: str | None = None
    document_key: str | None = None
    orphaned: bool = False
    discrepancy: W3CDiscrepancy | None = None
    readings: list[W3CReadingExtras] | None = None
    annotated: int | None = Field(None, ge=0)
    annotated_target: W3CTarget | None = None


class W3CAnnotation(_Strict):
    id: str = Field(pattern=r"^urn:uuid:\S")
    type: Literal["Annotation"]
    body: list[W3CBody]
    target: W3CTarget | Annotated[list[W3CTarget], Field(min_length=1)]
    creator: W3CCreator
    created: AwareDatetime
    modified: AwareDatetime
    parallax: W3CExtras = Field(default_factory=W3CExtras)

    @model_validator(mode="after")
    def _consistent(self) -> W3CAnnotation:
        targets = self.targets()
        extras = self.parallax
        if extras.readings is not None and len(extras.readings) != len(targets):
            raise ValueError("parallax.readings must have one entry per target")
        if extras.annotated is not None and extras.annotated >= len(targets):
            raise ValueError("parallax.annotated is not the index of a target")
        annotated = self.annotated_target()
        if annotated.selector is None:
            raise ValueError("the annotated target needs a TextQuoteSelector and a position")
        return self

    def targets(self) -> list[W3CTarget]:
        """The targets as a list (one target may be given alone)."""
        return self.target if isinstance(self.target, list) else [self.target]

    def annotated_target(self) -> W3CTarget:
        """The target the reviewer annotated."""
        extras, targets = self.parallax, self.targets()
        if extras.annotated_target is not None:
            return extras.annotated_target
        if extras.annotated is not None:
            return targets[extras.annotated]
        return next((t for t in targets if t.selector is not None), targets[0])


class W3CPage(_Strict):
    type: Literal["AnnotationPage"]
    items: list[W3CAnnotation]


class W3CCollection(_Strict):
    context: Literal["http://www.w3.org/ns/anno.jsonld"] = Field(alias="@context")
    type: Literal["AnnotationCollection"]
    first: W3CPage


_STATUS: TypeAdapter[Status] = TypeAdapter(Status)


def _quote(target: W3CTarget, field: TextField, content_hash: str) -> Quote:
    if target.selector is None:
        return Quote(
            document=target.source.removeprefix(_DOC),
            field=field,
            content_hash=content_hash,
        )
    quote, position = target.selector
    return Quote(
        document=target.source.removeprefix(_DOC),
        field=field,
        start=position.start,
        end=position.end,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        content_hash=content_hash,
    )


def annotation_from_w3c(item: W3CAnnotation) -> ExportedAnnotation:
    """One annotation from a validated W3C annotation."""
    tags = tuple(b.value for b in item.body if b.purpose == "tagging")
    note = next((b.value for b in item.body if b.purpose == "commenting"), "")
    status = _STATUS.validate_python(
        next((b.value for b in item.body if b.purpose == "assessing"), "open")
    )
    extras = item.parallax
    targets = item.targets()
    annotated = item.annotated_target()
    primary = _quote(annotated, extras.field, extras.content_hash)
    readings: tuple[Quote, ...] = ()
    if extras.readings is not None:
        readings = tuple(
            _quote(t, r.field, r.content_hash)
            for t, r in zip(targets, extras.readings, strict=True)
        )
    scope = annotated.scope or next((t.scope for t in targets if t.scope), None)
    about = extras.discrepancy or W3CDiscrepancy()
    target = Target(
        **primary.model_dump(exclude={"start", "end"}),
        start=primary.start or 0,
        end=primary.end or 0,
        discrepancy=scope.removeprefix(_DISCREPANCY) if scope else None,
        cluster=extras.story.removeprefix(_STORY) if extras.story else None,
        **about.model_dump(include=set(W3CDiscrepancy.model_fields)),
        readings=readings,
    )
    annotation = Annotation(
        id=item.id.removeprefix(_ANNOTATION),
        target=target,
        tags=tags,
        note=note,
        status=status,
        reviewer=item.creator.name,
        created=item.created,
        modified=item.modified,
        orphaned=extras.orphaned,
    )
    return ExportedAnnotation(**annotation.model_dump(), document_key=extras.document_key)

"""W3C Web Annotation export and import (JSON-LD, ``http://www.w3.org/ns/anno.jsonld``).

One ``Annotation`` per annotation in an ``AnnotationCollection``: ``TextualBody`` bodies with
purpose ``tagging`` (one per tag), ``commenting`` (the note) and ``assessing`` (the status);
a target whose ``source`` is the document's URN and whose ``selector`` list holds a
``TextQuoteSelector`` and a ``TextPositionSelector``; the discrepancy, when there is one, as the
target's ``scope``; ``creator``, ``created``, ``modified``. Reading it back gives the same
annotations, so export → import → export is the identity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parallax.core.annotations.models import Annotation, Target
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


def _annotation(annotation: ExportedAnnotation, origin: dict | None) -> dict[str, Any]:
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
    w3c_target: dict[str, Any] = {
        "source": _DOC + target.document,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": target.exact,
                "prefix": target.prefix,
                "suffix": target.suffix,
            },
            {"type": "TextPositionSelector", "start": target.start, "end": target.end},
        ],
    }
    if target.discrepancy:
        w3c_target["scope"] = _DISCREPANCY + target.discrepancy
    item: dict[str, Any] = {
        "@context": CONTEXT,
        "id": _ANNOTATION + annotation.id,
        "type": "Annotation",
        "motivation": "assessing" if target.discrepancy else "highlighting",
        "body": bodies,
        "target": w3c_target,
        "creator": {"type": "Person", "name": annotation.reviewer},
        "created": annotation.created.isoformat(timespec="milliseconds"),
        "modified": annotation.modified.isoformat(timespec="milliseconds"),
        # Parallax's own details, needed to read the annotation back exactly.
        "parallax": {
            "field": target.field,
            "content_hash": target.content_hash,
            "story": _STORY + target.cluster if target.cluster else None,
            "document_key": annotation.document_key,
            "document_origin": origin,
            "orphaned": annotation.orphaned,
        },
    }
    return item


# --- reading back ------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow")


class W3CBody(_Strict):
    type: Literal["TextualBody"]
    purpose: Literal["tagging", "commenting", "assessing"]
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


class W3CTarget(_Strict):
    source: str = Field(pattern=r"^urn:parallax:document:")
    selector: tuple[W3CQuote, W3CPosition]
    scope: str | None = Field(None, pattern=r"^urn:parallax:discrepancy:")


class W3CCreator(_Strict):
    type: str = "Person"
    name: str


class W3CExtras(_Strict):
    field: Literal["body", "title", "source", "published"] = "body"
    content_hash: str = ""
    story: str | None = None
    document_key: str | None = None
    orphaned: bool = False


class W3CAnnotation(_Strict):
    id: str = Field(pattern=r"^urn:uuid:")
    type: Literal["Annotation"]
    body: list[W3CBody]
    target: W3CTarget
    creator: W3CCreator
    created: datetime
    modified: datetime
    parallax: W3CExtras = Field(default_factory=W3CExtras)


class W3CPage(_Strict):
    type: Literal["AnnotationPage"]
    items: list[W3CAnnotation]


class W3CCollection(_Strict):
    context: Literal["http://www.w3.org/ns/anno.jsonld"] = Field(alias="@context")
    type: Literal["AnnotationCollection"]
    first: W3CPage


def from_w3c(collection: W3CCollection) -> list[ExportedAnnotation]:
    """Annotations from a validated W3C collection."""
    out = []
    for item in collection.first.items:
        quote, position = item.target.selector
        tags = tuple(b.value for b in item.body if b.purpose == "tagging")
        note = next((b.value for b in item.body if b.purpose == "commenting"), "")
        status = next((b.value for b in item.body if b.purpose == "assessing"), "open")
        extras = item.parallax
        target = Target(
            document=item.target.source.removeprefix(_DOC),
            discrepancy=item.target.scope.removeprefix(_DISCREPANCY) if item.target.scope else None,
            field=extras.field,
            start=position.start,
            end=position.end,
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            content_hash=extras.content_hash,
            cluster=extras.story.removeprefix(_STORY) if extras.story else None,
        )
        annotation = Annotation(
            id=item.id.removeprefix(_ANNOTATION),
            target=target,
            tags=tags,
            note=note,
            status=status,  # type: ignore[arg-type]
            reviewer=item.creator.name,
            created=item.created,
            modified=item.modified,
            orphaned=extras.orphaned,
        )
        out.append(ExportedAnnotation(**annotation.model_dump(), document_key=extras.document_key))
    return out

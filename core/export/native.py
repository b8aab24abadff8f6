"""The native export: ``parallax.annotations/1``, produced from the pydantic models.

Its JSON Schema is generated from the same models (:func:`json_schema`); a copy ships in the
package (``parallax/core/data/annotations.schema.json``, printed by ``parallax schema
annotations``) and the test suite keeps the two identical.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from parallax.core.annotations.models import SCHEMA, Annotation
from parallax.core.annotations.store import Stored
from parallax.core.cluster import Clustering
from parallax.core.document import Document, Frozen
from parallax.core.report import DocumentSummary, summarise


class ExportedAnnotation(Annotation):
    """An annotation as exported: with the key that finds its document again after edits."""

    document_key: str | None = Field(
        None, description="The document's file and position in it (path#n), for re-anchoring."
    )


class ExportedCluster(Frozen):
    """A story: its id and its documents' ids."""

    id: str
    documents: tuple[str, ...]


class AnnotationExport(Frozen):
    """Everything reviewers said about a corpus (``parallax export --format json``)."""

    schema_: Literal["parallax.annotations/1"] = Field(SCHEMA, alias="schema")
    documents: tuple[DocumentSummary, ...]
    clusters: tuple[ExportedCluster, ...]
    annotations: tuple[ExportedAnnotation, ...]


def build_export(
    documents: Sequence[Document], clustering: Clustering | None, stored: Sequence[Stored]
) -> AnnotationExport:
    """The export of some annotations over a corpus, in order of creation."""
    annotations = sorted(
        (
            ExportedAnnotation(**s.annotation.model_dump(), document_key=s.key)
            for s in stored
            if not s.withdrawn
        ),
        key=lambda a: a.created,  # stable: ties keep the workspace's order of creation
    )
    clusters = (
        tuple(ExportedCluster(id=c.id, documents=c.documents) for c in clustering.clusters)
        if clustering is not None
        else ()
    )
    return AnnotationExport(
        documents=tuple(summarise(d) for d in documents),
        clusters=clusters,
        annotations=tuple(annotations),
    )


def export_json(export: AnnotationExport) -> str:
    """The export as JSON text."""
    data = export.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the native export, generated from the models."""
    schema = AnnotationExport.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://parallax.invalid/schemas/parallax.annotations-1.json"
    return schema


def schema_text() -> str:
    """The schema as the text shipped in the package."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

"""Read a native or W3C export back, validating the whole file before anything is imported.

Every problem is listed with its JSON path: what the schema requires, timestamps without a time
zone, empty ids, ids given twice, spans whose start is after their end. A file that is not JSON,
nests too deeply or holds a number too long to read is one problem at ``$``.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from pydantic import ValidationError

from parallax.core.annotations.models import Status
from parallax.core.export.native import AnnotationExport, ExportedAnnotation
from parallax.core.export.w3c import W3CCollection, annotation_from_w3c


class ImportFileError(Exception):
    """An import file is not valid; ``errors`` holds one ``$.json.path: problem`` per error."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _path(location: tuple[Any, ...], prefix: str = "$") -> str:
    out = prefix
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _errors(error: ValidationError, prefix: str = "$") -> list[str]:
    return [f"{_path(e['loc'], prefix)}: {e['msg']}" for e in error.errors()]


def _duplicates(items: Any, where: str, *, strip: str = "") -> list[str]:
    """One problem per id that an earlier item already has."""
    if not isinstance(items, list):
        return []
    first: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        identity = item["id"].removeprefix(strip)
        if identity in first:
            problems.append(
                f"{where}[{index}].id: duplicate id {identity!r} (also {where}[{first[identity]}])"
            )
        else:
            first[identity] = index
    return problems


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            [f"$: expected JSON (line {error.lineno}, column {error.colno}: {error.msg})"]
        ) from None
    except RecursionError:
        raise ImportFileError(["$: nested too deeply to be an annotation export"]) from None
    except ValueError as error:  # e.g. an integer of more digits than Python reads
        raise ImportFileError([f"$: cannot be read as JSON ({error})"]) from None


def read_export(text: str) -> list[ExportedAnnotation]:
    """The annotations of a native or W3C export. Raises :class:`ImportFileError` listing every
    problem with its JSON path."""
    data = _parse(text)
    if not isinstance(data, dict):
        raise ImportFileError(["$: expected a JSON object"])
    try:
        if data.get("schema") == "parallax.annotations/1" or "annotations" in data:
            return _native(data)
        if "@context" in data or data.get("type") == "AnnotationCollection":
            return _w3c(data)
    except RecursionError:
        raise ImportFileError(["$: nested too deeply to be an annotation export"]) from None
    raise ImportFileError(
        [
            '$: expected a Parallax export ("schema": "parallax.annotations/1") or a W3C '
            "AnnotationCollection"
        ]
    )


def _native(data: dict[str, Any]) -> list[ExportedAnnotation]:
    problems = _duplicates(data.get("annotations"), "$.annotations")
    try:
        annotations = list(AnnotationExport.model_validate(data).annotations)
    except ValidationError as error:
        raise ImportFileError(_errors(error) + problems) from None
    if problems:
        raise ImportFileError(problems)
    return annotations


def _w3c(data: dict[str, Any]) -> list[ExportedAnnotation]:
    first = data.get("first")
    items = first.get("items") if isinstance(first, dict) else None
    problems = _duplicates(items, "$.first.items", strip="urn:uuid:")
    try:
        collection = W3CCollection.model_validate(data)
    except ValidationError as error:
        raise ImportFileError(_errors(error) + problems) from None
    for index, item in enumerate(collection.first.items):
        statuses = [b.value for b in item.body if b.purpose == "assessing"]
        if any(s not in get_args(Status) for s in statuses):
            problems.append(
                f"$.first.items[{index}].body: the assessing value must be open, "
                "confirmed or dismissed"
            )
    annotations = []
    for index, item in enumerate(collection.first.items):
        try:
            annotations.append(annotation_from_w3c(item))
        except ValidationError as error:  # a combination the W3C model alone does not catch
            problems += _errors(error, f"$.first.items[{index}]")
    if problems:
        raise ImportFileError(problems)
    return annotations

"""Read a native or W3C export back, validating everything before anything is imported."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from parallax.core.export.native import AnnotationExport, ExportedAnnotation
from parallax.core.export.w3c import W3CCollection, from_w3c


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


def read_export(text: str) -> list[ExportedAnnotation]:
    """The annotations of a native or W3C export. Raises :class:`ImportFileError` listing every
    problem with its JSON path."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            [f"$: expected JSON (line {error.lineno}, column {error.colno}: {error.msg})"]
        ) from None
    if not isinstance(data, dict):
        raise ImportFileError(["$: expected a JSON object"])
    if data.get("schema") == "parallax.annotations/1" or "annotations" in data:
        try:
            return list(AnnotationExport.model_validate(data).annotations)
        except ValidationError as error:
            raise ImportFileError(_errors(error)) from None
    if "@context" in data or data.get("type") == "AnnotationCollection":
        try:
            collection = W3CCollection.model_validate(data)
        except ValidationError as error:
            raise ImportFileError(_errors(error)) from None
        problems = []
        for index, item in enumerate(collection.first.items):
            statuses = [b.value for b in item.body if b.purpose == "assessing"]
            if any(s not in ("open", "confirmed", "dismissed") for s in statuses):
                problems.append(
                    f"$.first.items[{index}].body: the assessing value must be open, "
                    "confirmed or dismissed"
                )
        if problems:
            raise ImportFileError(problems)
        return from_w3c(collection)
    raise ImportFileError(
        [
            '$: expected a Parallax export ("schema": "parallax.annotations/1") or a W3C '
            "AnnotationCollection"
        ]
    )

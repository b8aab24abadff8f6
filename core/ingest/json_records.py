"""JSON and JSON Lines: a JSON array of article objects, one object, ``{"documents": [...]}``
(what ``parallax parse --json`` prints), or one object per line.

Each object needs a body (``body``, ``text`` or ``content``); ``title``, ``source``,
``published`` (``date``, ``published_at``), ``url`` and ``id`` are optional. An object that
cannot be used is reported with its line and skipped; the others load. In JSON Lines, a line
that is not JSON is reported and the other lines load.

Integers longer than Python converts (``sys.get_int_max_str_digits()``, 4,300 digits) are not
converted: such a number in a field Parallax reads makes its record unusable; elsewhere it is
ignored like any other field.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from parallax.core.errors import IngestError, Problem
from parallax.core.ingest.records import RawDocument, clean_field

_BODY_KEYS = ("body", "text", "content")
_PUBLISHED_KEYS = ("published_raw", "published", "date", "published_at")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip_whitespace(text: str, position: int) -> int:
    """The first offset at or after ``position`` that is not JSON whitespace."""
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position  # the pattern matches even nothing


class _LongInteger:
    """An integer too long to convert; only its length is kept."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _LongInteger:
    limit = sys.get_int_max_str_digits()
    digits = len(text) - text.startswith("-")
    if limit and digits > limit:
        return _LongInteger(digits)
    return int(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)


def looks_like_json(head: str) -> bool:
    """True when the text opens like JSON (an object or an array)."""
    return head.lstrip("\ufeff \t\n\r")[:1] in ("{", "[")


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _describe(error: json.JSONDecodeError) -> str:
    # Some of the decoder's messages end with "at" already ("Invalid control character ... at").
    message = error.msg.removesuffix(" at")
    return f"expected valid JSON ({message} at column {error.colno})"


def parse_json(text: str, *, path: str) -> Iterator[RawDocument | Problem]:
    """Yield the documents of a JSON or JSON Lines text, and a Problem per unusable record.

    Raises :class:`IngestError` when the text is not JSON at all.
    """
    text = text.removeprefix("\ufeff")
    start = _skip_whitespace(text, 0)
    if text[start : start + 1] == "[":
        yield from _parse_array(text, start, path)
        return
    if text[start : start + 1] != "{":
        if _has_json_line(text, start):
            yield from _parse_lines(text, path)
            return
        raise IngestError(path, _line_at(text, start), "expected a JSON object or array")
    try:
        value, end = _DECODER.raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError) as error:
        # A JSON Lines file whose first line is bad: report that line, keep the others.
        if _has_json_line(text, start):
            yield from _parse_lines(text, path)
            return
        if isinstance(error, RecursionError):
            raise IngestError(
                path, _line_at(text, start), "expected JSON nested less deeply"
            ) from None
        raise IngestError(path, error.lineno, _describe(error)) from None
    rest = _skip_whitespace(text, end)
    if rest >= len(text):
        if isinstance(value, dict) and isinstance(value.get("documents"), list):
            for item in value["documents"]:
                yield _record(item, _line_at(text, start), path)
        else:
            yield _record(value, _line_at(text, start), path)
        return
    yield from _parse_lines(text, path)


def _has_json_line(text: str, start: int) -> bool:
    """True when a line after the first holds a JSON object by itself: the text is JSON Lines
    (rather than one object, pretty-printed and broken)."""
    first_end = text.find("\n", start)
    while first_end >= 0:
        line_end = text.find("\n", first_end + 1)
        line = text[first_end + 1 : line_end if line_end >= 0 else len(text)].strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                if isinstance(_DECODER.decode(line), dict):
                    return True
            except (json.JSONDecodeError, RecursionError):
                pass
        first_end = line_end
    return False


def _parse_array(text: str, start: int, path: str) -> Iterator[RawDocument | Problem]:
    # The whole array is read before its first record is given: a malformed element at the end
    # rejects the file as a whole, not half of it.
    yield from list(_array_records(text, start, path))


def _array_records(text: str, start: int, path: str) -> Iterator[RawDocument | Problem]:
    decoder = _DECODER
    position = start + 1
    line, counted = 1, 0  # the line of ``position``, counted on (not from the start each time)

    def line_at(at: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, at)
        counted = at
        return line

    while True:
        position = _skip_whitespace(text, position)
        if text[position : position + 1] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise IngestError(path, error.lineno, _describe(error)) from None
        except RecursionError:
            raise IngestError(path, line_at(position), "expected JSON nested less deeply") from None
        yield _record(value, line_at(position), path)
        position = _skip_whitespace(text, end)
        separator = text[position : position + 1]
        if separator == ",":
            position += 1
        elif separator != "]":
            raise IngestError(path, line_at(position), "expected ',' or ']' in the array")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (split at each line feed), one at a time: a million lines are
    never all in memory at once."""
    start, size = 0, len(text)
    while start <= size:
        end = text.find("\n", start)
        if end < 0:
            end = size
        yield text[start:end]
        start = end + 1


def _parse_lines(text: str, path: str) -> Iterator[RawDocument | Problem]:
    for lineno, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        try:
            value = _DECODER.decode(line)
        except json.JSONDecodeError as error:
            yield Problem(path, lineno, _describe(error))
            continue
        except RecursionError:
            yield Problem(path, lineno, "expected JSON nested less deeply")
            continue
        yield _record(value, lineno, path)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    raise TypeError


def _unusable(key: str, value: Any) -> str:
    if isinstance(value, _LongInteger):
        return f'expected a string for "{key}", found a number of {value.digits} digits'
    return f'expected a string for "{key}"'


#: Each field a record may give, and the keys it may be given under, in order of preference.
_FIELD_KEYS = (
    ("title", "headline"),
    ("source", "publisher", "outlet"),
    _PUBLISHED_KEYS,
    ("url", "link"),
    ("id",),
)
_OPTIONAL_KEYS = frozenset(key for keys in _FIELD_KEYS for key in keys)


def _record(value: Any, line: int, path: str) -> RawDocument | Problem:
    if not isinstance(value, dict):
        return Problem(path, line, f"expected a JSON object, found {type(value).__name__}")
    for body_key in _BODY_KEYS:
        body = value.get(body_key)
        if isinstance(body, str):
            break
    else:
        return Problem(path, line, 'expected a "body", "text" or "content" string')
    fields: list[str | None] = [None] * len(_FIELD_KEYS)
    if not _OPTIONAL_KEYS.isdisjoint(value):
        for slot, keys in enumerate(_FIELD_KEYS):
            for key in keys:
                item = value.get(key)
                if item is None:
                    continue
                try:
                    fields[slot] = _text(item)
                except TypeError:
                    return Problem(path, line, _unusable(key, item))
                break
    title, source, published, url, external_id = fields
    return RawDocument(
        title=" ".join(title.split()) if title else "",
        body=(_text(body) or "").strip(),
        line=line,
        format="json",
        source=clean_field(source),
        published_raw=clean_field(published),
        url=clean_field(url),
        external_id=clean_field(external_id),
    )

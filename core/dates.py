"""Parse the publication timestamps sources write, without guessing at ambiguous ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from parallax.core.text import candidate_starts, word_starts

_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y %H:%M",
    "%b %d, %Y %H:%M",
)


def parse_published(raw: str | int | float | None) -> datetime | None:
    """Return the timestamp ``raw`` denotes, or ``None`` when it is absent or unreadable.

    Accepts ISO 8601, ``YYYY-MM-DD HH:MM`` and a few common written forms, RFC 2822, and Unix
    epoch seconds. Timestamps without a zone stay naive: the sources do not say which zone.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            return datetime.fromtimestamp(float(raw), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = " ".join(raw.split())
    if not text:
        return None
    if re.fullmatch(r"\d{9,11}(?:\.\d+)?", text):
        return parse_published(float(text))
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    if re.search(r"[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4}", text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DATE_MENTION = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b)"
    rf"|(?P<cjk>(?:(?P<cy>\d{{4}})\s?年\s?)?(?P<cm>\d{{1,2}})\s?月(?:\s?(?P<cd>\d{{1,2}})\s?[日号])?)"
    rf"|(?P<md>\b(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}}))?)"
    rf"|(?P<dm>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\b\.?(?:,?\s+(?P<y2>\d{{4}}))?)"
    rf"|(?P<my>\b(?P<m3>{_MONTH})\b\.?(?:\s+(?P<y3>\d{{4}}))?)"
    rf"|(?P<weekday>\b(?:{'|'.join(_WEEKDAYS)})\b)"
    rf"|(?P<year>\b(?:1[89]\d\d|2[01]\d\d)\b)",
    re.IGNORECASE,
)


_DATE_WORDS = word_starts((*_MONTHS, *_WEEKDAYS))


@lru_cache(maxsize=16384)
def date_spans(text: str) -> tuple[tuple[tuple[str, ...], int, int], ...]:
    """Every date mention of ``text``: its normalised value and where it is written.

    Remembered: the classifier reads the same claim's dates several times (its facts, its
    content terms, its equivalent form), and versions of a story share most claims."""
    found: list[tuple[tuple[str, ...], int, int]] = []
    end = 0
    for position in candidate_starts(text, _DATE_WORDS):
        if position < end:
            continue
        match = DATE_MENTION.match(text, position)
        if match is None:
            continue
        end = match.end()
        value = _date_value(match)
        if value is not None:
            found.append((value, match.start(), match.end()))
    return tuple(found)


def _date_value(match: re.Match[str]) -> tuple[str, ...] | None:
    group = match.lastgroup
    if group == "iso":
        year, month, day = match.group("iso").split("-")
        return (year, str(int(month)), str(int(day)))
    if group == "cjk":
        return (
            match.group("cy") or "",
            str(int(match.group("cm"))),
            str(int(match.group("cd"))) if match.group("cd") else "",
        )
    if group == "md":
        month = _MONTHS[match.group("m1").lower()]
        return (match.group("y1") or "", str(month), str(int(match.group("d1"))))
    if group == "dm":
        month = _MONTHS[match.group("m2").lower()]
        return (match.group("y2") or "", str(month), str(int(match.group("d2"))))
    if group == "my":
        word = match.group("m3")
        if word[0].islower() and not match.group("y3"):
            return None  # "may", "march": the verbs, not the months
        return (match.group("y3") or "", str(_MONTHS[word.lower()]), "")
    if group == "weekday":
        return (match.group().lower(),)
    return (match.group(), "", "")

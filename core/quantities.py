"""Find quantities in text and normalise them, so "15 km" equals "15 kilometers", "four" equals
"4" and "2.6 trillion yen" equals "2,600 billion yen"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from parallax.core.text import candidate_starts, word_starts

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "half": 0.5,
    "once": 1,
    "twice": 2,
    "thrice": 3,
}
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "万": 1e4,
    "亿": 1e8,
}
#: Unit spelling -> (canonical unit, factor to it).
UNITS = {
    "%": ("percent", 1.0),
    "percent": ("percent", 1.0),
    "per cent": ("percent", 1.0),
    "pct": ("percent", 1.0),
    "km": ("meter", 1000.0),
    "kilometer": ("meter", 1000.0),
    "kilometre": ("meter", 1000.0),
    "m": ("meter", 1.0),
    "meter": ("meter", 1.0),
    "metre": ("meter", 1.0),
    "cm": ("meter", 0.01),
    "mile": ("meter", 1609.344),
    "ft": ("meter", 0.3048),
    "foot": ("meter", 0.3048),
    "feet": ("meter", 0.3048),
    "t": ("ton", 1.0),
    "ton": ("ton", 1.0),
    "tonne": ("ton", 1.0),
    "kg": ("ton", 0.001),
    "kilogram": ("ton", 0.001),
    "yen": ("yen", 1.0),
    "円": ("yen", 1.0),
    "¥": ("yen", 1.0),
    "dollar": ("dollar", 1.0),
    "usd": ("dollar", 1.0),
    "$": ("dollar", 1.0),
    "euro": ("euro", 1.0),
    "€": ("euro", 1.0),
    "pound": ("pound", 1.0),
    "£": ("pound", 1.0),
    "yuan": ("yuan", 1.0),
    "元": ("yuan", 1.0),
    "second": ("second", 1.0),
    "minute": ("second", 60.0),
    "hour": ("second", 3600.0),
    "day": ("day", 1.0),
    "week": ("day", 7.0),
    "month": ("month", 1.0),
    "year": ("year", 1.0),
    "time": ("times", 1.0),
    "fold": ("times", 1.0),
}
_NUMBER = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_SCALE = "|".join(sorted((re.escape(s) for s in SCALES), key=len, reverse=True))
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS if u not in "$€£¥"), key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?P<currency>[$€£¥])?\s?"
    rf"(?P<number>{_NUMBER}|\b(?:{_WORD_NUMBER})(?:-(?:{_WORD_NUMBER}))?\b)"
    rf"(?:\s?(?P<scale>{_SCALE})(?![A-Za-z]))?"
    rf"(?:[\s-]?(?P<unit>{_UNIT})(?:e?s)?(?![A-Za-z]))?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(1[89]\d\d|2[01]\d\d)$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written and its value in a canonical unit (``unit`` may be ``None``)."""

    text: str
    value: float
    unit: str | None
    start: int = 0
    end: int = 0


def _number_value(text: str) -> float | None:
    lowered = text.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    if "-" in lowered:
        parts = lowered.split("-")
        if all(p in NUMBER_WORDS for p in parts):
            return float(sum(NUMBER_WORDS[p] for p in parts))
        return None
    try:
        return float(lowered.replace(",", ""))
    except ValueError:
        return None


def _matches(text: str) -> Iterator[re.Match[str]]:
    """What ``QUANTITY.finditer(text)`` finds, tried only where a figure can start."""
    end = 0
    for position in candidate_starts(text, _NUMBER_WORDS_LOWER):
        if position < end:
            continue
        start = position
        if start >= 1 and text[start - 1] in "$€£¥":
            start -= 1
        elif start >= 2 and text[start - 1].isspace() and text[start - 2] in "$€£¥":
            start -= 2
        match = QUANTITY.match(text, max(start, end))
        if match is not None and match.group("number"):
            end = match.end()
            yield match


_NUMBER_WORDS_LOWER = word_starts(tuple(NUMBER_WORDS))


@lru_cache(maxsize=16384)
def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Every quantity in ``text``; bare four-digit years (1800-2199) are left to dates.

    Remembered, as :func:`parallax.core.dates.date_spans` is: the same claims are read
    several times."""
    found = []
    for match in _matches(text):
        number = match.group("number")
        value = _number_value(number)
        if value is None:
            continue
        scale, unit, currency = match.group("scale"), match.group("unit"), match.group("currency")
        if not (scale or unit or currency) and _YEAR.match(number):
            continue
        if scale:
            value *= SCALES[scale.lower()] if scale.lower() in SCALES else SCALES[scale]
        canonical = None
        spelled = (unit or currency or "").lower()
        if spelled:
            key = spelled if spelled in UNITS else spelled.rstrip("s")
            if key in UNITS:
                canonical, factor = UNITS[key]
                value *= factor
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        end = match.end() - (len(match.group()) - len(match.group().rstrip()))
        found.append(Quantity(text[start:end], round(value, 6), canonical, start, end))
    return tuple(found)

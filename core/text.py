"""The text vocabulary every stage shares: scripts, citation markers, folding, function words.

One definition of each, so that segmentation, clustering, alignment, classification and the
app agree on what a CJK character, a citation run or a "same word" is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

#: Scripts written without spaces between words (kana, CJK ideographs, compatibility
#: ideographs, Hangul syllables): every character is a token of its own, and sentences may end
#: without a following space.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")

#: One citation marker: ``[25]``, ``[3, 4]``, ``[7-9]``, ``[^2]``.
CITATION_MARKER = r"\[\^?\d{1,4}(?:\s*[,，、]\s*\d{1,4}|\s*[-–]\s*\d{1,4})*\]"
#: Runs of adjacent citation markers such as ``[1][25]``.
CITATION_RUN = re.compile(f"(?:{CITATION_MARKER})+")

_LATIN_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """``text`` with case, width and Latin diacritics folded away ("Chikyū" → "chikyu")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return folded
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", folded)))


def without_citations(text: str) -> str:
    """``text`` with citation runs removed and whitespace collapsed."""
    return WITHOUT_CITATIONS[text]


def _without_citations(text: str) -> str:
    return " ".join(CITATION_RUN.sub(" ", text).split())


#: Words that carry grammar rather than content: articles, pronouns, prepositions, auxiliaries,
#: conjunctions (English, with a few French, Spanish and German ones for mixed corpora).
FUNCTION_WORDS = frozenset(
    """
    a an the of to in on at for and or but nor is are was were be been being by with as from
    that this these those it its it's their theirs his her hers has have had will would could
    should can may might must not no into over than also which who whom whose what when where
    while about after before between during under up out more most such there they them he she
    we you i our your if so do does did said says upon onto within via per all any each some
    de la le les des du et en un une el los las y del der die das und den dem ein eine
    """.split()
)

#: Pronouns and determiners that can stand for a name already given ("Japan's" / "its").
PRONOUNS = frozenset(
    """it its it's they them their theirs he him his she her hers we our us this that these
    those the""".split()
)


_DIGIT_RUN = re.compile(r"\d+")


def word_starts(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding ``words`` (lower case) at the start of a word of lower-cased text,
    for :func:`candidate_starts`."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})")


@lru_cache(maxsize=4096)
def digit_starts(text: str) -> tuple[int, ...]:
    """Where each run of digits starts in ``text``. Remembered: dates and figures are looked
    for in the same texts, one after the other."""
    return tuple(match.start() for match in _DIGIT_RUN.finditer(text))


def candidate_starts(text: str, words: re.Pattern[str]) -> list[int]:
    """Where a figure or a date can start in ``text``: the first digit of every run of digits,
    and every place one of the ``words`` (a :func:`word_starts` pattern) starts a word.

    Matching an involved pattern only at these places, instead of letting it try every
    position, is what keeps reading figures and dates cheap on long texts.
    """
    starts = list(digit_starts(text))
    starts.extend(match.start() for match in words.finditer(text.lower()))
    starts.sort()
    return starts


_Value = TypeVar("_Value")


class Memo(dict[str, _Value]):
    """A bounded memo of a pure function of one string (a dict lookup: cheaper than
    ``lru_cache`` for functions called once per word)."""

    def __init__(self, function: Callable[[str], _Value], limit: int = 200_000) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, key: str) -> _Value:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.function(key)
        return value


#: :func:`without_citations` of each text, remembered: a unit's readings are compared without
#: their markers by several rules, and versions share most readings.
WITHOUT_CITATIONS: Memo[str] = Memo(_without_citations, limit=16_384)

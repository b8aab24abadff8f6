"""What a piece of text asserts, in comparable form: figures, dates, names, and the words that
carry content; and the words that change how sure or how bounded an assertion is.

These are the units the classifier reasons with. Two versions that give the same figures,
dates and names and the same content words say the same thing however they are worded; a
figure one version gives and another states nowhere is an omission; "at least 18 months" and
"up to 18 months" give one figure with opposite bounds.

Everything here is a pure function of its text; offsets index the text given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from parallax.core.dates import date_spans
from parallax.core.entities import NOT_NAMES, AliasTable, cjk_name_spans, fold_name, name_spans
from parallax.core.quantities import find_quantities
from parallax.core.text import CITATION_RUN, CJK_CHAR, CJK_RANGES, FUNCTION_WORDS, Memo, fold

FactKind = Literal["number", "date", "name"]
Bound = Literal["lower", "upper", "approximate", "exact"]


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure, date or name as written at ``start:end``, with a key equal for equal values
    ("15 km" and "15 kilometers"; "January 23" and "Jan. 23rd")."""

    kind: FactKind
    key: Hashable
    start: int
    end: int
    bound: Bound | None = None  # for a figure: the qualifier in front of it, if any


# --- qualifiers ------------------------------------------------------------------------------

_LOWER: tuple[str, ...] = (
    "at least",
    "more than",
    "over",
    "above",
    "in excess of",
    "upwards of",
    "no fewer than",
)
_LOWER += ("no less than", "exceeding", "超过", "逾", "至少", "多达", "超")
_UPPER: tuple[str, ...] = (
    "up to",
    "at most",
    "less than",
    "fewer than",
    "under",
    "below",
    "no more than",
)
_UPPER += ("nearly", "almost", "just under", "不到", "最多", "近", "未满")
_APPROXIMATE: tuple[str, ...] = (
    "about",
    "approximately",
    "around",
    "roughly",
    "some",
    "an estimated",
)
_APPROXIMATE += ("estimated", "approx", "circa", "约", "大约", "左右", "上下")
_EXACT = ("exactly", "precisely", "just", "only")
_BOUNDS: tuple[tuple[str, Bound], ...] = tuple(
    sorted(
        [(p, "lower") for p in _LOWER]
        + [(p, "upper") for p in _UPPER]
        + [(p, "approximate") for p in _APPROXIMATE]
        + [(p, "exact") for p in _EXACT],
        key=lambda item: -len(item[0]),
    )
)

#: Words that say a statement is negated.
NEGATIONS = frozenset(
    """not no never none neither nor cannot can't won't didn't doesn't don't isn't
    wasn't aren't weren't hasn't haven't hadn't couldn't wouldn't shouldn't
    不 没有 未 无 非""".split()
)
#: Hedges and modals: how sure the statement is.
HEDGES = frozenset(
    """may might could would should likely unlikely probably possibly perhaps potential
    potentially expected expects projected planned proposed reportedly allegedly apparently
    suspected alleged presumably believed appears seems aims aim intends plans considering
    considers consider weighing mulling 可能 预计 据称
    据报道 据悉 或将 有望""".split()
)
#: Who says so.
ATTRIBUTIONS = frozenset(
    """said says according told reported announced stated claimed added confirmed denied
    insisted argued warned noted 表示 称 指出 透露 报道""".split()
)
#: Status words: whether something is official or confirmed.
STATUS = frozenset("official officially unofficial confirmed unconfirmed formally".split())

_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’\-]*")
_LEXICAL = re.compile(rf"[{CJK_RANGES}]|[^\W\d_][\w'’]*", re.UNICODE)


def bound_before(text: str, start: int) -> Bound | None:
    """The bound a qualifier right before ``text[start:]`` puts on a figure there."""
    window = fold(text[max(0, start - 24) : start]).rstrip()
    for phrase, bound in _BOUNDS:
        if window.endswith(phrase):
            before = window[: -len(phrase)]
            if not before or not before[-1].isalpha() or CJK_CHAR.match(phrase[0]):
                return bound
    return None


@lru_cache(maxsize=8192)
def qualifier_words(text: str) -> Counter[str]:
    """Hedges, negations, attributions and status words of ``text``, folded, with counts."""
    found: Counter[str] = Counter()
    for word in _LEXICAL.findall(fold(text)):
        if word in NEGATIONS or word.endswith("n't"):
            found["not"] += 1
        elif word in HEDGES or word in ATTRIBUTIONS or word in STATUS:
            found[word] += 1
    return +found


def negations(text: str) -> int:
    """How many negating words ``text`` has."""
    return qualifier_words(text).get("not", 0)


# --- facts -----------------------------------------------------------------------------------


def find_facts(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    opens_sentence: bool = False,
    known: frozenset[str] = frozenset(),
    aliases: AliasTable | None = None,
) -> list[Fact]:
    """The figures, dates and names of ``text[start:end]`` in order, offsets into ``text``.

    Citation markers are not facts (they are compared on their own); a year inside a date is
    part of the date, not a figure.
    """
    end = len(text) if end is None else end
    piece = text[start:end]
    if "[" in piece:
        piece = citations_blanked(piece)
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for value, s, e in date_spans(piece):
        facts.append(Fact("date", value, start + s, start + e))
        taken.append((s, e))
    for quantity in find_quantities(piece):
        if any(s < quantity.end and quantity.start < e for s, e in taken):
            continue
        facts.append(
            Fact(
                "number",
                (quantity.value, quantity.unit),
                start + quantity.start,
                start + quantity.end,
                bound_before(piece, quantity.start),
            )
        )
    table = aliases or _NO_ALIASES
    for name, s, e in name_spans(piece, opens_sentence=opens_sentence, known=known):
        if any(s < te and ts < e for ts, te in taken):
            continue
        facts.append(Fact("name", table.key(name), start + s, start + e))
    facts.sort(key=lambda fact: (fact.start, fact.end))
    return facts


_NO_ALIASES = AliasTable()


@lru_cache(maxsize=8192)
def citations_blanked(text: str) -> str:
    """``text`` with each citation run replaced by as many spaces (offsets are kept).
    Remembered: a claim is read for its facts and for its content terms."""
    if "[" not in text:
        return text  # no marker can match
    return CITATION_RUN.sub(lambda m: " " * len(m.group()), text)


# --- content terms ---------------------------------------------------------------------------

_NOT_CONTENT = (
    FUNCTION_WORDS
    | HEDGES
    | NEGATIONS
    | ATTRIBUTIONS
    | STATUS
    | frozenset(word for phrase, _ in _BOUNDS for word in phrase.split())
)
_TERM = re.compile(rf"[{CJK_RANGES}]+|[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem: possessive and common inflections removed ("relies" → "reli",
    "reliance" → "reli", "imports" → "import"), enough to see two wordings share a word."""
    word = word.removesuffix("'s").removesuffix("’s")
    for suffix in ("ations", "ation", "ances", "ance", "ing", "ies", "ied", "es", "ed", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith("e") and len(word) >= 5:
        return word[:-1]  # "reduce" and "reducing" share "reduc"
    return word


@lru_cache(maxsize=4096)
def content_terms(text: str) -> tuple[str, ...]:
    """The terms of ``text`` that carry content, comparable across wordings: folded stems of
    content words, canonical figures (``#2500``, ``#15000:meter``) and dates (``@1-23``), and
    CJK character bigrams. Function words and citation markers are left out."""
    text = citations_blanked(text)
    dates = date_spans(text)
    return _terms(text, dates, _quantities_outside(text, dates))


def _quantities_outside(
    text: str, dates: Sequence[tuple[tuple[str, ...], int, int]]
) -> list[tuple[float, str | None, int, int]]:
    """The figures of ``text`` that are not part of a date: ``(value, unit, start, end)``."""
    out = []
    for quantity in find_quantities(text):
        if not any(s < quantity.end and quantity.start < e for _, s, e in dates):
            out.append((quantity.value, quantity.unit, quantity.start, quantity.end))
    return out


def _terms(
    text: str,
    dates: Sequence[tuple[tuple[str, ...], int, int]],
    quantities: list[tuple[float, str | None, int, int]],
) -> tuple[str, ...]:
    terms: list[str] = []
    cut: list[tuple[int, int]] = []
    for value, s, e in dates:
        terms.append("@" + "-".join(part for part in value if part))
        cut.append((s, e))
    for number, unit, s, e in quantities:
        terms.append(f"#{number:g}:{unit}" if unit else f"#{number:g}")
        cut.append((s, e))
    pieces, cursor = [], 0
    for s, e in sorted(cut):
        if s >= cursor:
            pieces.append(text[cursor:s])
            cursor = e
    pieces.append(text[cursor:])
    word_terms = WORD_TERMS
    for word in _TERM.findall(fold(" ".join(pieces))):
        terms.extend(word_terms[word])
    return tuple(terms)


def _word_terms(word: str) -> tuple[str, ...]:
    """The content terms of one folded word: its stem, CJK characters and pairs, or none."""
    if CJK_CHAR.match(word):
        if len(word) == 1:
            return (word,)
        return tuple(word[i : i + 2] for i in range(len(word) - 1))
    if word in _NOT_CONTENT or word.isdigit():
        return ()
    return (stem(word.replace("’", "'")),)


#: The content terms of each folded word, remembered (:func:`_word_terms`).
WORD_TERMS = Memo(_word_terms)


def term_of(kind: str, key: Hashable) -> str | None:
    """The content term a figure or date is written as (see :func:`content_terms`)."""
    if kind == "number" and isinstance(key, tuple):
        value, unit = key
        return f"#{value:g}:{unit}" if unit else f"#{value:g}"
    if kind == "date" and isinstance(key, tuple):
        return "@" + "-".join(part for part in key if part)
    return None


class Profile:
    """What a whole version states, for checking whether something another version says is
    stated anywhere in it. Each part (figures, dates, names, words) is read from the version's
    texts the first time a check needs it."""

    def __init__(self, texts: Sequence[str], *, aliases: AliasTable | None = None) -> None:
        self.texts = [CITATION_RUN.sub(lambda m: " " * len(m.group()), t) for t in texts]
        self.aliases = aliases or _NO_ALIASES
        # Answers already given: an omission's facts are checked against each version that
        # lacks them, once for the unit and once for the claim.
        self._stated: dict[tuple[str, Hashable], bool] = {}

    @cached_property
    def dates(self) -> frozenset[str]:
        """The version's dates, as content terms (``@1-23``)."""
        return frozenset(
            "@" + "-".join(part for part in value if part)
            for text in self.texts
            for value, _, _ in date_spans(text)
        )

    @cached_property
    def figures(self) -> frozenset[str]:
        """The version's figures, as content terms (``#2500``, ``#15000:meter``)."""
        return frozenset(
            term_of("number", (q.value, q.unit)) or ""
            for text in self.texts
            for q in find_quantities(text)
        )

    @cached_property
    def names(self) -> frozenset[str]:
        """The version's capitalised words and CJK names, folded (a name written in several
        words is stated when its words are), with the alias groups they belong to."""
        found: set[str] = set()
        for text in self.texts:
            found.update(
                fold_name(word)
                for word in _CAPITALISED.findall(text)
                if word not in NOT_NAMES and len(word) > 1
            )
            found.update(fold_name(name) for name, _, _ in cjk_name_spans(text))
        found |= {self.aliases.key(name) for name in found} - found
        return frozenset(found)

    @cached_property
    def words(self) -> str:
        """The version's words, folded, each after a space (a stem is stated when some word
        starts with it: " reduc" in " reducing")."""
        return " " + " ".join(" ".join(_TERM.findall(fold(text))) for text in self.texts)

    def states_fact(self, kind: str, key: Hashable) -> bool:
        """True when the version gives this figure, date or name somewhere; a short or long
        form of a name counts ("Shizuoka" for "Shizuoka City")."""
        answers = self._stated
        found = answers.get((kind, key))
        if found is None:
            found = answers[kind, key] = self._states_fact(kind, key)
        return found

    def _states_fact(self, kind: str, key: Hashable) -> bool:
        if kind == "name" and isinstance(key, str):
            if key in self.names:
                return True
            folded = fold_name(key)
            return any(len(name) >= 3 and name in folded for name in self.names)
        term = term_of(kind, key)
        if term is None:
            return True
        if kind == "number":
            return term in self.figures
        if term in self.dates:
            return True
        # A date given without its year, or a year alone, matches one that has it.
        return isinstance(key, tuple) and any(
            _same_date(key, tuple(t[1:].split("-"))) for t in self.dates
        )

    @cached_property
    def word_set(self) -> frozenset[str]:
        """The version's distinct words (:attr:`words`): a term that is a whole word is
        stated without searching the text for a word it begins."""
        return frozenset(self.words.split())

    def states_words(self, terms: Iterable[str]) -> list[str]:
        """Which of these word terms (stems, or CJK characters and pairs) the version has
        nowhere."""
        words, whole = self.words, self.word_set
        return [
            term
            for term in terms
            if term not in whole
            and (term not in words if CJK_CHAR.match(term) else f" {term}" not in words)
        ]


def _same_date(key: tuple[str, ...], written: tuple[str, ...]) -> bool:
    parts = [p for p in key if p]
    return len(parts) >= 2 and all(p in written for p in parts)


def profile(texts: Sequence[str], *, aliases: AliasTable | None = None) -> Profile:
    """The :class:`Profile` of a version from its texts (title and body)."""
    return Profile(texts, aliases=aliases)

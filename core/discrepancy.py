"""Name every discrepancy between the aligned versions of a story, and say how much it matters.

Each variation unit of each row (:mod:`parallax.core.align`) is classified, in this order:

* metadata rows (title, source, timestamp) give ``metadata``;
* a claim some versions have and others lack entirely gives ``omission``;
* within a claim, the readings are compared after stripping what does not matter:
  only citation markers differ: ``citation``; equal once case, width, diacritics and hyphens
  are folded (or names of one alias group): ``spelling``; different quantities once units and
  number words are normalised: ``number`` (equal quantities written differently, "15 km" and
  "15 kilometers", are no discrepancy at all); different dates: ``date``; different names:
  ``entity``; different hedges, modals or approximations: ``qualifier``; text present in some
  versions only: ``omission`` if it carries a quantity, a date, a name or a claim of several
  words, else ``wording``; anything else: ``wording``.
* text that one version has in one place and another version in another place of the same
  claim has *moved*; a moved date ("on January 23 and hold early elections" / "and hold early
  elections on January 23") is a ``date`` discrepancy, other moves are ``wording``.

Severity: entity, number and date are high; citation, qualifier and omission medium; wording,
spelling and metadata low; an omission that carries a quantity, a date or a name is high.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import Field

from parallax.core.align import Alignment, Row, Span, Unit, diff_key, variation_units
from parallax.core.dates import DATE_MENTION, find_date_mentions
from parallax.core.document import Document, Frozen
from parallax.core.entities import AliasTable, find_names, fold_name, names_used_mid_sentence
from parallax.core.quantities import quantity_signature
from parallax.core.segment import CITATION_RUN

Kind = Literal[
    "entity",
    "number",
    "date",
    "citation",
    "qualifier",
    "omission",
    "wording",
    "spelling",
    "metadata",
]
Severity = Literal["high", "medium", "low"]
#: ``reported`` items are counted and visited; ``unimportant`` ones are equivalent variants
#: (case, punctuation, number and date formats, boilerplate) shown only on request.
Tier = Literal["reported", "unimportant"]
KINDS: tuple[Kind, ...] = get_args(Kind)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
TIERS: tuple[Tier, ...] = get_args(Tier)
DEFAULT_SEVERITY: dict[Kind, Severity] = {
    "entity": "high",
    "number": "high",
    "date": "high",
    "citation": "medium",
    "qualifier": "medium",
    "omission": "medium",
    "wording": "low",
    "spelling": "low",
    "metadata": "low",
}

#: Hedges, modals, approximations and status words: changing one changes how sure a claim is.
QUALIFIERS = frozenset(
    """
    about approximately around roughly nearly almost over under fewer only just exactly precisely
    potential potentially possible possibly may might could would should can cannot likely
    unlikely probably perhaps reportedly allegedly apparently expected estimated projected
    planned proposed announced imposed recent recently official officially unconfirmed confirmed
    suspected alleged presumably reported claimed believed if unless whether
    约 大约 超过 超 近 至少 最多 可能 或 预计 据称 据报道 据悉 左右 多达 逾
    """.split()
)
_QUALIFIER_PHRASES = ("at least", "up to", "more than", "less than", "fewer than", "as many as")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*|\d+(?:[.,]\d+)*%?|[\u3400-\u9fff]")
_STOPWORDS = frozenset(
    """a an the of to in on at for and or but is are was were be been by with as from that this
    it its their his her has have had will would into than also which who over its""".split()
)


class Reading(Frozen):
    """What one version says at a discrepancy: its exact text and offsets, or nothing.

    ``field`` says which text the offsets index: the body, or a metadata field. ``anchor`` is
    where absent text would sit in the version's body, when the version has the claim.
    """

    document: str
    text: str
    start: int | None
    end: int | None
    field: Literal["body", "title", "source", "published"] = "body"
    anchor: int | None = None


class ReadingGroup(Frozen):
    """Versions that say the same thing at a discrepancy ("Sanna Takashi" ×2)."""

    text: str = Field(description="The reading as the first of these versions writes it.")
    documents: tuple[str, ...]
    minority: bool = Field(description="Fewer versions read this than the largest group.")


class Discrepancy(Frozen):
    """One point where the versions of a story disagree."""

    id: str
    kind: Kind
    severity: Severity
    summary: str
    row: int = Field(description="Index of the alignment row it sits in.")
    readings: tuple[Reading, ...]
    tier: Tier = Field("reported", description="Hidden by default when ``unimportant``.")
    groups: tuple[ReadingGroup, ...] = Field(
        (), description="The distinct readings with the versions that give each."
    )
    moved: tuple[str, ...] = Field(
        (), description="Documents whose reading sits elsewhere in the story than the others'."
    )

    def reading_for(self, document_id: str) -> Reading | None:
        """This discrepancy's reading for one document."""
        return next((r for r in self.readings if r.document == document_id), None)


@dataclass(frozen=True, slots=True)
class _Context:
    documents: Sequence[Document]
    aliases: AliasTable
    cluster: str
    known_names: tuple[frozenset[str], ...]
    segment_starts: tuple[frozenset[int], ...]


def find_discrepancies(
    documents: Sequence[Document],
    alignment: Alignment,
    *,
    cluster: str = "",
    aliases: AliasTable | None = None,
) -> list[Discrepancy]:
    """Every discrepancy of an aligned story, in row order."""
    known = tuple(names_used_mid_sentence(d.body) for d in documents)
    starts = tuple(frozenset(s.start for s in d.segments) for d in documents)
    context = _Context(documents, aliases or AliasTable(), cluster, known, starts)
    found: list[Discrepancy] = []
    for row in alignment.rows:
        found.extend(_row_discrepancies(context, row))
    return found


def _row_discrepancies(context: _Context, row: Row) -> list[Discrepancy]:
    documents = context.documents
    out: list[Discrepancy] = []
    if row.kind == "claim" and any(c.is_gap for c in row.cells):
        out.append(_claim_omission(context, row))
    units = variation_units(documents, row)
    moved = _moves(units)
    consumed: set[int] = set()
    classified: list[tuple[Unit, Kind, Severity]] = []
    for i, unit in enumerate(units):
        if i in consumed:
            continue
        partner = moved.get(i)
        if partner is not None:
            consumed.add(partner)
            out.append(_moved(context, row, unit, units[partner]))
            continue
        result = _classify(context, row, unit)
        if result is not None:
            classified.append((unit, *result))
    for unit, kind, severity in _coalesce_wording(documents, row, classified):
        summary = _summary(documents, row, unit, kind)
        out.append(_make(context, row, unit.spans, kind, severity, summary=summary))
    return out


def _coalesce_wording(
    documents: Sequence[Document], row: Row, items: list[tuple[Unit, Kind, Severity]]
) -> list[tuple[Unit, Kind, Severity]]:
    """Join wording and qualifier changes only a word or two apart, so that a rewritten phrase
    is one item ("Potential export controls" / "Recent export controls imposed")."""
    if row.field != "body":
        return items
    soft = ("wording", "qualifier")
    out: list[tuple[Unit, Kind, Severity]] = []
    for unit, kind, severity in items:
        if out and kind in soft and out[-1][1] in soft:
            joined = _join(documents, out[-1][0], unit)
            if joined is not None:
                if "qualifier" in (kind, out[-1][1]):
                    out[-1] = (joined, "qualifier", "medium")
                else:
                    out[-1] = (joined, "wording", "low")
                continue
        out.append((unit, kind, severity))
    return out


def _join(documents: Sequence[Document], first: Unit, second: Unit) -> Unit | None:
    spans = []
    for document, a, b, present in zip(
        documents, first.spans, second.spans, first.present, strict=True
    ):
        if not present:
            spans.append(a)
            continue
        begin = a.start if a.start is not None else a.anchor
        finish = b.end if b.end is not None else b.anchor
        middle_from = a.end if a.end is not None else a.anchor
        middle_to = b.start if b.start is not None else b.anchor
        if None in (begin, finish, middle_from, middle_to):
            return None
        if len(_WORD.findall(document.body[middle_from:middle_to])) > 2:
            return None
        if finish <= begin:
            spans.append(Span("", None, None, begin))
        else:
            spans.append(Span(document.body[begin:finish], begin, finish, begin))
    return Unit(tuple(spans), first.present)


# --- claim omissions and moves ------------------------------------------------------------


def _claim_omission(context: _Context, row: Row) -> Discrepancy:
    spans = []
    for document, cell in zip(context.documents, row.cells, strict=True):
        if cell.is_gap:
            spans.append(Span("", None, None))
        else:
            text = document.body[cell.start : cell.end]
            spans.append(Span(text, cell.start, cell.end, cell.start))
    carried = " ".join(s.text for s in spans if s.start is not None)
    severity: Severity = "high" if _carries_fact(carried) else "medium"
    stating = [d for d, c in zip(context.documents, row.cells, strict=True) if not c.is_gap]
    silent = [d for d, c in zip(context.documents, row.cells, strict=True) if c.is_gap]
    text = next(s.text for s in spans if s.start is not None)
    summary = f"Claim absent from {_labels(silent)}: {_quote(text)} (stated by {_labels(stating)})"
    return _make(context, row, tuple(spans), "omission", severity, summary=summary)


def _moves(units: list[Unit]) -> dict[int, int]:
    """Pairs of units where the same text sits in different places of different versions."""
    pairs: dict[int, int] = {}
    for i, first in enumerate(units):
        if i in pairs:
            continue
        for j in range(i + 1, len(units)):
            if j in pairs:
                continue
            if _mirrors(first, units[j]):
                pairs[i], pairs[j] = j, i
                break
    return pairs


def _mirrors(a: Unit, b: Unit) -> bool:
    """``a`` and ``b`` each hold the same text, in complementary sets of versions."""
    texts_a = {_fold(s.text) for s, p in zip(a.spans, a.present, strict=True) if p and s.text}
    texts_b = {_fold(s.text) for s, p in zip(b.spans, b.present, strict=True) if p and s.text}
    if len(texts_a) != 1 or texts_a != texts_b:
        return False
    has_a = [bool(s.text) for s, p in zip(a.spans, a.present, strict=True) if p]
    has_b = [bool(s.text) for s, p in zip(b.spans, b.present, strict=True) if p]
    return all(x != y for x, y in zip(has_a, has_b, strict=True))


def _moved(context: _Context, row: Row, a: Unit, b: Unit) -> Discrepancy:
    spans = tuple(x if x.text else y for x, y in zip(a.spans, b.spans, strict=True))
    text = next(s.text for s in spans if s.text)
    kind: Kind = "date" if find_date_mentions(text) else "wording"
    summary_spans = tuple(
        _widen(document, span) for document, span in zip(context.documents, spans, strict=True)
    )
    summary = f"{_quote(text)} attaches to a different part of the claim: " + _compare(
        context.documents, summary_spans, a.present
    )
    return _make(context, row, spans, kind, DEFAULT_SEVERITY[kind], summary=summary)


def _widen(document: Document, span: Span, words: int = 4) -> Span:
    """The span with a few words of the body on each side, for a summary."""
    if span.start is None or span.end is None:
        return span
    body = document.body
    start, end = span.start, span.end
    for _ in range(words):
        previous = body.rfind(" ", 0, max(start - 1, 0))
        start = 0 if previous < 0 else previous + 1
    for _ in range(words):
        following = body.find(" ", end + 1)
        end = len(body) if following < 0 else following
    return Span(body[start:end], span.start, span.end)


# --- classification -------------------------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(diff_key(word) for word in _WORD.findall(text))


def _without_citations(text: str) -> str:
    return " ".join(CITATION_RUN.sub(" ", text).split())


def _carries_fact(text: str) -> bool:
    return bool(quantity_signature(text) or find_date_mentions(text) or find_names(text))


def _qualifiers(text: str) -> Counter[str]:
    lowered = f" {text.lower()} "
    found = Counter(w for w in _WORD.findall(text.lower()) if w in QUALIFIERS)
    for phrase in _QUALIFIER_PHRASES:
        found[phrase] += lowered.count(f" {phrase} ")
    return +found


def _opens_sentence(document: Document, span: Span, segment_starts: frozenset[int]) -> bool:
    if span.start is None:
        return False
    position = span.start
    while position > 0 and document.body[position - 1].isspace():
        position -= 1
    if position == 0 or document.body[position - 1] in ".!?。！？-]":
        return True
    return span.start in segment_starts


_PRONOUNS = frozenset(
    """it its it's they them their theirs he him his she her hers we our us this that these
    those""".split()
)


def _facts(text: str) -> tuple[Counter, Counter]:
    """Quantities (dates taken out first, so "January 12" is no figure) and dates of a text."""
    dates = Counter(find_date_mentions(text))
    return quantity_signature(DATE_MENTION.sub(" ", text)), dates


def _classify(context: _Context, row: Row, unit: Unit) -> tuple[Kind, Severity] | None:
    if row.kind in ("title", "source", "published"):
        return "metadata", "low"
    readings = [
        (v, span)
        for v, (span, present) in enumerate(zip(unit.spans, unit.present, strict=True))
        if present
    ]
    texts = [span.text for _, span in readings]
    if row.kind == "section":
        if len({re.sub(r"\d+", "#", _fold(t)) for t in texts}) <= 1:
            return None  # renumbered sections: structure, not content
        return "wording", "low"
    stripped = [_without_citations(t) for t in texts]
    if len(set(stripped)) == 1:
        return "citation", "medium"
    if len({_fold(t) for t in stripped}) == 1:
        return "spelling", "low"
    facts = [_facts(t) for t in stripped]
    quantities = [q for q, _ in facts]
    dates = [d for _, d in facts]
    names = [
        Counter(
            context.aliases.key(name)
            for name in find_names(
                t,
                opens_sentence=_opens_sentence(
                    context.documents[v], span, context.segment_starts[v]
                ),
                known=context.known_names[v],
            )
        )
        for (v, span), t in zip(readings, stripped, strict=True)
    ]
    if not all(stripped):
        return _partial_omission(stripped, quantities, dates, names)
    for values, kind in ((quantities, "number"), (dates, "date"), (names, "entity")):
        distinct = {frozenset(v.items()) for v in values}
        if len(distinct) > 1:
            if all(values):
                return kind, "high"  # type: ignore[return-value]
            unnamed = [t for t, n in zip(stripped, names, strict=True) if not n]
            if kind == "entity" and all(_is_pronoun(t) for t in unnamed):
                return "wording", "low"
            return "omission", "high"
    if any(names) and _same_entities_by_alias(context, stripped, names):
        return "spelling", "low"
    if len({frozenset(_qualifiers(t).items()) for t in stripped}) > 1:
        return "qualifier", "medium"
    if all(quantities):
        return None  # "15 km" / "15 kilometers", "four" / "4": one value, written differently
    return "wording", "low"


def _is_pronoun(text: str) -> bool:
    words = _WORD.findall(text.lower())
    return bool(words) and len(words) <= 2 and any(w in _PRONOUNS for w in words)


def _partial_omission(
    stripped: list[str],
    quantities: list[Counter],
    dates: list[Counter],
    names: list[Counter],
) -> tuple[Kind, Severity]:
    present = [t for t in stripped if t]
    if any(quantities) or any(dates) or any(names):
        return "omission", "high"
    words = [w for t in present for w in _WORD.findall(t.lower())]
    if words and all(w in QUALIFIERS for w in words):
        return "qualifier", "medium"
    content = [w for w in words if w not in _STOPWORDS]
    if len(content) >= 4:
        return "omission", "medium"
    return "wording", "low"


def _same_entities_by_alias(
    context: _Context, stripped: list[str], names: list[Counter[str]]
) -> bool:
    keys = {tuple(sorted(n)) for n in names}
    folded = {tuple(sorted(fold_name(x) for x in find_names(t))) for t in stripped}
    return len(keys) == 1 and len(folded) > 1 and len(context.aliases) > 0


def _only_number_spelling(stripped: list[str]) -> bool:
    signatures = {frozenset(quantity_signature(t).items()) for t in stripped}
    return len(signatures) == 1


# --- building the model ----------------------------------------------------------------------


def _make(
    context: _Context,
    row: Row,
    spans: tuple[Span, ...],
    kind: Kind,
    severity: Severity,
    *,
    summary: str,
) -> Discrepancy:
    field = row.field
    readings = tuple(
        Reading(
            document=document.id,
            text=span.text,
            start=span.start,
            end=span.end,
            field=field,
            anchor=span.anchor if field == "body" else None,
        )
        for document, span in zip(context.documents, spans, strict=True)
    )
    identity = "|".join(
        [context.cluster, str(row.index), kind]
        + [f"{r.document}:{r.start}:{r.end}:{r.anchor}" for r in readings]
    )
    digest = hashlib.blake2b(identity.encode("utf-8"), digest_size=6).hexdigest()
    return Discrepancy(
        id="x" + digest,
        kind=kind,
        severity=severity,
        summary=summary,
        row=row.index,
        readings=readings,
    )


_LABELS = {
    "entity": "Names differ",
    "number": "Figures differ",
    "date": "Dates differ",
    "citation": "Citation markers differ",
    "qualifier": "Qualifiers differ",
    "wording": "Wording differs",
    "spelling": "Spelling differs",
    "metadata": "Metadata differs",
}


def _summary(documents: Sequence[Document], row: Row, unit: Unit, kind: Kind) -> str:
    spans, present = unit.spans, unit.present
    if kind == "metadata":
        return f"{row.kind.capitalize()} differs: " + _compare(documents, spans, present)
    if kind == "omission":
        stating = [
            (d, s)
            for d, s, p in zip(documents, spans, present, strict=True)
            if p and _without_citations(s.text)
        ]
        others = [
            (d, s)
            for d, s, p in zip(documents, spans, present, strict=True)
            if p and not _without_citations(s.text)
        ]
        text = _without_citations(stating[0][1].text)
        replaced = {s.text for _, s in stating if _without_citations(s.text)}
        if len(replaced) > 1:
            return "Stated by some versions only: " + _compare(documents, spans, present)
        silent = [d for d, _ in others] + [
            d for d, p in zip(documents, present, strict=True) if not p
        ]
        return (
            f"{_quote(text)} is stated by {_labels([d for d, _ in stating])} "
            f"and absent from {_labels(silent)}"
        )
    return f"{_LABELS[kind]}: " + _compare(documents, spans, present)


def _compare(documents: Sequence[Document], spans: Sequence[Span], present: Sequence[bool]) -> str:
    groups: dict[str, list[Document]] = {}
    for document, span, here in zip(documents, spans, present, strict=True):
        if here:
            groups.setdefault(span.text, []).append(document)
    parts = [
        f"{_quote(text) if text else '(nothing)'} ({_labels(members)})"
        for text, members in groups.items()
    ]
    return " vs ".join(parts)


def _labels(documents: Sequence[Document]) -> str:
    return ", ".join(f"#{d.index}" for d in sorted(documents, key=lambda d: d.index))


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"

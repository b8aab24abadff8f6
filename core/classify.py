"""The rules that turn aligned text into findings: what differs, of which kind, how much it
matters.

A *finding* is a discrepancy before it becomes a model: a kind, a severity, a tier and one span
per version. Rules run in a fixed order and each says plainly what it decides:

Within a claim row, each variation unit (:func:`parallax.core.align.variation_units`) goes
through :func:`unit_findings`:

1. **citation**: changed citation markers are an item of their own, even inside a changed
   claim; markers of versions from different sources number different articles and are not
   comparable (unimportant).
2. **boilerplate**: credits, bylines, call-outs (:mod:`parallax.core.boilerplate`):
   unimportant.
3. **equivalent**: equal once case, width, diacritics, punctuation, quote marks, digit grouping,
   number words, units and date formats are normalised: unimportant.
4. **facts** (:mod:`parallax.core.facts`): different names (entity), figures (number) or dates
   (date) given by every version are high; a short and a long form of one name ("ASML" /
   "ASML Holding") is unimportant, a near spelling low. A figure, date or name some versions
   give and another states *nowhere in the whole version* is an omission (medium); if the other
   version states it elsewhere, nothing is omitted.
5. **qualifiers**: the bound on a figure flips ("at least" / "up to") or a negation appears:
   high; hedges and attribution change ("expected to" / "could"): medium.
6. **wording**: what is left after facts, qualifiers and citations. Different content words:
   wording (low); content some versions add and another states nowhere: omission (medium);
   only function words or word order: unimportant.

A claim that some versions lack entirely (:func:`claim_omission`) is an omission only for the
versions that state it nowhere: its figures, dates and names and most of its content words are
looked for in the whole version, so a claim that moved, was split or merged is not omitted.
Text that moved within a claim (:func:`moved_finding`) is a date or figure attached to another
event (high) when it carries one and crosses a clause; otherwise an unimportant move.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from rapidfuzz.distance import Indel

from parallax.core.align import Row, Span, Unit, diff_key
from parallax.core.boilerplate import Boilerplate
from parallax.core.dates import date_spans
from parallax.core.document import Document
from parallax.core.entities import AliasTable, fold_name
from parallax.core.facts import (
    ATTRIBUTIONS,
    HEDGES,
    Fact,
    Profile,
    content_terms,
    find_facts,
    negations,
    profile,
    qualifier_words,
)
from parallax.core.quantities import find_quantities
from parallax.core.text import CITATION_RUN, PRONOUNS, fold, without_citations

if TYPE_CHECKING:
    from parallax.core.discrepancy import Kind, Severity, Tier

#: A claim is stated elsewhere by a version that gives all its facts and this share of its
#: content terms somewhere.
RESTATED = 0.6
#: ... or this share when the place also gives every figure and date of the claim.
RESTATED_WITH_FIGURES = 0.4
#: Content a version adds is an omission of the others when it has at least this many content
#: terms that the other version states nowhere.
OMITTED_TERMS = 3
#: Content some versions add in at most this many terms, without a figure, date, name or
#: qualifier, is an elaboration (unimportant).
SMALL_ADDITION = 2


@dataclass(frozen=True)
class StoryContext:
    """What the rules may consult about the story beyond the unit they classify."""

    documents: Sequence[Document]
    aliases: AliasTable
    known_names: tuple[frozenset[str], ...]
    segment_starts: tuple[frozenset[int], ...]
    boilerplate: Boilerplate
    row_of_segment: dict[tuple[int, int], int] = field(default_factory=dict)
    cell_facts: dict[tuple[int, int], list[Fact]] = field(default_factory=dict)
    profiles: dict[int, Profile] = field(default_factory=dict)
    segment_terms: dict[int, list[frozenset[str]]] = field(default_factory=dict)

    def term_sets(self, v: int) -> list[frozenset[str]]:
        """The distinct content terms of each claim of version ``v``."""
        found = self.segment_terms.get(v)
        if found is None:
            found = [frozenset(content_terms(s.text)) for s in self.documents[v].segments]
            self.segment_terms[v] = found
        return found

    def profile(self, v: int) -> Profile:
        """What version ``v`` states anywhere (read the first time an omission is checked)."""
        found = self.profiles.get(v)
        if found is None:
            document = self.documents[v]
            found = profile([document.title, document.body], aliases=self.aliases)
            self.profiles[v] = found
        return found


@dataclass
class Finding:
    """A discrepancy in the making: one span per version (``start is None`` when absent)."""

    kind: Kind
    severity: Severity
    row: int
    spans: tuple[Span, ...]
    tier: Tier = "reported"
    summary: str = ""
    lacking: frozenset[int] = frozenset()  # versions that state it nowhere (omissions)
    # What they omit, as ``(kind, key)`` -> how a stating version writes it; omissions that
    # share an omitted figure, date or name are one item.
    omitted: dict[tuple[str, Hashable], str] = field(default_factory=dict)
    rows: tuple[int | None, ...] = ()  # per version, a row other than ``row`` holding its span
    boilerplate: bool = False
    subject: str = ""  # what an omission leaves out, for its summary
    whole_claim: bool = False  # an omission of a whole claim, not of a fact inside one
    moved: frozenset[int] = frozenset()  # versions whose words sit elsewhere than the others'


# --- helpers ---------------------------------------------------------------------------------


def _present(unit: Unit) -> list[int]:
    return [v for v, here in enumerate(unit.present) if here]


def _absent(anchor: int | None) -> Span:
    return Span("", None, None, anchor)


def _anchor(span: Span) -> int | None:
    return span.start if span.start is not None else span.anchor


def _opens_sentence(context: StoryContext, v: int, start: int | None) -> bool:
    if start is None:
        return False
    body = context.documents[v].body
    position = start
    while position > 0 and body[position - 1].isspace():
        position -= 1
    if position == 0 or body[position - 1] in '.!?。！？-]"”':
        return True
    return start in context.segment_starts[v]


def _facts(context: StoryContext, v: int, span: Span) -> list[Fact]:
    if span.start is None or span.end is None:
        return []
    return find_facts(
        context.documents[v].body,
        span.start,
        span.end,
        opens_sentence=_opens_sentence(context, v, span.start),
        known=context.known_names[v],
        aliases=context.aliases,
    )


def _segment_facts(context: StoryContext, v: int, segment: int) -> list[Fact]:
    """The facts of one claim of version ``v`` (read once, then remembered)."""
    key = (v, segment)
    found = context.cell_facts.get(key)
    if found is None:
        claim = context.documents[v].segments[segment]
        found = _facts(context, v, Span(claim.text, claim.start, claim.end))
        context.cell_facts[key] = found
    return found


def unit_facts(context: StoryContext, row: Row, v: int, span: Span) -> list[Fact]:
    """The facts of version ``v`` that a unit's span touches, read in the context of their
    whole claim: a unit "City" holds the name "Shizuoka City", not a name "City"."""
    if span.start is None or span.end is None:
        return []
    cell = row.cells[v]
    if not cell.segments:
        return _facts(context, v, span)
    return [
        fact
        for segment in cell.segments
        for fact in _segment_facts(context, v, segment)
        if fact.start < span.end and span.start < fact.end
    ]


def _covering(span: Span, body: str, pieces: Sequence[tuple[int, int]]) -> Span:
    """The smallest span of ``body`` holding every piece (or ``span`` when none)."""
    if not pieces:
        return span
    start = min(s for s, _ in pieces)
    end = max(e for _, e in pieces)
    return Span(body[start:end], start, end, start)


# --- 1. citations ----------------------------------------------------------------------------


def _citation_runs(span: Span) -> list[tuple[int, int, str]]:
    if span.start is None:
        return []
    return [
        (span.start + m.start(), span.start + m.end(), re.sub(r"\s+", "", m.group()))
        for m in CITATION_RUN.finditer(span.text)
    ]


def citation_finding(context: StoryContext, row: Row, unit: Unit) -> Finding | None:
    """Changed citation markers, as an item of their own."""
    present = _present(unit)
    runs = {v: _citation_runs(unit.spans[v]) for v in present}
    if len({tuple(text for _, _, text in runs[v]) for v in present}) <= 1:
        return None
    spans = []
    for v, span in enumerate(unit.spans):
        if v not in runs:
            spans.append(span)
        elif runs[v]:
            body = context.documents[v].body
            spans.append(_covering(span, body, [(s, e) for s, e, _ in runs[v]]))
        else:
            spans.append(_absent(span.end if span.end is not None else span.anchor))
    sources = {context.documents[v].source for v in present}
    comparable = len(sources) <= 1
    return Finding(
        "citation",
        "medium" if comparable else "low",
        row.index,
        tuple(spans),
        tier="reported" if comparable else "unimportant",
    )


# --- 3. equivalence --------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)


@lru_cache(maxsize=8192)
def equivalent_form(text: str) -> str:
    """``text`` with everything that does not change its meaning normalised away: citation
    markers, case, width, punctuation, quote marks, spacing; figures
    written as their value and unit ("15 km" = "15 kilometers" = "15,000 m"; "four" = "4";
    "$1.2bn" = "$1.2 billion"); dates as their value ("March 4" = "4 March"; "1月23日")."""
    text = CITATION_RUN.sub(" ", text)
    pieces: list[tuple[int, int, str]] = []
    for value, start, end in date_spans(text):
        pieces.append((start, end, " @" + "-".join(part for part in value if part) + " "))
    for quantity in find_quantities(text):
        if any(s < quantity.end and quantity.start < e for s, e, _ in pieces):
            continue
        unit = quantity.unit or ""
        pieces.append((quantity.start, quantity.end, f" #{quantity.value:g}{unit} "))
    out, cursor = [], 0
    for start, end, replacement in sorted(pieces):
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    # Diacritics and hyphens inside names are kept: "Chikyū"/"Chikyu" is a spelling variant.
    words = _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", "".join(out)).casefold())
    return " ".join(words.split())


@lru_cache(maxsize=8192)
def spelling_form(text: str) -> str:
    """``text`` folded as spelling variants of one word are: case, width, diacritics, hyphens
    and apostrophes removed ("Chikyū" = "Chikyu", "Minami-Torishima" = "Minami-Tori-shima")."""
    return "".join(diff_key(word) for word in _PUNCTUATION.sub(" ", text).split())


def _equivalence_kind(texts: list[str]) -> Kind:
    if any(find_quantities(t) for t in texts):
        return "number"
    if any(date_spans(t) for t in texts):
        return "date"
    return "spelling"


# --- 4. facts --------------------------------------------------------------------------------


_POSSESSIVE = re.compile(r"['’]s?$")


def _name_relation(first: set[str], second: set[str]) -> str:
    """How two sets of differing names (as written) relate: ``forms`` (short and long forms of
    the same names), ``spelling`` (near spellings) or ``different``."""
    a = {fold_name(n) for n in first}
    b = {fold_name(n) for n in second}
    if not a or not b:
        return "different"

    def same_entity(x: str, y: str) -> bool:
        return len(min(x, y, key=len)) >= 3 and (x in y or y in x)

    if a == b:
        return "spelling"  # equal once case, diacritics, hyphens and spaces are folded
    if all(any(same_entity(x, y) for y in b) for x in a) and all(
        any(same_entity(y, x) for x in a) for y in b
    ):
        return "forms"
    words_a = {fold(n) for n in first}
    words_b = {fold(n) for n in second}
    if all(any(_spelled_alike(x, y) for y in words_b) for x in words_a):
        return "spelling"
    return "different"


def _spelled_alike(first: str, second: str) -> bool:
    """Two names written alike word by word ("Abouyacoub"/"Abouyaaqoub"); a word replaced in
    a long name ("... Response Team" / "... Review Team") makes another entity."""
    one, two = first.split(), second.split()
    if len(one) != len(two):
        return len(one) == len(two) == 1 and Indel.normalized_similarity(first, second) >= 0.8
    return all(Indel.normalized_similarity(x, y) >= 0.75 for x, y in zip(one, two, strict=True))


def _numbers_differ(first: Counter[Hashable], second: Counter[Hashable]) -> bool:
    """True when two multisets of (value, unit) disagree beyond a unit one of them omits."""
    # A figure's key is (value, unit) (facts.find_facts).
    a = cast("Counter[tuple[float, str | None]]", first - second)
    b = cast("Counter[tuple[float, str | None]]", second - first)
    for value, unit in list(a):
        if unit is None and any(v == value for v, _ in b):
            a.pop((value, unit))
            b.pop(next(k for k in b if k[0] == value))
    for value, unit in list(b):
        if unit is None and any(v == value for v, _ in a):
            b.pop((value, unit))
            a.pop(next(k for k in a if k[0] == value))
    return bool(a or b)


def _dates_differ(first: Counter[Hashable], second: Counter[Hashable]) -> bool:
    """True when two multisets of dates disagree beyond a year one of them leaves out."""
    # A date's key is a tuple of its parts (dates.date_spans).
    a = cast("list[tuple[str, ...]]", list((first - second).elements()))
    b = cast("list[tuple[str, ...]]", list((second - first).elements()))
    if len(a) != len(b):
        return True
    for x in a:
        match = next(
            (y for y in b if all(p == q or not p or not q for p, q in zip(x, y, strict=False))),
            None,
        )
        if match is None or len(x) != len(match):
            return True
        b.remove(match)
    return False


def fact_findings(
    context: StoryContext, row: Row, unit: Unit, facts: dict[int, list[Fact]]
) -> list[Finding]:
    """Changed names, figures and dates, and those some versions state nowhere."""
    findings: list[Finding] = []
    present = _present(unit)
    labels: tuple[tuple[str, Kind], ...] = (
        ("date", "date"),
        ("number", "number"),
        ("name", "entity"),
    )
    by_kind: dict[str, dict[int, Counter[Hashable]]] = {kind: {} for kind, _ in labels}
    for v in present:
        for kind, _ in labels:
            by_kind[kind][v] = Counter()
        for fact in facts[v]:
            if fact.kind in by_kind:
                by_kind[fact.kind][v][fact.key] += 1
    for kind, label in labels:
        keys = by_kind[kind]
        if len({frozenset(k.items()) for k in keys.values()}) <= 1:
            if kind == "name" and any(keys.values()) and _written_differently(context, facts):
                # One entity by the alias file, written another way ("高市早苗" / "Takaichi").
                findings.append(Finding("spelling", "low", row.index, unit.spans))
            continue
        having = [v for v in present if keys[v]]
        without = [v for v in present if not keys[v]]
        if len(having) >= 2:
            change = _fact_change(context, row, unit, facts, kind, label, keys, having)
            if change is not None:
                findings.append(change)
        if having and without:
            omission = _fact_omission(context, row, unit, facts, kind, keys, having, without)
            if omission is not None:
                findings.append(omission)
    return findings


def _written_differently(context: StoryContext, facts: dict[int, list[Fact]]) -> bool:
    written = {
        tuple(
            fold_name(context.documents[v].body[f.start : f.end]) for f in found if f.kind == "name"
        )
        for v, found in facts.items()
    }
    return len(written) > 1


def _fact_change(
    context: StoryContext,
    row: Row,
    unit: Unit,
    facts: dict[int, list[Fact]],
    kind: str,
    label: Kind,
    keys: dict[int, Counter[Hashable]],
    having: list[int],
) -> Finding | None:
    distinct = {frozenset(keys[v].items()) for v in having}
    if len(distinct) <= 1:
        return None
    groups = [Counter(dict(d)) for d in distinct]
    if kind == "number" and not any(
        _numbers_differ(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]
    ):
        return None
    if kind == "date" and not any(
        _dates_differ(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]
    ):
        return None
    severity: Severity = "high"
    tier: Tier = "reported"
    finding_kind = label
    if kind == "name":
        shared = set.intersection(*(set(keys[v]) for v in having))
        written = {
            v: {
                _POSSESSIVE.sub("", context.documents[v].body[f.start : f.end])
                for f in facts[v]
                if f.kind == "name" and f.key not in shared
            }
            for v in having
        }
        relations = {
            _name_relation(written[a], written[b])
            for i, a in enumerate(having)
            for b in having[i + 1 :]
            if keys[a] != keys[b]
        }
        if relations == {"forms"}:
            finding_kind, severity, tier = "entity", "low", "unimportant"
        elif relations <= {"forms", "spelling"}:
            finding_kind, severity = "spelling", "low"
    common = set.intersection(*(set(keys[v]) for v in having))
    spans = []
    for v, span in enumerate(unit.spans):
        if v in having:
            body = context.documents[v].body
            pieces = [(f.start, f.end) for f in facts[v] if f.kind == kind and f.key not in common]
            spans.append(_covering(span, body, pieces or [(f.start, f.end) for f in facts[v]]))
        else:
            spans.append(span)
    return Finding(finding_kind, severity, row.index, tuple(spans), tier=tier)


def _fact_omission(
    context: StoryContext,
    row: Row,
    unit: Unit,
    facts: dict[int, list[Fact]],
    kind: str,
    keys: dict[int, Counter[Hashable]],
    having: list[int],
    without: list[int],
) -> Finding | None:
    if kind == "name":
        # A pronoun in the other versions refers to the name ("Japan's" / "its").
        without = [v for v in without if not _is_pronoun(unit.spans[v].text)]
    given = {key for v in having for key in keys[v]}
    unstated = {
        key for key in given if any(not context.profile(v).states_fact(kind, key) for v in without)
    }
    lacking = frozenset(
        v for v in without if any(not context.profile(v).states_fact(kind, k) for k in unstated)
    )
    if not lacking:
        return None
    spans = []
    omitted: dict[tuple[str, Hashable], str] = {}
    for v, span in enumerate(unit.spans):
        if v in having:
            body = context.documents[v].body
            chosen = [f for f in facts[v] if f.kind == kind and f.key in unstated]
            for fact in chosen:
                omitted.setdefault((kind, fact.key), body[fact.start : fact.end])
            spans.append(_covering(span, body, [(f.start, f.end) for f in chosen]))
        elif v in lacking:
            spans.append(_absent(_anchor(span)))
        else:
            spans.append(span)
    return Finding("omission", "medium", row.index, tuple(spans), lacking=lacking, omitted=omitted)


def _is_pronoun(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text.lower())
    return 0 < len(words) <= 2 and all(word in PRONOUNS for word in words)


# --- 5. qualifiers ---------------------------------------------------------------------------


def qualifier_finding(
    context: StoryContext, row: Row, unit: Unit, facts: dict[int, list[Fact]]
) -> Finding | None:
    """A figure's bound that changes, a negation, a hedge or an attribution."""
    present = _present(unit)
    bounds: dict[Hashable, dict[int, set[str | None]]] = {}
    for v in present:
        for fact in [*facts[v], *_figures_after(context, row, v, unit.spans[v])]:
            if fact.kind == "number":
                bounds.setdefault(fact.key, {}).setdefault(v, set()).add(fact.bound)
    severity: Severity | None = None
    for per_version in bounds.values():
        if len(per_version) < 2:
            continue
        seen = {frozenset(b) for b in per_version.values()}
        if len(seen) > 1:
            flat = set().union(*seen)
            severity = "high" if {"lower", "upper"} <= flat else (severity or "medium")
    texts = {v: without_citations(unit.spans[v].text) for v in present}
    if len({negations(t) for t in texts.values()}) > 1:
        severity = "high"
    words = {
        v: frozenset(w for w in qualifier_words(t) if w in HEDGES or w in ATTRIBUTIONS)
        for v, t in texts.items()
    }
    if severity is None and len(set(words.values())) > 1:
        severity = "medium"
    if severity is None:
        return None
    return Finding("qualifier", severity, row.index, unit.spans)


def _figures_after(context: StoryContext, row: Row, v: int, span: Span) -> list[Fact]:
    """Figures that start right after a unit: the unit may be the qualifier in front of one
    ("at least" / "up to" before "18 months")."""
    end = span.end if span.end is not None else span.anchor
    cell = row.cells[v]
    if end is None or not cell.segments:
        return []
    body = context.documents[v].body
    return [
        fact
        for segment in cell.segments
        for fact in _segment_facts(context, v, segment)
        if fact.kind == "number" and end <= fact.start and not body[end : fact.start].strip()
    ]


# --- 6. wording ------------------------------------------------------------------------------


def _residual_terms(text: str) -> Counter[str]:
    terms = Counter(content_terms(text))
    for term in list(terms):
        if term[0] in "#@":
            del terms[term]
    return terms


def _without_facts(context: StoryContext, v: int, span: Span, facts: list[Fact]) -> str:
    """The span's text with its figures, dates and names blanked out."""
    if span.start is None:
        return ""
    text = span.text
    for fact in facts:
        start, end = max(fact.start - span.start, 0), min(fact.end - span.start, len(text))
        if start < end:
            text = text[:start] + " " * (end - start) + text[end:]
    return without_citations(text)


def _stated_nearby(context: StoryContext, row: Row, v: int, terms: Collection[str]) -> bool:
    """True when version ``v`` states every one of ``terms`` in its claim in ``row`` or in the
    claims either side of it (where a split or merged sentence puts the rest of its words)."""
    segments = row.cells[v].segments
    if not segments:
        return not terms
    sets = context.term_sets(v)
    first, last = max(min(segments) - 1, 0), min(max(segments) + 1, len(sets) - 1)
    nearby = sets[first : last + 1]
    return all(any(term in found for found in nearby) for term in terms)


def wording_finding(
    context: StoryContext,
    row: Row,
    unit: Unit,
    facts: dict[int, list[Fact]],
    *,
    others: bool,
) -> Finding | None:
    """What remains once facts, qualifiers and citations are accounted for."""
    present = _present(unit)
    texts = {v: _without_facts(context, v, unit.spans[v], facts[v]) for v in present}
    terms = {v: _residual_terms(t) for v, t in texts.items()}
    if len({frozenset(t.items()) for t in terms.values()}) <= 1:
        if others:
            return None
        return Finding("wording", "low", row.index, unit.spans, tier="unimportant")
    union: Counter[str] = Counter()
    for t in terms.values():
        union |= t
    lacking = frozenset(
        v
        for v in present
        if not terms[v] and len(context.profile(v).states_words(union)) >= OMITTED_TERMS
    )
    if lacking:
        spans = tuple(
            _absent(_anchor(span)) if v in lacking else span for v, span in enumerate(unit.spans)
        )
        return Finding("omission", "medium", row.index, spans, lacking=lacking)
    missing = {
        v: [t for t in context.profile(v).states_words(union) if t not in terms[v]] for v in present
    }
    if others and sum(len(m) for m in missing.values()) <= 2:
        return None
    if not others and all(_stated_nearby(context, row, v, union) for v in present):
        # Every version states these words in this claim or the next to it: reordered, or
        # restated across a split, not reworded.
        return Finding("wording", "low", row.index, unit.spans, tier="unimportant")
    if others and not any(missing.values()):
        return None
    if any(not terms[v] for v in present) and len(union) <= SMALL_ADDITION:
        # A word or two some versions add ("Japanese automaker Nissan"): an elaboration.
        return Finding("wording", "low", row.index, unit.spans, tier="unimportant")
    return Finding("wording", "low", row.index, unit.spans)


# --- a unit, in rule order -------------------------------------------------------------------


def unit_findings(context: StoryContext, row: Row, unit: Unit) -> list[Finding]:
    """Every finding of one variation unit of a claim row, in rule order."""
    findings: list[Finding] = []
    present = _present(unit)
    citation = citation_finding(context, row, unit)
    if citation is not None:
        findings.append(citation)
    texts = [without_citations(unit.spans[v].text) for v in present]
    if len(set(texts)) <= 1:
        return findings
    if any(t and context.boilerplate.covers(t) for t in texts):
        findings.append(
            Finding("wording", "low", row.index, unit.spans, tier="unimportant", boilerplate=True)
        )
        return findings
    if len({equivalent_form(t) for t in texts}) == 1:
        kind = _equivalence_kind(texts)
        findings.append(Finding(kind, "low", row.index, unit.spans, tier="unimportant"))
        return findings
    if len({spelling_form(t) for t in texts}) == 1:
        findings.append(Finding("spelling", "low", row.index, unit.spans))
        return findings
    facts = {v: unit_facts(context, row, v, unit.spans[v]) for v in present}
    found = fact_findings(context, row, unit, facts)
    if found:
        # A changed or omitted fact is the difference; the words around it are its wording.
        return findings + found
    wording = wording_finding(context, row, unit, facts, others=False)
    if wording is not None and wording.kind == "omission":
        # A clause some versions add and the others state nowhere is omitted by them, even
        # when a hedge is among its words ("with viability projected to take a decade").
        return [*findings, wording]
    qualifier = qualifier_finding(context, row, unit, facts)
    if qualifier is not None:
        return [*findings, *found, qualifier]
    if wording is not None:
        found.append(wording)
    return findings + found


# --- claims some versions lack ---------------------------------------------------------------


def claim_omission(context: StoryContext, row: Row) -> Finding | None:
    """A claim some versions lack: an omission by those that state it nowhere."""
    documents = context.documents
    stating = [v for v, cell in enumerate(row.cells) if not cell.is_gap]
    gaps = [v for v, cell in enumerate(row.cells) if cell.is_gap]
    texts = [documents[v].body[row.cells[v].start : row.cells[v].end] for v in stating]
    if all(context.boilerplate.covers(t) for t in texts):
        spans = _claim_spans(context, row, {})
        return Finding("omission", "low", row.index, spans, tier="unimportant", boilerplate=True)
    claim_facts: dict[tuple[str, Hashable], str] = {}
    for v in stating:
        body = documents[v].body
        for segment in row.cells[v].segments:
            for fact in _segment_facts(context, v, segment):
                claim_facts.setdefault((fact.kind, fact.key), body[fact.start : fact.end])
    terms = max((content_terms(t) for t in texts), key=len)
    lacking = set()
    elsewhere: dict[int, tuple[int, int, int]] = {}
    for v in gaps:
        stated = context.profile(v)
        states_facts = all(stated.states_fact(kind, key) for kind, key in claim_facts)
        figures = {key for key in claim_facts if key[0] in ("number", "date")}
        place = _restatement(context, v, terms, figures) if states_facts else None
        if place is not None:
            elsewhere[v] = place
        else:
            lacking.add(v)
    if not lacking:
        return None
    spans = _claim_spans(context, row, elsewhere)
    rows = tuple(
        context.row_of_segment.get((v, elsewhere[v][2])) if v in elsewhere else None
        for v in range(len(row.cells))
    )
    return Finding(
        "omission",
        "medium",
        row.index,
        spans,
        lacking=frozenset(lacking),
        omitted=claim_facts,
        whole_claim=True,
        rows=rows,
    )


def _claim_spans(
    context: StoryContext, row: Row, elsewhere: dict[int, tuple[int, int, int]]
) -> tuple[Span, ...]:
    spans = []
    for v, cell in enumerate(row.cells):
        body = context.documents[v].body
        if not cell.is_gap:
            spans.append(Span(body[cell.start : cell.end], cell.start, cell.end, cell.start))
        elif v in elsewhere:
            start, end, _ = elsewhere[v]
            spans.append(Span(body[start:end], start, end, start))
        else:
            spans.append(Span("", None, None))
    return tuple(spans)


def _restatement(
    context: StoryContext,
    v: int,
    terms: tuple[str, ...],
    figures: set[tuple[str, Hashable]],
) -> tuple[int, int, int] | None:
    """Where version ``v`` says the same as a claim: one claim, or two adjacent ones (a split),
    holding at least :data:`RESTATED` of its content terms, or :data:`RESTATED_WITH_FIGURES`
    when it also gives all the claim's figures and dates. Returns ``(start, end, first
    segment)``, or ``None`` when no place does (words scattered over the version do not
    restate a claim)."""
    wanted = set(terms)
    if not wanted:
        return None
    segments = context.documents[v].segments
    sets = context.term_sets(v)
    best, best_share = None, 0.0
    for i, segment in enumerate(segments):
        for width in (1, 2):
            if i + width > len(segments):
                break
            have = set().union(*sets[i : i + width])
            share = len(wanted & have) / len(wanted)
            if share >= RESTATED_WITH_FIGURES and figures:
                given = {
                    (fact.kind, fact.key)
                    for s in range(i, i + width)
                    for fact in _segment_facts(context, v, s)
                }
                if figures <= given:
                    share = max(share, RESTATED)
            if share > best_share + 1e-9:
                best, best_share = (segment.start, segments[i + width - 1].end, i), share
    return best if best_share >= RESTATED else None


# --- text that moved within a claim ----------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s(?:and|but|or|while|after|before|with|which|who)\s")


def moved_finding(context: StoryContext, row: Row, a: Unit, b: Unit) -> Finding:
    """The same words at different places of one claim in different versions."""
    spans = tuple(x if x.text else y for x, y in zip(a.spans, b.spans, strict=True))
    text = next(s.text for s in spans if s.text)
    # In a version that has the words in ``a``: what lies between them and where the other
    # versions have them.
    v = next(v for v, s in enumerate(a.spans) if s.text)
    here, there = a.spans[v], b.spans[v].anchor
    body = context.documents[v].body
    between = ""
    if there is not None and here.start is not None and here.end is not None:
        between = body[here.end : there] if there >= here.end else body[there : here.start]
    crosses = bool(_CLAUSE_BREAK.search(between))
    # The versions with the words in the less common place are the ones that moved them.
    in_a = frozenset(v for v, s in enumerate(a.spans) if s.text)
    in_b = frozenset(v for v, s in enumerate(b.spans) if s.text)
    movers = in_a if len(in_a) < len(in_b) else in_b if len(in_b) < len(in_a) else frozenset()
    summary = f"“{' '.join(text.split())}” attaches to a different part of the claim: " + (
        " vs ".join(
            f"“…{_context_words(context.documents[v].body, span)}…” (#{context.documents[v].index})"
            for v, span in _distinct_contexts(context, spans, unit_present=a.present)
        )
    )
    if date_spans(text) and crosses:
        return Finding("date", "high", row.index, spans, summary=summary, moved=movers)
    if find_quantities(text) and crosses:
        return Finding("number", "high", row.index, spans, summary=summary, moved=movers)
    return Finding(
        "wording", "low", row.index, spans, tier="unimportant", summary=summary, moved=movers
    )


def _context_words(body: str, span: Span, words: int = 4) -> str:
    """The span with a few words of the body on each side, on one line."""
    if span.start is None or span.end is None:
        return span.text
    before = body[: span.start].split()[-words:]
    after = body[span.end :].split()[:words]
    return " ".join([*before, " ".join(span.text.split()), *after])


def _distinct_contexts(
    context: StoryContext, spans: tuple[Span, ...], *, unit_present: tuple[bool, ...]
) -> list[tuple[int, Span]]:
    seen: dict[str, tuple[int, Span]] = {}
    for v, span in enumerate(spans):
        if unit_present[v] and span.start is not None:
            key = _context_words(context.documents[v].body, span)
            seen.setdefault(key, (v, span))
    return list(seen.values())

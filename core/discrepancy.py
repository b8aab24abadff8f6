"""Name every discrepancy between the aligned versions of a story, and say what it costs.

The rules live in :mod:`parallax.core.classify` (read its docstring for their order); this
module runs them over a story's rows, keeps one item per real difference, and builds the
models.

**Severity** says what a difference costs if published: ``high`` when the versions cannot all
be true (a different person, figure or date, a negation, a figure's bound that flips); ``medium``
for attribution, hedging, citation markers and a fact or claim some versions state nowhere;
``low`` for meaning-preserving rewording, spelling variants of one name and metadata.

**Tier**: equivalent variants (case, punctuation, number and date formats, a short and long
form of one name, function-word swaps, text that moved without changing what it says) and
boilerplate (credits, bylines, call-outs) are ``unimportant``: kept, shown on request, never
counted. All boilerplate of a story is collapsed into one item.

**One item per real difference**: an omitted fact is reported once however many rows mention
it; a changed citation is its own item even inside a changed claim; each item carries its
readings grouped with their version counts (``groups``) and the versions whose reading sits
elsewhere in the story (``moved``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from typing import Literal, get_args

from pydantic import Field
from rapidfuzz.distance import Indel

from parallax.core.align import (
    Alignment,
    Row,
    Span,
    Unit,
    cell_tokens,
    diff_key,
    variation_units,
)
from parallax.core.boilerplate import Boilerplate
from parallax.core.classify import (
    Finding,
    StoryContext,
    claim_omission,
    equivalent_form,
    moved_finding,
    unit_findings,
)
from parallax.core.document import Document, Frozen, trusted
from parallax.core.entities import AliasTable, names_used_mid_sentence
from parallax.core.text import fold, without_citations

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


class Reading(Frozen):
    """What one version says at a discrepancy: its exact text and offsets, or nothing.

    ``field`` says which text the offsets index: the body, or a metadata field. ``anchor`` is
    where absent text would sit in the version's body, when the version has the claim.
    ``row`` is the alignment row holding the text when it is not the discrepancy's own (a
    version that states an omitted fact elsewhere).
    """

    document: str
    text: str
    start: int | None
    end: int | None
    field: Literal["body", "title", "source", "published"] = "body"
    anchor: int | None = None
    row: int | None = None


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


def find_discrepancies(
    documents: Sequence[Document],
    alignment: Alignment,
    *,
    cluster: str = "",
    aliases: AliasTable | None = None,
    boilerplate: Boilerplate | None = None,
) -> list[Discrepancy]:
    """Every discrepancy of an aligned story, in row order.

    ``boilerplate`` holds the sentences the corpus repeats under many stories
    (:func:`parallax.core.boilerplate.recurring_sentences`); without it only the shapes of
    credits, bylines and call-outs are recognised.
    """
    aliases = aliases or AliasTable()
    known = tuple(names_used_mid_sentence(d.body) for d in documents)
    context = StoryContext(
        documents=documents,
        aliases=aliases,
        known_names=known,
        segment_starts=tuple(frozenset(s.start for s in d.segments) for d in documents),
        boilerplate=boilerplate or Boilerplate(),
        row_of_segment={
            (v, segment): row.index
            for row in alignment.rows
            if row.kind == "claim"
            for v, cell in enumerate(row.cells)
            for segment in cell.segments
        },
    )
    findings: list[Finding] = []
    for row in alignment.rows:
        findings.extend(_row_findings(context, row))
    findings = _merge_paragraphs(context, findings)
    findings = _merge_omissions(findings)
    findings = _collapse_boilerplate(findings)
    rows = {row.index: row for row in alignment.rows}
    return [_build(context, rows[f.row], f, cluster) for f in findings]


# --- rows ------------------------------------------------------------------------------------


def _row_findings(context: StoryContext, row: Row) -> list[Finding]:
    if row.kind in ("title", "source", "published"):
        return _metadata_findings(context, row)
    if _same_everywhere(context.documents, row):
        return []  # most rows of most stories: nothing to diff
    units = variation_units(context.documents, row)
    if row.kind == "section":
        # A heading names a part of the story; it asserts nothing.
        return [Finding("wording", "low", row.index, u.spans, tier="unimportant") for u in units]
    findings: list[Finding] = []
    if any(cell.is_gap for cell in row.cells):
        omission = claim_omission(context, row)
        if omission is not None:
            findings.append(omission)
    moved = _moves(units)
    consumed: set[int] = set()
    for i, unit in enumerate(units):
        if i in consumed:
            continue
        partner = moved.get(i)
        if partner is not None:
            consumed.add(partner)
            findings.append(moved_finding(context, row, unit, units[partner]))
            continue
        findings.extend(unit_findings(context, row, unit))
    findings = _join_omitted_facts(context, findings)
    if sum(_soft(f) for f in findings) >= 2 and _reworded(context.documents, row):
        return _coalesce(context, findings, gap=REWRITTEN_GAP)
    return _coalesce(context, findings, gap=EDITED_GAP)


def _same_everywhere(documents: Sequence[Document], row: Row) -> bool:
    """True when every version has the row's text, character for character."""
    first = None
    for document, cell in zip(documents, row.cells, strict=True):
        if cell.start is None:
            return False
        text = document.body[cell.start : cell.end]
        if first is None:
            first = text
        elif text != first:
            return False
    return True


#: Below this similarity of their word sequences, a claim's versions are rewritten rather
#: than edited: hedges and wording changes further apart still belong to one rewording.
REWRITTEN = 0.6
#: Hedge and wording changes at most this many words apart are one item (edited claims)...
EDITED_GAP = 3
#: ... and in rewritten claims.
REWRITTEN_GAP = 6


def _reworded(documents: Sequence[Document], row: Row) -> bool:
    sequences = [
        [diff_key(token.text) for token in cell_tokens(document, row, cell)]
        for document, cell in zip(documents, row.cells, strict=True)
        if not cell.is_gap
    ]
    if len(sequences) < 2:
        return False
    first = sequences[0]
    return any(Indel.normalized_similarity(first, other) < REWRITTEN for other in sequences[1:])


def _metadata_findings(context: StoryContext, row: Row) -> list[Finding]:
    units = variation_units(context.documents, row)
    findings = []
    for unit in units:
        here = [s for s, p in zip(unit.spans, unit.present, strict=True) if p]
        texts = [s.text for s in here if s.text]
        equal = len({equivalent_form(_without_site(t)) for t in texts}) <= 1 and all(
            s.text for s in here
        )
        findings.append(
            Finding(
                "metadata",
                "low",
                row.index,
                unit.spans,
                tier="unimportant" if equal else "reported",
            )
        )
    return findings


def _without_site(title: str) -> str:
    """A title without a trailing site name ("… | CBC News", "… - World - CBC News")."""
    for separator in (" | ", " - ", " – ", " — "):
        parts = title.split(separator)
        while len(parts) > 1 and len(parts[-1].split()) <= 4:
            parts.pop()
        title = separator.join(parts)
    return title


def _moves(units: list[Unit]) -> dict[int, int]:
    """Pairs of units where the same text sits in different places of different versions."""
    signatures = [_move_signature(unit) for unit in units]
    pairs: dict[int, int] = {}
    for i, first in enumerate(signatures):
        if i in pairs or first is None:
            continue
        for j in range(i + 1, len(units)):
            second = signatures[j]
            if j in pairs or second is None:
                continue
            if first[0] == second[0] and all(
                x != y for x, y in zip(first[1], second[1], strict=True)
            ):
                pairs[i], pairs[j] = j, i
                break
    return pairs


def _move_signature(unit: Unit) -> tuple[str, tuple[bool, ...]] | None:
    """The one text a unit holds in some versions, and which versions hold it; ``None`` when
    its versions hold different texts (it cannot be half of a move)."""
    texts = {fold(s.text) for s, p in zip(unit.spans, unit.present, strict=True) if p and s.text}
    if len(texts) != 1:
        return None
    has = tuple(bool(s.text) for s, p in zip(unit.spans, unit.present, strict=True) if p)
    return next(iter(texts)), has


def _coalesce(context: StoryContext, findings: list[Finding], *, gap: int) -> list[Finding]:
    """Join hedge and wording changes at most ``gap`` words apart: one rewritten phrase, one
    item (a qualifier if a hedge changed in it)."""
    out: list[Finding] = []
    for finding in findings:
        last = _soft_neighbour(context.documents, out, finding, gap)
        if last is not None:
            # The chain of changes between them was checked: the span covers them all.
            joined = _join(context.documents, last.spans, finding.spans, None)
            if joined is not None:
                last.spans = joined
                if finding.kind == "qualifier":
                    last.kind, last.severity = "qualifier", "medium"
                continue
        out.append(finding)
    return out


def _join_omitted_facts(context: StoryContext, findings: list[Finding]) -> list[Finding]:
    """Facts the same versions omit from one stretch of a claim, at most ``EDITED_GAP`` words
    apart, are one omission ("$55 million to settle a U.S. Justice Department lawsuit")."""
    out: list[Finding] = []
    for finding in findings:
        last = out[-1] if out else None
        if (
            last is not None
            and finding.kind == last.kind == "omission"
            and not (finding.whole_claim or last.whole_claim)
            and finding.omitted
            and last.omitted
            and finding.lacking == last.lacking
        ):
            joined = _join(context.documents, last.spans, finding.spans, EDITED_GAP)
            if joined is not None:
                # The versions that lack both still have nothing there.
                last.spans = tuple(
                    before if v in last.lacking else span
                    for v, (before, span) in enumerate(zip(last.spans, joined, strict=True))
                )
                last.omitted.update(finding.omitted)
                continue
        out.append(finding)
    return out


def _soft_neighbour(
    documents: Sequence[Document], out: list[Finding], finding: Finding, gap: int
) -> Finding | None:
    """The hedge or wording change ``finding`` joins: the last reported one, when a chain of
    changes each at most ``gap`` unchanged words from the next leads to it (a hidden change in
    between is still part of the rewritten phrase)."""
    if not _soft(finding):
        return None
    after = finding
    for before in reversed(out):
        if _join(documents, before.spans, after.spans, gap) is None:
            return None
        if before.tier == "reported":
            return before if _soft(before) else None
        after = before
    return None


def _soft(finding: Finding) -> bool:
    return finding.tier == "reported" and (
        finding.kind == "wording" or (finding.kind == "qualifier" and finding.severity == "medium")
    )


def _join(
    documents: Sequence[Document],
    first: tuple[Span, ...],
    second: tuple[Span, ...],
    gap: int | None,
) -> tuple[Span, ...] | None:
    spans = []
    for document, a, b in zip(documents, first, second, strict=True):
        begin = a.start if a.start is not None else a.anchor
        finish = b.end if b.end is not None else b.anchor
        middle_from = a.end if a.end is not None else a.anchor
        middle_to = b.start if b.start is not None else b.anchor
        if begin is None and finish is None:
            spans.append(a)
            continue
        if None in (begin, finish, middle_from, middle_to):
            return None
        assert begin is not None and finish is not None
        assert middle_from is not None and middle_to is not None
        if gap is not None and len(document.body[middle_from:middle_to].split()) > gap:
            return None
        if finish <= begin:
            spans.append(Span("", None, None, begin))
        else:
            spans.append(Span(document.body[begin:finish], begin, finish, begin))
    return tuple(spans)


# --- one item per difference -----------------------------------------------------------------


def _merge_omissions(findings: list[Finding]) -> list[Finding]:
    """An omitted figure, date or name is one item, however many rows mention it: omissions
    that share one are merged into the first, absent from every version that lacks it."""
    out: list[Finding] = []
    for finding in findings:
        if finding.kind == "omission" and finding.omitted:
            twin = next(
                (kept for kept in out if kept.kind == "omission" and _one_omission(kept, finding)),
                None,
            )
            if twin is not None:
                shared = _figures(twin.omitted.keys() & finding.omitted.keys()) or set(
                    finding.omitted
                )
                # The item is now about what both omit (absent wherever either lacks it).
                twin.subject = twin.subject or ", ".join(
                    twin.omitted[key] for key in sorted(shared, key=str)
                )
                if twin.lacking != finding.lacking:
                    twin.lacking |= finding.lacking
                    twin.spans = tuple(
                        Span("", None, None, span.anchor) if v in twin.lacking else span
                        for v, span in enumerate(twin.spans)
                    )
                for key, text in finding.omitted.items():
                    twin.omitted.setdefault(key, text)
                continue
        out.append(finding)
    return out


def _merge_paragraphs(context: StoryContext, findings: list[Finding]) -> list[Finding]:
    """Claims omitted together from one paragraph (or bullet) are one omission: a paragraph
    some versions add is one difference, however many sentences it has."""
    out: list[Finding] = []
    for finding in findings:
        last = _last_claim_omission(out)
        if (
            last is not None
            and finding.whole_claim
            and finding.lacking == last.lacking
            and _same_paragraph(context, last, finding)
        ):
            last.spans = tuple(
                Span(context.documents[v].body[a.start : b.end], a.start, b.end, a.start)
                if a.start is not None and b.start is not None and b.end is not None
                else a
                for v, (a, b) in enumerate(zip(last.spans, finding.spans, strict=True))
            )
            last.omitted.update(finding.omitted)
            continue
        out.append(finding)
    return out


def _last_claim_omission(findings: list[Finding]) -> Finding | None:
    """The last finding if it omits a whole claim, or that omission when only findings inside
    the omitted claim (its own row: a quote mark the stating versions spell two ways) follow
    it; these do not separate it from the next claim omitted with it."""
    for finding in reversed(findings):
        if finding.row != findings[-1].row:
            return None
        if finding.whole_claim:
            return finding
    return None


def _same_paragraph(context: StoryContext, first: Finding, second: Finding) -> bool:
    """True when, in every version stating both, ``second`` directly follows ``first`` in the
    same paragraph; and the same versions state each."""
    stating = False
    for v, (a, b) in enumerate(zip(first.spans, second.spans, strict=True)):
        if v in first.lacking:
            continue
        if (a.start is None) != (b.start is None):
            return False
        if a.start is None or b.start is None or a.end is None:
            continue
        segments = context.documents[v].segments
        before = next((s for s in segments if s.end == a.end), None)
        after = next((s for s in segments if s.start == b.start), None)
        if before is None or after is None:
            return False
        if after.index != before.index + 1 or after.block != before.block:
            return False
        stating = True
    return stating


def _one_omission(kept: Finding, finding: Finding) -> bool:
    """True when ``finding`` omits nothing ``kept`` does not: they share an omitted figure or
    date, or every fact it omits (a name, say) is one ``kept`` already reports as omitted by
    the same versions."""
    if kept.whole_claim and finding.whole_claim:
        return False
    if _figures(kept.omitted.keys() & finding.omitted.keys()):
        return True
    return (
        not finding.whole_claim
        and finding.omitted.keys() <= kept.omitted.keys()
        and finding.lacking <= kept.lacking
    )


def _figures(keys: Iterable[tuple[str, Hashable]]) -> set[tuple[str, Hashable]]:
    """The figures and dates among omitted facts: distinctive enough to say two omissions are
    one (a name recurs in many claims of a story; "16 million tons" does not)."""
    return {key for key in keys if key[0] in ("number", "date")}


def _collapse_boilerplate(findings: list[Finding]) -> list[Finding]:
    """Every boilerplate difference of a story becomes one unimportant item (the first)."""
    furniture = [f for f in findings if f.boilerplate]
    if len(furniture) <= 1:
        return findings
    first = furniture[0]
    first.summary = f"Boilerplate differs in {len(furniture)} places (credits, bylines, call-outs)"
    return [f for f in findings if not f.boilerplate or f is first]


# --- models ----------------------------------------------------------------------------------

# Built without validation (:func:`parallax.core.document.trusted`), every field given.
_READING_FIELDS = set(Reading.model_fields)
_GROUP_FIELDS = set(ReadingGroup.model_fields)
_DISCREPANCY_FIELDS = set(Discrepancy.model_fields)


def _build(context: StoryContext, row: Row, finding: Finding, cluster: str) -> Discrepancy:
    documents = context.documents
    field = row.field
    readings = tuple(
        trusted(
            Reading,
            _READING_FIELDS,
            {
                "document": document.id,
                "text": span.text,
                "start": span.start,
                "end": span.end,
                "field": field,
                "anchor": span.anchor if field == "body" else None,
                "row": finding.rows[v] if finding.rows and finding.rows[v] != row.index else None,
            },
        )
        for v, (document, span) in enumerate(zip(documents, finding.spans, strict=True))
    )
    places = sorted(f"{r.document}:{r.start}:{r.end}:{r.anchor}" for r in readings)
    identity = "|".join([cluster, field, finding.kind, *places])
    digest = hashlib.blake2b(identity.encode("utf-8"), digest_size=6).hexdigest()
    present = [not cell.is_gap for cell in row.cells] if field == "body" else None
    groups = _groups(documents, readings, present, omission=finding.kind == "omission")
    summary = finding.summary or _summary(documents, finding, groups)
    return trusted(
        Discrepancy,
        _DISCREPANCY_FIELDS,
        {
            "id": "x" + digest,
            "kind": finding.kind,
            "severity": finding.severity,
            "summary": summary,
            "row": row.index,
            "readings": readings,
            "tier": finding.tier,
            "groups": groups,
            "moved": tuple(
                d.id
                for v, d in enumerate(documents)
                if v in finding.moved or (d.id in row.moved and readings[v].text)
            ),
        },
    )


def _groups(
    documents: Sequence[Document],
    readings: tuple[Reading, ...],
    present: list[bool] | None,
    *,
    omission: bool,
) -> tuple[ReadingGroup, ...]:
    """The distinct readings with their versions. A version without the claim at all is in
    an omission's groups (it is what lacks it) and in no other's (it is not part of it)."""
    by_text: dict[str, list[str]] = {}
    for v, reading in enumerate(readings):
        if present is not None and not present[v] and reading.start is None:
            if not omission:
                continue
            key = ""  # the version lacks the claim altogether
        else:
            key = " ".join(reading.text.split())
        by_text.setdefault(key, []).append(documents[v].id)
    largest = max(len(members) for members in by_text.values())
    return tuple(
        trusted(
            ReadingGroup,
            _GROUP_FIELDS,
            {"text": text, "documents": tuple(members), "minority": len(members) < largest},
        )
        for text, members in by_text.items()
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


def _summary(
    documents: Sequence[Document], finding: Finding, groups: tuple[ReadingGroup, ...]
) -> str:
    index = {d.id: d.index for d in documents}
    if finding.kind == "omission" and finding.lacking:
        stating = [g for g in groups if g.text]
        subject = finding.subject
        if not subject and finding.omitted and not finding.whole_claim:
            subject = ", ".join(finding.omitted.values())
        text = subject or (without_citations(stating[0].text) if stating else "")
        silent = [documents[v].id for v in sorted(finding.lacking)]
        others = [d for g in stating for d in g.documents]
        return (
            f"{_quote(text)} is stated by {_labels(others, index)} and absent from "
            f"{_labels(silent, index)}"
        )
    if finding.tier == "unimportant" and finding.kind == "wording" and len(groups) >= 2:
        label = "Equivalent wording"
    else:
        label = _LABELS.get(finding.kind, "Differs")
    parts = []
    for group in groups:
        count = f" ×{len(group.documents)}" if len(group.documents) > 1 else ""
        quoted = _quote(group.text) if group.text else "(nothing)"
        parts.append(f"{quoted}{count} ({_labels(group.documents, index)})")
    return f"{label}: " + " vs ".join(parts)


def _labels(document_ids: Sequence[str], index: dict[str, int]) -> str:
    return ", ".join(f"#{n}" for n in sorted(index[d] for d in document_ids))


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"

"""Split a document body into sections, claims (segments) and citation markers.

Everything here is a pure function of the body text and returns character offsets into it,
so ``body[start:end]`` is always the exact text of a span. Three layouts exist:

``summary``
    The search-export style: ``Core Viewpoint - ...``, ``Group 1: Title - claim - claim``,
    ``Group 2 - ...``. Sections are introduced by those headings, claims (bullets) are separated
    by `` - ``, and each claim is further split into sentences.
``markdown``
    ATX headings (``#``, ``##``...) open sections; blank lines, list items, quotes and table rows
    delimit blocks; fenced code is skipped; blocks are split into sentences.
``prose``
    Paragraphs and lines of plain text, split into sentences; hard-wrapped paragraphs are
    joined so a sentence is not cut at every line end.

Sentences follow English rules (``.``, ``!``, ``?`` before whitespace and a capital, digit,
quote or CJK character, with abbreviations such as "U.S.", "Dr." and initials kept together) and
CJK rules (``。！？`` end a sentence wherever they occur).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from parallax.core.text import CITATION_MARKER, CITATION_RUN, CJK_CHAR, CJK_RANGES

Layout = Literal["summary", "markdown", "prose"]

_CJK = CJK_RANGES
_CLOSERS = "\"'”’»)\\]」』）】〕"

_CITATION_ONE = re.compile(r"\[\^?([^\]]*)\]")

_MARKER = CITATION_MARKER
_SENTENCE_END = re.compile(
    rf"""
    (?:
        [.!?…]+
        (?:[{_CLOSERS}]|{_MARKER})*
        (?=\s+[\"'“‘«(\[]?[A-Z0-9{_CJK}])
    )
    | (?:[!?]+(?=[{_CJK}]))
    | (?:[。！？]+(?:[{_CLOSERS}]|{_MARKER})*)
    """,
    re.VERBOSE,
)

#: Words that end with a period without ending a sentence (compared lower-case, no dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen gov sen rep lt col capt sgt cmdr adm maj pres supt
    inc ltd co corp plc bros dept univ assn est approx vs etc al eg ie cf viz ed eds rev jan feb
    mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    """.split()
)
#: Abbreviations only when a number follows ("No. 5", "vol. 2"); otherwise ordinary words.
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "pp", "fig", "art", "sec", "ch"})
_NUMBER_AHEAD = re.compile(r"\s*\d")
_DOTTED_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")

_SUMMARY_HEADING = re.compile(
    r"(?P<head>(?P<label>Core\s+Viewpoints?|Key\s+Points|Summary|核心观点|Group\s*(?P<num>\d{1,3}))"
    r"(?:\s*[:：]\s*(?P<name>[^\n]*?))?)\s+-\s+"
)
_CLAIM_END_CHARS = frozenset("].!?。！？\"”')）")
_BULLET_SEPARATOR = re.compile(r"\s+-\s+(?=\S)")

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•·]|\d{1,3}[.)])[ \t]+")
_QUOTE_MARKER = re.compile(r"^[ \t]*>[ \t]?")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_RULE = re.compile(r"^[ \t]*(?:-[ \t]*){3,}$|^[ \t]*(?:\*[ \t]*){3,}$|^[ \t]*(?:_[ \t]*){3,}$")


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """A section of a body: its heading (if any) and the span of its content."""

    title: str | None
    label: str | None
    number: int | None
    name: str | None
    start: int
    end: int
    heading_start: int | None
    heading_end: int | None


@dataclass(frozen=True, slots=True)
class SegmentSpan:
    """One claim or sentence: its span, its section index and the block (bullet/paragraph)."""

    start: int
    end: int
    section: int
    block: int


@dataclass(frozen=True, slots=True)
class CitationSpan:
    """A run of adjacent citation markers and the numbers it cites, in order."""

    start: int
    end: int
    numbers: tuple[int, ...]


def find_citations(body: str) -> list[CitationSpan]:
    """Return every run of citation markers (``[1][25]`` is one run citing 1 and 25)."""
    spans = []
    for match in CITATION_RUN.finditer(body):
        numbers: list[int] = []
        for inner in _CITATION_ONE.findall(match.group()):
            numbers.extend(_expand_citation_numbers(inner))
        spans.append(CitationSpan(match.start(), match.end(), tuple(numbers)))
    return spans


_CITATION_LIST = re.compile(r"\s*[,，、]\s*")
_CITATION_RANGE = re.compile(r"\s*[-–]\s*")


def _expand_citation_numbers(inner: str) -> list[int]:
    if inner.isdecimal():
        return [int(inner)]  # one number, the common case: "[25]"
    numbers: list[int] = []
    for part in _CITATION_LIST.split(inner.strip()):
        bounds = _CITATION_RANGE.split(part)
        if len(bounds) == 2 and all(b.isdigit() for b in bounds):
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low < 100:
                numbers.extend(range(low, high + 1))
                continue
        numbers.extend(int(b) for b in bounds if b.isdigit())
    return numbers


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence spans, trimmed of surrounding whitespace.

    Returns ``(start, end)`` offsets into ``text``; empty spans are never returned.
    """
    if end is None:
        end = len(text)
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.group()[0] == "." and _is_abbreviation(text, cursor, match.start(), match.end()):
            continue
        _append_trimmed(spans, text, cursor, match.end())
        cursor = match.end()
    _append_trimmed(spans, text, cursor, end)
    return spans


def _is_abbreviation(text: str, floor: int, dot: int, after: int) -> bool:
    word_start = dot
    while word_start > floor and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"'“‘«([")
    if not word:
        return False
    if _DOTTED_INITIALS.match(word):
        return True
    if len(word) == 1 and word.isupper():
        return True
    word = word.lower().rstrip(".")
    if word in NUMBER_ABBREVIATIONS:
        return _NUMBER_AHEAD.match(text, after) is not None
    return word in ABBREVIATIONS


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def detect_layout(body: str, declared: str) -> Layout:
    """Choose the layout of a body from its declared format and its first characters."""
    if declared == "export":
        return "summary"
    if declared == "markdown":
        return "markdown"
    match = _SUMMARY_HEADING.match(body.lstrip())
    return "summary" if match else "prose"


#: Every character some rule of the markdown and prose layouts needs: a line break; a heading,
#: fence, rule, list, quote or table marker; a sentence end; a citation. A body without any is
#: one section holding one segment.
_STRUCTURE = re.compile(r"[\n#`~*_+•·>|.)!?…。！？\[-]")


def is_one_segment(body: str, layout: Layout) -> bool:
    """True when :func:`segment_body` would find one untitled section holding one segment (and
    :func:`find_citations` nothing), told without running them: a million one-line documents
    are counted quickly. A property test pairs it with the full rules."""
    return (
        layout != "summary"
        and bool(body)
        and not body.isspace()
        and _STRUCTURE.search(body) is None
    )


def segment_body(body: str, layout: Layout) -> tuple[list[SectionSpan], list[SegmentSpan]]:
    """Split ``body`` into sections and segments according to ``layout``."""
    if layout == "summary":
        return _segment_summary(body)
    return _segment_blocks(body, headings=layout == "markdown")


# --- summary layout -------------------------------------------------------------------------


def _summary_headings(body: str) -> list[re.Match[str]]:
    found = []
    for match in _SUMMARY_HEADING.finditer(body):
        before = match.start()
        while before > 0 and body[before - 1].isspace():
            before -= 1
        at_start = before == 0
        after_claim = before < match.start() and body[before - 1] in _CLAIM_END_CHARS
        if at_start or after_claim:
            found.append(match)
    return found


def _segment_summary(body: str) -> tuple[list[SectionSpan], list[SegmentSpan]]:
    headings = _summary_headings(body)
    sections: list[SectionSpan] = []
    lead_end = headings[0].start() if headings else len(body)
    if body[:lead_end].strip():
        sections.append(SectionSpan(None, None, None, None, 0, lead_end, None, None))
    for i, match in enumerate(headings):
        content_end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        number = match.group("num")
        name = match.group("name") or None
        sections.append(
            SectionSpan(
                title=_squash(match.group("head")),
                label=_squash(match.group("label")),
                number=int(number) if number else None,
                name=_squash(name) if name else None,
                start=match.end(),
                end=content_end,
                heading_start=match.start("head"),
                heading_end=match.end("head"),
            )
        )
    segments: list[SegmentSpan] = []
    block = 0
    for section_index, section in enumerate(sections):
        for claim_start, claim_end in _split_bullets(body, section.start, section.end):
            for start, end in split_sentences(body, claim_start, claim_end):
                segments.append(SegmentSpan(start, end, section_index, block))
            block += 1
    return sections, segments


def _split_bullets(body: str, start: int, end: int) -> list[tuple[int, int]]:
    claims = []
    cursor = start
    for match in _BULLET_SEPARATOR.finditer(body, start, end):
        # The separator swallowed the whitespace around the hyphen, so these are the
        # characters that end the previous claim and begin the next one.
        if match.start() <= cursor:
            continue
        previous = body[match.start() - 1]
        following = body[match.end()] if match.end() < end else ""
        ends_claim = previous in _CLAIM_END_CHARS
        starts_claim = following.isupper() or following in "\"“「'" or _is_cjk(following)
        if ends_claim or starts_claim:
            claims.append((cursor, match.start()))
            cursor = match.end()
    claims.append((cursor, end))
    return [(s, e) for s, e in claims if not body[s:e].isspace() and s < e]


def _is_cjk(char: str) -> bool:
    return bool(char) and CJK_CHAR.match(char) is not None


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- markdown and prose layouts ---------------------------------------------------------------


def _segment_blocks(body: str, *, headings: bool) -> tuple[list[SectionSpan], list[SegmentSpan]]:
    sections: list[SectionSpan] = [SectionSpan(None, None, None, None, 0, len(body), None, None)]
    blocks: list[tuple[int, int, int]] = []  # (start, end, section)
    paragraph: list[tuple[int, int]] = []  # line spans (content start, line end)
    in_fence = False

    def flush() -> None:
        if not paragraph:
            return
        if _looks_hard_wrapped(body, paragraph):
            blocks.append((paragraph[0][0], paragraph[-1][1], len(sections) - 1))
        else:
            blocks.extend((s, e, len(sections) - 1) for s, e in paragraph)
        paragraph.clear()

    offset = 0
    for line in body.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _ATX_HEADING.match(line) if headings else None
        if heading:
            flush()
            previous = sections[-1]
            sections[-1] = SectionSpan(
                previous.title,
                previous.label,
                previous.number,
                previous.name,
                previous.start,
                line_start,
                previous.heading_start,
                previous.heading_end,
            )
            title = heading.group(2).strip()
            sections.append(
                SectionSpan(
                    title=title or None,
                    label=None,
                    number=None,
                    name=title or None,
                    start=min(line_end + 1, len(body)),
                    end=len(body),
                    heading_start=line_start + heading.start(2),
                    heading_end=line_start + heading.end(2),
                )
            )
            continue
        if not line.strip() or _RULE.match(line):
            flush()
            continue
        marker = _LIST_MARKER.match(line) or _QUOTE_MARKER.match(line)
        if marker or (headings and line.lstrip().startswith("|")):
            flush()
            content_start = line_start + (marker.end() if marker else 0)
            paragraph.append((content_start, line_end))
            if marker and _LIST_MARKER.match(line):
                flush()
            continue
        content_start = line_start + (len(line) - len(line.lstrip()))
        paragraph.append((content_start, line_end))
    flush()

    lead = sections[0]
    if len(sections) > 1 and lead.heading_start is None and not body[lead.start : lead.end].strip():
        sections.pop(0)
        blocks = [(s, e, sec - 1) for s, e, sec in blocks]
    segments: list[SegmentSpan] = []
    for block_index, (start, end, section) in enumerate(blocks):
        for s, e in split_sentences(body, start, end):
            segments.append(SegmentSpan(s, e, section, block_index))
    return sections, segments


def _looks_hard_wrapped(body: str, lines: list[tuple[int, int]]) -> bool:
    """True when a paragraph's lines were wrapped at a fixed width rather than ended by choice."""
    if len(lines) < 2:
        return True
    inner = [body[s:e].rstrip() for s, e in lines[:-1]]
    lengths = [len(text) for text in inner]
    if min(lengths) < 30 or max(lengths) > 120 or max(lengths) - min(lengths) > 40:
        return False
    unterminated = sum(1 for text in inner if text and text[-1] not in '.!?。！？:"”')
    return unterminated * 2 >= len(inner)

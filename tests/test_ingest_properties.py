"""Property tests: no input makes a parser raise anything but IngestError, and every offset
slices its text exactly."""

from __future__ import annotations

import contextlib
import re
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.core.errors import IngestError, Problem
from parallax.core.ingest import load, parse_string
from parallax.core.ingest.decode import decode_bytes
from parallax.core.ingest.json_records import parse_json
from parallax.core.ingest.records import RawDocument
from parallax.core.ingest.search_export import parse_export
from parallax.core.ingest.text import parse_text_document
from parallax.core.segment import find_citations, segment_body, split_sentences
from tests.factories import doc

TOKENS = [
    "Group 1: Politics - ",
    "Group 2 - ",
    "Core Viewpoint - ",
    " - ",
    "Search documents\n",
    "Outlet · 2026-01-13 07:26\n",
    "Outlet• 2026-01-13\n",
    "[1][25]",
    "[3, 4]",
    "[7-9]",
    "U.S. ",
    "Dr. ",
    "No. 5 ",
    ". ",
    "! ",
    "? ",
    "。",
    "！",
    "「引用。」",
    "日本派船探查",
    "# Heading\n",
    "- item\n",
    "```\n",
    "---\n",
    "title: x\n",
    "\n",
    "\r\n",
    "\n\n",
    '"',
    "{",
    "}",
    "[",
    "]",
    '{"title": "t", "body": "b"}\n',
    "\x00",
    "\x1b]52;c;x\x07",
    "\ud800",
]
texty = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)), max_size=40).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_ingest_errors(call):
    try:
        return list(call())
    except IngestError:
        return None


@SETTINGS
@given(texty)
def test_search_export_parser_raises_only_ingest_error(text):
    result = _only_ingest_errors(lambda: parse_export(text.split("\n"), path="p"))
    for item in result or []:
        assert isinstance(item, RawDocument | Problem)


@SETTINGS
@given(texty)
def test_json_parser_raises_only_ingest_error(text):
    for item in _only_ingest_errors(lambda: parse_json(text, path="p")) or []:
        assert isinstance(item, RawDocument | Problem)


@SETTINGS
@given(texty, st.booleans())
def test_text_parser_raises_only_ingest_error(text, markdown):
    _only_ingest_errors(lambda: [parse_text_document(text, path="p.md", markdown=markdown)])


@SETTINGS
@given(st.binary(max_size=400))
def test_decoder_raises_only_ingest_error(data):
    try:
        source = decode_bytes(data, path="p")
    except IngestError:
        return
    assert "\r" not in source.read()


@SETTINGS
@given(texty)
def test_any_parse_format_raises_only_ingest_error(text):
    for format in ("auto", "export", "text", "markdown", "json"):
        with contextlib.suppress(IngestError):
            parse_string(text.encode("utf-8", "replace").decode("utf-8"), format=format)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_load_never_raises_on_any_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input.txt"
    path.write_bytes(data)
    corpus = load([path])
    assert corpus.documents or corpus.problems


@SETTINGS
@given(texty, st.sampled_from(["export", "text", "markdown", "json"]))
def test_every_offset_slices_the_body(body, format):
    body = body.encode("utf-8", "replace").decode("utf-8")
    document = doc(body, title="t", path="p", format=format)
    previous_end = 0
    for segment in document.segments:
        assert body[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip() and segment.text
        assert segment.start >= previous_end
        previous_end = segment.end
        section = document.sections[segment.section]
        assert section.start <= segment.start and segment.end <= section.end
        for index in segment.citations:
            citation = document.citations[index]
            assert segment.start <= citation.start and citation.end <= segment.end
    for section in document.sections:
        if section.heading_start is not None:
            assert body[section.heading_start : section.heading_end].strip()
    for citation in document.citations:
        assert body[citation.start : citation.end] == citation.text


@SETTINGS
@given(texty)
def test_sentences_cover_every_visible_character(text):
    spans = split_sentences(text)
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start
        assert not text[end:start].strip()
    joined = "".join(text[s:e] for s, e in spans)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)


@SETTINGS
@given(texty, st.sampled_from(["summary", "markdown", "prose"]))
def test_segments_never_overlap_and_stay_in_bounds(text, layout):
    sections, segments = segment_body(text, layout)
    for segment in segments:
        assert 0 <= segment.start < segment.end <= len(text)
        assert 0 <= segment.section < len(sections)
    for a, b in pairwise(segments):
        assert a.end <= b.start


@SETTINGS
@given(texty)
def test_citation_numbers_are_digits_of_the_marker(text):
    for span in find_citations(text):
        marker = text[span.start : span.end]
        assert marker.startswith("[") and marker.endswith("]")
        for number in span.numbers:
            assert str(number) in marker or "-" in marker or "–" in marker

"""The search-export format, on the real sample and on its variants."""

from __future__ import annotations

from datetime import datetime

import pytest

from parallax.core.errors import IngestError, Problem
from parallax.core.ingest import load, parse_string
from parallax.core.ingest.records import RawDocument


def test_sample_has_six_documents_in_order(demo):
    documents = demo.documents
    assert [d.index for d in documents] == [1, 2, 3, 4, 5, 6]
    assert [d.format for d in documents] == ["export"] * 6
    assert documents[0].title == (
        "盯上6000米深海稀土!日本派船探查 距中国加强两用物项出口管制不到一周!高市早苗已决定提前大选"
    )
    assert (
        documents[1].title == "盯上6000米深海稀土!日本派船探查,距中国加强两用物项出口管制不到一周"
    )
    assert documents[3].title == "日本挖深海泥希望实现稀土国产化"
    assert documents[5].title == "15年了,美国的稀土国产化,为什么搞不定?"
    assert [d.source for d in documents] == [
        "Mei Ri Jing Ji Xin Wen",
        "Mei Ri Jing Ji Xin Wen",
        "Mei Ri Jing Ji Xin Wen",
        "Xin Lang Cai Jing",
        "中国能源报",
        "Sou Hu Cai Jing",
    ]
    assert [d.published for d in documents] == [
        datetime(2026, 1, 13, 7, 26),
        datetime(2026, 1, 13, 7, 23),
        datetime(2026, 1, 13, 7, 3),
        datetime(2026, 1, 13, 0, 13),
        datetime(2026, 1, 12, 12, 51),
        datetime(2025, 7, 6, 16, 58),
    ]
    assert documents[0].published_raw == "2026-01-13 07:26"
    assert [d.origin.line for d in documents] == [3, 6, 9, 12, 15, 18]


def test_ids_are_stable_content_hashes_and_unique(demo, demo_path):
    again = load([demo_path])
    assert [d.id for d in again.documents] == [d.id for d in demo.documents]
    assert len({d.id for d in demo.documents}) == 6


def test_sample_sections(demo):
    first, _, third, fourth, _, sixth = demo.documents
    assert [s.title for s in first.sections] == [
        "Group 1: Political Developments in Japan",
        "Group 2: Rare Earth Mining Initiatives",
        "Group 3: Economic Implications of Rare Earth Dependency",
    ]
    assert [s.number for s in third.sections] == [1, 2, 3, 4]
    assert third.sections[2].name == "Challenges in Rare Earth Extraction"
    assert [s.title for s in fourth.sections] == [
        "Core Viewpoint",
        "Group 1: Deep-Sea Exploration",
        "Group 2: Strategic Implications",
    ]
    assert fourth.sections[0].number is None
    # "Group N -" headings without a name
    assert [(s.label, s.name) for s in sixth.sections] == [
        ("Group 1", None),
        ("Group 2", None),
        ("Group 3", None),
    ]
    for document in demo.documents:
        for section in document.sections:
            if section.heading_start is not None:
                assert document.body[section.heading_start : section.heading_end] == section.title


def test_sample_claims_and_offsets(demo):
    first, second, third = demo.documents[:3]
    assert len(first.segments) == 9
    assert len(second.segments) == 11
    assert len(third.segments) == 12
    assert first.segments[0].text == (
        "Japanese Prime Minister Sanna Takashi has decided to dissolve the House of "
        "Representatives on January 23 and hold early elections, with an official announcement "
        "expected soon [1][25]"
    )
    assert third.segments[0].text.startswith("Japanese Prime Minister Fumio Kishida")
    assert third.segments[0].text.endswith("[1][29]")
    assert "16 million tons" in second.segments[4].text
    assert not any("16 million tons" in s.text for s in first.segments)
    for document in demo.documents:
        for segment in document.segments:
            assert document.body[segment.start : segment.end] == segment.text
            section = document.sections[segment.section]
            assert section.start <= segment.start < segment.end <= section.end


def test_sample_citation_markers(demo):
    first, _, third = demo.documents[:3]
    assert [c.text for c in first.citations][:3] == ["[1][25]", "[1]", "[1][28]"]
    assert first.citations[0].numbers == (1, 25)
    assert third.citations[0].numbers == (1, 29)
    for document in demo.documents:
        for citation in document.citations:
            assert document.body[citation.start : citation.end] == citation.text
        for segment in document.segments:
            for index in segment.citations:
                citation = document.citations[index]
                assert segment.start <= citation.start < citation.end <= segment.end
    assert first.segments[0].citations == (0,)


def test_us_abbreviation_does_not_split_claims(demo):
    sixth = demo.documents[5]
    assert sixth.segments[1].text.startswith("U.S. efforts to reduce this dependence")
    assert sixth.segments[2].text.startswith("The U.S. has invested heavily")


EXPORT = """query
Search documents
First title
Some Outlet · 2026-01-13 07:26
Core Viewpoint - A claim about things [1]
Second title
Other Outlet• 2026-01-14
Group 1: Topic - One claim [2] - Another claim [3]
"""


def records(text: str, **kwargs) -> list[RawDocument]:
    return [r for r in parse_string(text, **kwargs) if isinstance(r, RawDocument)]


def problems(text: str, **kwargs) -> list[Problem]:
    return [r for r in parse_string(text, **kwargs) if isinstance(r, Problem)]


def test_separator_and_spacing_variants_and_missing_time():
    found = records(EXPORT)
    assert [(r.title, r.source, r.published_raw) for r in found] == [
        ("First title", "Some Outlet", "2026-01-13 07:26"),
        ("Second title", "Other Outlet", "2026-01-14"),
    ]
    assert found[1].published == datetime(2026, 1, 14)
    assert found[0].line == 3 and found[1].line == 6


@pytest.mark.parametrize("separator", ["·", "•", " · ", "  •  ", "・", "&middot;"])
def test_every_tolerated_separator(separator):
    text = f"q\nSearch documents\nTitle\nOutlet{separator}2026-01-13 07:26\nBody text.\n"
    [record] = records(text)
    assert record.source == "Outlet"
    assert record.published_raw == "2026-01-13 07:26"


def test_crlf_and_cr_line_ends_give_the_same_documents():
    lf = records(EXPORT)
    assert records(EXPORT.replace("\n", "\r\n")) == lf
    assert records(EXPORT.replace("\n", "\r")) == lf


def test_multi_line_body_and_blank_lines_are_kept():
    text = "q\nSearch documents\n\nTitle\nOutlet · 2026-01-13 07:26\nLine one.\n\nLine two.\n\n"
    [record] = records(text)
    assert record.body == "Line one.\n\nLine two."


def test_missing_title_is_reported_with_its_line_and_the_body_is_kept():
    text = "q\nSearch documents\nOutlet · 2026-01-13 07:26\nBody without title.\n"
    result = parse_string(text, path="x.txt")
    assert [str(p) for p in result if isinstance(p, Problem)] == [
        "x.txt:3: expected a title line before this source line"
    ]
    [record] = [r for r in result if isinstance(r, RawDocument)]
    assert record.body == "Body without title."


def test_missing_body_is_reported_and_nothing_else_is_lost(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("q\nSearch documents\nA\nOut · 2026-01-13\nB\nOut · 2026-01-14\nText.\n")
    corpus = load([path])
    assert [d.title for d in corpus.documents] == ["A", "B"]
    assert corpus.documents[0].body == ""
    assert [p.line for p in corpus.problems] == [3]
    assert "expected body text" in corpus.problems[0].message


def test_forced_export_format_on_other_text_is_an_error():
    with pytest.raises(IngestError) as caught:
        parse_string("just a line\nand another\n", path="notes.txt", format="export")
    assert str(caught.value).startswith("notes.txt:1: expected a search export")


def test_identical_documents_get_distinct_ids(tmp_path):
    (tmp_path / "a.txt").write_text(EXPORT)
    (tmp_path / "b.txt").write_text(EXPORT)
    corpus = load([tmp_path])
    ids = [d.id for d in corpus.documents]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert ids[2] == ids[0] + "-2"

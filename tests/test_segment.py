"""Sentence, claim and citation splitting."""

from __future__ import annotations

import pytest

from parallax.core.segment import find_citations, segment_body, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_english_sentences():
    assert sentences("It rained. Then it stopped! Did it? Yes.") == [
        "It rained.",
        "Then it stopped!",
        "Did it?",
        "Yes.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. government acted quickly.",
        "Dr. Smith and Mr. Jones met in St. Louis.",
        "John F. Kennedy spoke at 3 p.m. on Friday.",
        "Prices rose 3.5 percent, e.g. in Tokyo.",
        "The vessel left Jan. 12 for the site.",
    ],
)
def test_abbreviations_do_not_end_sentences(text):
    assert sentences(text) == [text]


def test_quotes_and_citations_stay_with_their_sentence():
    text = 'He said "No." Then he left [1][2]. After that, silence.'
    assert sentences(text) == ['He said "No."', "Then he left [1][2].", "After that, silence."]


def test_cjk_sentences():
    text = "日本派船探查。距中国加强出口管制不到一周！为什么？「是的。」结束"
    assert sentences(text) == [
        "日本派船探查。",
        "距中国加强出口管制不到一周！",
        "为什么？",
        "「是的。」",
        "结束",
    ]


def test_ascii_exclamation_before_cjk_ends_a_sentence():
    assert sentences("盯上深海稀土!日本派船探查") == ["盯上深海稀土!", "日本派船探查"]


def test_mixed_cjk_and_english():
    text = "The ship is called 地球号. It left Shimizu。然后出发了。"
    assert sentences(text) == ["The ship is called 地球号.", "It left Shimizu。", "然后出发了。"]


def test_citation_runs_and_numbers():
    body = "A [1][25] b [3, 4] c [7-9] d [^2] e [x] f [2025]"
    found = [(body[c.start : c.end], c.numbers) for c in find_citations(body)]
    assert found == [
        ("[1][25]", (1, 25)),
        ("[3, 4]", (3, 4)),
        ("[7-9]", (7, 8, 9)),
        ("[^2]", (2,)),
        ("[2025]", (2025,)),
    ]


def test_summary_bullets_split_only_between_claims():
    body = (
        "Group 1: Trade - Exports fell 5% in 2024 - 2025 [1] - The Tokyo-based firm said "
        "so [2] Group 2 - Costs rose"
    )
    sections, segments = segment_body(body, "summary")
    assert [s.title for s in sections] == ["Group 1: Trade", "Group 2"]
    assert [body[s.start : s.end] for s in segments] == [
        "Exports fell 5% in 2024 - 2025 [1]",
        "The Tokyo-based firm said so [2]",
        "Costs rose",
    ]


def test_group_inside_a_sentence_is_not_a_heading():
    body = "Core Viewpoint - The Group 7 - a club of nations - met [1]"
    sections, segments = segment_body(body, "summary")
    assert [s.title for s in sections] == ["Core Viewpoint"]
    assert len(segments) == 1


def test_markdown_sections_lists_and_fences():
    body = (
        "Lead paragraph. Second sentence.\n\n## Details\n\n- First item.\n- Second item\n\n"
        "```\ncode = 1\n```\n\n# More\nText here."
    )
    sections, segments = segment_body(body, "markdown")
    assert [s.title for s in sections] == [None, "Details", "More"]
    texts = [(body[s.start : s.end], s.section) for s in segments]
    assert texts == [
        ("Lead paragraph.", 0),
        ("Second sentence.", 0),
        ("First item.", 1),
        ("Second item", 1),
        ("Text here.", 2),
    ]


def test_hard_wrapped_prose_is_joined_but_one_line_paragraphs_are_not():
    wrapped = (
        "This is a long sentence that was wrapped by an editor at\n"
        "a fixed width, so its line end is not a sentence boundary\n"
        "at all. A second sentence follows."
    )
    _, segments = segment_body(wrapped, "prose")
    assert len(segments) == 2
    assert wrapped[segments[0].start : segments[0].end].endswith("boundary\nat all.")
    lines = "WASHINGTON (AP) --\nThe president spoke on Tuesday."
    _, segments = segment_body(lines, "prose")
    assert [lines[s.start : s.end] for s in segments] == [
        "WASHINGTON (AP) --",
        "The president spoke on Tuesday.",
    ]

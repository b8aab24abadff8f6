"""Plain text and Markdown articles."""

from __future__ import annotations

from datetime import datetime

import pytest

from parallax.core.errors import IngestError
from parallax.core.ingest import load, parse_string
from parallax.core.ingest.records import RawDocument


def one(text: str, path: str = "article.txt", **kwargs) -> RawDocument:
    [record] = parse_string(text, path=path, **kwargs)
    assert isinstance(record, RawDocument)
    return record


def test_markdown_front_matter_and_heading(tmp_path):
    path = tmp_path / "story.md"
    path.write_text(
        '---\ntitle: "Japan\'s deep-sea rare earths"\nsource: Kyodo\n'
        "published: 2026-01-12T09:00:00+09:00\nurl: https://example.org/a\n---\n\n"
        "# Japan's deep-sea rare earths\n\nThe Chikyu left Shimizu. It sails 2,000 km.\n\n"
        "## Costs\n\nMining costs ten times more.\n",
        encoding="utf-8",
    )
    [document] = load([path]).documents
    assert document.format == "markdown"
    assert document.title == "Japan's deep-sea rare earths"
    assert document.source == "Kyodo"
    assert document.published == datetime.fromisoformat("2026-01-12T09:00:00+09:00")
    assert document.url == "https://example.org/a"
    assert [s.title for s in document.sections] == [None, "Costs"]
    assert [s.text for s in document.segments] == [
        "The Chikyu left Shimizu.",
        "It sails 2,000 km.",
        "Mining costs ten times more.",
    ]


def test_plain_text_title_is_the_first_short_line():
    record = one("Rare earths in Japan\n\nThe Chikyu left Shimizu on Monday.\n")
    assert record.format == "text"
    assert record.title == "Rare earths in Japan"
    assert record.body == "The Chikyu left Shimizu on Monday."


def test_single_paragraph_keeps_all_text_and_takes_the_file_name_as_title():
    record = one("Only one paragraph. It has two sentences.", path="notes/summary-3.txt")
    assert record.title == "summary-3"
    assert record.body == "Only one paragraph. It has two sentences."


def test_markdown_is_detected_from_content():
    record = one("# Heading\n\nSome text.\n", path="noext")
    assert record.format == "markdown"
    assert record.title == "Heading"


def test_setext_heading_title():
    record = one("A title\n=======\n\nBody.\n", path="a.md")
    assert record.title == "A title"
    assert record.body == "Body."


def test_unclosed_front_matter_is_text_not_lost():
    record = one("---\ntitle: x\nno closing line\n\nBody.\n", path="a.md")
    assert record.title == "a"
    assert record.body == "---\ntitle: x\nno closing line\n\nBody."


def test_front_matter_without_text_is_an_error():
    with pytest.raises(IngestError) as caught:
        parse_string("---\ntitle: Empty\n---\n\n", path="empty.md")
    assert str(caught.value).startswith("empty.md:")
    assert "expected text after the front matter" in str(caught.value)


def test_cjk_text_document_offsets():
    record = one("日本挖深海泥\n\n日本深海钻探船出发。预计耗时约20天！\n", path="cn.txt")
    assert record.title == "日本挖深海泥"
    [document] = load_text(record)
    assert [s.text for s in document.segments] == ["日本深海钻探船出发。", "预计耗时约20天！"]


def load_text(record: RawDocument):
    from parallax.core.document import Document, Origin

    return [
        Document(
            id="d1",
            index=1,
            title=record.title,
            origin=Origin(path="cn.txt", line=1),
            format=record.format,
            body=record.body,
        )
    ]

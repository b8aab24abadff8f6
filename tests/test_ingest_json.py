"""JSON arrays, objects and JSON Lines."""

from __future__ import annotations

import json

import pytest

from parallax.core.errors import IngestError, Problem
from parallax.core.ingest import load, parse_string
from parallax.core.ingest.records import RawDocument


def split(text: str, path: str = "data.json"):
    result = parse_string(text, path=path)
    return (
        [r for r in result if isinstance(r, RawDocument)],
        [str(r) for r in result if isinstance(r, Problem)],
    )


def test_array_with_alternative_body_keys_and_lines():
    text = (
        "[\n"
        '  {"title": "A", "source": "S", "published": "2026-01-13 07:26", "body": "One."},\n'
        '  {"title": "B", "text": "Two.", "url": "https://x", "id": "b-1"},\n'
        '  {"title": "C", "content": "Three."}\n'
        "]\n"
    )
    records, problems = split(text)
    assert problems == []
    assert [(r.title, r.body, r.line) for r in records] == [
        ("A", "One.", 2),
        ("B", "Two.", 3),
        ("C", "Three.", 4),
    ]
    assert records[1].url == "https://x" and records[1].external_id == "b-1"
    assert all(r.format == "json" for r in records)


def test_json_lines_with_a_bad_line_keeps_the_others():
    text = '{"title": "A", "body": "One."}\n{"title": oops}\n\n{"title": "C", "body": "Three."}\n'
    records, problems = split(text, "feed.jsonl")
    assert [r.title for r in records] == ["A", "C"]
    assert [r.line for r in records] == [1, 4]
    assert len(problems) == 1 and problems[0].startswith("feed.jsonl:2: expected valid JSON")


def test_records_without_body_or_with_wrong_types_are_reported():
    text = '[{"title": "A"}, 5, {"title": ["x"], "body": "b"}, {"body": "ok"}]'
    records, problems = split(text)
    assert [r.body for r in records] == ["ok"]
    assert problems == [
        'data.json:1: expected a "body", "text" or "content" string',
        "data.json:1: expected a JSON object, found int",
        'data.json:1: expected a string for "title"',
    ]


def test_single_object_and_epoch_timestamp():
    records, _ = split('{"title": "A", "body": "x", "published": 1768262400}')
    assert records[0].published is not None
    assert records[0].published.year == 2026


def test_broken_json_is_one_error_with_its_line():
    with pytest.raises(IngestError) as caught:
        parse_string('[\n {"title": "A", "body": "x"},\n {"title": \n', path="bad.json")
    assert str(caught.value).startswith("bad.json:4: expected valid JSON")


def test_lone_surrogates_become_replacement_characters():
    records, _ = split('{"title": "A", "body": "bad \\ud800 char"}')
    assert records[0].body == "bad \ufffd char"


def test_parse_json_output_reads_back_to_the_same_documents(tmp_path, demo_path, cli):
    result = cli("parse", str(demo_path), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["schema"] == "parallax.documents/1"
    dumped = tmp_path / "documents.json"
    dumped.write_bytes(result.stdout)
    again = load([dumped]).documents
    original = load([demo_path]).documents
    assert [d.id for d in again] == [d.id for d in original]
    assert [d.body for d in again] == [d.body for d in original]

"""Exports (native JSON against the shipped schema, W3C, CSV, Markdown), import, round trips,
atomic writes, and the command line."""

from __future__ import annotations

import csv
import io
import json
import os

import jsonschema
import pytest

from parallax.core.annotations import Workspace, make_target
from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import cluster_documents
from parallax.core.data import schema_path
from parallax.core.export.files import write_atomically
from parallax.core.export.importing import ImportFileError, read_export
from parallax.core.export.native import build_export, export_json, schema_text
from parallax.core.export.render import render_export
from parallax.core.export.w3c import CONTEXT, to_w3c
from parallax.core.ingest import load
from parallax.core.report import analyse_story


@pytest.fixture
def reviewed(tmp_path, demo_path):
    """A copy of the demo with a workspace holding a few annotations."""
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    corpus = load([source])
    clustering = cluster_documents(corpus.documents)
    cluster = clustering.clusters[0]
    members = [d for d in corpus.documents if d.id in cluster.documents]
    story = analyse_story(cluster, members)
    entity = next(d for d in story.discrepancies if d.kind == "entity")
    citation = next(d for d in story.discrepancies if d.kind == "citation")
    workspace = Workspace.open(tmp_path / ".parallax" / "review.sqlite")
    book = AnnotationBook(workspace, corpus.documents)
    book.annotate(
        book.target_for(entity, cluster.id),
        "ana",
        tags=["error"],
        note="Kishida is wrong",
        status="confirmed",
    )
    book.annotate(book.target_for(citation, cluster.id), "bob", tags=["needs-source"])
    body = corpus.documents[5].body
    start = body.index("MP Materials")
    book.annotate(
        make_target(corpus.documents[5], start, start + 12),
        "ana",
        note='=HYPERLINK("http://evil") formula-looking note',
    )
    yield source, corpus, clustering, book
    workspace.close()


def test_shipped_schema_is_the_generated_one():
    assert schema_path().read_text(encoding="utf-8") == schema_text()


def test_native_export_validates_against_the_shipped_schema(reviewed):
    _, corpus, clustering, book = reviewed
    text, count = render_export("json", corpus.documents, clustering, book.stored())
    data = json.loads(text)
    jsonschema.validate(data, json.loads(schema_path().read_text(encoding="utf-8")))
    assert data["schema"] == "parallax.annotations/1" and count == 3
    first = data["annotations"][0]
    assert {"id", "target", "tags", "note", "status", "reviewer", "created", "modified"} <= set(
        first
    )
    assert {"document", "discrepancy", "start", "end", "exact", "prefix", "suffix"} <= set(
        first["target"]
    )
    assert first["target"]["exact"] == "Sanna Takashi" and first["tags"] == ["error"]
    assert {c["id"] for c in data["clusters"]} == {c.id for c in clustering.clusters}


def test_w3c_export_has_the_required_shape(reviewed):
    _, corpus, clustering, book = reviewed
    data = to_w3c(build_export(corpus.documents, clustering, book.stored()))
    assert data["@context"] == CONTEXT and data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert len(items) == data["total"] == 3
    for item in items:
        assert item["type"] == "Annotation" and item["@context"] == CONTEXT
        assert item["id"].startswith("urn:uuid:")
        assert item["creator"]["name"] and item["created"] and item["modified"]
        assert all(b["type"] == "TextualBody" for b in item["body"])
        selectors = {s["type"]: s for s in item["target"]["selector"]}
        assert set(selectors) == {"TextQuoteSelector", "TextPositionSelector"}
        assert item["target"]["source"].startswith("urn:parallax:document:")
    first = items[0]
    purposes = [(b["purpose"], b["value"]) for b in first["body"]]
    assert ("tagging", "error") in purposes and ("commenting", "Kishida is wrong") in purposes
    assert first["target"]["selector"][0]["exact"] == "Sanna Takashi"


def test_csv_is_spreadsheet_friendly(reviewed):
    _, corpus, clustering, book = reviewed
    text, _ = render_export("csv", corpus.documents, clustering, book.stored())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 3
    assert rows[0]["kind"] == "entity" and rows[0]["severity"] == "high"
    assert rows[0]["tags"] == "error" and rows[0]["status"] == "confirmed"
    [span] = [row for row in rows if row["exact"] == "MP Materials"]
    assert span["note"].startswith("'=HYPERLINK")  # never a live formula


def test_markdown_groups_by_story_and_quotes_readings(reviewed):
    _, corpus, clustering, book = reviewed
    text, _ = render_export("markdown", corpus.documents, clustering, book.stored())
    assert "## Story 1:" in text
    assert "- #3: “Fumio Kishida”" in text
    assert "> **confirmed** · tags: `error` · note: Kishida is wrong" in text
    assert "## Annotations on other spans" in text and "MP Materials" in text


@pytest.mark.parametrize("kind", ["json", "w3c"])
def test_round_trip_export_import_export_is_identical(reviewed, tmp_path, kind):
    _, corpus, clustering, book = reviewed
    first, _ = render_export(kind, corpus.documents, clustering, book.stored())
    incoming = read_export(first)
    fresh = Workspace.open(tmp_path / f"fresh-{kind}.sqlite")
    report = fresh.merge([(a.model_copy(), a.document_key) for a in incoming], "importer")
    assert report.added == 3
    again = fresh.merge([(a, a.document_key) for a in incoming], "importer")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)  # idempotent
    second, _ = render_export(kind, corpus.documents, clustering, fresh.all())
    fresh.close()
    assert second == first


def test_invalid_import_lists_every_error_with_its_path(reviewed):
    _, corpus, clustering, book = reviewed
    data = json.loads(export_json(build_export(corpus.documents, clustering, book.stored())))
    data["annotations"][0]["status"] = "maybe"
    data["annotations"][1]["target"]["start"] = -4
    del data["annotations"][2]["reviewer"]
    with pytest.raises(ImportFileError) as caught:
        read_export(json.dumps(data))
    errors = caught.value.errors
    assert any(e.startswith("$.annotations[0].status:") for e in errors)
    assert any(e.startswith("$.annotations[1].target.start:") for e in errors)
    assert any(e.startswith("$.annotations[2].reviewer:") for e in errors)
    with pytest.raises(ImportFileError, match=r"\$: expected JSON"):
        read_export("{not json")
    with pytest.raises(ImportFileError, match="W3C AnnotationCollection"):
        read_export('{"hello": 1}')


def test_atomic_write_leaves_no_half_file(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old complete content")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(path, "new content " * 1000)
    assert path.read_text() == "old complete content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# --- command line ------------------------------------------------------------------------------


def test_cli_export_import_and_schema(reviewed, tmp_path, cli):
    source, *_ = reviewed
    for kind, name in (
        ("json", "a.json"),
        ("w3c", "a.jsonld"),
        ("csv", "a.csv"),
        ("markdown", "a.md"),
    ):
        result = cli("export", str(source), "--format", kind, "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert b"wrote 3 annotations" in result.stderr
    schema = cli("schema", "annotations")
    jsonschema.validate(json.loads((tmp_path / "a.json").read_text()), json.loads(schema.stdout))
    other = tmp_path / "other.sqlite"
    imported = cli("import", str(tmp_path / "a.jsonld"), str(source), "--workspace", str(other))
    assert imported.returncode == 0, imported.stderr
    assert b"added 3, updated 0, unchanged 0, could not anchor 0" in imported.stdout
    again = cli("import", str(tmp_path / "a.jsonld"), str(source), "--workspace", str(other))
    assert b"added 0, updated 0, unchanged 3" in again.stdout
    exported = cli("export", str(source), "--format", "w3c", "--workspace", str(other))
    assert exported.stdout == (tmp_path / "a.jsonld").read_bytes()


def test_cli_import_of_an_invalid_file_imports_nothing(reviewed, tmp_path, cli):
    source, *_ = reviewed
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "schema": "parallax.annotations/1",
                "documents": [],
                "clusters": [],
                "annotations": [{"id": 3}],
            }
        )
    )
    target = tmp_path / "ws.sqlite"
    result = cli("import", str(bad), str(source), "--workspace", str(target))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert any("$.annotations[0].id:" in line for line in lines)
    assert any("$.annotations[0].target:" in line for line in lines)
    assert lines[-1].endswith(f"not imported ({len(lines) - 1} problems)")
    assert not target.exists()


def test_cli_refuses_a_file_that_is_not_a_workspace(reviewed, tmp_path, cli):
    source, *_ = reviewed
    notes = tmp_path / "notes.txt"
    notes.write_text("precious notes")
    result = cli("export", str(source), "--workspace", str(notes))
    assert result.returncode == 3
    assert b"not a Parallax workspace" in result.stderr
    assert notes.read_text() == "precious notes"

"""Exports (native JSON against the shipped schema, W3C, CSV, Markdown), import, round trips,
atomic writes, and the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from datetime import datetime

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
        targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
        for target in targets:
            assert target["source"].startswith("urn:parallax:document:")
            selectors = {s["type"]: s for s in target["selector"]}
            assert set(selectors) == {"TextQuoteSelector", "TextPositionSelector"}
    first = items[0]
    purposes = [(b["purpose"], b["value"]) for b in first["body"]]
    assert ("tagging", "error") in purposes and ("commenting", "Kishida is wrong") in purposes
    assert ("classifying", "entity") in purposes
    assert [t["selector"][0]["exact"] for t in first["target"]] == [
        "Sanna Takashi",
        "Sanna Takashi",
        "Fumio Kishida",
    ]
    assert first["parallax"]["annotated"] == 0
    assert isinstance(items[2]["target"], dict)  # a span has one target


def test_csv_is_spreadsheet_friendly(reviewed):
    _, corpus, clustering, book = reviewed
    text, _ = render_export("csv", corpus.documents, clustering, book.stored())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len({row["id"] for row in rows}) == 3
    assert rows[0]["kind"] == "entity" and rows[0]["severity"] == "high"
    assert rows[0]["tags"] == "error" and rows[0]["status"] == "confirmed"
    [span] = [row for row in rows if row["exact"] == "MP Materials"]
    assert span["note"].startswith("'=HYPERLINK")  # never a live formula
    assert span["reading"] == "1" and span["annotated"] == "yes" and span["discrepancy"] == ""


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


# --- every reading, ISO dates (issue 10) ------------------------------------------------------


def test_every_export_carries_every_reading_of_a_discrepancy(tmp_path, demo_path):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    corpus = load([source])
    clustering = cluster_documents(corpus.documents)
    cluster = clustering.clusters[0]
    story = analyse_story(cluster, [d for d in corpus.documents if d.id in cluster.documents])
    entity = next(d for d in story.discrepancies if "Fumio Kishida" in d.summary)
    third = cluster.documents[2]  # the pane in focus showed "Fumio Kishida"
    with Workspace.open(tmp_path / "review.sqlite") as workspace:
        book = AnnotationBook(workspace, corpus.documents)
        book.annotate(book.target_for(entity, cluster.id, prefer=third), "ana", tags=["error"])
        stored = book.stored()
    readings = ["Sanna Takashi", "Sanna Takashi", "Fumio Kishida"]
    native = json.loads(render_export("json", corpus.documents, clustering, stored)[0])
    [annotation] = native["annotations"]
    target = annotation["target"]
    assert target["exact"] == "Fumio Kishida" and target["document"] == third
    assert [r["exact"] for r in target["readings"]] == readings
    assert [r["document"] for r in target["readings"]] == list(cluster.documents)
    assert (target["kind"], target["severity"], target["tier"]) == ("entity", "high", "reported")
    assert target["summary"] == entity.summary
    w3c = json.loads(render_export("w3c", corpus.documents, clustering, stored)[0])
    [item] = w3c["first"]["items"]
    sources = [f"urn:parallax:document:{d}" for d in cluster.documents]
    assert [t["source"] for t in item["target"]] == sources
    for target, text in zip(item["target"], readings, strict=True):
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector" and quote["exact"] == text
        assert position["type"] == "TextPositionSelector"
        assert position["end"] - position["start"] == len(text)
        assert target["scope"] == f"urn:parallax:discrepancy:{entity.id}"
    bodies = {b["purpose"]: b["value"] for b in item["body"]}
    assert bodies["classifying"] == "entity" and bodies["describing"] == entity.summary
    assert item["parallax"]["discrepancy"]["severity"] == "high"
    assert item["parallax"]["annotated"] == 2
    rows = list(
        csv.DictReader(
            io.StringIO(render_export("csv", corpus.documents, clustering, stored)[0][1:])
        )
    )
    assert [r["exact"] for r in rows] == readings
    assert [r["annotated"] for r in rows] == ["", "", "yes"]
    assert {r["summary"] for r in rows} == {entity.summary} and {r["kind"] for r in rows} == {
        "entity"
    }
    markdown = render_export("markdown", corpus.documents, clustering, stored)[0]
    assert "- #1: “Sanna Takashi”" in markdown and "- #3: “Fumio Kishida”" in markdown
    for kind in ("json", "w3c"):  # and it all reads back
        text = render_export(kind, corpus.documents, clustering, stored)[0]
        [back] = read_export(text)
        assert back.target == stored[0].annotation.target


def test_published_goes_out_as_iso_8601(reviewed):
    _, corpus, clustering, book = reviewed
    native = json.loads(render_export("json", corpus.documents, clustering, book.stored())[0])
    by_id = {d.id: d for d in corpus.documents}
    for document in native["documents"]:
        assert datetime.fromisoformat(document["published"]) == by_id[document["id"]].published
        assert "T" in document["published"]
    text, _ = render_export("csv", corpus.documents, clustering, book.stored())
    for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))):
        assert row["published"] == by_id[row["document"]].published.isoformat()
    markdown, _ = render_export("markdown", corpus.documents, clustering, book.stored())
    assert "2026-01-13T07:26:00" in markdown and "2026-01-13 07:26:" not in markdown


# --- imports are validated whole (issue 11, items 3 and 7) ---------------------------------------


def test_import_validation_lists_every_problem_of_the_whole_file(reviewed):
    _, corpus, clustering, book = reviewed
    data = json.loads(export_json(build_export(corpus.documents, clustering, book.stored())))
    items = data["annotations"]
    items[0]["created"] = "2026-01-20T10:00:00"  # no time zone
    items[1]["id"] = items[2]["id"]
    items[2]["target"]["start"], items[2]["target"]["end"] = 9, 3
    items.append({**items[0], "id": " "})
    with pytest.raises(ImportFileError) as caught:
        read_export(json.dumps(data))
    errors = caught.value.errors
    assert any(e.startswith("$.annotations[0].created:") and "timezone" in e for e in errors)
    assert any(e.startswith("$.annotations[2].id: duplicate id") for e in errors)
    assert any(e.startswith("$.annotations[2].target:") and "after end" in e for e in errors)
    assert any(e.startswith("$.annotations[3].id:") for e in errors)
    w3c = to_w3c(build_export(corpus.documents, clustering, book.stored()))
    entries = w3c["first"]["items"]
    entries[0]["modified"] = "2026-01-20 10:00"
    entries[1]["id"] = entries[2]["id"]
    entries[2]["target"]["selector"][1].update(start=9, end=3)
    entries[0]["id"] = "urn:uuid:"
    with pytest.raises(ImportFileError) as caught:
        read_export(json.dumps(w3c))
    errors = caught.value.errors
    assert any(e.startswith("$.first.items[0].modified:") for e in errors)
    assert any(e.startswith("$.first.items[0].id:") for e in errors)
    assert any(e.startswith("$.first.items[2].id: duplicate id") for e in errors)
    assert any(e.startswith("$.first.items[2].target") and "after end" in e for e in errors)


def test_a_workspace_holding_naive_timestamps_still_imports(reviewed, tmp_path, cli):
    source, corpus, clustering, book = reviewed
    export = tmp_path / "a.json"
    export.write_text(render_export("json", corpus.documents, clustering, book.stored())[0])
    path = tmp_path / "naive.sqlite"
    first = cli("import", str(export), str(source), "--workspace", str(path))
    assert first.returncode == 0, first.stderr
    connection = sqlite3.connect(path)  # as an earlier version let a naive timestamp in
    connection.execute("UPDATE annotations SET modified = '2026-01-20T10:00:00.000'")
    connection.commit()
    connection.close()
    again = cli("import", str(export), str(source), "--workspace", str(path))
    assert again.returncode == 0, again.stderr
    assert b"updated 3" in again.stdout


def test_cli_import_nested_too_deeply_or_too_long_a_number_is_one_line(tmp_path, cli):
    deep = tmp_path / "deep.json"
    deep.write_text('{"annotations": ' + "[" * 200_000 + "]" * 200_000 + "}")
    long = tmp_path / "long.json"
    long.write_text('{"annotations": [' + "9" * 5000 + "]}")
    for path in (deep, long):
        result = cli("import", str(path), "--workspace", str(tmp_path / "w.sqlite"))
        assert result.returncode == 2, result.stderr
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 2 and lines[0].startswith(f"parallax: {path}: $: ")
    assert not (tmp_path / "w.sqlite").exists()


# --- export -o writes safely (issue 10 defect 4, issue 11 item 11) -------------------------------


def test_export_keeps_a_files_mode_and_new_files_follow_the_umask(tmp_path):
    existing = tmp_path / "shared.csv"
    existing.write_text("old")
    existing.chmod(0o664)
    write_atomically(existing, "new")
    assert existing.read_text() == "new" and stat.S_IMODE(existing.stat().st_mode) == 0o664
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "fresh.csv", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "fresh.csv").stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.csv", "shared.csv"]


def test_export_through_a_symlink_writes_its_target(tmp_path):
    target = tmp_path / "real" / "review.csv"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_atomically(link, "new")
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text() == "new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "real" / "created.csv")
    write_atomically(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "real" / "created.csv").read_text() == "made"


def test_export_to_a_device_or_a_pipe_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    deadline = time.monotonic() + 10
    while True:  # wait until the reader has the pipe open
        try:
            write_atomically(fifo, "through the pipe")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    reader.join(10)
    assert received == ["through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(OSError, match="nobody reads"):
        write_atomically(fifo, "no reader")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here")
    write_atomically(device, "discarded")
    assert stat.S_ISCHR(device.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pipe"]


def test_cli_export_to_a_directory_or_a_fifo_nobody_reads_is_refused(reviewed, tmp_path, cli):
    source, *_ = reviewed
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target, message in ((folder, "is a directory"), (fifo, "nobody reads")):
        result = cli("export", str(source), "--format", "csv", "-o", str(target))
        assert result.returncode == 2
        [line] = result.stderr.decode().splitlines()
        assert message in line.lower()
    assert folder.is_dir() and list(folder.iterdir()) == [] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_export_killed_midway_leaves_no_temporary_file_after_the_next(reviewed, tmp_path):
    source, *_ = reviewed
    output = tmp_path / "review.json"
    script = (
        "import os, signal, sys\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from parallax.tui.cli import main\n"
        f"main(['export', {str(source)!r}, '--format', 'json', '-o', {str(output)!r}])\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".review.json.")]
    assert left and not output.exists()
    stranger = tmp_path / ".review.json.notours.tmp"  # not one of ours: kept
    stranger.write_text("x")
    write_atomically(output, "{}")
    assert output.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".review.json.")] == [
        stranger.name
    ]

"""The annotation workspace (SQLite) and re-anchoring after source changes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from parallax.core.annotations import (
    Anchorer,
    Annotation,
    ReadOnlyWorkspace,
    Workspace,
    WorkspaceError,
    make_target,
    reanchor,
)
from parallax.core.annotations import store as store_module
from parallax.core.annotations.anchoring import file_key
from parallax.core.annotations.book import AnnotationBook, default_workspace
from parallax.core.annotations.models import now
from parallax.core.document import Document, Origin
from parallax.core.ingest import load


def doc(body: str, *, path: str = "a.txt", title: str = "T", index: int = 1) -> Document:
    from parallax.core.document import document_id

    return Document(
        id=document_id(title, None, None, body),
        index=index,
        title=title,
        origin=Origin(path=path, line=1),
        format="text",
        body=body,
    )


BODY = "Japanese Prime Minister Sanna Takashi has decided to dissolve the House on January 23."


@pytest.fixture
def workspace(tmp_path):
    with Workspace.open(tmp_path / ".parallax" / "review.sqlite") as opened:
        yield opened


def test_every_action_is_committed_and_survives_reopening(tmp_path):
    path = tmp_path / "review.sqlite"
    document = doc(BODY)
    target = make_target(document, 24, 37, discrepancy="x1", cluster="c1")
    with Workspace.open(path) as workspace:
        created = workspace.create(target, key="a.txt#1", reviewer="ana", tags=["error"])
        workspace.update(created.id, reviewer="ana", note="Wrong prime minister")
    with Workspace.open(path) as workspace:
        [stored] = workspace.all()
        assert stored.annotation.tags == ("error",)
        assert stored.annotation.note == "Wrong prime minister"
        assert stored.annotation.target.exact == "Sanna Takashi"
        assert stored.key == "a.txt#1"
        actions = [h["action"] for h in workspace.history(created.id)]
        assert actions == ["create", "update"]
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION


def test_undo_and_redo_survive_a_restart(tmp_path):
    path = tmp_path / "review.sqlite"
    target = make_target(doc(BODY), 24, 37)
    with Workspace.open(path) as workspace:
        created = workspace.create(target, key=None, reviewer="ana", tags=["error"])
        workspace.update(created.id, reviewer="ana", tags=["error", "disputed"])
        workspace.create(target, key=None, reviewer="bob", tags=["verified"])
    with Workspace.open(path) as workspace:
        assert workspace.undo("ana").tags == ("error",)
    with Workspace.open(path) as workspace:
        assert workspace.get(created.id).annotation.tags == ("error",)
        workspace.undo("ana")  # undoing the creation withdraws it; it is kept
        assert [s.annotation.reviewer for s in workspace.all()] == ["bob"]
        assert workspace.get(created.id).withdrawn
        assert workspace.undo("ana") is None
    with Workspace.open(path) as workspace:
        workspace.redo("ana")
        assert workspace.redo("ana").tags == ("error", "disputed")
        assert workspace.redo("ana") is None
        # a new change ends what can be redone
        workspace.undo("ana")
        workspace.update(created.id, reviewer="ana", note="n")
        assert workspace.redo("ana") is None
        assert any(h["action"] == "undo" for h in workspace.history(created.id))


def test_a_file_that_is_not_a_workspace_is_never_written(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="not a Parallax workspace"):
        Workspace.open(path)
    assert path.read_bytes() == before
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE mine (x)")
    connection.commit()
    connection.close()
    before = other.read_bytes()
    with pytest.raises(WorkspaceError, match="left untouched"):
        Workspace.open(other)
    assert other.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "review.sqlite"
    Workspace.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {store_module.SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(WorkspaceError, match="newer Parallax"):
        Workspace.open(path)


def test_read_only_path_opens_read_only(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "review.sqlite"
    with Workspace.open(path) as workspace:
        workspace.create(make_target(doc(BODY), 0, 8), key=None, reviewer="ana")
    with Workspace.open(path, readonly=True) as workspace:
        assert len(workspace.all()) == 1
        with pytest.raises(ReadOnlyWorkspace):
            workspace.create(make_target(doc(BODY), 0, 8), key=None, reviewer="ana")
    with pytest.raises(WorkspaceError):
        Workspace.open(tmp_path / "missing" / "review.sqlite", readonly=True)


def test_a_lock_held_too_long_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "review.sqlite"
    Workspace.open(path).close()
    blocker = sqlite3.connect(path, timeout=0.1)
    blocker.isolation_level = None
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with Workspace.open(path) as workspace, pytest.raises(WorkspaceError, match="locked"):
            workspace.create(make_target(doc(BODY), 0, 8), key=None, reviewer="ana")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_two_processes_annotating_at_once_lose_nothing(tmp_path):
    path = tmp_path / "review.sqlite"
    Workspace.open(path).close()
    script = textwrap.dedent(
        f"""
        import sys
        from parallax.core.annotations import Workspace, make_target
        from parallax.core.document import Document, Origin
        body = {BODY!r}
        document = Document(id="d", index=1, title="T", origin=Origin(path="p", line=1),
                            format="text", body=body)
        with Workspace.open({str(path)!r}) as workspace:
            for i in range(150):
                workspace.create(make_target(document, 0, 8), key=None, reviewer=sys.argv[1],
                                 tags=[f"t{{i}}"])
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, name], stderr=subprocess.PIPE)
        for name in ("ana", "bob")
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr.decode()
    with Workspace.open(path) as workspace:
        stored = workspace.all()
    assert len(stored) == 300
    assert {s.annotation.reviewer for s in stored} == {"ana", "bob"}


def test_default_workspace_location(tmp_path, demo_path):
    source = tmp_path / "export.txt"
    source.write_text("x")
    assert default_workspace(source) == tmp_path / ".parallax" / "review.sqlite"
    assert default_workspace(tmp_path) == tmp_path / ".parallax" / "review.sqlite"
    demo = default_workspace(demo_path, demo=demo_path)
    assert demo_path.parent not in demo.parents  # never inside the installed package


# --- anchoring ---------------------------------------------------------------------------------


def annotated(target, *, orphaned: bool = False) -> Annotation:
    moment = now()
    return Annotation(
        id="a1",
        target=target,
        reviewer="ana",
        created=moment,
        modified=moment,
        orphaned=orphaned,
    )


def place(target, documents):
    """Where an annotation on ``target`` goes in ``documents`` (``None`` when orphaned)."""
    return Anchorer(documents).anchor(annotated(target), f"{file_key('a.txt')}#1")


def test_unchanged_source_keeps_the_target():
    document = doc(BODY)
    target = make_target(document, 24, 37)
    placed = place(target, [document])
    assert placed.placement == "unchanged" and placed.annotation.target == target


def test_text_moved_by_an_edit_is_found_exactly():
    old = doc(BODY)
    target = make_target(old, 24, 37)
    new = doc("Breaking: " + BODY.replace("decided", "resolved"))
    placed = place(target, [new])
    assert placed.placement == "moved"
    moved = placed.annotation.target
    assert new.body[moved.start : moved.end] == "Sanna Takashi"
    assert moved.document == new.id and moved.content_hash == new.content_hash


def test_edited_quote_is_found_approximately():
    old = doc(BODY)
    target = make_target(old, 0, 36)  # "Japanese Prime Minister Sanna Takash"
    new = doc(BODY.replace("Sanna Takashi", "Sanae Takaichi"))
    placed = place(target, [new])
    assert placed.placement == "moved"
    moved = placed.annotation.target
    assert new.body[moved.start : moved.end].startswith("Japanese Prime")


def test_removed_text_is_orphaned_never_dropped():
    old = doc(BODY)
    new = doc("Something else entirely was written here instead, about fisheries.")
    placed = place(make_target(old, 24, 37), [new])
    assert placed.placement == "orphaned" and placed.annotation.orphaned
    assert placed.annotation.target == make_target(old, 24, 37)  # what it was on is kept


def test_best_occurrence_is_chosen_by_context():
    body = "The rate rose. Later, the rate fell sharply. Then the rate rose again."
    old = doc(body)
    target = make_target(old, body.index("rate fell"), body.index("rate fell") + 4)
    new = doc("Intro. " + body)
    moved = place(target, [new]).annotation.target
    assert new.body[moved.end : moved.end + 5] == " fell"


def test_book_reanchors_records_moves_and_keeps_orphans(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(f"Title\n\n{BODY}\n\nThe drill ship Chikyu left Shimizu port on Monday.\n")
    path = tmp_path / "review.sqlite"
    documents = load([source]).documents
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, documents)
        body = documents[0].body
        one = book.annotate(
            make_target(documents[0], body.index("Sanna"), body.index("Sanna") + 13),
            "ana",
            tags=["error"],
        )
        two = book.annotate(
            make_target(documents[0], body.index("Chikyu"), body.index("Chikyu") + 6),
            "ana",
            tags=["spelling"],
        )
    source.write_text(f"Title\n\nUpdate: {BODY}\n\nNo ship is mentioned any more.\n")
    documents = load([source]).documents
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, documents)
        placed = {a.id: a for a in book.annotations()}
        assert placed[one.id].target.exact == "Sanna Takashi" and not placed[one.id].orphaned
        assert placed[one.id].target.document == documents[0].id
        assert placed[two.id].orphaned
        assert book.orphans() == [placed[two.id]]
        assert "reanchor" in [h["action"] for h in workspace.history(one.id)]
    with Workspace.open(path) as workspace:
        assert len(workspace.all()) == 2  # nothing dropped


def test_reanchor_keeps_the_annotation_identity():
    old = doc(BODY)
    with Workspace.in_memory() as workspace:
        annotation = workspace.create(make_target(old, 24, 37), key="a.txt#1", reviewer="ana")
    new = doc("Now: " + BODY)
    anchorer = Anchorer([new])
    moved = reanchor(annotation, anchorer, anchorer.key(new.id))
    assert moved.id == annotation.id and moved.target.start == 29
    assert (moved.reviewer, moved.created, moved.modified) == (
        annotation.reviewer,
        annotation.created,
        annotation.modified,
    )

"""The annotation workspace (SQLite) and re-anchoring after source changes."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from functools import partial
from pathlib import Path

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
from parallax.core.ingest import load
from tests import factories

#: One article of a file, with the id reading it gives (an edit gives another id).
doc = partial(factories.doc, path="a.txt", title="T", line=1, content_id=True)


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


# --- damaged, foreign, empty and read-only workspaces (issue 11, items 6 and 8) ------------------


def make_workspace(path, count: int = 300) -> None:
    document = doc(BODY * 20)
    with Workspace.open(path) as workspace:
        for i in range(count):
            workspace.create(
                make_target(document, i, i + 40), key="a.txt#1", reviewer="ana", note="n" * 200
            )


def damage(path) -> bytes:
    """Overwrite 4 KB in the middle of a workspace until SQLite calls it malformed."""
    size = path.stat().st_size
    rng = random.Random(7)
    for page in range(size // 4096 // 2, size // 4096):
        with open(path, "r+b") as handle:
            handle.seek(page * 4096)
            handle.write(rng.randbytes(4096))
        connection = sqlite3.connect(path)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                break
        except sqlite3.DatabaseError:
            break
        finally:
            connection.close()
    return path.read_bytes()


def test_a_damaged_workspace_is_refused_and_left_untouched(tmp_path, demo_path, cli):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    path = tmp_path / "review.sqlite"
    make_workspace(path)
    before = damage(path)
    for readonly in (False, True):
        with pytest.raises(WorkspaceError, match=r"damaged|malformed"):
            Workspace.open(path, readonly=readonly)
    export = tmp_path / "a.json"
    export.write_text(
        '{"schema": "parallax.annotations/1", "documents": [], "clusters": [], "annotations": []}'
    )
    imported = cli("import", str(export), str(source), "--workspace", str(path))
    exported = cli("export", str(source), "--workspace", str(path))
    for result in (imported, exported):
        assert result.returncode == 3, result.stderr
        [line] = result.stderr.decode().splitlines()
        assert "left untouched" in line
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_a_foreign_database_with_our_application_id_is_never_written(tmp_path):
    path = tmp_path / "foreign.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA application_id = {store_module.APPLICATION_ID}")
    connection.execute("CREATE TABLE mine (x)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    for version in (0, 1, store_module.SCHEMA_VERSION):
        connection = sqlite3.connect(path)
        connection.execute(f"PRAGMA user_version = {version}")
        connection.commit()
        connection.close()
        before = path.read_bytes()
        with pytest.raises(WorkspaceError, match="not a Parallax workspace"):
            Workspace.open(path)
        assert path.read_bytes() == before  # not even switched to WAL
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()


def test_an_empty_file_is_not_adopted_as_a_workspace(tmp_path, demo_path, cli):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    path = tmp_path / ".parallax" / "review.sqlite"
    path.parent.mkdir()
    path.touch()
    for readonly in (False, True):
        with pytest.raises(WorkspaceError, match="empty file"):
            Workspace.open(path, readonly=readonly)
    result = cli("export", str(source), "--format", "json", "-o", str(tmp_path / "a.json"))
    assert result.returncode == 3 and b"empty file" in result.stderr
    assert path.stat().st_size == 0
    # A new workspace is never seen half made: it appears whole, or not at all.
    fresh = tmp_path / "new" / "review.sqlite"
    Workspace.open(fresh).close()
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["review.sqlite"]
    with Workspace.open(fresh, readonly=True) as opened:
        assert opened.all() == []


class FailingConnection:
    """An SQLite connection that starts failing as a damaged file would."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.broken = False

    def execute(self, *args):
        if self.broken:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return self.connection.execute(*args)

    def close(self) -> None:
        self.connection.close()


def test_a_database_error_after_opening_makes_the_workspace_read_only(tmp_path):
    path = tmp_path / "review.sqlite"
    make_workspace(path, count=3)
    with Workspace.open(path) as workspace:
        failing = FailingConnection(workspace._db)
        workspace._db = failing
        book = AnnotationBook(workspace, [doc(BODY * 20, path="a.txt")])
        assert len(book.annotations()) == 3
        failing.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = path.read_bytes()
        failing.broken = True
        with pytest.raises(WorkspaceError, match="left untouched"):
            book.annotate(make_target(doc(BODY * 20), 0, 8), "ana", tags=["x"])
        assert workspace.readonly and "malformed" in workspace.problem
        with pytest.raises(WorkspaceError):
            workspace.all()
        failing.broken = False
        with pytest.raises(ReadOnlyWorkspace):  # nothing more is written into it
            workspace.create(make_target(doc(BODY), 0, 8), key=None, reviewer="ana")
    assert path.read_bytes() == before


def test_a_read_only_workspace_can_be_exported(demo_path):
    folder = Path(tempfile.mkdtemp(prefix="parallax-ro-", dir="/tmp"))
    try:
        source = folder / "export.txt"
        source.write_bytes(demo_path.read_bytes())
        corpus = load([source])
        path = default_workspace(source)
        with Workspace.open(path) as workspace:
            first = corpus.documents[0]
            start = first.body.index("Sanna")
            AnnotationBook(workspace, corpus.documents).annotate(
                make_target(first, start, start + 13), "ana", tags=["error"]
            )
        assert sorted(p.name for p in path.parent.iterdir()) == ["review.sqlite"]
        for item in (path, source):
            item.chmod(0o444)
        for item in (path.parent, folder):
            item.chmod(0o555)
        command = [sys.executable, "-m", "parallax.tui", "export", str(source), "--format", "csv"]
        if os.geteuid() == 0:  # root writes anywhere: run it as nobody
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        result = subprocess.run(command, capture_output=True, timeout=300, cwd="/")
        assert result.returncode == 0, result.stderr
        assert "Sanna Takashi" in result.stdout.decode("utf-8-sig")
        assert sorted(p.name for p in path.parent.iterdir()) == ["review.sqlite"]
    finally:
        for item in (folder, path.parent):
            item.chmod(0o755)
        shutil.rmtree(folder)

"""The workspace: every annotation in an SQLite database, committed as it is made.

* One transaction per action (``BEGIN IMMEDIATE`` … ``COMMIT``), WAL journal, foreign keys on,
  a busy timeout so two reviewers' processes take turns instead of failing.
* Every change is kept in ``history`` (who, when, before, after), so undo and redo survive a
  restart and the whole review can be audited. Nothing is ever deleted: undoing a creation
  marks the annotation withdrawn.
* The file identifies itself (``PRAGMA application_id``) and carries a schema version
  (``PRAGMA user_version``) with migrations; a file that is not a Parallax workspace is never
  written to, and a newer schema is refused rather than misread.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from parallax.core.annotations.models import Annotation, Status, Target, now

APPLICATION_ID = 0x50524C58  # "PRLX"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000

_SCHEMA_V1 = """
CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    document_key TEXT,
    cluster TEXT,
    discrepancy TEXT,
    field TEXT NOT NULL DEFAULT 'body',
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    exact TEXT NOT NULL,
    prefix TEXT NOT NULL,
    suffix TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    tags TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    reviewer TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    orphaned INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX annotations_discrepancy ON annotations (discrepancy);
CREATE INDEX annotations_cluster ON annotations (cluster);
CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    annotation TEXT NOT NULL REFERENCES annotations (id),
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    state TEXT NOT NULL CHECK (state IN ('done', 'undone', 'spent', 'audit'))
);
CREATE INDEX history_reviewer ON history (reviewer, state);
"""

#: Migration ``n`` takes a database from version ``n`` to ``n + 1``.
MIGRATIONS: list[str] = [_SCHEMA_V1]


class WorkspaceError(Exception):
    """The workspace cannot be used as asked; the message says why, on one line."""


class ReadOnlyWorkspace(WorkspaceError):
    """A write was attempted on a workspace opened read-only."""


@dataclass(frozen=True)
class Stored:
    """An annotation with the stable key of its document (see ``document_keys``)."""

    annotation: Annotation
    key: str | None
    withdrawn: bool = False


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unanchored: int = 0


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class Workspace:
    """An open annotation database."""

    def __init__(self, path: Path, connection: sqlite3.Connection, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._db = connection

    # --- opening --------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Workspace:
        """Open (creating it if needed, unless ``readonly``) the workspace at ``path``.

        Raises :class:`WorkspaceError` for a file that is not a Parallax workspace, a newer
        schema, a lock held too long or a path that cannot be written.
        """
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if readonly and not exists:
            raise WorkspaceError(f"{path}: no workspace here")
        if not readonly and not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise WorkspaceError(f"{path}: cannot create ({error.strerror})") from None
        uri = f"file:{path}?mode={'ro' if readonly else 'rwc'}"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as error:
            raise WorkspaceError(f"{path}: cannot open ({error})") from None
        connection.isolation_level = None  # transactions are explicit
        workspace = cls(path, connection, readonly)
        try:
            workspace._prepare(exists)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise WorkspaceError(_explain(path, error)) from None
        except WorkspaceError:
            connection.close()
            raise
        return workspace

    @classmethod
    def in_memory(cls) -> Workspace:
        """A workspace that lives only as long as the process (nothing is kept)."""
        connection = sqlite3.connect(":memory:")
        connection.isolation_level = None
        workspace = cls(Path(":memory:"), connection, readonly=False)
        workspace._prepare(existed=False)
        return workspace

    def _prepare(self, existed: bool) -> None:
        db = self._db
        application = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if existed and application != APPLICATION_ID:
            raise WorkspaceError(f"{self.path}: not a Parallax workspace; it was left untouched")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path}: written by a newer Parallax (schema {version}, this one reads "
                f"{SCHEMA_VERSION}); upgrade Parallax to use it"
            )
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            return
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower()
        if mode not in ("wal", "memory"):
            raise WorkspaceError(f"{self.path}: cannot use write-ahead logging here")
        db.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            with self._transaction():
                for migration in MIGRATIONS[version:]:
                    for statement in migration.split(";"):
                        if statement.strip():
                            db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the database (everything is already committed)."""
        self._db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise ReadOnlyWorkspace(f"{self.path}: opened read-only; nothing can be changed")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise WorkspaceError(_explain(self.path, error)) from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                self._db.execute("ROLLBACK")
                raise WorkspaceError(_explain(self.path, error)) from None

    # --- reading --------------------------------------------------------------------------------

    def all(self, *, include_withdrawn: bool = False) -> list[Stored]:
        """Every annotation, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM annotations"
            + ("" if include_withdrawn else " WHERE withdrawn = 0")
            + " ORDER BY created, rowid"
        )
        return [_stored(row, rows.description) for row in rows]

    def get(self, annotation_id: str) -> Stored | None:
        """One annotation by id (withdrawn ones included)."""
        cursor = self._db.execute("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
        row = cursor.fetchone()
        return _stored(row, cursor.description) if row else None

    def history(self, annotation_id: str) -> list[dict[str, Any]]:
        """Every recorded change of an annotation, oldest first."""
        cursor = self._db.execute(
            "SELECT seq, reviewer, at, action, before, after, state FROM history "
            "WHERE annotation = ? ORDER BY seq",
            (annotation_id,),
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # --- changing -------------------------------------------------------------------------------

    def create(
        self,
        target: Target,
        *,
        key: str | None,
        reviewer: str,
        tags: Iterable[str] = (),
        note: str = "",
        status: Status = "open",
    ) -> Annotation:
        """Record a new annotation and commit it."""
        moment = now()
        annotation = Annotation(
            id=str(uuid.uuid4()),
            target=target,
            tags=_clean_tags(tags),
            note=note,
            status=status,
            reviewer=reviewer,
            created=moment,
            modified=moment,
        )
        with self._transaction() as db:
            _insert(db, annotation, key)
            self._record(db, annotation.id, reviewer, "create", None, annotation, key)
        return annotation

    def update(
        self,
        annotation_id: str,
        *,
        reviewer: str,
        tags: Iterable[str] | None = None,
        note: str | None = None,
        status: Status | None = None,
        target: Target | None = None,
        key: str | None = None,
        orphaned: bool | None = None,
        action: str = "update",
    ) -> Annotation:
        """Change an annotation and commit; the previous state goes to the history."""
        with self._transaction() as db:
            current = self._load(db, annotation_id)
            changes: dict[str, Any] = {"modified": now()}
            if tags is not None:
                changes["tags"] = _clean_tags(tags)
            if note is not None:
                changes["note"] = note
            if status is not None:
                changes["status"] = status
            if target is not None:
                changes["target"] = target
            if orphaned is not None:
                changes["orphaned"] = orphaned
            updated = current.annotation.model_copy(update=changes)
            new_key = key if key is not None else current.key
            _replace(db, updated, new_key, withdrawn=False)
            self._record(db, annotation_id, reviewer, action, current.annotation, updated, new_key)
        return updated

    def _record(
        self,
        db: sqlite3.Connection,
        annotation_id: str,
        reviewer: str,
        action: str,
        before: Annotation | None,
        after: Annotation | None,
        key: str | None,
        state: str = "done",
    ) -> None:
        if state == "done" and action in ("create", "update"):
            # A new change makes what was undone before no longer redoable.
            db.execute(
                "UPDATE history SET state = 'spent' WHERE reviewer = ? AND state = 'undone'",
                (reviewer,),
            )
        db.execute(
            "INSERT INTO history (annotation, reviewer, at, action, before, after, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                annotation_id,
                reviewer,
                _iso(now()),
                action,
                _snapshot(before, key),
                _snapshot(after, key),
                state if action in ("create", "update") else "audit",
            ),
        )

    def _load(self, db: sqlite3.Connection, annotation_id: str) -> Stored:
        cursor = db.execute("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
        row = cursor.fetchone()
        if row is None:
            raise WorkspaceError(f"{self.path}: no annotation {annotation_id}")
        return _stored(row, cursor.description)

    def undo(self, reviewer: str) -> Annotation | None:
        """Undo the reviewer's latest change still in effect; ``None`` when there is none."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT seq, annotation, before FROM history "
                "WHERE reviewer = ? AND state = 'done' ORDER BY seq DESC LIMIT 1",
                (reviewer,),
            ).fetchone()
            if row is None:
                return None
            seq, annotation_id, before = row
            current = self._load(db, annotation_id)
            restored = _restore(before)
            if restored is None:  # undoing a creation: withdraw it, keep it
                _replace(db, current.annotation, current.key, withdrawn=True)
            else:
                annotation, key = restored
                _replace(db, annotation, key, withdrawn=False)
            db.execute("UPDATE history SET state = 'undone' WHERE seq = ?", (seq,))
            self._record(db, annotation_id, reviewer, "undo", current.annotation, None, None)
            return restored[0] if restored else current.annotation

    def redo(self, reviewer: str) -> Annotation | None:
        """Redo the change the reviewer undid most recently; ``None`` when there is none."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT seq, annotation, after FROM history "
                "WHERE reviewer = ? AND state = 'undone' ORDER BY seq ASC LIMIT 1",
                (reviewer,),
            ).fetchone()
            if row is None:
                return None
            seq, annotation_id, after = row
            restored = _restore(after)
            assert restored is not None
            annotation, key = restored
            _replace(db, annotation, key, withdrawn=False)
            db.execute("UPDATE history SET state = 'done' WHERE seq = ?", (seq,))
            self._record(db, annotation_id, reviewer, "redo", None, annotation, key)
            return annotation

    def merge(
        self, incoming: Iterable[tuple[Annotation, str | None]], reviewer: str
    ) -> ImportReport:
        """Add or update annotations from an export, all in one transaction: importing the
        same file twice changes nothing; a newer ``modified`` wins."""
        added = updated = unchanged = unanchored = 0
        with self._transaction() as db:
            for annotation, key in incoming:
                if annotation.orphaned:
                    unanchored += 1
                cursor = db.execute("SELECT * FROM annotations WHERE id = ?", (annotation.id,))
                row = cursor.fetchone()
                if row is None:
                    _insert(db, annotation, key)
                    self._record(db, annotation.id, reviewer, "import", None, annotation, key)
                    added += 1
                    continue
                current = _stored(row, cursor.description)
                if current.annotation == annotation and current.key == key:
                    unchanged += 1
                elif annotation.modified > current.annotation.modified:
                    _replace(db, annotation, key, withdrawn=False)
                    self._record(
                        db, annotation.id, reviewer, "import", current.annotation, annotation, key
                    )
                    updated += 1
                else:
                    unchanged += 1
        return ImportReport(added, updated, unchanged, unanchored)


# --- rows <-> models ------------------------------------------------------------------------


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return tuple(seen)


def _values(annotation: Annotation, key: str | None, withdrawn: bool) -> dict[str, Any]:
    t = annotation.target
    return {
        "id": annotation.id,
        "document": t.document,
        "document_key": key,
        "cluster": t.cluster,
        "discrepancy": t.discrepancy,
        "field": t.field,
        "start": t.start,
        "end": t.end,
        "exact": t.exact,
        "prefix": t.prefix,
        "suffix": t.suffix,
        "content_hash": t.content_hash,
        "tags": json.dumps(list(annotation.tags), ensure_ascii=False),
        "note": annotation.note,
        "status": annotation.status,
        "reviewer": annotation.reviewer,
        "created": _iso(annotation.created),
        "modified": _iso(annotation.modified),
        "orphaned": int(annotation.orphaned),
        "withdrawn": int(withdrawn),
    }


def _insert(db: sqlite3.Connection, annotation: Annotation, key: str | None) -> None:
    values = _values(annotation, key, withdrawn=False)
    columns = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join("?" for _ in values)
    db.execute(f"INSERT INTO annotations ({columns}) VALUES ({marks})", tuple(values.values()))


def _replace(
    db: sqlite3.Connection, annotation: Annotation, key: str | None, *, withdrawn: bool
) -> None:
    values = _values(annotation, key, withdrawn)
    assignments = ", ".join(f'"{c}" = ?' for c in values if c != "id")
    db.execute(
        f"UPDATE annotations SET {assignments} WHERE id = ?",
        (*[v for c, v in values.items() if c != "id"], annotation.id),
    )


def _stored(row: tuple, description: Any) -> Stored:
    data = dict(zip((c[0] for c in description), row, strict=True))
    target = Target(
        document=data["document"],
        discrepancy=data["discrepancy"],
        field=data["field"],
        start=data["start"],
        end=data["end"],
        exact=data["exact"],
        prefix=data["prefix"],
        suffix=data["suffix"],
        content_hash=data["content_hash"],
        cluster=data["cluster"],
    )
    annotation = Annotation(
        id=data["id"],
        target=target,
        tags=tuple(json.loads(data["tags"])),
        note=data["note"],
        status=data["status"],
        reviewer=data["reviewer"],
        created=datetime.fromisoformat(data["created"]),
        modified=datetime.fromisoformat(data["modified"]),
        orphaned=bool(data["orphaned"]),
    )
    return Stored(annotation, data["document_key"], bool(data["withdrawn"]))


def _snapshot(annotation: Annotation | None, key: str | None) -> str | None:
    if annotation is None:
        return None
    return json.dumps(
        {"annotation": annotation.model_dump(mode="json"), "key": key}, ensure_ascii=False
    )


def _restore(snapshot: str | None) -> tuple[Annotation, str | None] | None:
    if snapshot is None:
        return None
    data = json.loads(snapshot)
    return Annotation.model_validate(data["annotation"]), data["key"]


def _explain(path: Path, error: sqlite3.Error) -> str:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return f"{path}: not a Parallax workspace or damaged ({message}); it was left untouched"
    if "locked" in message or "busy" in message:
        return f"{path}: locked by another process for more than {BUSY_TIMEOUT_MS // 1000} s"
    if "readonly" in message or "read-only" in message:
        return f"{path}: cannot write here (read-only)"
    return f"{path}: {message}"

"""The workspace: every annotation in an SQLite database, committed as it is made.

* One transaction per action (``BEGIN IMMEDIATE`` … ``COMMIT``), WAL journal, foreign keys on,
  a busy timeout so two reviewers' processes take turns instead of failing.
* Every change is kept in ``history`` (who, when, before, after), so undo and redo survive a
  restart and the whole review can be audited. Nothing is ever deleted: undoing a creation
  marks the annotation withdrawn. Re-anchoring and relinking are recorded too (by ``parallax``),
  and change neither who made an annotation nor when it was created or modified.
* ``documents`` remembers the documents of every file that carries annotations (and the text of
  the annotated ones), so that an edited document's successor can be recognised.
* The file identifies itself (``PRAGMA application_id``) and carries a schema version
  (``PRAGMA user_version``) with migrations. A file that is not a Parallax workspace (another
  database, one without a workspace's tables, an empty file), a damaged one (``PRAGMA
  quick_check``) or a newer schema is refused before anything is written; an error met later
  (damage found while reading, a disk that fails) is a :class:`WorkspaceError` and makes the
  workspace read-only, so nothing more is written into it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parallax.core.annotations.anchoring import KnownDocument, Recording, split_key
from parallax.core.annotations.models import Annotation, Quote, Status, Target, now

APPLICATION_ID = 0x50524C58  # "PRLX"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5000
#: The name history records for changes Parallax makes itself (re-anchoring, relinking).
SYSTEM = "parallax"

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

_SCHEMA_V2 = """
ALTER TABLE annotations ADD COLUMN kind TEXT;
ALTER TABLE annotations ADD COLUMN severity TEXT;
ALTER TABLE annotations ADD COLUMN summary TEXT;
ALTER TABLE annotations ADD COLUMN tier TEXT;
ALTER TABLE annotations ADD COLUMN readings TEXT NOT NULL DEFAULT '[]';
CREATE TABLE documents (
    file TEXT NOT NULL,
    id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL,
    external_id TEXT,
    content_hash TEXT NOT NULL,
    body TEXT,
    successor TEXT,
    gone INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (file, id)
);
"""

#: The columns a workspace of each version has (anything else is not a workspace).
_TABLES: dict[int, dict[str, set[str]]] = {
    1: {
        "annotations": {
            "id", "document", "document_key", "cluster", "discrepancy", "field", "start", "end",
            "exact", "prefix", "suffix", "content_hash", "tags", "note", "status", "reviewer",
            "created", "modified", "orphaned", "withdrawn",
        },
        "history": {"seq", "annotation", "reviewer", "at", "action", "before", "after", "state"},
    },
}  # fmt: skip
_TABLES[2] = {
    "annotations": _TABLES[1]["annotations"] | {"kind", "severity", "summary", "tier", "readings"},
    "history": _TABLES[1]["history"],
    "documents": {
        "file", "id", "ordinal", "title", "external_id", "content_hash", "body", "successor", "gone"
    },
}  # fmt: skip


def _statements(script: str) -> Callable[[sqlite3.Connection], None]:
    def run(db: sqlite3.Connection) -> None:
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)

    return run


def _to_v2(db: sqlite3.Connection) -> None:
    _statements(_SCHEMA_V2)(db)
    _repair_cross_file_moves(db)


#: Migration ``n`` takes a database from version ``n`` to ``n + 1``.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_statements(_SCHEMA_V1), _to_v2]


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
class Placed:
    """A new place for an annotation, written only if its target is still ``expected``."""

    annotation: str
    expected: Target
    target: Target
    key: str | None
    orphaned: bool


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unanchored: int = 0
    elsewhere: int = 0


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _aware(text: str) -> datetime:
    """A stored timestamp; one written without a time zone (by an earlier import) is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Workspace:
    """An open annotation database."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        readonly: bool,
        *,
        problem: str | None = None,
    ) -> None:
        self.path = path
        self.readonly = readonly
        #: Why the workspace is read-only or unusable, when it is (one line).
        self.problem = problem
        #: Something the reader should know although the workspace opened (one line).
        self.warning: str | None = None
        self._db = connection
        self._lock = threading.RLock()

    # --- opening --------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Workspace:
        """Open (creating it if needed, unless ``readonly``) the workspace at ``path``.

        Raises :class:`WorkspaceError` for a file that is not a Parallax workspace (including an
        empty one), a damaged one, a newer schema, a lock held too long or a path that cannot be
        written.
        """
        path = Path(path)
        try:
            size = path.stat().st_size if path.exists() else None
        except OSError as error:
            raise WorkspaceError(f"{path}: cannot open ({error.strerror})") from None
        if path.is_dir():
            raise WorkspaceError(f"{path}: is a directory, not a workspace")
        if size == 0:
            raise WorkspaceError(
                f"{path}: empty file, not a Parallax workspace (truncated?); it was left "
                "untouched (remove it to start a new workspace)"
            )
        if size is None:
            if readonly:
                raise WorkspaceError(f"{path}: no workspace here")
            _create(path)
        checked = _probe(path)
        connection = _connect(path, readonly=readonly)
        workspace = cls(path, connection, readonly)
        try:
            workspace._prepare(check=not checked)
        except sqlite3.OperationalError as error:
            if not readonly or not _needs_immutable(error):
                connection.close()
                raise WorkspaceError(_explain(path, error)) from None
            # A read-only folder without the write-ahead index: read the file as it is.
            connection.close()
            connection = _connect(path, readonly=True, immutable=True)
            workspace = cls(path, connection, readonly)
            try:
                workspace._prepare(check=not checked)
            except (sqlite3.DatabaseError, WorkspaceError) as again:
                connection.close()
                message = again if isinstance(again, WorkspaceError) else _explain(path, again)
                raise WorkspaceError(str(message)) from None
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                workspace.warning = (
                    f"{path}: read without its write-ahead log (read-only folder); "
                    "the latest changes may be missing"
                )
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
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.isolation_level = None
        workspace = cls(Path(":memory:"), connection, readonly=False)
        workspace._migrate(0)
        return workspace

    @classmethod
    def unavailable(cls, path: Path, problem: str) -> Workspace:
        """An empty, read-only stand-in for a workspace that cannot be opened (the app still
        works; nothing is read from or written to ``path``)."""
        workspace = cls.in_memory()
        workspace.path = Path(path)
        workspace.readonly = True
        workspace.problem = problem
        return workspace

    def _prepare(self, *, check: bool = True) -> None:
        version = self._validate(check=check)
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            return
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower()
        if mode != "wal":
            raise WorkspaceError(f"{self.path}: cannot use write-ahead logging here")
        db.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _validate(self, *, check: bool) -> int:
        """The schema version of a Parallax workspace in good health; raises otherwise."""
        db = self._db
        application = db.execute("PRAGMA application_id").fetchone()[0]
        version: int = db.execute("PRAGMA user_version").fetchone()[0]
        if application != APPLICATION_ID or version < 1:
            raise WorkspaceError(f"{self.path}: not a Parallax workspace; it was left untouched")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path}: written by a newer Parallax (schema {version}, this one reads "
                f"{SCHEMA_VERSION}); upgrade Parallax to use it"
            )
        for table, columns in _TABLES[version].items():
            found = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if not columns <= found:
                raise WorkspaceError(
                    f"{self.path}: not a Parallax workspace (no {table} table of schema "
                    f"{version}); it was left untouched"
                )
        if check:
            found = db.execute("PRAGMA quick_check").fetchone()[0]
            if found != "ok":
                raise WorkspaceError(
                    f"{self.path}: damaged ({found}); it was left untouched (restore a copy, "
                    "or export what can be read with another tool)"
                )
        return version

    def _migrate(self, version: int) -> None:
        with self._transaction() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current != version:  # another process migrated it meanwhile
                return
            for migration in MIGRATIONS[version:]:
                migration(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def base(self) -> Path:
        """The folder the workspace belongs to (document keys are relative to it): the folder
        holding ``.parallax/``, or the workspace file's folder."""
        if str(self.path) == ":memory:":
            return Path.cwd()
        folder = self.path.absolute().parent
        return folder.parent if folder.name == ".parallax" else folder

    def close(self) -> None:
        """Close the database (everything is already committed)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """Serialise access (the app reads and writes from several threads) and turn every
        database error into a :class:`WorkspaceError`; damage makes the workspace read-only."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.DatabaseError as error:
                message = _explain(self.path, error)
                if _is_damage(error):
                    self.readonly = True
                    self.problem = message
                raise WorkspaceError(message) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            reason = f" ({self.problem})" if self.problem else ""
            raise ReadOnlyWorkspace(
                f"{self.path}: opened read-only; nothing can be changed{reason}"
            )
        with self._guard() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            try:
                db.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise

    # --- reading --------------------------------------------------------------------------------

    def all(self, *, include_withdrawn: bool = False) -> list[Stored]:
        """Every annotation, oldest first."""
        with self._guard() as db:
            rows = db.execute(
                "SELECT * FROM annotations"
                + ("" if include_withdrawn else " WHERE withdrawn = 0")
                + " ORDER BY created, rowid"
            )
            return [_stored(row, rows.description) for row in rows]

    def get(self, annotation_id: str) -> Stored | None:
        """One annotation by id (withdrawn ones included)."""
        with self._guard() as db:
            cursor = db.execute("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
            row = cursor.fetchone()
            return _stored(row, cursor.description) if row else None

    def history(self, annotation_id: str | None = None) -> list[dict[str, Any]]:
        """Every recorded change of an annotation (of all, without one), oldest first."""
        with self._guard() as db:
            cursor = db.execute(
                "SELECT seq, annotation, reviewer, at, action, before, after, state FROM history"
                + (" WHERE annotation = ?" if annotation_id is not None else "")
                + " ORDER BY seq",
                (annotation_id,) if annotation_id is not None else (),
            )
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]

    def documents(self, files: Iterable[str] | None = None) -> list[KnownDocument]:
        """What the workspace remembers of the documents of ``files`` (of every file without)."""
        with self._guard() as db:
            return _documents(db, None if files is None else list(files))

    # --- changing -------------------------------------------------------------------------------

    def sync_documents(
        self,
        files: Iterable[str],
        changes: Callable[[list[KnownDocument]], list[KnownDocument]],
        *,
        write: bool = True,
    ) -> list[KnownDocument]:
        """Bring the records of ``files`` up to date: ``changes(records)`` says what to write.
        Read-only, the changes are only returned; otherwise they are written in one transaction
        (computed again inside it, so two processes never record two different successors)."""
        files = list(files)
        records = self.documents(files)
        found = changes(records)
        if not found or self.readonly or not write:
            return _merged(records, found)
        with self._transaction() as db:
            records = _documents(db, files)
            found = changes(records)
            _write_documents(db, found)
        return _merged(records, found)

    def create(
        self,
        target: Target,
        *,
        key: str | None,
        reviewer: str,
        tags: Iterable[str] = (),
        note: str = "",
        status: Status = "open",
        recording: Recording | None = None,
    ) -> Annotation:
        """Record a new annotation (and, with ``recording``, the documents it is on) and commit
        it."""
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
            _apply(db, recording)
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
        touch: bool = True,
    ) -> Annotation:
        """Change an annotation and commit; the previous state goes to the history.

        ``touch=False`` keeps ``modified`` (for changes Parallax makes, not the reviewer)."""
        with self._transaction() as db:
            current = self._load(db, annotation_id)
            changes: dict[str, Any] = {"modified": now()} if touch else {}
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

    def place(self, placements: Iterable[Placed], *, action: str) -> list[Annotation]:
        """Move annotations (re-anchoring, relinking) in one transaction, as ``parallax``: only
        where, never who, when or what was said. An annotation whose target changed since it was
        read (another process placed it) is left as it is. Returns those written."""
        placements = list(placements)
        if not placements:
            return []
        written = []
        with self._transaction() as db:
            for placed in placements:
                current = self._find(db, placed.annotation)
                if current is None or current.annotation.target != placed.expected:
                    continue
                updated = current.annotation.model_copy(
                    update={"target": placed.target, "orphaned": placed.orphaned}
                )
                key = placed.key if placed.key is not None else current.key
                if updated == current.annotation and key == current.key:
                    continue
                _replace(db, updated, key, withdrawn=current.withdrawn)
                before = current.annotation
                self._record(db, placed.annotation, SYSTEM, action, before, updated, key)
                written.append(updated)
        return written

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

    def _find(self, db: sqlite3.Connection, annotation_id: str) -> Stored | None:
        cursor = db.execute("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
        row = cursor.fetchone()
        return _stored(row, cursor.description) if row is not None else None

    def _load(self, db: sqlite3.Connection, annotation_id: str) -> Stored:
        found = self._find(db, annotation_id)
        if found is None:
            raise WorkspaceError(f"{self.path}: no annotation {annotation_id}")
        return found

    def undo(self, reviewer: str) -> Annotation | None:
        """Undo the reviewer's latest change still in effect; ``None`` when there is none.

        What the reviewer said (tags, note, status) goes back; where the annotation is stays
        where re-anchoring put it since."""
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
                result = current.annotation
                _replace(db, result, current.key, withdrawn=True)
            else:
                result = _said(current.annotation, restored[0])
                _replace(db, result, current.key, withdrawn=False)
            db.execute("UPDATE history SET state = 'undone' WHERE seq = ?", (seq,))
            self._record(db, annotation_id, reviewer, "undo", current.annotation, None, None)
            return result

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
            current = self._load(db, annotation_id)
            result = _said(current.annotation, restored[0])
            _replace(db, result, current.key, withdrawn=False)
            db.execute("UPDATE history SET state = 'done' WHERE seq = ?", (seq,))
            self._record(db, annotation_id, reviewer, "redo", None, result, current.key)
            return result

    def merge(
        self,
        incoming: Iterable[tuple[Annotation, str | None]],
        reviewer: str,
        *,
        recording: Recording | None = None,
    ) -> ImportReport:
        """Add or update annotations from an export, all in one transaction: importing the
        same file twice changes nothing; a newer ``modified`` wins."""
        added = updated = unchanged = unanchored = 0
        with self._transaction() as db:
            _apply(db, recording)
            for annotation, key in incoming:
                if annotation.orphaned:
                    unanchored += 1
                current = self._find(db, annotation.id)
                if current is None:
                    _insert(db, annotation, key)
                    self._record(db, annotation.id, reviewer, "import", None, annotation, key)
                    added += 1
                elif current.annotation == annotation and current.key == key:
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


# --- opening helpers --------------------------------------------------------------------------


def _uri(path: Path, mode: str, *, immutable: bool = False) -> str:
    quoted = urllib.parse.quote(str(path.absolute()))
    return f"file:{quoted}?mode={mode}" + ("&immutable=1" if immutable else "")


def _connect(path: Path, *, readonly: bool, immutable: bool = False) -> sqlite3.Connection:
    uri = _uri(path, "ro" if readonly else "rw", immutable=immutable)
    try:
        connection = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise WorkspaceError(f"{path}: cannot open ({error})") from None
    connection.isolation_level = None  # transactions are explicit
    return connection


def _create(path: Path) -> None:
    """Create a new workspace at ``path`` whole: built beside it, then linked into place, so no
    process ever sees it half made (and an existing file is never replaced)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkspaceError(f"{path}: cannot create ({error.strerror})") from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    try:
        connection = sqlite3.connect(temporary)
        connection.isolation_level = None
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            workspace = Workspace(temporary, connection, readonly=False)
            workspace._migrate(0)
        finally:
            connection.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it meanwhile: use theirs
        except OSError:
            if not path.exists():  # no hard links on this file system
                os.rename(temporary, path)
    except sqlite3.Error as error:
        raise WorkspaceError(_explain(path, error)) from None
    except OSError as error:
        raise WorkspaceError(f"{path}: cannot create ({error.strerror or error})") from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _probe(path: Path) -> bool:
    """Check a workspace before anything opens it the usual way (which makes its ``-wal`` and
    ``-shm`` files): read as an immutable file, when its write-ahead log is empty, so that a
    file that is not a workspace or is damaged is refused without a byte written beside it.
    Returns whether the check could be made this way."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return False  # the log holds changes: only the usual way reads them
    connection = _connect(path, readonly=True, immutable=True)
    try:
        Workspace(path, connection, readonly=True)._validate(check=True)
    except sqlite3.DatabaseError as error:
        if wal.exists() and wal.stat().st_size > 0:
            return False  # a writer started meanwhile: check the usual way
        raise WorkspaceError(_explain(path, error)) from None
    except WorkspaceError:
        if wal.exists() and wal.stat().st_size > 0:
            return False
        raise
    finally:
        connection.close()
    return True


def _needs_immutable(error: sqlite3.Error) -> bool:
    message = str(error).lower()
    return "readonly" in message or "read-only" in message or "unable to open" in message


def _is_damage(error: sqlite3.Error) -> bool:
    message = str(error).lower()
    return any(
        word in message
        for word in ("malformed", "not a database", "disk i/o", "readonly", "read-only", "corrupt")
    )


# --- rows <-> models ------------------------------------------------------------------------


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return tuple(seen)


def _said(current: Annotation, snapshot: Annotation) -> Annotation:
    """``current`` saying what ``snapshot`` said (its place is kept)."""
    return current.model_copy(
        update={
            "tags": snapshot.tags,
            "note": snapshot.note,
            "status": snapshot.status,
            "modified": now(),
        }
    )


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
        "kind": t.kind,
        "severity": t.severity,
        "summary": t.summary,
        "tier": t.tier,
        "readings": json.dumps([q.model_dump(mode="json") for q in t.readings], ensure_ascii=False),
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


def _stored(row: tuple[Any, ...], description: Any) -> Stored:
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
        kind=data.get("kind"),
        severity=data.get("severity"),
        summary=data.get("summary"),
        tier=data.get("tier"),
        readings=tuple(Quote.model_validate(q) for q in json.loads(data.get("readings") or "[]")),
    )
    annotation = Annotation(
        id=data["id"],
        target=target,
        tags=tuple(json.loads(data["tags"])),
        note=data["note"],
        status=data["status"],
        reviewer=data["reviewer"],
        created=_aware(data["created"]),
        modified=_aware(data["modified"]),
        orphaned=bool(data["orphaned"]),
    )
    return Stored(annotation, data["document_key"], bool(data["withdrawn"]))


def _documents(db: sqlite3.Connection, files: list[str] | None) -> list[KnownDocument]:
    query = (
        "SELECT file, id, ordinal, title, content_hash, external_id, body, successor, gone "
        "FROM documents"
    )
    if files is None:
        rows = db.execute(query).fetchall()
    else:
        rows = []
        for start in range(0, len(files), 500):
            chunk = files[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows += db.execute(f"{query} WHERE file IN ({marks})", chunk).fetchall()
    return [
        KnownDocument(
            file=r[0],
            id=r[1],
            ordinal=r[2],
            title=r[3],
            content_hash=r[4],
            external_id=r[5],
            body=r[6],
            successor=r[7],
            gone=bool(r[8]),
        )
        for r in rows
    ]


def _write_documents(db: sqlite3.Connection, records: Iterable[KnownDocument]) -> None:
    for r in records:
        db.execute(
            "INSERT INTO documents (file, id, ordinal, title, external_id, content_hash, "
            "body, successor, gone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (file, id) DO UPDATE SET ordinal = excluded.ordinal, "
            "title = excluded.title, external_id = excluded.external_id, "
            "content_hash = excluded.content_hash, "
            "body = COALESCE(excluded.body, documents.body), "
            "successor = excluded.successor, gone = excluded.gone",
            (
                r.file,
                r.id,
                r.ordinal,
                r.title,
                r.external_id,
                r.content_hash,
                r.body,
                r.successor,
                int(r.gone),
            ),
        )


def _apply(db: sqlite3.Connection, recording: Recording | None) -> None:
    """Write what ``recording`` says, worked out against the records as they are now."""
    if recording is None or not recording.files:
        return
    known = _documents(db, list(recording.files))
    _write_documents(db, recording.changes(known))


def _merged(records: list[KnownDocument], changes: list[KnownDocument]) -> list[KnownDocument]:
    out = {(r.file, r.id): r for r in records}
    for change in changes:
        before = out.get((change.file, change.id))
        if before is not None and change.body is None and before.body is not None:
            change = KnownDocument(**{**change.__dict__, "body": before.body})
        out[(change.file, change.id)] = change
    return list(out.values())


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
    annotation = data["annotation"]
    for name in ("created", "modified"):
        annotation[name] = _iso(_aware(annotation[name]))
    return Annotation.model_validate(annotation), data["key"]


def _repair_cross_file_moves(db: sqlite3.Connection) -> None:
    """Undo what earlier versions did wrong when re-anchoring: move annotations into documents
    of other files (and stamp them modified). Each such annotation goes back to where it was
    before the first move across files, keeps what reviewers said since, and gets back the
    ``modified`` time of its last change by a reviewer; the repair is in the history."""
    rows = db.execute(
        "SELECT annotation, before, after FROM history WHERE action = 'reanchor' ORDER BY seq"
    ).fetchall()
    first_bad: dict[str, dict[str, Any]] = {}
    for annotation_id, before, after in rows:
        if annotation_id in first_bad or before is None or after is None:
            continue
        old, new = json.loads(before), json.loads(after)
        old_file, new_file = split_key(old.get("key"))[0], split_key(new.get("key"))[0]
        if old_file is not None and new_file is not None and old_file != new_file:
            first_bad[annotation_id] = old
    for annotation_id, old in first_bad.items():
        cursor = db.execute("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
        row = cursor.fetchone()
        if row is None:
            continue
        current = _stored(row, cursor.description)
        history = db.execute(
            "SELECT reviewer, action, after FROM history WHERE annotation = ? ORDER BY seq",
            (annotation_id,),
        ).fetchall()
        modified = current.annotation.modified
        said = [h for h in history if h[1] != "reanchor" and h[0] != SYSTEM and h[2]]
        if said:
            modified = _aware(json.loads(said[-1][2])["annotation"]["modified"])
        was = _restore(json.dumps(old))
        assert was is not None
        repaired = current.annotation.model_copy(
            update={
                "target": was[0].target,
                "orphaned": was[0].orphaned,
                "modified": modified,
            }
        )
        _replace(db, repaired, was[1], withdrawn=current.withdrawn)
        db.execute(
            "INSERT INTO history (annotation, reviewer, at, action, before, after, state) "
            "VALUES (?, ?, ?, 'repair', ?, ?, 'audit')",
            (
                annotation_id,
                SYSTEM,
                _iso(now()),
                _snapshot(current.annotation, current.key),
                _snapshot(repaired, was[1]),
            ),
        )


def _explain(path: Path, error: sqlite3.Error) -> str:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return f"{path}: not a Parallax workspace or damaged ({message}); it was left untouched"
    if "locked" in message or "busy" in message:
        return f"{path}: locked by another process for more than {BUSY_TIMEOUT_MS // 1000} s"
    if "readonly" in message or "read-only" in message:
        return f"{path}: cannot write here (read-only)"
    return f"{path}: {message}"

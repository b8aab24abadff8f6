"""The annotation actions of the app, in one small controller.

A screen describes what an action applies to (a :class:`Subject`) and calls one method; the
controller asks for what it needs (the tag picker, the note editor, the export dialog), writes
to the workspace, tells the reviewer what happened, and publishes a :class:`Change` on its
``changed`` signal, to which the screens that show annotations subscribe. It never looks inside
a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.signal import Signal

from parallax.core.annotations import Annotation, Workspace, WorkspaceError, make_target
from parallax.core.annotations.book import AnnotationBook
from parallax.core.discrepancy import Discrepancy
from parallax.core.document import Document
from parallax.core.export.files import write_atomically
from parallax.core.export.render import ExportFormat
from parallax.tui.exporting import (
    corpus_name,
    default_path,
    export_text,
    with_format,
)
from parallax.tui.index_session import IndexSession
from parallax.tui.session_protocol import Session
from parallax.tui.settings import Settings
from parallax.tui.story_view import StoryView
from parallax.tui.text import plain, plural, quote
from parallax.tui.widgets.status import AnnotationState

if TYPE_CHECKING:
    from textual.app import App

    from parallax.core.annotations import Stored, Target

DECISIONS = ("confirmed", "dismissed")


@dataclass(frozen=True)
class Subject:
    """What an annotation action applies to: a selected span of a document, else a
    discrepancy (its reading in ``prefer``, the document shown in the focused pane)."""

    cluster: str
    discrepancy: Discrepancy | None = None
    prefer: str | None = None
    span: tuple[Document, int, int] | None = None


@dataclass(frozen=True)
class Change:
    """What an annotation action changed: a story (``None``: possibly every story)."""

    cluster: str | None
    subject: Subject | None = None


class AnnotationController:
    """Tags, notes, decisions, undo and redo, reload and export, for one reviewer."""

    def __init__(self, app: App[None], settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.book: AnnotationBook | None = None
        self.session: Session | None = None
        self.workspace_path: Path | None = None
        self.changed: Signal[Change] = Signal(app, "annotations-changed")
        self.last_export: tuple[ExportFormat, Path] | None = None

    # --- opening ------------------------------------------------------------------------------

    def open(self, session: Session, path: Path | None) -> None:
        """Open the workspace and place its annotations. A workspace that cannot be written
        opens read-only; one that cannot be read (damaged, not a workspace, newer) is left
        untouched and the app works without its annotations, saying why."""
        self.workspace_path = path
        self.session = session
        workspace, problem = self._workspace(path)
        book: AnnotationBook | None = None
        if workspace is not None:
            try:
                book = self._book(session, workspace)
            except WorkspaceError as error:
                workspace.close()
                problem = str(error)
        if book is None:
            assert path is not None and problem is not None
            book = self._book(session, Workspace.unavailable(path, problem))
            self.app.notify(
                f"{plain(problem)}. Its annotations are not shown; nothing you do is saved.",
                title="Workspace read-only",
                severity="error",
                timeout=15,
            )
        elif problem is not None or book.readonly:
            reason = problem or book.workspace.problem or f"{path}: cannot write here"
            self.app.notify(
                f"{plain(reason)}. Opened read-only: nothing you do is saved.",
                title="Workspace read-only",
                severity="warning",
                timeout=15,
            )
        self.book = book
        session.attach(book)
        orphans = self.book.orphans()
        if orphans:
            self.app.notify(
                f"{plural(len(orphans), 'annotation')} could not be placed in the current "
                "sources; they are kept (o on the Stories screen lists them).",
                title="Orphaned annotations",
                severity="warning",
                timeout=10,
            )

    @staticmethod
    def _workspace(path: Path | None) -> tuple[Workspace | None, str | None]:
        """The workspace at ``path`` (in memory without one), read-only when it cannot be
        written, or ``None`` when it cannot be read; and the problem met, if any."""
        if path is None:
            return Workspace.in_memory(), None
        try:
            return Workspace.open(path), None
        except WorkspaceError as error:
            problem = str(error)
        try:
            return Workspace.open(path, readonly=True), problem
        except WorkspaceError:
            return None, problem

    @staticmethod
    def _book(session: Session, workspace: Workspace) -> AnnotationBook:
        if isinstance(session, IndexSession):  # documents are read from the index as needed
            return session.annotation_book(workspace)
        return AnnotationBook(workspace, session.corpus.documents)

    # --- questions ----------------------------------------------------------------------------

    def state(self, discrepancy: Discrepancy | None) -> AnnotationState:
        """Tags, decisions and notes of a discrepancy, every reviewer's, with their names."""
        colors = {t.name: t.color for t in self.settings.tags}
        if self.book is None or discrepancy is None:
            return AnnotationState(colors=colors)
        annotations = self.book.on_discrepancy(discrepancy.id)
        return AnnotationState(
            tags=tuple(self.book.tags_of(discrepancy.id)),
            statuses=tuple((a.status, a.reviewer) for a in annotations if a.status != "open"),
            notes=tuple((a.note, a.reviewer) for a in annotations if a.note),
            colors=colors,
        )

    def statuses(self, view: StoryView | None) -> dict[str, str]:
        """The decision on every decided discrepancy of a story (confirmed wins)."""
        if self.book is None or view is None:
            return {}
        found: dict[str, set[str]] = {}
        for annotation in self.book.annotations():
            target = annotation.target.discrepancy
            if target in view.by_id and not annotation.orphaned:
                found.setdefault(target, set()).add(annotation.status)
        return {
            d: ("confirmed" if "confirmed" in statuses else "dismissed")
            for d, statuses in found.items()
            if statuses & set(DECISIONS)
        }

    def tags(self, view: StoryView | None) -> dict[str, tuple[str, ...]]:
        """The tags of every tagged discrepancy of a story."""
        if self.book is None or view is None:
            return {}
        out: dict[str, list[str]] = {}
        for annotation in self.book.annotations():
            target = annotation.target.discrepancy
            if target in view.by_id and not annotation.orphaned:
                tags = out.setdefault(target, [])
                tags += [t for t in annotation.tags if t not in tags]
        return {d: tuple(t) for d, t in out.items() if t}

    def reviewed_count(self, discrepancy_ids: tuple[str, ...]) -> int:
        """How many of these discrepancies carry a tag, a note or a status."""
        return self.book.reviewed(discrepancy_ids) if self.book is not None else 0

    # --- actions ------------------------------------------------------------------------------

    def _writable(self) -> AnnotationBook | None:
        if self.book is None:
            self.app.notify(
                "Annotations are unavailable (see the earlier message).", severity="error"
            )
            return None
        if self.book.readonly:
            self.app.notify("The workspace is read-only: nothing can be changed.", severity="error")
            return None
        return self.book

    def _target(
        self, book: AnnotationBook, subject: Subject
    ) -> tuple[Target | None, Annotation | None]:
        reviewer = self.settings.reviewer
        if subject.span is not None:
            document, start, end = subject.span
            target = make_target(document, start, end, cluster=subject.cluster)
            existing = next(
                (
                    a
                    for a in book.annotations()
                    if a.reviewer == reviewer
                    and a.target.discrepancy is None
                    and (a.target.document, a.target.start, a.target.end)
                    == (document.id, start, end)
                ),
                None,
            )
            return target, existing
        if subject.discrepancy is None:
            return None, None
        target = book.target_for(subject.discrepancy, subject.cluster, prefer=subject.prefer)
        return target, book.mine(subject.discrepancy.id, reviewer)

    def _apply(self, book: AnnotationBook, subject: Subject, **changes: Any) -> Annotation | None:
        target, existing = self._target(book, subject)
        if target is None:
            self.app.bell()
            return None
        try:
            annotation = book.annotate(target, self.settings.reviewer, existing=existing, **changes)
        except WorkspaceError as error:
            self.app.notify(str(error), title="Not saved", severity="error", timeout=10)
            return None
        self.changed.publish(Change(subject.cluster, subject))
        return annotation

    def tag(self, subject: Subject) -> None:
        """Ask for tags (the picker) and put them on the subject."""
        from parallax.tui.screens.annotate import TagScreen

        book = self._writable()
        if book is None:
            return
        target, existing = self._target(book, subject)
        if target is None:
            self.app.bell()
            return
        names = self.settings.tag_names()
        names += [t for a in book.annotations() for t in a.tags if t not in names]
        chosen = list(existing.tags) if existing else []

        def tagged(tags: list[str] | None) -> None:
            if tags is not None:
                self._apply(book, subject, tags=tags)

        self.app.push_screen(TagScreen(names, chosen), tagged)

    def note(self, subject: Subject) -> None:
        """Ask for a note (the editor) and put it on the subject."""
        from parallax.tui.screens.annotate import NoteScreen

        book = self._writable()
        if book is None:
            return
        target, existing = self._target(book, subject)
        if target is None:
            self.app.bell()
            return

        def noted(text: str | None) -> None:
            if text is not None:
                self._apply(book, subject, note=text)

        self.app.push_screen(NoteScreen(existing.note if existing else ""), noted)

    def decide(self, subject: Subject, status: str) -> str | None:
        """Confirm or dismiss the subject (the same decision again reopens it); return the
        status it now has, or ``None`` when nothing was written."""
        book = self._writable()
        if book is None:
            return None
        _, existing = self._target(book, subject)
        current = existing.status if existing else "open"
        wanted = "open" if current == status else status
        annotation = self._apply(book, subject, status=wanted)
        return annotation.status if annotation is not None else None

    def undo(self) -> None:
        """Undo this reviewer's last change, and say exactly what it was."""
        self._history(undo=True)

    def redo(self) -> None:
        """Redo what this reviewer undid last."""
        self._history(undo=False)

    def _history(self, *, undo: bool) -> None:
        book = self._writable()
        if book is None:
            return
        word = "undo" if undo else "redo"
        before = {s.annotation.id: s.annotation for s in book.stored() if not s.withdrawn}
        try:
            changed = (
                book.undo(self.settings.reviewer) if undo else book.redo(self.settings.reviewer)
            )
        except WorkspaceError as error:
            self.app.notify(plain(str(error)), title="Not saved", severity="error", timeout=10)
            return
        self._relink()
        if changed is None:
            self.app.bell()
            self.app.notify(f"Nothing to {word}.", timeout=2)
            return
        after = next(
            (
                s.annotation
                for s in book.stored()
                if s.annotation.id == changed.id and not s.withdrawn
            ),
            None,
        )
        self.app.notify(
            describe_change(before.get(changed.id), after, changed),
            title="Undone" if undo else "Redone",
            timeout=4,
        )
        self.changed.publish(Change(changed.target.cluster))

    def reload(self) -> None:
        """Read the workspace again: another reviewer's work appears."""
        if self.book is None:
            self._writable()
            return
        try:
            self.book.reload()
        except WorkspaceError as error:
            self.app.notify(plain(str(error)), title="Not reloaded", severity="error", timeout=10)
            return
        self._relink()
        self.app.notify("Annotations reloaded from the workspace.", timeout=2)
        self.changed.publish(Change(None))

    def _relink(self) -> None:
        """Match annotations with the discrepancies of the stories in memory again."""
        if self.session is not None:
            self.session.relink_analysed()

    # --- export -------------------------------------------------------------------------------

    def export(self, session: Session, first_source: Path | None) -> None:
        """Ask for a format and a path (remembered for next time), then export in a worker."""
        from parallax.tui.screens.annotate import ExportScreen

        book = self.book
        if book is None:
            self._writable()
            return
        if self.last_export is not None:
            kind, path = self.last_export
        else:
            folder = self.workspace_path.parent if self.workspace_path else Path.cwd()
            kind = "json"
            path = default_path(kind, folder, corpus_name(session, first_source))

        def chosen(choice: tuple[ExportFormat, Path] | None) -> None:
            if choice is None:
                return
            self.last_export = choice
            session.relink_annotated()
            stored = book.stored()  # read here, on the event loop; the worker only writes
            self.app.run_worker(
                partial(self._write_export, *choice, session, stored),
                thread=True,
                group="export",
                exit_on_error=False,
            )

        self.app.push_screen(ExportScreen(kind, path, with_format), chosen)

    def _write_export(
        self, kind: ExportFormat, path: Path, session: Session, stored: Sequence[Stored]
    ) -> None:
        notify: Callable[..., None] = partial(self.app.call_from_thread, self.app.notify)
        try:
            text, count = export_text(kind, session, stored)
            write_atomically(path, text)
        except OSError as error:
            notify(f"{path}: {error.strerror or error}", title="Not written", severity="error")
            return
        book = self.book
        left_out = (
            f"; {book.elsewhere} on documents not open here are not in it"
            if book is not None and book.elsewhere
            else ""
        )
        notify(f"Wrote {plural(count, 'annotation')} to {path}{left_out}", title=f"Export ({kind})")


def describe_change(
    before: Annotation | None, after: Annotation | None, changed: Annotation
) -> str:
    """What an undo or redo did, unambiguously: ``“Sanna Takashi”: dismissed → open``.

    ``before`` and ``after`` are the annotation's states (``None``: there was none, or it was
    withdrawn); ``changed`` is what the workspace returned."""
    subject = quote((after or before or changed).target.exact, 30)
    old = _State.of(before)
    new = _State.of(after)
    parts = []
    if old.status != new.status:
        parts.append(f"{old.status} → {new.status}")
    if old.tags != new.tags:
        parts.append(f"tags {_tags(old.tags)} → {_tags(new.tags)}")
    if old.note != new.note:
        if not new.note:
            parts.append("note removed")
        else:
            parts.append("note restored" if not old.note else "note changed")
    return f"{subject}: " + ("; ".join(parts) if parts else "no visible change")


@dataclass(frozen=True)
class _State:
    """What a reviewer sees of an annotation (nothing at all: open, untagged, no note)."""

    status: str = "open"
    tags: tuple[str, ...] = ()
    note: str = ""

    @classmethod
    def of(cls, annotation: Annotation | None) -> _State:
        if annotation is None:
            return cls()
        return cls(annotation.status, tuple(annotation.tags), annotation.note)


def _tags(tags: tuple[str, ...]) -> str:
    return ", ".join(tags) if tags else "none"

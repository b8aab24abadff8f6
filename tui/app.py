"""The review app: a thin shell that loads the corpus in a worker and shows screens.

``make_app`` builds it for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from parallax.core.annotations import Annotation, Workspace, WorkspaceError, make_target
from parallax.core.annotations.book import AnnotationBook, default_workspace
from parallax.core.data import demo_corpus_path
from parallax.core.discrepancy import Discrepancy
from parallax.core.export.files import write_atomically
from parallax.core.export.render import render_export
from parallax.tui.index_session import IndexSession
from parallax.tui.screens.annotate import ExportScreen, NoteScreen, OrphansScreen, TagScreen
from parallax.tui.screens.help import HelpScreen
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import ReviewSession, Sources
from parallax.tui.settings import Settings
from parallax.tui.story_view import StoryView


class ParallaxApp(App[None]):
    """Review near-duplicate sources with the keyboard."""

    TITLE = "Parallax"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        sources: Sources | None = None,
        *,
        session: ReviewSession | None = None,
    ) -> None:
        super().__init__()
        if sources is None and session is None:
            raise ValueError("give sources to load or a loaded session")
        self.settings = settings
        self.sources = sources
        self.session = session
        self.book: AnnotationBook | None = None
        self.stories_screen = StoriesScreen()

    def on_mount(self) -> None:
        self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.session is not None:
            self.open_book(self.session)
        self.push_screen(self.stories_screen)
        if self.session is not None:
            self.analyse_all()  # the Stories screen shows the session when it mounts
        else:
            self.load_sources()

    # --- loading, in workers --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_sources(self) -> None:
        """Read and cluster the sources off the event loop, showing progress."""
        assert self.sources is not None
        labels = {"signing": "Signing documents", "grouping": "Grouping", "verifying": "Verifying"}

        def progress(stage: str, done: int, total: int) -> None:
            self.call_from_thread(
                self.stories_screen.show_progress, labels.get(stage, stage), done, total
            )

        session = ReviewSession.load(self.sources, progress=progress)
        self.call_from_thread(self._loaded, session)

    def _loaded(self, session: ReviewSession) -> None:
        self.session = session
        if not session.documents:
            self.exit(message="parallax: no document loaded")
            return
        self.open_book(session)
        self.stories_screen.show_session(session)
        for problem in session.problems[:5]:
            self.notify(str(problem), title="Could not read", severity="warning", timeout=8)
        self.analyse_all()

    @work(thread=True, exclusive=True, group="analyse")
    def analyse_all(self) -> None:
        """Count every story's discrepancies in the background; the table fills in."""
        session = self.session
        assert session is not None
        counted = False
        for batch in session.analyse_counts():
            counted = True
            self.call_from_thread(self.stories_screen.update_counts, batch)
        if counted:  # re-sort by the counts (an index has them all: nothing to redo)
            self.call_from_thread(self.stories_screen.refresh_table)

    # --- navigation ---------------------------------------------------------------------------

    def open_story(self, order: list[str], index: int) -> None:
        """Open the story at ``index`` of the Stories screen's order."""
        assert self.session is not None
        stories = [c for c in order if len(self.session.cluster(c).documents) > 1]
        if not stories:
            self.notify("This document has no other version to compare with.")
            return
        cluster_id = order[index]
        if cluster_id not in stories:
            self.notify("This document has no other version to compare with.")
            return
        self.push_screen(ReviewScreen(self.session, stories, stories.index(cluster_id)))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the current screen, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"{binding.action} ({key})",
                lambda action=binding.action: self.call_later(screen.run_action, action),
            )

    # --- annotations --------------------------------------------------------------------------

    def open_book(self, session: ReviewSession) -> None:
        """Open the workspace and place its annotations; read-only if it cannot be written."""
        path = self._workspace_path()
        try:
            workspace = Workspace.in_memory() if path is None else Workspace.open(path)
        except WorkspaceError as error:
            try:
                workspace = Workspace.open(path, readonly=True)  # type: ignore[arg-type]
            except WorkspaceError:
                self.notify(
                    str(error), title="Annotations unavailable", severity="error", timeout=15
                )
                return
            self.notify(
                f"{error}. Opened read-only: nothing you do is saved.",
                title="Workspace read-only",
                severity="warning",
                timeout=15,
            )
        if isinstance(session, IndexSession):  # documents are read from the index as needed
            self.book = session.annotation_book(workspace)
        else:
            self.book = AnnotationBook(workspace, session.corpus.documents)
        orphans = self.book.orphans()
        if orphans:
            self.notify(
                f"{len(orphans)} annotations could not be placed in the current sources; "
                "they are kept (o on the Stories screen lists them).",
                title="Orphaned annotations",
                severity="warning",
                timeout=10,
            )

    def _workspace_path(self) -> Path | None:
        if self.settings.workspace is not None:
            return Path(self.settings.workspace)
        if self.sources is None or self.sources.corpus is not None:
            return None  # a corpus handed over (tests, benchmarks, embedding): nothing is kept
        return default_workspace(self.sources.first_path(), demo=demo_corpus_path())

    def reviewed_count(self, cluster_id: str) -> int:
        """How many discrepancies of a story carry a tag, a note or a status."""
        if self.book is None or self.session is None:
            return 0
        return self.book.reviewed(self.session.discrepancy_ids(cluster_id))

    def annotation_state(self, discrepancy: Discrepancy | None) -> tuple[list[str], str]:
        """Tags (all reviewers) and notes of a discrepancy, for the status line."""
        if self.book is None or discrepancy is None:
            return [], ""
        annotations = self.book.on_discrepancy(discrepancy.id)
        notes = " / ".join(a.note for a in annotations if a.note)
        statuses = sorted({a.status for a in annotations if a.status != "open"})
        return self.book.tags_of(discrepancy.id) + [f"[{s}]" for s in statuses], notes

    def tags_by_discrepancy(self, view: StoryView | None) -> dict[str, list[str]]:
        """Tags of every discrepancy of a story, for the list."""
        if self.book is None or view is None:
            return {}
        return {d.id: self.book.tags_of(d.id) for d in view.story.discrepancies}

    def statuses(self, view: StoryView | None) -> dict[str, str]:
        """Status of every discrepancy of a story that has one (confirmed wins over dismissed)."""
        if self.book is None or view is None:
            return {}
        out: dict[str, str] = {}
        for discrepancy in view.story.discrepancies:
            found = {a.status for a in self.book.on_discrepancy(discrepancy.id)}
            if "confirmed" in found:
                out[discrepancy.id] = "confirmed"
            elif "dismissed" in found:
                out[discrepancy.id] = "dismissed"
        return out

    def annotate(self, action: str, screen: ReviewScreen) -> None:
        """Run an annotation action from the review screen."""
        book = self.book
        if book is None:
            self.notify("Annotations are unavailable (see the earlier message).", severity="error")
            return
        if action == "refresh":
            book.reload()
            screen.annotations_changed()
            self.notify("Annotations reloaded from the workspace.", timeout=2)
            return
        if action == "export":
            self._export()
            return
        if book.readonly:
            self.notify("The workspace is read-only: nothing can be changed.", severity="error")
            return
        try:
            self._annotate(action, screen, book)
        except WorkspaceError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)

    def _subject(self, screen: ReviewScreen, book: AnnotationBook):
        """What an action applies to: the selected span, else the current discrepancy."""
        reviewer = self.settings.reviewer
        if screen.span is not None:
            column, start, end = screen.span
            document = screen.view.documents[column]
            target = make_target(document, start, end, cluster=screen.cluster_id)
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
        discrepancy = screen.current_discrepancy()
        if discrepancy is None:
            return None, None
        focused = screen.view.documents[screen.columns[screen.focused_pane]].id
        target = book.target_for(discrepancy, screen.cluster_id, prefer=focused)
        return target, book.mine(discrepancy.id, reviewer)

    def _annotate(self, action: str, screen: ReviewScreen, book: AnnotationBook) -> None:
        reviewer = self.settings.reviewer
        if action in ("undo", "redo"):
            changed = book.undo(reviewer) if action == "undo" else book.redo(reviewer)
            if changed is None:
                self.bell()
                self.notify(f"Nothing to {action}.", timeout=2)
            else:
                self.notify(f"{action.capitalize()}: {_describe(changed)}", timeout=3)
            self._changed(screen)
            return
        if action == "select":
            screen.toggle_span()
            return
        target, existing = self._subject(screen, book)
        if target is None:
            self.bell()
            return

        def apply(**changes) -> None:
            try:
                book.annotate(target, reviewer, existing=existing, **changes)
            except WorkspaceError as error:
                self.notify(str(error), title="Not saved", severity="error", timeout=10)
                return
            if screen.span is not None:
                screen.clear_span()
            self._changed(screen)

        if action == "tag":
            names = self.settings.tag_names()
            names += [t for a in book.annotations() for t in a.tags if t not in names]
            chosen = list(existing.tags) if existing else []

            def tagged(tags: list[str] | None) -> None:
                if tags is not None:
                    apply(tags=tags)

            self.push_screen(TagScreen(names, chosen), tagged)
        elif action == "note":

            def noted(text: str | None) -> None:
                if text is not None:
                    apply(note=text)

            self.push_screen(NoteScreen(existing.note if existing else ""), noted)
        elif action in ("dismiss", "confirm"):
            wanted = "dismissed" if action == "dismiss" else "confirmed"
            current = existing.status if existing else "open"
            apply(status="open" if current == wanted else wanted)

    def _changed(self, screen: ReviewScreen) -> None:
        screen.annotations_changed()
        self.stories_screen.update_counts([screen.cluster_id])

    def _export(self) -> None:
        assert self.session is not None and self.book is not None
        folder = self.sources.first_path() if self.sources else Path.cwd()
        folder = folder if folder.is_dir() else folder.parent
        if self.sources and Path(self.sources.paths[0]).resolve() == demo_corpus_path().resolve():
            folder = Path.cwd()
        session, book = self.session, self.book

        def chosen(choice: tuple[str, Path] | None) -> None:
            if choice is None:
                return
            kind, path = choice
            try:
                text, count = render_export(
                    kind,  # type: ignore[arg-type]
                    session.corpus.documents,
                    session.clustering,
                    book.stored(),
                    aliases=session.aliases,
                )
                write_atomically(path, text)
            except OSError as error:
                self.notify(
                    f"{path}: {error.strerror or error}", title="Not written", severity="error"
                )
                return
            self.notify(f"Wrote {count} annotations to {path}", title=f"Export ({kind})")

        self.push_screen(ExportScreen(folder), chosen)

    def action_orphans(self) -> None:
        """List the annotations that could not be placed."""
        if self.book is None:
            return
        self.push_screen(OrphansScreen(self.book.orphans()))


def _describe(annotation: Annotation) -> str:
    parts = [annotation.status]
    if annotation.tags:
        parts.append(", ".join(annotation.tags))
    if annotation.note:
        parts.append("note")
    return f"“{annotation.target.exact[:30]}” → " + " · ".join(parts)


def make_app(
    settings: Settings, sources: Sources | None = None, *, session: ReviewSession | None = None
) -> ParallaxApp:
    """Build the app from settings and what to review (sources to load, or a loaded session)."""
    return ParallaxApp(settings, sources, session=session)

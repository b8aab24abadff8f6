"""The review app: a thin shell that loads the corpus in a worker and shows screens.

``make_app`` builds it for the command line and for the tests alike. Annotation actions live in
:class:`~parallax.tui.annotating.AnnotationController`; the app owns one and hands it to the
screens.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from parallax.core.annotations.book import default_workspace
from parallax.core.data import demo_corpus_path
from parallax.tui.annotating import AnnotationController
from parallax.tui.screens.annotate import OrphansScreen
from parallax.tui.screens.help import HelpScreen
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import ReviewSession, Sources
from parallax.tui.session_protocol import Session, SessionSources
from parallax.tui.settings import Settings
from parallax.tui.text import plain, plural


class ParallaxApp(App[None]):
    """Review near-duplicate sources with the keyboard."""

    TITLE = "Parallax"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        sources: SessionSources | None = None,
        *,
        session: Session | None = None,
    ) -> None:
        super().__init__()
        if sources is None and session is None:
            raise ValueError("give sources to load or a loaded session")
        self.settings = settings
        self.sources = sources
        self.session = session
        self.annotations = AnnotationController(self, settings)
        self.stories_screen = StoriesScreen(self.annotations)

    @property
    def first_source(self) -> Path | None:
        """The first path the sources were read from (the corpus is named after it)."""
        if self.sources is None or not self.sources.paths or self.sources.corpus is not None:
            return None
        return self.sources.first_path()

    def notify(
        self,
        message: str | Text,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications are never read as markup, and control characters in them are shown
        as symbols: messages quote documents, file names and tags."""
        text = message.plain if isinstance(message, Text) else str(message)
        super().notify(
            plain(text, newlines=True),
            title=plain(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_mount(self) -> None:
        self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.session is not None:
            self.annotations.open(self.session, self._workspace_path())
        self.push_screen(self.stories_screen)
        if self.session is not None:
            self.analyse_all()  # the Stories screen shows the session when it mounts
        else:
            self.load_sources()

    # --- loading, in workers --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_sources(self) -> None:
        """Read and cluster the sources off the event loop, showing progress."""
        # An index comes opened (make_app's ``session``): only files are read here.
        assert isinstance(self.sources, Sources)
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
        self.annotations.open(session, self._workspace_path())
        self.stories_screen.show_session(session)
        problems = session.problems
        for problem in problems[:5]:
            self.notify(str(problem), title="Could not read", severity="warning", timeout=8)
        if len(problems) > 5:
            self.notify(
                f"… and {plural(len(problems) - 5, 'more problem')} reading sources.",
                severity="warning",
                timeout=8,
            )
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
        if session.relink_problem:
            self.call_from_thread(
                self.notify,
                f"{session.relink_problem}. Annotations were matched with their discrepancies "
                "but the workspace was not updated.",
                title="Not saved",
                severity="warning",
                timeout=10,
            )

    # --- navigation ---------------------------------------------------------------------------

    def open_story(self, order: list[str], index: int) -> None:
        """Open the story at ``index`` of the Stories screen's order."""
        assert self.session is not None
        stories = [c for c in order if len(self.session.cluster(c).documents) > 1]
        cluster_id = order[index]
        if cluster_id not in stories:
            self.notify("This document has no other version to compare with.")
            return
        self.push_screen(
            ReviewScreen(
                self.session,
                stories,
                stories.index(cluster_id),
                annotations=self.annotations,
                settings=self.settings,
            )
        )

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
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

    def _workspace_path(self) -> Path | None:
        if self.settings.workspace is not None:
            return Path(self.settings.workspace)
        if self.sources is None or self.sources.corpus is not None:
            return None  # a corpus handed over (tests, benchmarks, embedding): nothing is kept
        return default_workspace(self.sources.first_path(), demo=demo_corpus_path())

    def action_orphans(self) -> None:
        """List the annotations that could not be placed."""
        book = self.annotations.book
        if book is None:
            return
        self.push_screen(OrphansScreen(book.orphans()))


def make_app(
    settings: Settings, sources: SessionSources | None = None, *, session: Session | None = None
) -> ParallaxApp:
    """Build the app from settings and what to review (sources to load, or a loaded session)."""
    return ParallaxApp(settings, sources, session=session)

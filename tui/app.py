"""The review app: a thin shell that loads the corpus in a worker and shows screens.

``make_app`` builds it for the command line and for the tests alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from parallax.core.discrepancy import Discrepancy
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
        self.stories_screen = StoriesScreen()

    def on_mount(self) -> None:
        self.theme = self.settings.theme
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
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
        self.stories_screen.show_session(session)
        for problem in session.problems[:5]:
            self.notify(str(problem), title="Could not read", severity="warning", timeout=8)
        self.analyse_all()

    @work(thread=True, exclusive=True, group="analyse")
    def analyse_all(self) -> None:
        """Count every story's discrepancies in the background; the table fills in."""
        session = self.session
        assert session is not None
        for batch in session.analyse_counts():
            self.call_from_thread(self.stories_screen.update_counts, batch)
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

    # --- annotations (issue 6 fills these in) ---------------------------------------------------

    def reviewed_count(self, cluster_id: str) -> int:
        """How many discrepancies of a story carry a tag or a status."""
        return 0

    def annotation_state(self, discrepancy: Discrepancy | None) -> tuple[list[str], str]:
        """Tags and note of a discrepancy, for the status line."""
        return [], ""

    def tags_by_discrepancy(self, view: StoryView | None) -> dict[str, list[str]]:
        """Tags of every discrepancy of a story, for the list."""
        return {}

    def annotate(self, action: str, screen: ReviewScreen) -> None:
        """Run an annotation action on the current discrepancy."""
        self.notify("not yet", title=action)


def make_app(
    settings: Settings, sources: Sources | None = None, *, session: ReviewSession | None = None
) -> ParallaxApp:
    """Build the app from settings and what to review (sources to load, or a loaded session)."""
    return ParallaxApp(settings, sources, session=session)

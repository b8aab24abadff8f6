"""The Review screen: the versions of one story side by side, and the keys to move between
their discrepancies.

The screen holds the review state in reactives (which story, which discrepancy, which versions
in which panes, the filter, the selection) and hands it down to widgets that each do one job:
the panes draw and keep the current item in view, the headers name the versions, the status
line and the detail area describe the current item, the list lists them. Widgets post messages
up (a click, a pick in the list, a drag). Annotation actions go to the app's
:class:`~parallax.tui.annotating.AnnotationController`; where to go next comes from
:mod:`parallax.tui.navigation`, which versions to show from :mod:`parallax.tui.grouping`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Input

from parallax.core.discrepancy import Discrepancy
from parallax.core.report import Story
from parallax.tui.annotating import DECISIONS, AnnotationController, Change, Subject
from parallax.tui.grouping import choose_columns
from parallax.tui.navigation import follow, next_undecided, step
from parallax.tui.screens import parallax_app
from parallax.tui.session_protocol import Session
from parallax.tui.settings import Settings
from parallax.tui.story_view import Filter, StoryView
from parallax.tui.text import quote, version_label
from parallax.tui.widgets.detail import DetailPanel
from parallax.tui.widgets.discrepancy_list import DiscrepancyList, ListEntry
from parallax.tui.widgets.headers import PaneHeaders
from parallax.tui.widgets.panes import AlignedPanes
from parallax.tui.widgets.status import Legend, StatusLine

NARROW = 120  # below this many columns, two panes
PANE_WIDTH = 40  # above it, one more pane per this many columns
LIST_WIDTH = 38  # the discrepancy list, when open


def brief(view: StoryView, discrepancy: Discrepancy) -> str:
    """The readings of a discrepancy in one line: ``“Sanna Takashi” ×2 / “Fumio Kishida” ×1``."""
    groups = view.groups(discrepancy)
    if len(groups) < 2:
        return discrepancy.summary
    parts = []
    for group in groups:
        reading = "(nothing)" if group.absent else quote(group.text, 28)
        parts.append(f"{reading} ×{group.count}" + (" moved" if group.moved else ""))
    return " / ".join(parts)


class ReviewScreen(Screen[None]):
    """One story: aligned panes, headers, legend, status line, detail area and a list."""

    # The order is the footer's: the keys that matter most come first, so a narrow terminal
    # still shows them; every binding is in the help screen (?) and the palette (ctrl+p).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next", id="next_discrepancy"),
        Binding("p", "previous", "Prev", id="previous_discrepancy"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("a", "note", "Note", id="note"),
        Binding("x", "dismiss_discrepancy", "Dismiss", id="dismiss"),
        Binding("c", "confirm_discrepancy", "Confirm", id="confirm"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("e", "export", "Export", id="export"),
        Binding("question_mark", "app.help", "Keys", id="help"),
        Binding("N", "next_high", "Next high", id="next_high"),
        Binding("right_square_bracket", "next_story", "Next story", id="next_story"),
        Binding("l", "toggle_list", "List", id="toggle_list"),
        Binding("f", "filter", "Filter", id="filter"),
        Binding("slash", "search", "Search", id="search"),
        Binding("d", "toggle_detail", "Details", id="toggle_detail"),
        Binding("i", "toggle_unimportant", "Unimportant", id="toggle_unimportant"),
        Binding("P", "previous_high", "Prev high", show=False, id="previous_high"),
        Binding(
            "left_square_bracket", "previous_story", "Prev story", show=False, id="previous_story"
        ),
        Binding(
            "tab", "focus_next_pane", "Next pane", show=False, priority=True, id="focus_next_pane"
        ),
        Binding(
            "shift+tab",
            "focus_previous_pane",
            "Prev pane",
            show=False,
            priority=True,
            id="focus_previous_pane",
        ),
        Binding("less_than_sign", "shift_left", "◀ versions", show=False, id="shift_left"),
        Binding("greater_than_sign", "shift_right", "Versions ▶", show=False, id="shift_right"),
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("r", "refresh", "Reload annotations", show=False, id="refresh"),
        *[
            Binding(str(k), f"pick({k})", f"Show v{k} here", show=False, id=f"pick_{k}")
            for k in range(1, 10)
        ],
    ]

    # The review state. ``var``s: the screen draws nothing itself, its watchers hand each
    # change down to the widgets that show it (a ``reactive`` would repaint the whole screen).
    story_index: var[int] = var(0, init=False)
    current: var[str | None] = var(None, init=False, always_update=True)
    columns: var[tuple[int, ...]] = var(())
    focused_pane: var[int] = var(0, init=False)
    keep: var[Filter] = var(Filter, init=False)
    span: var[tuple[int, int, int] | None] = var(None, init=False)
    show_unimportant: var[bool] = var(False, init=False)
    list_open: var[bool] = var(False, init=False)
    detail_expanded: var[bool] = var(False, init=False)

    def __init__(
        self,
        session: Session,
        order: list[str],
        index: int,
        *,
        annotations: AnnotationController,
        settings: Settings,
    ) -> None:
        super().__init__()
        self.session = session
        self.order = order
        self.annotations = annotations
        self.settings = settings
        self.view: StoryView | None = None
        self._initial = index
        self._left_at: dict[str, str] = {}  # where the reviewer left each story

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a story is being analysed, only leaving the screen and help make sense."""
        return self.view is not None or action in ("back", "app.help", "help", "quit")

    def compose(self) -> ComposeResult:
        yield PaneHeaders()
        with Horizontal(id="review-body"):
            yield AlignedPanes(id="panes")
            yield DiscrepancyList(
                id="discrepancy-list", colors={t.name: t.color for t in self.settings.tags}
            )
        yield Legend()
        yield StatusLine()
        yield DetailPanel()
        yield Input(placeholder="Search the text (Enter: next match, Esc: close)", id="search")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DiscrepancyList).display = False
        self.query_one("#search").display = False
        self.annotations.changed.subscribe(self, self._annotations_changed, immediate=True)
        self.story_index = self._initial
        self.watch_story_index()
        self.query_one(AlignedPanes).focus()

    # --- the current story ---------------------------------------------------------------------

    @property
    def cluster_id(self) -> str:
        """The id of the story shown."""
        return self.order[self.story_index]

    def watch_story_index(self) -> None:
        cluster_id = self.cluster_id
        if self.session.has_story(cluster_id):
            self._show(cluster_id, self.session.story(cluster_id))
        else:
            self.query_one(AlignedPanes).loading = True
            self._analyse(cluster_id)

    @work(thread=True, exclusive=True, group="story")
    def _analyse(self, cluster_id: str) -> None:
        """Align and classify a story off the event loop (a long story takes seconds)."""
        story = self.session.story(cluster_id)
        self.app.call_from_thread(self._show, cluster_id, story)

    def _show(self, cluster_id: str, story: Story) -> None:
        if cluster_id != self.cluster_id:
            return  # the reviewer moved on while it was being analysed
        panes = self.query_one(AlignedPanes)
        panes.loading = False
        self.view = view = StoryView.build(story, self.session.documents_of(cluster_id))
        self.refresh_bindings()
        self.span = None
        self.focused_pane = 0
        self.columns = tuple(range(self._pane_count()))
        panes.current = None
        panes.statuses = self.annotations.statuses(view)
        panes.show(view, self.columns)
        panes.scroll_home(animate=False)
        self.query_one(PaneHeaders).story = view
        self._sync_columns()
        self._fill_list()
        # A story opens at its first item, or where the reviewer left it.
        visible = view.ordered(self.keep)
        left = self._left_at.get(cluster_id)
        self.current = follow(view.listed(), visible, left) if left else None
        if self.current is None and visible:
            self.current = visible[0].id

    def _pane_count(self) -> int:
        assert self.view is not None
        versions = len(self.view.documents)
        width = self.app.size.width - (LIST_WIDTH if self.list_open else 0)
        if width < NARROW:
            return min(versions, 2)
        return max(1, min(versions, self.settings.max_panes, width // PANE_WIDTH))

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Show as many versions as fit, choosing them so the current item stays visible."""
        if self.view is None:
            return
        count = self._pane_count()
        if count != len(self.columns):
            self.columns = self._chosen_columns(count)
            self._sync_columns()

    def _chosen_columns(self, count: int | None = None) -> tuple[int, ...]:
        assert self.view is not None
        discrepancy = self.current_discrepancy()
        groups = self.view.groups(discrepancy) if discrepancy is not None else []
        return choose_columns(
            groups,
            count=count or len(self.columns),
            total=len(self.view.documents),
            current=self.columns,
        )

    def _sync_columns(self) -> None:
        self.query_one(AlignedPanes).columns = self.columns
        self.focused_pane = min(self.focused_pane, len(self.columns) - 1)
        self.query_one(PaneHeaders).columns = self.columns

    @on(AlignedPanes.LaidOut)
    def _laid_out(self, event: AlignedPanes.LaidOut) -> None:
        self.query_one(PaneHeaders).widths = event.widths

    @on(AlignedPanes.MarkClicked)
    def _clicked(self, event: AlignedPanes.MarkClicked) -> None:
        self.current = event.discrepancy

    @on(DiscrepancyList.Picked)
    def _picked(self, event: DiscrepancyList.Picked) -> None:
        self.current = event.discrepancy

    # --- discrepancies ----------------------------------------------------------------------------

    def visible_discrepancies(self) -> list[Discrepancy]:
        """The discrepancies the keys visit: reported ones the filter keeps, in reading order."""
        return self.view.ordered(self.keep) if self.view else []

    def current_discrepancy(self) -> Discrepancy | None:
        """The discrepancy under review, if any."""
        if self.view is None or self.current is None:
            return None
        return self.view.by_id.get(self.current)

    def watch_current(self) -> None:
        view = self.view
        if view is None:
            return
        discrepancy = self.current_discrepancy()
        if discrepancy is not None:
            self._left_at[self.cluster_id] = discrepancy.id
            # Show the versions that hold its readings (the odd one first), where they fit.
            columns = self._chosen_columns()
            if columns != self.columns:
                self.columns = columns
                self._sync_columns()
        groups = view.groups(discrepancy) if discrepancy is not None else []
        self.query_one(AlignedPanes).current = self.current
        headers = self.query_one(PaneHeaders)
        headers.current = self.current
        headers.marked = frozenset(c for g in groups if g.minority or g.moved for c in g.columns)
        self.query_one(DiscrepancyList).current = self.current
        self.update_status()

    def update_status(self) -> None:
        """Refresh the status line and the detail area from the current state."""
        view = self.view
        if view is None:
            return
        visible = self.visible_discrepancies()
        discrepancy = self.current_discrepancy()
        position = next((i for i, d in enumerate(visible, 1) if d.id == self.current), 0)
        state = self.annotations.state(discrepancy)
        status = self.query_one(StatusLine)
        with self.app.batch_update():
            status.story_position = (self.story_index + 1, len(self.order))
            status.item_position = (position, len(visible))
            status.discrepancy = discrepancy
            status.annotations = state
            status.filter_label = self.keep.describe()
            hidden = sum(1 for d in view.story.discrepancies if d.tier == "unimportant")
            status.unimportant = (hidden, self.show_unimportant)
            groups = view.groups(discrepancy) if discrepancy is not None else []
            self.query_one(DetailPanel).show(discrepancy, groups, state.notes)

    def _fill_list(self) -> None:
        view = self.view
        if view is None:
            return
        tags = self.annotations.tags(view)
        statuses = self.annotations.statuses(view)
        entries = [
            ListEntry(d, brief(view, d), tags.get(d.id, ()), statuses.get(d.id))
            for d in view.listed(self.keep, unimportant=self.show_unimportant)
        ]
        listing = self.query_one(DiscrepancyList)
        listing.fill(entries)

    def _step(self, direction: int, *, high_only: bool = False) -> None:
        if self.view is None:
            return
        visible = self.visible_discrepancies()
        if high_only:
            visible = [d for d in visible if d.severity == "high"]
        target = step(self.view.listed(unimportant=True), visible, self.current, direction)
        if target is None:
            self.app.bell()
            self.notify("No more discrepancies this way", timeout=1.5)
            return
        self.current = target

    def action_next(self) -> None:
        self._step(+1)

    def action_previous(self) -> None:
        self._step(-1)

    def action_next_high(self) -> None:
        self._step(+1, high_only=True)

    def action_previous_high(self) -> None:
        self._step(-1, high_only=True)

    def action_next_story(self) -> None:
        if self.story_index + 1 < len(self.order):
            self.story_index += 1
        else:
            self.app.bell()

    def action_previous_story(self) -> None:
        if self.story_index > 0:
            self.story_index -= 1
        else:
            self.app.bell()

    def _follow_visible(self) -> None:
        """The filter or the tiers shown changed: stay on the current item if it is still
        visited, else go to the next one that is."""
        assert self.view is not None
        self._fill_list()
        self.current = follow(
            self.view.listed(unimportant=True), self.visible_discrepancies(), self.current
        )

    def watch_keep(self) -> None:
        if self.view is not None:
            self._follow_visible()

    def watch_show_unimportant(self, shown: bool) -> None:
        self.query_one(AlignedPanes).show_unimportant = shown
        self.query_one(PaneHeaders).show_unimportant = shown
        if self.view is not None:
            self._fill_list()
            self.update_status()

    def action_toggle_unimportant(self) -> None:
        self.show_unimportant = not self.show_unimportant

    def watch_detail_expanded(self, expanded: bool) -> None:
        self.query_one(DetailPanel).expanded = expanded

    def action_toggle_detail(self) -> None:
        self.detail_expanded = not self.detail_expanded

    # --- panes ------------------------------------------------------------------------------

    def watch_focused_pane(self) -> None:
        self.query_one(AlignedPanes).focused_pane = self.focused_pane
        self.query_one(PaneHeaders).focused_pane = self.focused_pane

    def action_focus_next_pane(self) -> None:
        panes = self.query_one(AlignedPanes)
        if self.focused is not panes:
            panes.focus()  # from the list or the search field, Tab comes back to the panes
            return
        self.focused_pane = (self.focused_pane + 1) % max(1, len(self.columns))

    def action_focus_previous_pane(self) -> None:
        self.focused_pane = (self.focused_pane - 1) % max(1, len(self.columns))

    def _shift(self, step_by: int) -> None:
        assert self.view is not None
        total = len(self.view.documents)
        if len(self.columns) >= total:
            self.app.bell()
            return
        self.columns = tuple((c + step_by) % total for c in self.columns)
        self._sync_columns()

    def action_shift_left(self) -> None:
        self._shift(-1)

    def action_shift_right(self) -> None:
        self._shift(+1)

    def action_pick(self, version: int) -> None:
        """Show version ``version`` (its label ``v<version>``) in the focused pane."""
        assert self.view is not None
        if version > len(self.view.documents):
            self.app.bell()
            self.notify(f"This story has no {version_label(version - 1)}.", timeout=2)
            return
        columns = list(self.columns)
        column = version - 1
        if column in columns:
            other = columns.index(column)
            columns[other] = columns[self.focused_pane]
        columns[self.focused_pane] = column
        self.columns = tuple(columns)
        self._sync_columns()

    # --- list, filter, search ------------------------------------------------------------------

    def watch_list_open(self, shown: bool) -> None:
        listing = self.query_one(DiscrepancyList)
        listing.display = shown
        if shown:
            listing.current = self.current
            listing.focus()
        else:
            self.query_one(AlignedPanes).focus()
        self._fit_columns()

    def action_toggle_list(self) -> None:
        self.list_open = not self.list_open

    def action_filter(self) -> None:
        from parallax.tui.screens.filter import FilterScreen

        def chosen(keep: Filter | None) -> None:
            if keep is not None:
                self.keep = keep

        self.app.push_screen(FilterScreen(self.keep), chosen)

    def action_search(self) -> None:
        field = self.query_one("#search", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        panes = self.query_one(AlignedPanes)
        if not panes.find(query) and query:
            self.notify(f"{quote(query)} is not in the versions shown", severity="warning")

    def action_back(self) -> None:
        if self.span is not None:
            self.span = None
            return
        field = self.query_one("#search", Input)
        if field.display:
            field.display = False
            self.query_one(AlignedPanes).search = ""
            self.query_one(AlignedPanes).focus()
            return
        if self.list_open:
            self.list_open = False
            return
        self.app.pop_screen()

    # --- annotations: the controller does the work ---------------------------------------------

    def subject(self) -> Subject:
        """What an annotation action applies to now: the selected text, else the current
        discrepancy (its reading in the focused pane's version)."""
        assert self.view is not None
        if self.span is not None:
            column, start, end = self.span
            return Subject(self.cluster_id, span=(self.view.documents[column], start, end))
        prefer = self.view.documents[self.columns[self.focused_pane]].id if self.columns else None
        return Subject(self.cluster_id, self.current_discrepancy(), prefer)

    def action_tag(self) -> None:
        self.annotations.tag(self.subject())

    def action_note(self) -> None:
        self.annotations.note(self.subject())

    def _decide(self, status: str) -> None:
        subject = self.subject()
        result = self.annotations.decide(subject, status)
        if result not in DECISIONS or subject.span is not None or self.view is None:
            return
        if not self.settings.advance_after_decision:
            return
        decided = self.annotations.statuses(self.view)
        following = next_undecided(self.visible_discrepancies(), self.current, decided)
        if following is None:
            self.notify("Every item shown here is decided.", timeout=3)
        else:
            self.current = following

    def action_dismiss_discrepancy(self) -> None:
        """Dismiss the current item (or the selected text), then move on to the next
        undecided item; dismissing it again reopens it."""
        self._decide("dismissed")

    def action_confirm_discrepancy(self) -> None:
        """Confirm the current item (or the selected text), then move on."""
        self._decide("confirmed")

    def action_undo(self) -> None:
        self.annotations.undo()

    def action_redo(self) -> None:
        self.annotations.redo()

    def action_refresh(self) -> None:
        self.annotations.reload()

    def action_export(self) -> None:
        self.annotations.export(self.session, parallax_app(self).first_source)

    def _annotations_changed(self, change: Change) -> None:
        """The controller changed something: redraw what shows annotations."""
        if self.view is None or change.cluster not in (None, self.cluster_id):
            return
        if change.subject is not None and change.subject.span is not None:
            self.span = None
        self.query_one(AlignedPanes).statuses = self.annotations.statuses(self.view)
        self._fill_list()
        self.update_status()

    # --- selected text (the panes select it; the screen hands it to annotation actions) -------

    def watch_span(self) -> None:
        self.query_one(AlignedPanes).span = self.span
        hint = ""
        if self.span is not None and self.view is not None:
            column, start, end = self.span
            hint = (
                f"{end - start} chars of {version_label(column)} · t tag · a note · x/c decide · "
                "←→ end · shift+←→ start · ↑↓ lines · Esc"
            )
        self.query_one(DetailPanel).hint = hint

    @on(AlignedPanes.SelectionChanged)
    def _selected(self, event: AlignedPanes.SelectionChanged) -> None:
        self.span = event.span

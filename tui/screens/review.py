"""The Review screen: the versions of one story side by side, and the keys to move between
their discrepancies."""

from __future__ import annotations

import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList

from parallax.core.discrepancy import Discrepancy
from parallax.core.report import Story
from parallax.tui.session import ReviewSession
from parallax.tui.story_view import Filter, StoryView
from parallax.tui.widgets.discrepancy_list import DiscrepancyList
from parallax.tui.widgets.headers import PaneHeaders
from parallax.tui.widgets.panes import AlignedPanes
from parallax.tui.widgets.status import Legend, StatusLine

_WORD = re.compile(r"\S+")
NARROW = 120  # below this many columns, two panes
PANE_WIDTH = 40  # above it, one more pane per this many columns


class ReviewScreen(Screen):
    """One story: aligned panes, headers, legend, status line and a discrepancy list."""

    BINDINGS = [
        Binding("n", "next", "Next", id="next_discrepancy"),
        Binding("p", "previous", "Prev", id="previous_discrepancy"),
        Binding("N", "next_high", "Next high", id="next_high"),
        Binding("P", "previous_high", "Prev high", show=False, id="previous_high"),
        Binding("right_square_bracket", "next_story", "Next story", id="next_story"),
        Binding(
            "left_square_bracket", "previous_story", "Prev story", show=False, id="previous_story"
        ),
        Binding("tab", "focus_next_pane", "Pane", priority=True, id="focus_next_pane"),
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
        Binding("l", "toggle_list", "List", id="toggle_list"),
        Binding("f", "filter", "Filter", id="filter"),
        Binding("slash", "search", "Search", id="search"),
        Binding("escape", "back", "Back", id="back"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("a", "note", "Note", id="note"),
        Binding("x", "dismiss", "Dismiss", show=False, id="dismiss"),
        Binding("c", "confirm", "Confirm", show=False, id="confirm"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("v", "select", "Select span", show=False, id="select_span"),
        Binding("r", "refresh", "Refresh", show=False, id="refresh"),
        Binding("e", "export", "Export", id="export"),
        *[
            Binding(str(k), f"pick({k})", f"Show version {k} here", show=False, id=f"pick_{k}")
            for k in range(1, 10)
        ],
        # While a span is selected (v), the arrows move its end instead of scrolling.
        Binding("right", "extend(1)", "Select more", show=False, priority=True, id="extend_word"),
        Binding("left", "extend(-1)", "Select less", show=False, priority=True, id="shrink_word"),
        Binding(
            "down", "extend_line(1)", "Select line", show=False, priority=True, id="extend_line"
        ),
        Binding(
            "up", "extend_line(-1)", "Unselect line", show=False, priority=True, id="shrink_line"
        ),
    ]

    story_index: reactive[int] = reactive(0, init=False)
    current: reactive[str | None] = reactive(None, init=False)
    columns: var[tuple[int, ...]] = var(())
    focused_pane: reactive[int] = reactive(0, init=False)
    keep: var[Filter] = var(Filter())
    span: reactive[tuple[int, int, int] | None] = reactive(None, init=False)

    def __init__(self, session: ReviewSession, order: list[str], index: int) -> None:
        super().__init__()
        self.session = session
        self.order = order
        self.view: StoryView | None = None
        self._initial = index

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a story is being analysed, only leaving the screen and help make sense; the
        selection keys only work while a span is selected."""
        if action in ("extend", "extend_line"):
            return self.span is not None
        return self.view is not None or action in ("back", "help", "quit")

    def compose(self) -> ComposeResult:
        yield PaneHeaders()
        with Horizontal(id="review-body"):
            yield AlignedPanes(id="panes")
            yield DiscrepancyList(id="discrepancy-list")
        yield Legend()
        yield StatusLine()
        yield Input(placeholder="Search the text (Enter: next match, Esc: close)", id="search")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DiscrepancyList).display = False
        self.query_one("#search").display = False
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
        session = self.session
        self.query_one(AlignedPanes).loading = False
        self.view = StoryView.build(story, session.documents_of(cluster_id))
        self.refresh_bindings()
        self.columns = self._initial_columns()
        self.focused_pane = 0
        panes = self.query_one(AlignedPanes)
        panes.current = None
        panes.show(self.view, self.columns)
        self.query_one(PaneHeaders).story = self.view
        self.span = None
        self._sync_columns()
        self.query_one(AlignedPanes).statuses = self.app.statuses(self.view)  # type: ignore[attr-defined]
        self._fill_list()
        visible = self.visible_discrepancies()
        self.current = visible[0].id if visible else None
        self.watch_current()
        panes.scroll_home(animate=False)

    def _pane_count(self) -> int:
        assert self.view is not None
        versions = len(self.view.documents)
        width = self.app.size.width
        if self.query_one(DiscrepancyList).display:
            width -= 38
        limit = self.app.settings.max_panes  # type: ignore[attr-defined]
        if width < NARROW:
            return min(versions, 2)
        return max(1, min(versions, limit, width // PANE_WIDTH))

    def _initial_columns(self) -> tuple[int, ...]:
        return tuple(range(self._pane_count()))

    def on_resize(self) -> None:
        if self.view is None:
            return
        count = self._pane_count()
        if count != len(self.columns):
            start = self.columns[0] if self.columns else 0
            total = len(self.view.documents)
            start = min(start, total - count)
            self.columns = tuple(range(start, start + count))
            self._sync_columns()

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

    # --- discrepancies ----------------------------------------------------------------------------

    def visible_discrepancies(self) -> list[Discrepancy]:
        """The story's discrepancies the filter keeps, in reading order."""
        return self.view.ordered(self.keep) if self.view else []

    def current_discrepancy(self) -> Discrepancy | None:
        """The discrepancy under review, if any."""
        if self.view is None or self.current is None:
            return None
        return self.view.by_id.get(self.current)

    def watch_current(self) -> None:
        panes = self.query_one(AlignedPanes)
        panes.current = self.current
        self.query_one(PaneHeaders).current = self.current
        discrepancy = self.current_discrepancy()
        if discrepancy is not None:
            self._bring_into_view(discrepancy)
            self.query_one(DiscrepancyList).select_id(discrepancy.id)
        self.update_status()

    def _bring_into_view(self, discrepancy: Discrepancy) -> None:
        assert self.view is not None
        having = [i for i, r in enumerate(discrepancy.readings) if r.start is not None]
        if having and not any(c in having for c in self.columns):
            # Show a version that says something here in the focused pane.
            columns = list(self.columns)
            columns[self.focused_pane] = having[0]
            self.columns = tuple(columns)
            self._sync_columns()
        self.query_one(AlignedPanes).scroll_to_alignment_row(discrepancy.row)

    def update_status(self) -> None:
        """Refresh the status line from the current state."""
        visible = self.visible_discrepancies()
        discrepancy = self.current_discrepancy()
        position = next((i for i, d in enumerate(visible, 1) if d.id == self.current), 0)
        tags, note = self.app.annotation_state(discrepancy)  # type: ignore[attr-defined]
        self.query_one(StatusLine).state = (
            self.story_index + 1,
            len(self.order),
            position,
            len(visible),
            discrepancy,
            tags,
            self.keep.describe(),
            note,
        )

    def _fill_list(self) -> None:
        listing = self.query_one(DiscrepancyList)
        tags = self.app.tags_by_discrepancy(self.view)  # type: ignore[attr-defined]
        colors = {t.name: t.color for t in self.app.settings.tags}  # type: ignore[attr-defined]
        listing.fill(self.visible_discrepancies(), tags, colors)

    def _step(self, direction: int, *, high_only: bool = False) -> None:
        visible = self.visible_discrepancies()
        if high_only:
            visible = [d for d in visible if d.severity == "high"]
        if not visible:
            self.app.bell()
            return
        ids = [d.id for d in visible]
        if self.current in ids:
            index = ids.index(self.current) + direction
        else:
            # The current one is filtered out: go to the nearest kept one in reading order.
            order = [d.id for d in self.view.ordered()] if self.view else []
            here = order.index(self.current) if self.current in order else -1
            after = [i for i, d in enumerate(ids) if order.index(d) > here]
            if direction > 0:
                index = after[0] if after else len(ids)
            else:
                index = (after[0] if after else len(ids)) - 1
        if not 0 <= index < len(ids):
            self.app.bell()
            self.notify("No more discrepancies this way", timeout=1.5)
            return
        self.current = ids[index]

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

    def _shift(self, step: int) -> None:
        assert self.view is not None
        total = len(self.view.documents)
        if len(self.columns) >= total:
            self.app.bell()
            return
        self.columns = tuple((c + step) % total for c in self.columns)
        self._sync_columns()

    def action_shift_left(self) -> None:
        self._shift(-1)

    def action_shift_right(self) -> None:
        self._shift(+1)

    def action_pick(self, version: int) -> None:
        assert self.view is not None
        if version > len(self.view.documents):
            self.app.bell()
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

    def action_toggle_list(self) -> None:
        listing = self.query_one(DiscrepancyList)
        listing.display = not listing.display
        if listing.display:
            listing.select_id(self.current)
            listing.focus()
        else:
            self.query_one(AlignedPanes).focus()
        self.call_after_refresh(self.on_resize)

    @on(OptionList.OptionHighlighted, "#discrepancy-list")
    def _list_moved(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.current = event.option.id

    def action_filter(self) -> None:
        from parallax.tui.screens.filter import FilterScreen

        def chosen(keep: Filter | None) -> None:
            if keep is None:
                return
            self.keep = keep
            self._fill_list()
            visible = self.visible_discrepancies()
            if self.current not in {d.id for d in visible}:
                self.current = visible[0].id if visible else None
            self.update_status()

        self.app.push_screen(FilterScreen(self.keep), chosen)

    def action_search(self) -> None:
        field = self.query_one("#search", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        panes = self.query_one(AlignedPanes)
        panes.search = query
        if not query or self.view is None or panes.layout_ is None:
            return
        layout = panes.layout_
        needle = query.casefold()
        start = int(panes.scroll_y) + 1
        for y in [*range(start, layout.height), *range(0, start)]:
            for pane in range(len(self.columns)):
                line = layout.line(pane, y)
                if line is None or line.start is None:
                    continue
                body = self.view.documents[self.columns[pane]].body
                if needle in body[line.start : line.end].casefold():
                    panes.scroll_to(y=max(0, y - 2), animate=False)
                    return
        self.notify(f"“{query}” not found in the versions shown", severity="warning")

    def action_back(self) -> None:
        if self.span is not None:
            self.clear_span()
            return
        field = self.query_one("#search", Input)
        if field.display:
            field.display = False
            self.query_one(AlignedPanes).search = ""
            self.query_one(AlignedPanes).focus()
            return
        listing = self.query_one(DiscrepancyList)
        if listing.display:
            self.action_toggle_list()
            return
        self.app.pop_screen()

    # --- annotations (the app's annotation service does the work) -----------------------------

    def action_tag(self) -> None:
        self.app.annotate("tag", self)  # type: ignore[attr-defined]

    def action_note(self) -> None:
        self.app.annotate("note", self)  # type: ignore[attr-defined]

    def action_dismiss(self) -> None:
        self.app.annotate("dismiss", self)  # type: ignore[attr-defined]

    def action_confirm(self) -> None:
        self.app.annotate("confirm", self)  # type: ignore[attr-defined]

    def action_undo(self) -> None:
        self.app.annotate("undo", self)  # type: ignore[attr-defined]

    def action_redo(self) -> None:
        self.app.annotate("redo", self)  # type: ignore[attr-defined]

    def action_select(self) -> None:
        self.app.annotate("select", self)  # type: ignore[attr-defined]

    def action_refresh(self) -> None:
        self.app.annotate("refresh", self)  # type: ignore[attr-defined]

    def action_export(self) -> None:
        self.app.annotate("export", self)  # type: ignore[attr-defined]

    def annotations_changed(self) -> None:
        """The annotation service changed something: redraw what shows annotations."""
        self.query_one(AlignedPanes).statuses = self.app.statuses(self.view)  # type: ignore[attr-defined]
        self._fill_list()
        self.update_status()

    # --- span selection ----------------------------------------------------------------------

    def watch_span(self) -> None:
        self.query_one(AlignedPanes).span = self.span
        self.refresh_bindings()
        hint = ""
        if self.span is not None and self.view is not None:
            column, start, end = self.span
            hint = (
                f"Selected {end - start} characters in #{self.view.documents[column].index}: "
                "t tag · a note · arrows extend · Esc cancels"
            )
        self.query_one(StatusLine).hint = hint

    def toggle_span(self) -> None:
        """Start selecting a span in the focused pane (or stop)."""
        if self.span is not None:
            self.clear_span()
            return
        assert self.view is not None
        column = self.columns[self.focused_pane]
        body = self.view.documents[column].body
        discrepancy = self.current_discrepancy()
        reading = discrepancy.readings[column] if discrepancy else None
        if reading is not None and reading.start is not None and reading.field == "body":
            start, end = reading.start, reading.end or reading.start
        else:
            panes = self.query_one(AlignedPanes)
            line = (
                panes.layout_.line(self.focused_pane, int(panes.scroll_y))
                if panes.layout_
                else None
            )
            start = line.start if line and line.start is not None else 0
            match = _WORD.search(body, start)
            start, end = (match.start(), match.end()) if match else (0, 0)
        if end <= start:
            self.app.bell()
            return
        self.span = (column, start, end)

    def clear_span(self) -> None:
        """Forget the selected span."""
        self.span = None
        self.update_status()

    @on(AlignedPanes.Selected)
    def _dragged(self, event: AlignedPanes.Selected) -> None:
        self.span = (event.column, event.start, event.end)

    def action_extend(self, words: int) -> None:
        assert self.span is not None and self.view is not None
        column, start, end = self.span
        body = self.view.documents[column].body
        if words > 0:
            match = _WORD.search(body, end)
            end = match.end() if match else end
        else:
            previous = [m.end() for m in _WORD.finditer(body, start, end) if m.end() < end]
            end = previous[-1] if previous else end
        self.span = (column, start, end)

    def action_extend_line(self, lines: int) -> None:
        assert self.span is not None
        panes = self.query_one(AlignedPanes)
        column, start, end = self.span
        if panes.layout_ is None or column not in self.columns:
            return
        pane = self.columns.index(column)
        found = panes.layout_.row_of_offset(pane, max(start, end - 1))
        if found is None:
            return
        _, y = found
        target = panes.layout_.line(pane, y + lines)
        if target is None or target.end is None or target.end <= start:
            self.app.bell()
            return
        self.span = (column, start, target.end)

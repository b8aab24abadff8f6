"""The Stories screen: one row per cluster, most high-severity discrepancies first."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, ProgressBar, Static
from textual.widgets.data_table import CellDoesNotExist

from parallax.tui.annotating import AnnotationController, Change
from parallax.tui.screens import parallax_app
from parallax.tui.session_protocol import Session
from parallax.tui.story_source import SORTS, StorySource, story_source
from parallax.tui.text import plural, untrusted
from parallax.tui.widgets.component_style import layered_style

_FIRST_ROWS = 100
_SLICE_ROWS = 250
#: The table never holds more rows than this (a filter narrows a larger corpus).
_MAX_ROWS = 2_000


class StoriesScreen(Screen[None]):
    """Every story of the corpus; Enter opens one (also from the filter field), typing
    filters."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open story", priority=True, id="open_story"),
        Binding("slash", "filter", "Filter", id="filter_stories"),
        Binding("s", "toggle_singletons", "Singles", id="toggle_singletons"),
        Binding("o", "app.orphans", "Orphans", id="orphans"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear_filter"),
        Binding("j", "cursor_down", "Down", show=False, id="stories_down"),
        Binding("k", "cursor_up", "Up", show=False, id="stories_up"),
        Binding("S", "cycle_sort", "Sort", show=False, id="sort_stories"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"stories--high"}

    hide_singletons: reactive[bool] = reactive(False)
    filter_text: reactive[str] = reactive("")
    sort_by: reactive[str] = reactive("severity")

    def __init__(self, annotations: AnnotationController) -> None:
        super().__init__()
        self.annotations = annotations
        self.session: Session | None = None
        self.source: StorySource | None = None
        self.matching = 0  # stories the filter keeps (the table shows at most _MAX_ROWS)
        self.order: list[str] = []  # cluster ids shown, in table order
        self._generation = 0
        self._columns_for = 0  # the terminal width the columns were sized for
        self._ready = False  # composed and mounted: the loading workers may call in before

    def compose(self) -> ComposeResult:
        with Vertical(id="loading"):
            yield Static("Reading and grouping the sources…", id="loading-label")
            yield ProgressBar(id="loading-bar", show_eta=False)
        yield Input(placeholder="Type to filter stories (fuzzy)…", id="story-filter")
        yield DataTable(id="stories", cursor_type="row", zebra_stripes=True)
        yield Static("", id="stories-summary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "#", "Story", "Versions", "Sources", "Span", "High", "Med", "Low", "Reviewed"
        )
        self.query_one("#story-filter").display = False
        table.display = False
        table.focus()
        self.annotations.changed.subscribe(self, self._annotations_changed, immediate=True)
        self._ready = True
        session = parallax_app(self).session
        if session is not None:
            self.show_session(session)

    # --- loading ---------------------------------------------------------------------------------

    def show_progress(self, label: str, done: int, total: int) -> None:
        """Called by the app while it loads: a label and a progress bar."""
        if not self._ready:
            return
        self.query_one("#loading-label", Static).update(Text(label))
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=done)

    def show_session(self, session: Session) -> None:
        """The corpus is loaded: fill the table (when mounted: mounting shows it otherwise)."""
        if not self._ready:
            return
        self.session = session
        self.source = story_source(session)
        self.query_one("#loading").display = False
        self.query_one(DataTable).display = True
        self.query_one("#story-filter").display = True
        self.hide_singletons = parallax_app(self).settings.hide_singletons
        self.refresh_table()
        self.query_one(DataTable).focus()

    # --- table -----------------------------------------------------------------------------------

    #: (key, label, width) of every column but the title, wide and narrow terminals.
    _WIDE = (
        ("versions", "Versions", 8),
        ("sources", "Sources", 18),
        ("span", "Span", 16),
        ("high", "High", 4),
        ("medium", "Med", 4),
        ("low", "Low", 4),
        ("reviewed", "Reviewed", 8),
    )
    _NARROW = (
        ("versions", "V", 2),
        ("sources", "Sources", 10),
        ("span", "Span", 10),
        ("high", "Hi", 3),
        ("medium", "Med", 3),
        ("low", "Low", 3),
        ("reviewed", "Done", 5),
    )

    def _add_columns(self, table: DataTable[Text]) -> None:
        """Columns sized to the terminal: the title takes what the others leave."""
        width = max(self.app.size.width, 60)
        self._columns_for = width
        columns = self._WIDE if width >= 100 else self._NARROW
        padding = 2 * (len(columns) + 2)  # one cell each side of every column
        used = 3 + sum(w for _, _, w in columns) + padding + 2  # '#', the rest, scrollbar
        table.add_column("#", width=3, key="number")
        table.add_column("Story", width=max(12, width - used), key="story")
        for key, label, column_width in columns:
            table.add_column(label, width=column_width, key=key)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        width = max(self.app.size.width, 60)
        if width == self._columns_for:
            return
        table.clear(columns=True)
        self._add_columns(table)
        self.refresh_table()

    def _table(self) -> DataTable[Text] | None:
        """The stories table, or ``None`` before it is mounted or once the app is closing: the
        loading and counting workers call in from their threads at any time."""
        if not self._ready:
            return None
        found = self.query(DataTable)
        return found.first(DataTable) if found else None

    def refresh_table(self, *, keep_cursor: bool = True) -> None:
        """Rebuild the rows from the session, keeping the cursor on the same story (or, for a
        new order, at the top)."""
        source = self.source
        table = self._table()
        if source is None or table is None:
            return
        keep = (
            self.order[table.cursor_row] if keep_cursor and self.order and table.row_count else None
        )
        ids = source.order(
            hide_singletons=self.hide_singletons, filter_text=self.filter_text, sort=self.sort_by
        )
        self.matching = len(ids)
        ids = list(ids[:_MAX_ROWS])
        table.clear()
        self.order = ids
        self._generation += 1
        # The first screenful at once; the rest in slices between frames, so a corpus of
        # thousands of stories shows at once and stays responsive while the table fills.
        first = max(_FIRST_ROWS, ids.index(keep) + 1 if keep in ids else 0)
        self._add_rows(table, 0, first, self._generation)
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        totals = source.totals()
        problems = source.problems()
        summary = (
            f"{plural(totals.documents, 'document')} · "
            f"{plural(totals.stories, 'story', 'stories')} with several versions · "
            f"{plural(totals.singles, 'single document')}"
            + (" (hidden)" if self.hide_singletons else "")
        )
        if problems:
            summary += f" · {plural(problems, 'problem')} reading sources"
        if self.matching > len(ids):
            summary += f" · showing {len(ids):,} of {self.matching:,}: type to filter"
        if self.sort_by != "severity":
            summary += f" · sorted by {self.sort_by}"
        self.query_one("#stories-summary", Static).update(Text(summary))

    def _add_rows(self, table: DataTable[Text], start: int, stop: int, generation: int) -> None:
        if generation != self._generation:
            return  # the table was rebuilt meanwhile
        ids = self.order
        for number in range(start, min(stop, len(ids))):
            cluster_id = ids[number]
            table.add_row(*self._cells(number + 1, cluster_id), key=cluster_id)
        if stop < len(ids):
            self.call_after_refresh(self._add_rows, table, stop, stop + _SLICE_ROWS, generation)

    def update_counts(self, cluster_ids: list[str]) -> None:
        """Some stories were analysed: fill in their cells without rebuilding the table."""
        table = self._table()
        if table is None:
            return
        shown = set(self.order[: table.row_count])
        for cluster_id in cluster_ids:
            if cluster_id not in shown:
                continue  # not added yet: it will be added with its counts
            number = self.order.index(cluster_id) + 1 if len(shown) < 500 else 0
            cells = self._cells(number, cluster_id)
            for key, value in zip(("high", "medium", "low", "reviewed"), cells[5:], strict=True):
                try:
                    table.update_cell(cluster_id, key, value)
                except CellDoesNotExist:
                    return  # the table is being rebuilt; the rebuild shows the new counts

    def _cells(self, number: int, cluster_id: str) -> list[Text]:
        assert self.source is not None and self.session is not None
        row = self.source.row(cluster_id)
        counts = ["…", "…", "…"]
        reviewed = "-"
        if row.versions > 1 and row.counts is not None:
            severity = row.counts
            counts = [str(severity["high"]), str(severity["medium"]), str(severity["low"])]
            done = self.annotations.reviewed_count(self.session.discrepancy_ids(cluster_id))
            reviewed = f"{done}/{sum(severity.values())}"
        elif row.versions == 1:
            counts = ["", "", ""]
        high = layered_style(self, "stories--high")
        title = untrusted(row.title or "(untitled)")
        title.overflow = "ellipsis"
        outlets = untrusted(row.sources)
        outlets.overflow = "ellipsis"
        return [
            Text(str(number)),
            title,
            Text(str(row.versions)),
            outlets,
            untrusted(row.span),
            Text(counts[0], style=high if counts[0] not in ("0", "", "…") else ""),
            Text(counts[1]),
            Text(counts[2]),
            Text(reviewed),
        ]

    def _annotations_changed(self, change: Change) -> None:
        if self.session is None:
            return
        if change.cluster is None:
            session = self.session
            self.update_counts([c.id for c in session.clusters if session.is_analysed(c.id)])
        else:
            self.update_counts([change.cluster])

    def watch_hide_singletons(self) -> None:
        self.refresh_table()

    def watch_filter_text(self) -> None:
        self.refresh_table()

    def watch_sort_by(self) -> None:
        self.refresh_table(keep_cursor=False)

    # --- actions ---------------------------------------------------------------------------------

    def action_open(self) -> None:
        """Open the story under the cursor; from the filter field, the best match."""
        table = self.query_one(DataTable)
        if self.session is None or not self.order:
            self.app.bell()
            return
        if self.focused is self.query_one("#story-filter", Input):
            table.focus()  # the filter stays applied; Escape clears it
        row = min(max(table.cursor_row, 0), len(self.order) - 1)
        parallax_app(self).open_story(self.order, row)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_filter(self) -> None:
        self.query_one("#story-filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#story-filter", Input)
        field.value = ""
        self.query_one(DataTable).focus()

    def action_cycle_sort(self) -> None:
        """Sort by the next order: severity, date, source, title, versions."""
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]

    def action_toggle_singletons(self) -> None:
        self.hide_singletons = not self.hide_singletons

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    @on(Input.Changed, "#story-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#story-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def on_key(self, event: events.Key) -> None:
        """Typing a letter that is not a binding starts filtering."""
        table = self.query_one(DataTable)
        if self.focused is not table or not event.is_printable or not event.character:
            return
        if event.key in self.active_bindings or not event.character.isalnum():
            return
        field = self.query_one("#story-filter", Input)
        field.focus()
        field.insert_text_at_cursor(event.character)
        event.stop()

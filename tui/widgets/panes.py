"""The versions of a story side by side, rows aligned, discrepancies painted by kind.

One Line-API widget draws every visible version as a column, so all panes scroll together and
the same claim starts on the same line in each. Only visible lines are built, and built lines
are cached until the story, the visible versions, the size or the current discrepancy change.
The widget keeps the current discrepancy in view whenever it or the layout changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from parallax.core.discrepancy import KINDS
from parallax.core.safe import neutralize
from parallax.tui.layout import PaneLine, StoryLayout
from parallax.tui.selection import extend_end, first_token, move_start
from parallax.tui.story_view import Mark, StoryView
from parallax.tui.styles import SEVERITY_MARKS
from parallax.tui.widgets.component_style import LayeredStyles

GUTTER = 2
#: Severity shows as intensity on top of the kind's style (and as a gutter mark).
_PLAIN = Style()
_DISMISSED = Style(dim=True, strike=True)
_INTENSITY = {"high": Style(bold=True), "medium": Style(), "low": Style(dim=True)}
SEPARATOR = "│"


class AlignedPanes(ScrollView, can_focus=True):
    """Aligned columns of text, one per visible version of the current story."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"panes--{kind}" for kind in KINDS),
        "panes--current",
        "panes--search",
        "panes--gap",
        "panes--section",
        "panes--separator",
        "panes--separator-focused",
        "panes--high",
        "panes--medium",
        "panes--low",
        "panes--pointer",
        "panes--selection",
        "panes--unimportant",
        "panes--elsewhere",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="scroll_down"),
        Binding("k", "scroll_up", "Up", show=False, id="scroll_up"),
        # Selecting text: v starts (at the current item's reading in the focused pane) or
        # stops; then the arrows move its end and shift+arrows its start, token by token or
        # line by line. Without a selection the arrows scroll.
        Binding("v", "select_span", "Select text", show=False, id="select_span"),
        Binding("right", "extend(1)", "Select more", show=False, id="extend_word"),
        Binding("left", "extend(-1)", "Select less", show=False, id="shrink_word"),
        Binding("down", "extend_line(1)", "Select a line more", show=False, id="extend_line"),
        Binding("up", "extend_line(-1)", "Select a line less", show=False, id="shrink_line"),
        Binding("shift+right", "move_start(1)", "Start later", show=False, id="start_later"),
        Binding("shift+left", "move_start(-1)", "Start earlier", show=False, id="start_earlier"),
        Binding(
            "shift+down", "move_start_line(1)", "Start a line later", show=False, id="start_down"
        ),
        Binding(
            "shift+up", "move_start_line(-1)", "Start a line earlier", show=False, id="start_up"
        ),
    ]

    story: var[StoryView | None] = var(None, always_update=True)
    columns: var[tuple[int, ...]] = var((), always_update=True)
    current: reactive[str | None] = reactive(None)
    focused_pane: reactive[int] = reactive(0)
    search: reactive[str] = reactive("")
    span: reactive[tuple[int, int, int] | None] = reactive(None)
    statuses: var[dict[str, str]] = var(dict, always_update=True)
    show_unimportant: reactive[bool] = reactive(False)

    class SelectionChanged(Message):
        """The reader selected text (keys or mouse), or stopped: ``(column, start, end)``
        body offsets, or ``None``."""

        def __init__(self, span: tuple[int, int, int] | None) -> None:
            self.span = span
            super().__init__()

    class MarkClicked(Message):
        """The reader clicked a painted span."""

        def __init__(self, discrepancy: str) -> None:
            self.discrepancy = discrepancy
            super().__init__()

    class LaidOut(Message):
        """The columns were laid out again: their widths in cells (headers follow them)."""

        def __init__(self, widths: tuple[int, ...]) -> None:
            self.widths = widths
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.layout_: StoryLayout | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(2048)
        self._widths: list[int] = []
        self._laid_out_for: tuple[int, tuple[int, ...], int] | None = None
        self._style = LayeredStyles(self, "panes")
        self._rich_style: Style | None = None

    # --- state -> layout ---------------------------------------------------------------------

    def show(self, story: StoryView, columns: tuple[int, ...]) -> None:
        """Show ``story`` with the versions at ``columns`` (positions in the story)."""
        self.set_reactive(AlignedPanes.story, story)
        self.columns = columns

    def watch_columns(self) -> None:
        self._relayout()

    def watch_story(self) -> None:
        self._relayout()

    def watch_current(self, previous: str | None, current: str | None) -> None:
        # Only the rows of the old and the new current discrepancy look different.
        for discrepancy_id in (previous, current):
            self._forget_row_of(discrepancy_id)
        self.refresh()
        self.reveal()

    def _forget_row_of(self, discrepancy_id: str | None) -> None:
        story, layout = self.story, self.layout_
        if discrepancy_id is None or story is None or layout is None:
            return
        discrepancy = story.by_id.get(discrepancy_id)
        if discrepancy is None:
            return
        places = {layout.place_of(discrepancy.row, column) for column in self.columns}
        for index in places:
            if index is None:
                continue
            top = layout.row_top[index]
            for y in range(top, top + layout.row_height[index]):
                self._cache.discard(y)

    def watch_show_unimportant(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_focused_pane(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_search(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_span(self) -> None:
        self._cache.clear()
        self.refresh()

    def watch_statuses(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style.clear()
        self._rich_style = None
        self._cache.clear()

    def _relayout(self) -> None:
        story = self.story
        if story is None or not self.columns or not self.is_mounted:
            self._cache.clear()
            self._laid_out_for = None
            self.layout_ = None
            self.virtual_size = Size(0, 0)
            self.refresh()
            return
        width = max(self.scrollable_content_region.width, len(self.columns) * (GUTTER + 4))
        key = (id(story), self.columns, width)
        if key == self._laid_out_for:
            return  # nothing that shapes the layout changed
        self._laid_out_for = key
        self._cache.clear()
        count = len(self.columns)
        pane = (width - (count - 1)) // count
        self._widths = [pane] * count
        self._widths[-1] += width - (count - 1) - pane * count
        self.layout_ = StoryLayout(
            story.placements,
            [story.documents[c] for c in self.columns],
            self.columns,
            [w - GUTTER for w in self._widths],
        )
        self.virtual_size = Size(width, self.layout_.height)
        self.post_message(self.LaidOut(tuple(self._widths)))
        self.refresh()
        self.reveal()

    # --- geometry helpers --------------------------------------------------------------------

    def row_index(self, alignment_row: int) -> int | None:
        """The layout row showing an alignment row."""
        if self.layout_ is None:
            return None
        return self.layout_.index_of.get(alignment_row)

    def lines_of(self, discrepancy_id: str) -> list[int]:
        """The screen lines (of the whole layout) where the visible panes show a discrepancy:
        the first and last line of each reading, or the line of a version's gap."""
        story, layout = self.story, self.layout_
        discrepancy = story.by_id.get(discrepancy_id) if story is not None else None
        if layout is None or discrepancy is None or layout.index_of.get(discrepancy.row) is None:
            return []  # not a body row (metadata shows in the headers, always in view)
        lines: list[int] = []
        for pane, column in enumerate(self.columns):
            reading = discrepancy.readings[column] if column < len(discrepancy.readings) else None
            if reading is not None and reading.start is not None and reading.field == "body":
                for offset in (reading.start, max(reading.start, (reading.end or 0) - 1)):
                    found = layout.row_of_offset(pane, offset)
                    if found is not None:
                        lines.append(found[1])
                continue
            place = layout.place_of(discrepancy.row, column)
            if place is not None:
                lines.append(layout.row_top[place])
        return lines

    def reveal(self) -> None:
        """Scroll so the current discrepancy is in view in every visible pane, with a little
        context above it; when it cannot all fit, its first line."""
        if self.current is None or self.layout_ is None:
            return
        lines = self.lines_of(self.current)
        if not lines:
            return
        top, bottom = min(lines), max(lines)
        view = max(1, self.scrollable_content_region.height)
        if self.scroll_y <= top and bottom < self.scroll_y + view:
            return
        target = max(0, top - min(3, view // 4))
        if bottom >= target + view:
            target = bottom - view + 1 if bottom - top < view else top
        self.scroll_to(y=target, animate=False, immediate=True)

    def find(self, query: str) -> bool:
        """Scroll to the next line (after the top one, wrapping) where a visible version has
        ``query``, ignoring case; False when none has it."""
        layout, story = self.layout_, self.story
        self.search = query
        if not query or layout is None or story is None:
            return False
        needle = query.casefold()
        start = int(self.scroll_y) + 1
        for y in [*range(start, layout.height), *range(0, start)]:
            for pane, column in enumerate(self.columns):
                line = layout.line(pane, y)
                if line is None or line.start is None:
                    continue
                body = story.documents[column].body
                if needle in body[line.start : line.end].casefold():
                    self.scroll_to(y=max(0, y - 2), animate=False)
                    return True
        return False

    # --- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = int(scroll_y) + y
        width = self.scrollable_content_region.width
        strip = self._cache.get(line)
        if strip is None:
            strip = self._build_line(line)
            self._cache[line] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self._base_style())

    def _base_style(self) -> Style:
        """The widget's own style (walking the DOM for it is costly: once per style change)."""
        if self._rich_style is None:
            self._rich_style = self.rich_style
        return self._rich_style

    def _build_line(self, y: int) -> Strip:
        layout, story = self.layout_, self.story
        if layout is None or story is None or y >= layout.height:
            width = sum(self._widths) + max(0, len(self._widths) - 1)
            return Strip.blank(width, self._base_style())
        segments: list[Segment] = []
        for pane, width in enumerate(self._widths):
            if pane:
                name = (
                    "separator-focused"
                    if pane in (self.focused_pane, self.focused_pane + 1)
                    else "separator"
                )
                segments.append(Segment(SEPARATOR, self._style(name)))
            pane_line = layout.line(pane, y)
            text = self._pane_text(pane, pane_line, width) if pane_line else Text(" " * width)
            text.truncate(width, pad=True)
            segments.extend(text.render(self.app.console))
        # Every segment gets a style: Textual's colour filters (NO_COLOR) expect one.
        strip = Strip([Segment(t, s or _PLAIN) for t, s, _ in segments])
        return strip.apply_style(self._base_style()).simplify()

    def _pane_text(self, pane: int, line: PaneLine, width: int) -> Text:
        story = self.story
        layout = self.layout_
        assert story is not None and layout is not None
        column = self.columns[pane]
        row = layout.rows[line.row]
        text = Text(no_wrap=True, overflow="crop")
        text.append_text(self._gutter(column, row.index, line))
        if line.gap:
            if line.first:
                text.append("╌ not in this version ╌", self._style("gap"))
            return text
        if line.elsewhere:
            if line.first:
                text.append("╌ further down, in this version's order ╌", self._style("elsewhere"))
            return text
        if line.start is None or line.end is None:
            return text
        document = story.documents[column]
        body = Text(neutralize(document.body[line.start : line.end], keep_newlines=False))
        if row.kind == "section":
            body.stylize(self._style("section"))
        self._paint_marks(body, story.marks.get((column, row.index), ()), line.start, line.end)
        selection = self.span
        if selection is not None and selection[0] == column:
            start, end = max(selection[1], line.start), min(selection[2], line.end)
            if start < end:
                body.stylize(self._style("selection"), start - line.start, end - line.start)
        if self.search:
            self._paint_search(body, document.body[line.start : line.end])
        text.append_text(body)
        return text

    def _paint_marks(self, body: Text, marks: Iterable[Mark], start: int, end: int) -> None:
        """Style the discrepancies' marks on ``body``, the text of ``start:end``."""
        for mark in marks:
            if mark.unimportant and not self.show_unimportant:
                continue
            low, high = max(mark.start, start), min(mark.end, end)
            if low < high:
                body.stylize(self._mark_style(mark), low - start, high - start)

    def _mark_style(self, mark: Mark) -> Style:
        """A mark's kind, made fainter when unimportant, stronger by severity (unless it covers
        the whole claim), struck through when dismissed, highlighted when current."""
        style = self._style(mark.kind)
        if mark.unimportant:
            style += self._style("unimportant")
        elif not mark.whole_claim:
            style += _INTENSITY[mark.severity]
        if self.statuses.get(mark.discrepancy) == "dismissed":
            style += _DISMISSED
        if mark.discrepancy == self.current:
            style += self._style("current")
        return style

    def _paint_search(self, body: Text, plain: str) -> None:
        needle = self.search.casefold()
        haystack = plain.casefold()
        position = haystack.find(needle)
        while position >= 0 and needle:
            body.stylize(self._style("search"), position, position + len(needle))
            position = haystack.find(needle, position + len(needle))

    def _gutter(self, column: int, row: int, line: PaneLine) -> Text:
        story = self.story
        assert story is not None
        if not line.first or line.blank or line.elsewhere:
            return Text(" " * GUTTER)
        current = self.current
        if current is not None and any(
            m.discrepancy == current
            for m in story.marks.get((column, row), ())
            if self.show_unimportant or not m.unimportant
        ):
            return Text("▶ ", self._style("pointer"))
        if line.gap and current is not None:
            discrepancy = story.by_id.get(current)
            if discrepancy is not None and discrepancy.row == row:
                return Text("▶ ", self._style("pointer"))
        severity = story.worst_severity(column, row)
        if severity is None:
            return Text(" " * GUTTER)
        marks = [m for m in story.marks.get((column, row), ()) if not m.unimportant]
        if marks and all(self.statuses.get(m.discrepancy) == "confirmed" for m in marks):
            return Text("✓ ", self._style("pointer"))
        return Text(f"{SEVERITY_MARKS[severity]} ", self._style(severity))

    # --- mouse -------------------------------------------------------------------------------

    def _pane_at(self, x: int) -> tuple[int, int] | None:
        """(pane, its left edge) under column ``x`` of the virtual width."""
        left = 0
        for pane, width in enumerate(self._widths):
            if left <= x < left + width:
                return pane, left
            left += width + 1
        return None

    def _hit(self, x: int, y: int) -> tuple[int, int, int] | None:
        """(pane, layout row, body offset) under a point of the widget, if it is text."""
        layout = self.layout_
        found = self._pane_at(x + int(self.scroll_x))
        if layout is None or found is None:
            return None
        pane, left = found
        line = layout.line(pane, y + int(self.scroll_y))
        if line is None or line.start is None:
            return None
        cells = x + int(self.scroll_x) - left - GUTTER
        return pane, line.row, self._offset_at(pane, line, cells)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._drag_from = self._hit(event.x, event.y)
        self._dragged = False

    def on_mouse_up(self, event: events.MouseUp) -> None:
        start = getattr(self, "_drag_from", None)
        end = self._hit(event.x, event.y)
        if start is None or end is None or start[0] != end[0] or start[2] == end[2]:
            return
        self._dragged = True
        low, high = sorted((start[2], end[2]))
        self._select((self.columns[start[0]], low, high + 1))

    def on_click(self, event: events.Click) -> None:
        if getattr(self, "_dragged", False):
            self._dragged = False
            return
        story, layout = self.story, self.layout_
        pane = self._pane_at(event.x + int(self.scroll_x))
        if story is None or layout is None or pane is None:
            return
        self.focused_pane = pane[0]
        hit = self._hit(event.x, event.y)
        if hit is None:
            return
        _, row, offset = hit
        mark = story.mark_at(
            self.columns[pane[0]],
            layout.rows[row].index,
            offset,
            unimportant=self.show_unimportant,
        )
        if mark is not None:
            self.post_message(self.MarkClicked(mark.discrepancy))

    def _offset_at(self, pane: int, line: PaneLine, cells: int) -> int:
        story = self.story
        assert story is not None and line.start is not None and line.end is not None
        document = story.documents[self.columns[pane]]
        used = 0
        for offset in range(line.start, line.end):
            used += cell_len(document.body[offset])
            if used > cells:
                return offset
        return max(line.start, line.end - 1)

    # --- selecting text with the keyboard -------------------------------------------------------

    def _select(self, span: tuple[int, int, int] | None) -> None:
        self.span = span
        self.post_message(self.SelectionChanged(span))

    def action_select_span(self) -> None:
        """Start selecting text in the focused pane, at the current item's reading there (or
        the top line's first token); pressing it again stops."""
        story, layout = self.story, self.layout_
        if self.span is not None:
            self._select(None)
            return
        if story is None or layout is None or not self.columns:
            self.app.bell()
            return
        column = self.columns[self.focused_pane]
        body = story.documents[column].body
        discrepancy = story.by_id.get(self.current) if self.current else None
        reading = discrepancy.readings[column] if discrepancy else None
        if reading is not None and reading.start is not None and reading.field == "body":
            start, end = reading.start, reading.end or reading.start
        else:
            line = layout.line(self.focused_pane, int(self.scroll_y))
            token = first_token(body, line.start if line and line.start is not None else 0)
            start, end = token if token else (0, 0)
        if end <= start:
            self.app.bell()
            return
        self._select((column, start, end))

    def _body(self, column: int) -> str:
        assert self.story is not None
        return self.story.documents[column].body

    def action_extend(self, tokens: int) -> None:
        if self.span is None:
            self.scroll_right() if tokens > 0 else self.scroll_left()
            return
        column, start, end = self.span
        self._select((column, *extend_end(self._body(column), start, end, tokens)))

    def action_move_start(self, tokens: int) -> None:
        if self.span is None:
            return
        column, start, end = self.span
        self._select((column, *move_start(self._body(column), start, end, tokens)))

    def _line_offset(self, column: int, offset: int, lines: int, *, end: bool) -> int | None:
        """The offset ``lines`` screen lines away from ``offset``: a line's end (or start)."""
        layout = self.layout_
        if layout is None or column not in self.columns:
            return None
        pane = self.columns.index(column)
        found = layout.row_of_offset(pane, offset)
        if found is None:
            return None
        y = found[1] + lines
        while (target := layout.line(pane, y)) is not None and target.start is None:
            y += 1 if lines > 0 else -1  # skip padding, gaps and rows shown apart
        if target is None or target.end is None or target.start is None:
            return None
        return target.end if end else target.start

    def action_extend_line(self, lines: int) -> None:
        if self.span is None:
            self.scroll_down() if lines > 0 else self.scroll_up()
            return
        column, start, end = self.span
        new_end = self._line_offset(column, max(start, end - 1), lines, end=True)
        if new_end is None or new_end <= start:
            self.app.bell()
            return
        self._select((column, start, new_end))

    def action_move_start_line(self, lines: int) -> None:
        if self.span is None:
            return
        column, start, end = self.span
        new_start = self._line_offset(column, start, lines, end=False)
        if new_start is None:
            self.app.bell()
            return
        if new_start >= end:
            token = first_token(self._body(column), new_start)
            if token is None:
                self.app.bell()
                return
            new_start, end = token
        self._select((column, new_start, end))

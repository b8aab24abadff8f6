"""The header of each visible pane: the version's label (``v1``: the digit key that shows it),
title, corpus number (as reports and exports give it), source and time, with metadata
discrepancies painted like body ones."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive, var
from textual.strip import Strip
from textual.widget import Widget

from parallax.core.discrepancy import KINDS
from parallax.core.safe import neutralize
from parallax.tui.story_view import StoryView
from parallax.tui.text import version_label
from parallax.tui.widgets.component_style import LayeredStyles

SEPARATOR = "│"
ODD_MARK = "◆"
_PLAIN = Style()


class PaneHeaders(Widget):
    """Two lines per pane: ``v1 title`` and ``#corpus-number · source · time``.

    ``marked`` names the story columns that give the current discrepancy's odd reading (the
    minority, or a moved one): their label carries a ◆."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"headers--{kind}" for kind in KINDS),
        "headers--index",
        "headers--index-focused",
        "headers--meta",
        "headers--current",
        "headers--separator",
        "headers--odd",
    }

    story: var[StoryView | None] = var(None, always_update=True)
    columns: var[tuple[int, ...]] = var((), always_update=True)
    widths: var[tuple[int, ...]] = var((), always_update=True)
    current: reactive[str | None] = reactive(None)
    focused_pane: reactive[int] = reactive(0)
    marked: reactive[frozenset[int]] = reactive(frozenset())
    show_unimportant: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__()
        self._style = LayeredStyles(self, "headers")

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style.clear()

    def watch_story(self) -> None:
        self.refresh()

    def watch_columns(self) -> None:
        self.refresh()

    def watch_widths(self) -> None:
        self.refresh()

    def label(self, pane: int) -> str:
        """The plain text of a pane's first header line (what the reader sees)."""
        return self._cell(pane, self.columns[pane], 0).plain if self.story else ""

    def render_line(self, y: int) -> Strip:
        story = self.story
        if story is None or not self.columns or len(self.widths) != len(self.columns):
            return Strip.blank(self.size.width, self.rich_style)
        line = Text(no_wrap=True, overflow="crop")
        for pane, (column, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            if pane:
                line.append(SEPARATOR, self._style("separator"))
            cell = self._cell(pane, column, y)
            cell.truncate(width, pad=True)
            line.append_text(cell)
        # Every segment gets a style (Textual's colour filters expect one), over the widget's.
        segments = [Segment(t, s or _PLAIN) for t, s, _ in line.render(self.app.console)]
        strip = Strip(segments).apply_style(self.rich_style)
        return strip.crop_extend(0, self.size.width, self.rich_style)

    def _cell(self, pane: int, column: int, y: int) -> Text:
        story = self.story
        assert story is not None
        document = story.documents[column]
        text = Text(no_wrap=True, overflow="ellipsis")
        if y == 0:
            index_style = "index-focused" if pane == self.focused_pane else "index"
            text.append(version_label(column), self._style(index_style))
            if column in self.marked:
                text.append(ODD_MARK, self._style("odd"))
            text.append(" ")
            text.append_text(self._field(story, column, "title", document.title or "(untitled)"))
        else:
            text.append(f"#{document.index} · ", self._style("meta"))
            text.append_text(self._field(story, column, "source", document.source or "-"))
            text.append(" · ", self._style("meta"))
            text.append_text(
                self._field(story, column, "published", document.published_raw or "no date")
            )
        return text

    def _field(self, story: StoryView, column: int, field: str, value: str) -> Text:
        text = Text(neutralize(value, keep_newlines=False), self._style("meta"))
        for mark in story.metadata.get((column, field), ()):
            if mark.unimportant and not self.show_unimportant:
                continue
            style = self._style(mark.kind)
            if mark.discrepancy == self.current:
                style += self._style("current")
            text.stylize(style, 0, len(value))
        return text

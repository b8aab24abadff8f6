"""The detail area under the panes: the current discrepancy's readings in full, grouped with
the versions that give each and how many ("v1 v2 ×2"), the odd one out marked, and the notes.

It is as tall as it needs to be, up to a limit; ``expanded`` lifts the limit and shows every
reading whole (the compact form gives each reading two lines)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from parallax.core.discrepancy import Discrepancy
from parallax.core.safe import neutralize
from parallax.tui.grouping import Group
from parallax.tui.layout import wrap
from parallax.tui.text import version_label

ODD_MARK = "◆ "
COMPACT_LINES = 2


def describe_group(group: Group) -> str:
    """``v1 v2 ×2`` and what sets the group apart (minority, moved, absent)."""
    labels = " ".join(version_label(c) for c in group.columns)
    words = [w for w, on in (("minority", group.minority), ("moved", group.moved)) if on]
    return f"{labels} ×{group.count}" + (f" ({', '.join(words)})" if words else "")


class DetailPanel(Widget):
    """The active discrepancy's readings, grouped; notes; or a hint while selecting text.

    Each reading is wrapped under itself; the compact form gives it two lines, ``expanded``
    every line it needs."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--odd",
        "detail--versions",
        "detail--absent",
        "detail--note",
        "detail--hint",
        "detail--summary",
    }

    discrepancy: reactive[Discrepancy | None] = reactive(None)
    groups: reactive[tuple[Group, ...]] = reactive(())
    notes: reactive[tuple[tuple[str, str], ...]] = reactive(())
    hint: reactive[str] = reactive("")
    expanded: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__()
        self._lines_for: tuple[tuple[object, ...], list[Text]] | None = None
        self._height = 0

    def watch_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-expanded")
        self._changed()

    def watch_hint(self) -> None:
        self._changed()

    def show(
        self,
        discrepancy: Discrepancy | None,
        groups: Sequence[Group],
        notes: Sequence[tuple[str, str]],
    ) -> None:
        """Show one discrepancy (one refresh for all three attributes)."""
        self.set_reactive(DetailPanel.discrepancy, discrepancy)
        self.set_reactive(DetailPanel.groups, tuple(groups))
        self.set_reactive(DetailPanel.notes, tuple(notes))
        self._changed()

    def _changed(self) -> None:
        """Redraw; lay the screen out again only when the height changes (it rarely does, and
        a layout costs far more than a redraw)."""
        height = len(self._lines(self._width()))
        self.refresh(layout=height != self._height)
        self._height = height

    def _width(self) -> int:
        return max(20, self.content_region.width or (self.app.size.width - 2))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(width)))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self._width()))

    def _lines(self, width: int) -> list[Text]:
        key = (
            width,
            self.discrepancy.id if self.discrepancy else None,
            self.groups,
            self.notes,
            self.hint,
            self.expanded,
        )
        if self._lines_for is None or self._lines_for[0] != key:
            self._lines_for = (key, self._build(width))
        return self._lines_for[1]

    def _build(self, width: int) -> list[Text]:
        if self.hint:
            return [Text(self.hint, self.get_component_rich_style("detail--hint"))]
        discrepancy = self.discrepancy
        if discrepancy is None:
            return []
        width = max(20, width)
        lines: list[Text] = []
        if len(self.groups) < 2:
            style = self.get_component_rich_style("detail--summary")
            lines += self._wrapped(Text(), discrepancy.summary, style, width)
        for group in self.groups:
            odd = group.moved or group.minority
            prefix = Text()
            prefix.append(ODD_MARK if odd else "  ", self.get_component_rich_style("detail--odd"))
            prefix.append(describe_group(group), self.get_component_rich_style("detail--versions"))
            prefix.append(": ")
            if group.absent:
                prefix.append("(nothing here)", self.get_component_rich_style("detail--absent"))
                lines.append(prefix)
                continue
            style = self.get_component_rich_style("detail--odd") if odd else Style()
            reading = f"“{' '.join(group.text.split())}”"
            lines += self._wrapped(prefix, reading, style, width)
        for note, reviewer in self.notes:
            prefix = Text("✎ ", self.get_component_rich_style("detail--note"))
            style = self.get_component_rich_style("detail--note")
            lines += self._wrapped(prefix, f"{note} — {reviewer}", style, width)
        return lines

    def _wrapped(self, prefix: Text, text: str, style: Style, width: int) -> list[Text]:
        """``prefix`` then untrusted ``text`` wrapped under itself (a hanging indent), CJK
        and line-breaking rules included; two lines at most unless expanded."""
        indent = cell_len(prefix.plain)
        if indent > width // 2:
            indent = 2
        first = width - cell_len(prefix.plain)
        safe = neutralize(text, keep_newlines=False)
        if first < 8:
            head, rest = [prefix], 0
        else:
            start, end = wrap(safe, first)[0]
            line = prefix.copy()
            line.append(safe[start:end], style)
            head, rest = [line], end
        tail = safe[rest:]
        spans = wrap(tail, max(8, width - indent), rest) if tail.strip() else []
        lines = head + [Text(" " * indent) + Text(safe[s:e], style) for s, e in spans if e > s]
        if not self.expanded and len(lines) > COMPACT_LINES:
            lines = lines[:COMPACT_LINES]
            last = lines[-1]
            if cell_len(last.plain) >= width - 1:
                last.right_crop(1)
            last.append("…", style)
        return lines

"""The toggleable list of a story's discrepancies; moving in it moves the panes.

The screen gives it entries and the current id (attributes down); it posts ``Picked`` when the
reviewer moves its highlight (messages up), never when the screen moves it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from parallax.core.discrepancy import Discrepancy
from parallax.tui.styles import SEVERITY_MARKS, tag_style
from parallax.tui.text import untrusted


@dataclass(frozen=True)
class ListEntry:
    """One line of the list: a discrepancy, its readings in brief, tags and decision."""

    discrepancy: Discrepancy
    brief: str  # untrusted text: shown through ``untrusted``
    tags: tuple[str, ...] = ()
    status: str | None = None  # confirmed, dismissed


class DiscrepancyList(OptionList):
    """One option per discrepancy: severity mark, kind, tags and the readings in brief."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "discrepancy-list--high",
        "discrepancy-list--medium",
        "discrepancy-list--low",
        "discrepancy-list--unimportant",
        "discrepancy-list--kind",
        "discrepancy-list--tag",
        "discrepancy-list--dismissed",
    }

    current: reactive[str | None] = reactive(None)

    class Picked(Message):
        """The reviewer moved to a discrepancy in the list."""

        def __init__(self, discrepancy: str) -> None:
            self.discrepancy = discrepancy
            super().__init__()

    def __init__(self, *, id: str | None = None, colors: dict[str, str] | None = None) -> None:
        super().__init__(id=id)
        self.tag_colors = colors or {}

    def fill(self, entries: Sequence[ListEntry]) -> None:
        """Replace the options (one line each); the highlight stays on the current one."""
        options = [Option(self._line(entry), id=entry.discrepancy.id) for entry in entries]
        with self.prevent(OptionList.OptionHighlighted):
            self.clear_options()
            self.add_options(options)
            self._highlight_current()

    def watch_current(self) -> None:
        with self.prevent(OptionList.OptionHighlighted):
            self._highlight_current()

    def _highlight_current(self) -> None:
        if self.current is None:
            return
        try:
            index = self.get_option_index(self.current)
        except OptionDoesNotExist:
            return  # not in the (filtered) list
        if self.highlighted != index:
            self.highlighted = index

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None and event.option.id != self.current:
            self.post_message(self.Picked(event.option.id))

    def _line(self, entry: ListEntry) -> Text:
        discrepancy = entry.discrepancy
        unimportant = discrepancy.tier == "unimportant"
        text = Text(no_wrap=True, overflow="ellipsis")
        level = "unimportant" if unimportant else discrepancy.severity
        style = self.get_component_rich_style(f"discrepancy-list--{level}")
        text.append(f"{'≈' if unimportant else SEVERITY_MARKS[discrepancy.severity]} ", style)
        kind_style = self.get_component_rich_style("discrepancy-list--kind")
        text.append(f"{discrepancy.kind:<9} ", kind_style)
        if entry.status:
            text.append("✓ " if entry.status == "confirmed" else "✗ ")
        for tag in entry.tags:
            style = tag_style(self.tag_colors.get(tag)) or self.get_component_rich_style(
                "discrepancy-list--tag"
            )
            text.append_text(untrusted(f"#{tag} ", style))
        text.append_text(untrusted(entry.brief))
        if unimportant:
            text.stylize(self.get_component_rich_style("discrepancy-list--unimportant"))
        elif entry.status == "dismissed":
            text.stylize(self.get_component_rich_style("discrepancy-list--dismissed"))
        return text

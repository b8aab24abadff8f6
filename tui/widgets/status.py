"""The legend of discrepancy kinds, and the status line of the review screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from parallax.core.discrepancy import KINDS, Discrepancy
from parallax.tui.styles import tag_style
from parallax.tui.text import untrusted
from parallax.tui.widgets.component_style import layered_style

STATUS_MARKS = {"confirmed": "✓", "dismissed": "✗"}


@dataclass(frozen=True)
class AnnotationState:
    """What reviewers said about one discrepancy: tags, statuses and notes, with their names."""

    tags: tuple[str, ...] = ()
    statuses: tuple[tuple[str, str], ...] = ()  # (status, reviewer), open ones left out
    notes: tuple[tuple[str, str], ...] = ()  # (note, reviewer)
    colors: dict[str, str] = field(default_factory=dict)  # tag -> colour


class Legend(Widget):
    """One line naming every kind in its own style: the styles the panes paint them in."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"legend--{kind}" for kind in KINDS}

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for kind in KINDS:
            text.append(kind, layered_style(self, f"legend--{kind}"))
            text.append(" ")
        return text


class StatusLine(Widget):
    """Where the reviewer is: story i/n, item j/m, severity and kind, decisions with the names
    of who made them, tags, the filter, and how many unimportant variants are hidden."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--high",
        "status--medium",
        "status--low",
        "status--unimportant",
        "status--tag",
        "status--decision",
    }

    story_position: reactive[tuple[int, int]] = reactive((0, 0))
    item_position: reactive[tuple[int, int]] = reactive((0, 0))
    discrepancy: reactive[Discrepancy | None] = reactive(None)
    annotations: reactive[AnnotationState] = reactive(AnnotationState)
    filter_label: reactive[str] = reactive("all")
    unimportant: reactive[tuple[int, bool]] = reactive((0, False))  # (how many, shown)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        story, stories = self.story_position
        if not stories:
            return text
        text.append(f"Story {story}/{stories}", "bold")
        text.append(" · ")
        discrepancy = self.discrepancy
        index, total = self.item_position
        if discrepancy is None:
            text.append("no discrepancy" + ("" if self.filter_label == "all" else " (filtered)"))
        else:
            if discrepancy.tier == "unimportant":
                text.append(f"–/{total}", "bold")
                text.append(" · ")
                text.append("unimportant", self.get_component_rich_style("status--unimportant"))
            else:
                text.append(f"{index}/{total}", "bold")
                text.append(" · ")
                text.append(
                    discrepancy.severity.upper(),
                    self.get_component_rich_style(f"status--{discrepancy.severity}"),
                )
            text.append(f" {discrepancy.kind}")
        state = self.annotations
        decision = self.get_component_rich_style("status--decision")
        for status, reviewer in state.statuses:
            text.append(" · ")
            text.append(f"{STATUS_MARKS.get(status, '')} {status} ", decision)
            text.append_text(untrusted(f"({reviewer})"))
        if state.tags:
            text.append(" · ")
            for number, tag in enumerate(state.tags):
                if number:
                    text.append(" ")
                style = tag_style(state.colors.get(tag)) or self.get_component_rich_style(
                    "status--tag"
                )
                text.append_text(untrusted(f"#{tag}", style))
        if self.filter_label != "all":
            text.append(f" · filter: {self.filter_label}", "italic")
        hidden, shown = self.unimportant
        if hidden:
            text.append(" · ")
            text.append(
                f"{hidden} unimportant {'shown' if shown else 'hidden'}",
                self.get_component_rich_style("status--unimportant"),
            )
        return text

"""The legend of discrepancy kinds, and the status line of the review screen."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from parallax.core.discrepancy import KINDS
from parallax.core.safe import neutralize
from parallax.tui.widgets.component_style import layered_style


class Legend(Static):
    """One line naming every kind in its own style (the styles of the panes)."""

    DEFAULT_CSS = """
    Legend { height: 1; background: $panel; color: $foreground 70%; }
    """

    def render(self) -> Text:
        from parallax.tui.widgets.panes import AlignedPanes

        panes = self.screen.query(AlignedPanes).first(AlignedPanes)
        text = Text(no_wrap=True, overflow="crop")
        for kind in KINDS:
            text.append(kind, layered_style(panes, f"panes--{kind}"))
            text.append(" ")
        return text


class StatusLine(Static):
    """Where the reviewer is: story i/n, discrepancy j/m, its kind, severity, tags, summary."""

    DEFAULT_CSS = """
    StatusLine { height: 2; background: $panel; }
    """

    state: reactive[tuple] = reactive((), always_update=True)
    hint: reactive[str] = reactive("")

    def render(self) -> Group:
        if not self.state:
            return Group(Text(""))
        story_i, story_n, index, total, discrepancy, tags, filter_label, note = self.state
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"Story {story_i}/{story_n}", "bold")
        text.append(" · ")
        if discrepancy is None:
            text.append("no discrepancy" + ("" if filter_label == "all" else " (filtered)"))
        else:
            text.append(f"Discrepancy {index}/{total}", "bold")
            text.append(" · ")
            severity_style = {"high": "bold red", "medium": "yellow", "low": "dim"}
            text.append(discrepancy.severity.upper(), severity_style[discrepancy.severity])
            text.append(f" {discrepancy.kind}")
        text.append(" · tags: ")
        text.append(", ".join(tags) if tags else "–", "italic")
        if filter_label != "all":
            text.append(f" · filter: {filter_label}", "italic")
        summary = Text(no_wrap=True, overflow="ellipsis")
        if self.hint:
            summary.append(self.hint, "bold")
        elif discrepancy is not None:
            summary.append(neutralize(discrepancy.summary, keep_newlines=False))
            if note:
                summary.append("  ✎ " + neutralize(note, keep_newlines=False), "italic")
        return Group(text, summary)

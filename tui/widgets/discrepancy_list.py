"""The toggleable list of a story's discrepancies; moving in it moves the panes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from parallax.core.discrepancy import Discrepancy
from parallax.core.safe import neutralize
from parallax.tui.styles import SEVERITY_MARKS


class DiscrepancyList(OptionList):
    """One option per discrepancy: severity mark, kind, tags and summary."""

    DEFAULT_CSS = """
    DiscrepancyList { width: 38; border-left: tall $accent 40%; }
    """

    def fill(
        self,
        discrepancies: list[Discrepancy],
        tags: dict[str, list[str]],
        colors: dict[str, str] | None = None,
    ) -> None:
        """Replace the options, keeping the highlight where it was when possible."""
        highlighted = self.highlighted
        self.clear_options()
        options = []
        for discrepancy in discrepancies:
            text = Text(no_wrap=True, overflow="ellipsis")
            style = {"high": "bold red", "medium": "yellow", "low": "dim"}[discrepancy.severity]
            text.append(f"{SEVERITY_MARKS[discrepancy.severity]} ", style)
            text.append(f"{discrepancy.kind:<9} ", "bold")
            labels = tags.get(discrepancy.id)
            if labels:
                for label in labels:
                    text.append(f"#{neutralize(label)} ", (colors or {}).get(label, "italic cyan"))
            text.append(neutralize(discrepancy.summary, keep_newlines=False))
            options.append(Option(text, id=discrepancy.id))
        self.add_options(options)
        if highlighted is not None and options:
            self.highlighted = min(highlighted, len(options) - 1)

    def select_id(self, discrepancy_id: str | None) -> None:
        """Highlight the option of a discrepancy without posting a message loop."""
        if discrepancy_id is None:
            return
        try:
            index = self.get_option_index(discrepancy_id)
        except Exception:  # not in the (filtered) list
            return
        if self.highlighted != index:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = index

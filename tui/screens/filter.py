"""Choose which discrepancies to visit: by severity or by kind."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from parallax.core.discrepancy import KINDS
from parallax.tui.story_view import Filter

CHOICES: list[tuple[str, str, Filter]] = [
    ("all", "All discrepancies", Filter()),
    ("high", "Severity: high", Filter(severities=frozenset({"high"}))),
    ("medium+", "Severity: medium and high", Filter(severities=frozenset({"high", "medium"}))),
    ("low", "Severity: low", Filter(severities=frozenset({"low"}))),
    *[(kind, f"Kind: {kind}", Filter(kinds=frozenset({kind}))) for kind in KINDS],
]


class FilterScreen(ModalScreen[Filter | None]):
    """A short list of filters; Enter applies one, Escape keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_filter")
    ]

    def __init__(self, current: Filter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Label("Show which discrepancies?", classes="dialog-title")
            yield OptionList(*[Option(label, id=key) for key, label, _ in CHOICES], id="filters")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, (_, _, keep) in enumerate(CHOICES):
            if keep == self.current:
                options.highlighted = index
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(next(keep for key, _, keep in CHOICES if key == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)

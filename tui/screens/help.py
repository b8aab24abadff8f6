"""Help: every key of the screen below, generated from its bindings, and the palette."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label


class HelpScreen(ModalScreen[None]):
    """A table of the active bindings of ``screen``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close_help"),
        Binding("question_mark", "close", "Close", show=False, id="close_help_again"),
        Binding("q", "close", "Close", show=False, id="close_help_q"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(
                "Keys (Esc closes; ctrl+p offers every action by name)", classes="dialog-title"
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Id")
        seen: set[str] = set()
        rows = []
        for active in self.target.active_bindings.values():
            binding = active.binding
            if binding.action in seen and not binding.description:
                continue
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            rows.append((display, binding.description or binding.action, binding.id or ""))
        for display, description, binding_id in sorted(rows, key=lambda r: r[1].lower()):
            table.add_row(Text(display, style="bold"), description, Text(binding_id, style="dim"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""Dialogs for annotating: the tag picker, the note editor, the export dialog, the orphans."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from parallax.core.annotations import Annotation
from parallax.core.export.render import ExportFormat
from parallax.tui.exporting import FORMATS
from parallax.tui.text import plural, untrusted

NEW = "new:"


class TagScreen(ModalScreen[list[str] | None]):
    """Pick tags. Typing fills the query; Enter applies the tag typed exactly (an existing one,
    or a new one); the fuzzy suggestions below are reached with the arrows (Enter applies the
    highlighted one, Tab completes the query with it); Space toggles several; Escape cancels.

    The list has the focus and the typed text goes to the query line (a tag has no spaces,
    so Space is free to toggle)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_tags"),
        Binding("space", "toggle_tag", "Toggle", id="toggle_tag"),
        Binding("tab", "complete", "Complete", id="complete_tag"),
        Binding("backspace", "erase", "Erase", show=False, id="erase_tag_query"),
    ]

    def __init__(self, names: list[str], chosen: list[str]) -> None:
        super().__init__()
        self.names = list(dict.fromkeys([*names, *chosen]))
        self.chosen = list(chosen)
        self.toggled = False

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(
                "Tag: type it · Enter applies · ↓ suggestions · Space toggles several · Esc",
                classes="dialog-title",
            )
            query = Input(placeholder="type a tag…", id="tag-query")
            query.can_focus = False
            yield query
            yield OptionList(id="tag-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(OptionList).focus()

    @property
    def typed(self) -> str:
        """The query typed so far."""
        return self.query_one(Input).value.strip()

    def _suggestions(self, query: str) -> list[str]:
        matches = process.extract(
            query,
            self.names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=None,
            score_cutoff=50,
        )
        return [name for name, _, _ in matches if name != query]

    def _option(self, name: str) -> Option:
        mark = "☑" if name in self.chosen else "☐"
        text = Text(f"{mark} ")
        text.append_text(untrusted(name))
        return Option(text, id=name)

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if not query:
            options.add_options([self._option(name) for name in self.names])
        else:
            if query in self.names:
                options.add_option(self._option(query))
            else:
                label = Text("+ new tag ")
                label.append_text(untrusted(f"“{query}”"))
                options.add_option(Option(label, id=f"{NEW}{query}"))
            suggestions = self._suggestions(query)
            if suggestions:
                options.add_option(None)  # a separator: suggestions below
                options.add_options([self._option(name) for name in suggestions])
        if options.option_count:
            options.highlighted = 0

    def on_key(self, event: Key) -> None:
        """Letters, digits and punctuation (not spaces or commas) extend the query."""
        character = event.character
        if character and event.is_printable and not character.isspace() and character != ",":
            self.query_one(Input).insert_text_at_cursor(character)
            event.stop()
            event.prevent_default()

    def action_erase(self) -> None:
        self.query_one(Input).action_delete_left()

    @on(Input.Changed, "#tag-query")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id or ""
        return option_id.removeprefix(NEW)

    def action_toggle_tag(self) -> None:
        name = self._highlighted()
        if not name:
            self.app.bell()
            return
        self.toggled = True
        if name in self.chosen:
            self.chosen.remove(name)
        else:
            self.chosen.append(name)
            if name not in self.names:
                self.names.append(name)
        self.query_one(Input).value = ""
        self._fill("")

    def action_complete(self) -> None:
        name = self._highlighted()
        if name:
            field = self.query_one(Input)
            field.value = name
            field.cursor_position = len(name)

    @on(OptionList.OptionSelected)
    def _picked(self) -> None:
        name = self._highlighted()
        if name and name not in self.chosen and (self.typed or not self.toggled):
            self.chosen.append(name)
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Write or edit the note: ctrl+s saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="save_note"),
        Binding("escape", "cancel", "Cancel", id="cancel_note"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label("Note (ctrl+s saves · Esc cancels)", classes="dialog-title")
            yield TextArea(self.text, id="note-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportScreen(ModalScreen[tuple[ExportFormat, Path] | None]):
    """Choose a format and check the path; Enter exports from wherever the focus is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "export", "Export", priority=True, id="run_export"),
        Binding("escape", "cancel", "Cancel", id="cancel_export"),
    ]

    def __init__(
        self, kind: ExportFormat, path: Path, retarget: Callable[[Path, str], Path]
    ) -> None:
        """``retarget(path, kind)`` gives the path for another format."""
        super().__init__()
        self.kind = kind
        self.path = path
        self.retarget = retarget

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(
                "Export annotations: ↑↓ format · Tab path · Enter exports · Esc",
                classes="dialog-title",
            )
            yield OptionList(
                *[Option(label, id=key) for key, label, _ in FORMATS], id="export-formats"
            )
            field = Input(id="export-path")
            field.value = str(self.path)
            yield field

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = next(i for i, (k, _, _) in enumerate(FORMATS) if k == self.kind)
        formats.focus()

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_moved(self, event: OptionList.OptionHighlighted) -> None:
        kind: ExportFormat = next((k for k, _, _ in FORMATS if k == event.option.id), "json")
        if kind != self.kind:
            self.kind = kind
            field = self.query_one(Input)
            field.value = str(self.retarget(Path(field.value.strip() or str(self.path)), kind))

    def action_export(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.app.bell()
            self.query_one(Input).focus()
            return
        path = Path(value).expanduser()
        if path.is_dir():
            path = path / self.retarget(self.path, self.kind).name
        self.dismiss((self.kind, path))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrphansScreen(ModalScreen[None]):
    """Annotations whose text is no longer in the sources: kept, and listed here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close_orphans")
    ]

    def __init__(self, orphans: list[Annotation]) -> None:
        super().__init__()
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        with Vertical(id="orphans-dialog", classes="dialog"):
            yield Label(
                f"{plural(len(self.orphans), 'orphaned annotation')} (text not found; kept)",
                classes="dialog-title",
            )
            yield DataTable(id="orphans", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Quote", "Tags", "Status", "Note", "Reviewer")
        for annotation in self.orphans:
            table.add_row(
                untrusted(annotation.target.exact[:40]),
                untrusted(", ".join(annotation.tags)),
                untrusted(annotation.status),
                untrusted(annotation.note[:40]),
                untrusted(annotation.reviewer),
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""Dialogs for annotating: the tag picker, the note editor, the export dialog, the orphans."""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from parallax.core.annotations import Annotation
from parallax.core.safe import neutralize

EXPORT_FORMATS = (
    ("json", "Native JSON (parallax.annotations/1)", "json"),
    ("w3c", "W3C Web Annotation (JSON-LD)", "jsonld"),
    ("csv", "CSV for spreadsheets", "csv"),
    ("markdown", "Markdown review report", "md"),
)


class TagScreen(ModalScreen[list[str] | None]):
    """Pick tags: typing filters fuzzily, Enter applies the highlighted tag (or creates the
    typed one), Space toggles several before Enter, Escape cancels.

    The list has the focus and the typed text goes to the query line (a tag has no spaces,
    so Space is free to toggle)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel_tags"),
        Binding("space", "toggle", "Toggle", id="toggle_tag"),
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
                "Tag: type to filter · Enter applies · Space toggles several · Esc cancels",
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

    def _shown(self, query: str) -> list[str]:
        if not query:
            return self.names
        matches = process.extract(
            query,
            self.names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=None,
            score_cutoff=50,
        )
        return [name for name, _, _ in matches]

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for name in self._shown(query):
            mark = "☑" if name in self.chosen else "☐"
            options.add_option(Option(Text(f"{mark} {neutralize(name)}"), id=name))
        if query and query not in self.names:
            options.add_option(Option(Text(f"+ new tag “{neutralize(query)}”"), id=f"new:{query}"))
        if options.option_count:
            options.highlighted = 0

    def on_key(self, event) -> None:
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
        return option_id.removeprefix("new:")

    def action_toggle(self) -> None:
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

    @on(OptionList.OptionSelected)
    def _picked(self) -> None:
        name = self._highlighted()
        if not self.toggled and name and name not in self.chosen:
            self.chosen.append(name)
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    """Write or edit the note: ctrl+s saves, Escape cancels."""

    BINDINGS = [
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


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Choose a format and a path; Enter writes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_export")]

    def __init__(self, folder: Path, stem: str = "parallax-review") -> None:
        super().__init__()
        self.folder = folder
        self.stem = stem

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(
                "Export annotations: choose a format, check the path, Enter", classes="dialog-title"
            )
            yield OptionList(
                *[Option(label, id=key) for key, label, _ in EXPORT_FORMATS], id="export-formats"
            )
            yield Input(id="export-path")

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = 0
        self._set_path("json")
        formats.focus()

    def _set_path(self, key: str) -> None:
        extension = next(ext for k, _, ext in EXPORT_FORMATS if k == key)
        self.query_one(Input).value = str(self.folder / f"{self.stem}.{extension}")

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_moved(self, event: OptionList.OptionHighlighted) -> None:
        self._set_path(event.option.id or "json")

    @on(OptionList.OptionSelected, "#export-formats")
    def _format_chosen(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-path")
    def _write(self, event: Input.Submitted) -> None:
        formats = self.query_one(OptionList)
        key = formats.get_option_at_index(formats.highlighted or 0).id or "json"
        self.dismiss((key, Path(event.value.strip()).expanduser()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrphansScreen(ModalScreen[None]):
    """Annotations whose text is no longer in the sources: kept, and listed here."""

    BINDINGS = [Binding("escape", "close", "Close", id="close_orphans")]

    def __init__(self, orphans: list[Annotation]) -> None:
        super().__init__()
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        with Vertical(id="orphans-dialog", classes="dialog"):
            yield Label(
                f"{len(self.orphans)} orphaned annotations (text not found; kept)",
                classes="dialog-title",
            )
            yield DataTable(id="orphans", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Quote", "Tags", "Status", "Note", "Reviewer")
        for annotation in self.orphans:
            table.add_row(
                Text(neutralize(annotation.target.exact[:40], keep_newlines=False)),
                Text(", ".join(annotation.tags)),
                annotation.status,
                Text(neutralize(annotation.note[:40], keep_newlines=False)),
                Text(neutralize(annotation.reviewer, keep_newlines=False)),
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

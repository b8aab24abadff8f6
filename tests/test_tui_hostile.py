"""Issue 11, items 1 and 4 (the app): text from documents, file names, imports and tags is shown
as inert text everywhere in the app. Markup in it is neither parsed (no crash, no clickable
action) nor dropped, and control characters show as visible symbols, never reach the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input

from parallax.core.annotations import Workspace, make_target
from parallax.tui.app import make_app
from parallax.tui.screens.annotate import OrphansScreen, TagScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import Sources
from parallax.tui.widgets.status import StatusLine
from tests.tui_helpers import (
    open_review,
    pinned_settings,
    screen_lines,
    screen_segments,
    session_from,
    wait_for,
)

CLICK = "[@click=app.quit]CLICK ME[/]"
BODY = (
    "Officials in Tokyo said on Monday that exports of rare earth magnets {change} in May, "
    "the ministry reported. The figures were published by the trade office [/] on Tuesday."
)


def hostile_corpus(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    records = [
        {
            "title": CLICK,
            "source": "[bold red]Wire[/]",
            "published": "2026-01-12 09:00",
            "body": BODY.format(change="[@click=app.quit]fell sharply by 5%[/]"),
        },
        {
            "title": CLICK + " [@click=ap",
            "source": "Wire",
            "published": "2026-01-12 10:00",
            "body": BODY.format(change="rose by 7%"),
        },
    ]
    path = folder / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return folder


def no_live_markup(app) -> None:
    """Nothing on screen is a clickable action, and no raw control character is drawn."""
    for segment in screen_segments(app):
        assert "\x1b" not in segment.text and "\x07" not in segment.text
        style = segment.style
        if style is not None and style._meta:
            assert "@click" not in str(style.meta), style.meta


def shown(app) -> str:
    return "\n".join(screen_lines(app))


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_markup_in_documents_is_shown_as_text_and_never_runs(tmp_path):
    session = session_from([hostile_corpus(tmp_path / "corpus")])
    app = make_app(pinned_settings(workspace=tmp_path / "w.sqlite"), session=session)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StoriesScreen) and app.screen.order)
        await pilot.pause()
        assert CLICK in shown(app)  # the Stories table
        no_live_markup(app)
        review = await open_review(pilot)
        assert CLICK in shown(app)  # the pane headers
        assert "[bold red]Wire[/]" in shown(app)
        for _ in range(6):  # decide and undo on every item: messages quote the text
            await pilot.press("x", "u")
            await pilot.pause()
            assert app.is_running
            no_live_markup(app)
            await pilot.press("n")
        assert any("[@click=app.quit]" in message for message in toasts(app)), toasts(app)
        await pilot.press("l")  # the list
        await pilot.pause()
        no_live_markup(app)
        await pilot.press("escape", "slash")
        app.screen.query_one("#search", Input).value = "[/] [@click=ap"
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and review is app.screen
        await pilot.press("q")


async def test_a_file_name_with_markup_is_reported_at_start_up_as_text(tmp_path):
    folder = hostile_corpus(tmp_path / "corpus")
    (folder / 'empty[x="].txt').write_text("")
    settings = pinned_settings(workspace=tmp_path / "w.sqlite")
    app = make_app(settings, Sources(paths=[str(folder)]))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.screen.order)
        await wait_for(pilot, lambda: any('empty[x="].txt' in m for m in toasts(app)))

        def drawn() -> bool:  # the toast wraps long paths: read it as one string
            return any(
                'empty[x="].txt' in str(toast.render()).replace("\n", "")
                for toast in app.screen.query("Toast")
            )

        await wait_for(pilot, drawn)
        no_live_markup(app)
        assert app.is_running


async def test_imported_tags_with_escapes_show_as_symbols(tmp_path):
    workspace = tmp_path / "w.sqlite"
    session = session_from([hostile_corpus(tmp_path / "corpus")])
    app = make_app(pinned_settings(workspace=workspace), session=session)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        review = await open_review(pilot)
        discrepancy = review.current_discrepancy()
        reading = next(r for r in discrepancy.readings if r.start is not None)
        document = next(d for d in review.view.documents if d.id == reading.document)
        with Workspace.open(workspace) as other:  # an import, or another reviewer
            other.create(
                make_target(
                    document,
                    reading.start,
                    reading.end,
                    field=reading.field,
                    discrepancy=discrepancy.id,
                ),
                key=None,
                reviewer="bob\x1b]0;pwned\x07",
                tags=["\x1b[2J\x1b[H", "[/]"],
                note="see [@click=app.quit]here[/]",
            )
            # on a loaded document, but its text is nowhere in it: orphaned and listed
            lost = make_target(document, 0, 5).model_copy(
                update={"exact": "gone \x1b[2J from every version", "prefix": "", "suffix": ""}
            )
            other.create(lost, key=None, reviewer="bob", tags=["\x1b[2J"])
        await pilot.press("r")
        await pilot.pause()
        status = review.query_one(StatusLine)
        line = screen_lines(app)[status.region.y]
        assert "#␛[2J␛[H" in line and "#[/]" in line, line
        assert "see [@click=app.quit]here[/]" in shown(app)  # the note, in the detail area
        no_live_markup(app)
        await pilot.press("t")  # the picker lists the imported tags
        await wait_for(pilot, lambda: isinstance(app.screen, TagScreen))
        await pilot.pause()
        assert "␛[2J␛[H" in shown(app)
        no_live_markup(app)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StoriesScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OrphansScreen))
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert "␛[2J" in shown(app)
        no_live_markup(app)

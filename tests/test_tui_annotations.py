"""Annotating in the app, with the keyboard: tags, notes, statuses, undo, spans, export,
persistence across restarts and a killed process, another reviewer's work, orphans."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from parallax.core.annotations import Workspace, make_target
from parallax.core.annotations.book import default_workspace
from parallax.core.data import schema_path
from parallax.tui.app import make_app
from parallax.tui.screens.annotate import ExportScreen, NoteScreen, OrphansScreen, TagScreen
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import Sources
from parallax.tui.widgets.panes import AlignedPanes
from parallax.tui.widgets.status import StatusLine
from tests.test_workspace import FailingConnection, damage, make_workspace
from tests.tui_helpers import demo_session, pinned_settings, session_from, wait_for

ROOT = Path(__file__).resolve().parents[1]


def app_with(workspace: Path, **settings):
    return make_app(pinned_settings(workspace=workspace, **settings), session=demo_session())


async def open_review(pilot):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))
    await wait_for(pilot, lambda: pilot.app.screen.order)
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.view
    )
    return pilot.app.screen


async def to_entity(pilot, review):
    while not (
        review.current_discrepancy().kind == "entity"
        and "Fumio Kishida" in review.current_discrepancy().summary
    ):
        await pilot.press("n")
    return review.current_discrepancy()


def status_tags(review) -> list[str]:
    """The tags, then the decisions, the status line shows for the current item."""
    state = review.query_one(StatusLine).annotations
    return [*state.tags, *(f"[{status}]" for status, _ in state.statuses)]


async def test_tag_and_note_then_reopen_and_export_all_four_formats(tmp_path):
    workspace = tmp_path / "review.sqlite"
    async with app_with(workspace).run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        entity = await to_entity(pilot, review)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"error", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert status_tags(review) == ["error"]
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, NoteScreen))
        await pilot.press(*"The PM is Takaichi", "ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        await pilot.press("q")
    async with app_with(workspace).run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        again = await to_entity(pilot, review)
        assert again.id == entity.id
        assert status_tags(review) == ["error"]
        assert review.query_one(StatusLine).annotations.notes == (("The PM is Takaichi", "tester"),)
        for index, (_kind, name) in enumerate(
            (("json", "r.json"), ("w3c", "r.jsonld"), ("csv", "r.csv"), ("markdown", "r.md"))
        ):
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
            await pilot.press("home", *["down"] * index)  # the format: the path follows it
            field = pilot.app.screen.query_one("#export-path")
            assert field.value.endswith((".json", ".jsonld", ".csv", ".md")[index])
            field.value = str(tmp_path / name)
            await pilot.press("enter")
            await wait_for(pilot, lambda n=name: (tmp_path / n).exists())
    native = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(native, json.loads(schema_path().read_text()))
    [annotation] = native["annotations"]
    assert annotation["tags"] == ["error"] and annotation["note"] == "The PM is Takaichi"
    assert annotation["target"]["discrepancy"] == entity.id
    w3c = json.loads((tmp_path / "r.jsonld").read_text())
    assert w3c["first"]["items"][0]["body"][0] == {
        "type": "TextualBody",
        "purpose": "tagging",
        "value": "error",
    }
    assert "error" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "tags: `error`" in (tmp_path / "r.md").read_text()


async def test_tag_picker_toggles_several_and_creates_new_tags(tmp_path):
    async with app_with(tmp_path / "w.sqlite").run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"verif", "down", "space")  # the suggestion below the typed text
        await pilot.press(*"legal-review", "space", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert status_tags(review) == ["verified", "legal-review"]
        await pilot.press("t", "escape")  # cancelling changes nothing
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert status_tags(review) == ["verified", "legal-review"]


async def test_dismiss_confirm_undo_redo(tmp_path):
    settings = {"advance_after_decision": False}
    async with app_with(tmp_path / "w.sqlite", **settings).run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        target = review.current
        await pilot.press("x")
        assert status_tags(review) == ["[dismissed]"]
        assert review.query_one(AlignedPanes).statuses == {target: "dismissed"}
        await pilot.press("c")
        assert status_tags(review) == ["[confirmed]"]
        await pilot.press("c")
        assert status_tags(review) == []
        await pilot.press("u")
        assert status_tags(review) == ["[confirmed]"]
        await pilot.press("u", "u")
        assert status_tags(review) == []
        await pilot.press("ctrl+r")
        assert status_tags(review) == ["[dismissed]"]
        await pilot.press("u", "u")
        await pilot.press("u")  # nothing left to undo: a bell, no crash
        assert status_tags(review) == []


async def test_span_selection_with_the_keyboard(tmp_path):
    workspace = tmp_path / "w.sqlite"
    async with app_with(workspace).run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        await to_entity(pilot, review)
        await pilot.press("v")
        column, start, end = review.span
        body = review.view.documents[column].body
        assert body[start:end] == "Sanna Takashi"
        await pilot.press("right", "right")
        assert (
            review.view.documents[column]
            .body[start : review.span[2]]
            .startswith("Sanna Takashi has decided")
        )
        await pilot.press("left")
        assert body[start : review.span[2]] == "Sanna Takashi has"
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"disputed", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert review.span is None
        await pilot.press("v", "escape")
        assert review.span is None
        assert isinstance(pilot.app.screen, ReviewScreen)
    with Workspace.open(workspace) as opened:
        [stored] = opened.all()
    assert stored.annotation.target.exact == "Sanna Takashi has"
    assert stored.annotation.target.discrepancy is None
    assert stored.annotation.tags == ("disputed",)


async def test_refresh_shows_another_reviewers_work_and_orphans_are_listed(tmp_path):
    workspace = tmp_path / "w.sqlite"
    session = demo_session()
    async with make_app(pinned_settings(workspace=workspace), session=session).run_test(
        size=(120, 40)
    ) as pilot:
        review = await open_review(pilot)
        discrepancy = review.current_discrepancy()
        document = review.view.documents[0]
        reading = discrepancy.readings[0]
        with Workspace.open(workspace) as other:  # another reviewer, another process
            other.create(
                make_target(
                    document,
                    reading.start,
                    reading.end,
                    field=reading.field,
                    discrepancy=discrepancy.id,
                ),
                key=None,
                reviewer="bob",
                tags=["minor"],
            )
            orphan = make_target(document, 0, 5)
            other.create(
                orphan.model_copy(update={"exact": "text nowhere to be found"}),
                key=None,
                reviewer="bob",
                tags=["lost"],
            )
        assert status_tags(review) == []
        await pilot.press("r")
        assert status_tags(review) == ["minor"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OrphansScreen))
        assert len(pilot.app.screen.orphans) == 1 and pilot.app.screen.orphans[0].tags == ("lost",)


async def test_read_only_workspace_keeps_the_app_usable(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a workspace")
    async with app_with(notes).run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        first = review.current
        await pilot.press("x")
        assert review.current == first  # nothing was decided: no moving on
        assert status_tags(review) == []  # nothing could be written, nothing crashed
        await pilot.press("n")
        assert review.current is not None
    assert notes.read_text() == "not a workspace"


def test_a_tag_survives_sigkill_right_after_it_is_made(tmp_path, demo_path):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    workspace = tmp_path / ".parallax" / "review.sqlite"
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {str(ROOT)!r})
        from parallax.tui.app import make_app
        from parallax.tui.session import Sources
        from parallax.tui.screens.review import ReviewScreen
        from tests.tui_helpers import pinned_settings, wait_for

        async def main():
            app = make_app(pinned_settings(), Sources(paths=[{str(source)!r}]))
            async with app.run_test(size=(120, 40)) as pilot:
                await wait_for(pilot, lambda: app.session is not None and app.screen.order)
                await pilot.press("enter")
                await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen)
                               and app.screen.view)
                current = app.screen.current
                await pilot.press("c")
                print("TAGGED", current, flush=True)
                await asyncio.sleep(600)

        asyncio.run(main())
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != "PARALLAX_DEBUG"},
    )
    line = process.stdout.readline().decode()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert line.startswith("TAGGED"), process.stderr.read().decode()
    discrepancy = line.split()[1]
    with Workspace.open(workspace) as opened:
        [stored] = opened.all()
    assert stored.annotation.status == "confirmed"
    assert stored.annotation.target.discrepancy == discrepancy
    assert Sources  # the app was driven exactly as the command line builds it


async def test_mouse_drag_selects_a_span(tmp_path):
    async with app_with(tmp_path / "w.sqlite").run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        panes.scroll_home(animate=False)
        await pilot.pause()
        layout = panes.layout_
        y = next(
            line
            for line in range(layout.height)
            if layout.line(0, line).start is not None
            and layout.rows[layout.line(0, line).row].kind == "claim"
        )
        line = layout.line(0, y)
        await pilot.mouse_down(AlignedPanes, offset=(2, y))
        await pilot.mouse_up(AlignedPanes, offset=(9, y))
        await wait_for(pilot, lambda: review.span is not None)
        column, start, end = review.span
        assert column == review.columns[0]
        assert (start, end) == (line.start, line.start + 8)  # cells 0..7 of the text, inclusive


# --- issue 10: annotations stay on their text; issue 11: unusable workspaces ----------------------


def notification_titles(app) -> list[str]:
    return [n.title for n in app._notifications]


async def test_opening_the_app_on_another_file_changes_no_annotation(tmp_path, demo_path):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    other = tmp_path / "other.jsonl"
    other.write_text(
        json.dumps({"id": "n1", "title": "Results", "body": "Revenue rose 2 percent in 2026."})
        + "\n"
        + json.dumps({"id": "n2", "title": "Quake", "body": "At least 2 killed, 15 km deep."})
        + "\n"
    )
    async with make_app(pinned_settings(), Sources(paths=[str(source)])).run_test(
        size=(120, 40)
    ) as pilot:
        review = await open_review(pilot)
        for _ in range(4):  # tag four discrepancies
            await pilot.press("x", "n")
    workspace = tmp_path / ".parallax" / "review.sqlite"
    with Workspace.open(workspace) as opened:
        before = ([s.annotation for s in opened.all()], opened.history())
    assert len(before[0]) == 4
    # The app on the other file alone (its workspace is the same one, beside it).
    assert default_workspace(other) == workspace
    app = make_app(pinned_settings(workspace=workspace), session=session_from([other]))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.annotations.book is not None)
        assert app.annotations.book.annotations() == [] and app.annotations.book.elsewhere == 4
        await pilot.press("q")
    with Workspace.open(workspace) as opened:
        assert ([s.annotation for s in opened.all()], opened.history()) == before
    assert review is not None


async def test_tags_follow_their_discrepancy_after_a_source_edit_in_the_app(tmp_path, demo_path):
    source = tmp_path / "export.txt"
    source.write_bytes(demo_path.read_bytes())

    def app():
        return make_app(pinned_settings(), Sources(paths=[str(source)]))

    async with app().run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        entity = await to_entity(pilot, review)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"error", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert status_tags(review) == ["error"]
    lines = source.read_text(encoding="utf-8").split("\n")
    lines[10] = lines[10].replace(" has ", "  has ")  # whitespace, in version #3
    source.write_text("\n".join(lines), encoding="utf-8")
    async with app().run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        again = await to_entity(pilot, review)
        assert again.id != entity.id  # a new analysis, new ids
        assert status_tags(review) == ["error"]
        assert pilot.app.annotations.book.orphans() == []


@pytest.mark.parametrize("kind", ["damaged", "newer", "foreign", "truncated"])
async def test_a_workspace_that_cannot_be_used_opens_the_app_read_only(tmp_path, kind):
    path = tmp_path / "review.sqlite"
    if kind == "damaged":
        make_workspace(path)
        damage(path)
    elif kind == "newer":
        make_workspace(path, count=2)
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA user_version = 99")
        connection.commit()
        connection.close()
    elif kind == "foreign":
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE notes (x)")
        connection.commit()
        connection.close()
    else:
        path.touch()
    before = path.read_bytes()
    app = app_with(path)
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        assert app.annotations.book is not None and app.annotations.book.readonly
        titles = notification_titles(app)
        assert "Workspace read-only" in titles and "Annotations unavailable" not in titles
        await pilot.press("x", "t")  # nothing is saved, nothing crashes
        assert status_tags(review) == []
        await pilot.press("escape", "escape", "o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OrphansScreen))
    assert path.read_bytes() == before


async def test_damage_found_later_keeps_the_app_running_read_only(tmp_path):
    path = tmp_path / "review.sqlite"
    app = app_with(path)
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        await pilot.press("x")  # dismissed, and on to the next undecided item
        assert [a.status for a in app.annotations.book.annotations()] == ["dismissed"]
        failing = FailingConnection(app.annotations.book.workspace._db)
        app.annotations.book.workspace._db = failing
        failing.broken = True
        await pilot.press("c")
        assert "Not saved" in notification_titles(app)
        assert app.annotations.book.readonly
        await pilot.press("r", "u", "n")  # reload, undo, move on: messages, no traceback
        assert review.current is not None

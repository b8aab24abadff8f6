"""Issue 12: the review flow keeps its promises. One test (or more) per numbered item, driven
with Pilot at the sizes a reviewer uses, asserting on what is shown."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from rich.color import ColorSystem
from rich.segment import Segment
from textual.color import Color
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input, OptionList

from parallax.core.annotations import Workspace, make_target
from parallax.core.discrepancy import KINDS
from parallax.core.export.render import render_export
from parallax.tui import cli
from parallax.tui.app import ParallaxApp, make_app
from parallax.tui.screens.annotate import ExportScreen, TagScreen
from parallax.tui.screens.filter import FilterScreen
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import Sources
from parallax.tui.widgets.headers import PaneHeaders
from parallax.tui.widgets.panes import AlignedPanes
from parallax.tui.widgets.status import StatusLine
from tests.tui_helpers import (
    demo_app,
    demo_session,
    open_review,
    pinned_settings,
    screen_lines,
    session_from,
    wait_for,
)


def app_with(workspace: Path, **settings) -> ParallaxApp:
    return make_app(pinned_settings(workspace=workspace, **settings), session=demo_session())


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def go_to(pilot, review, condition) -> None:
    """Press n until the current discrepancy satisfies ``condition``."""
    for _ in range(60):
        if condition(review.current_discrepancy()):
            return
        await pilot.press("n")
    raise AssertionError("no such discrepancy")


# --- 12.1 export ---------------------------------------------------------------------------------


async def test_export_enter_from_the_format_list_writes_to_a_remembered_default_path(
    tmp_path, monkeypatch
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    workspace = tmp_path / "ws" / "review.sqlite"
    workspace.parent.mkdir()
    app = app_with(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("c")  # something to export
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert app.screen.focused is app.screen.query_one(OptionList)
        await pilot.press("enter")  # from the format list
        expected = workspace.parent / "rare-earth-search-export-annotations.json"
        await wait_for(pilot, expected.exists)
        await wait_for(pilot, lambda: any(str(expected) in n for n in notifications(app)))
        assert app.screen is review
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert app.screen.query_one("#export-path", Input).value == str(expected)
        await pilot.press("down", "enter")  # W3C: the path follows the format
        jsonld = workspace.parent / "rare-earth-search-export-annotations.jsonld"
        await wait_for(pilot, jsonld.exists)
    assert json.loads(expected.read_text())["annotations"]
    assert list(cwd.iterdir()) == []  # nothing named "e", nothing in the working directory


async def test_export_runs_in_a_worker_and_reuses_the_analysed_stories(tmp_path, monkeypatch):
    import parallax.core.report
    import parallax.tui.annotating
    import parallax.tui.session

    app = app_with(tmp_path / "w.sqlite")
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        await pilot.press("c")
        await app.workers.wait_for_complete()  # every story analysed (the Stories counts)
        analysed: list[str] = []
        writers: list[threading.Thread] = []

        def counting(cluster, *args, **kwargs):
            analysed.append(cluster.id)
            return original(cluster, *args, **kwargs)

        original = parallax.core.report.analyse_story
        monkeypatch.setattr(parallax.core.report, "analyse_story", counting)
        monkeypatch.setattr(parallax.tui.session, "analyse_story", counting)
        write = parallax.tui.annotating.write_atomically

        def recording(path, text):
            writers.append(threading.current_thread())
            write(path, text)

        monkeypatch.setattr(parallax.tui.annotating, "write_atomically", recording)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        target = tmp_path / "review.md"
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("down", "down", "down")  # Markdown
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        assert app.screen is review
        session, book = app.session, app.annotations.book
        assert analysed == []
        assert writers and writers[0] is not threading.main_thread()
        monkeypatch.undo()
        expected, _ = render_export(
            "markdown", session.corpus.documents, session.clustering, book.stored()
        )
    assert target.read_text() == expected


# --- 12.2 the active discrepancy in view ---------------------------------------------------------


def involved_groups(review, discrepancy) -> dict[str, list[int]]:
    """An independent oracle: the distinct readings of the versions concerned."""
    row = review.view.story.alignment.rows[discrepancy.row]
    groups: dict[str, list[int]] = {}
    for column, reading in enumerate(discrepancy.readings):
        gap = row.cells[column].is_gap
        if (
            reading.start is None
            and reading.anchor is None
            and not (gap and discrepancy.kind == "omission")
        ):
            continue
        key = " ".join(reading.text.split()) if reading.start is not None else "<absent>"
        groups.setdefault(key, []).append(column)
    return groups


def assert_in_view(review, discrepancy) -> None:
    panes = review.query_one(AlignedPanes)
    layout = panes.layout_
    if discrepancy.readings[0].field != "body":
        return  # metadata: shown in the headers
    groups = involved_groups(review, discrepancy)
    shown = {key for key, columns in groups.items() if set(columns) & set(review.columns)}
    wanted = min(len(review.columns), len(groups))
    assert len(shown) >= wanted, (discrepancy.summary, review.columns)
    sizes = sorted(len(c) for c in groups.values())
    if len(sizes) > 1 and sizes[0] < sizes[1] and len(review.columns) < len(review.view.documents):
        smallest = next(c for c in groups.values() if len(c) == sizes[0])
        assert review.columns[0] in smallest, ("minority first", discrepancy.summary)
    top, height = int(panes.scroll_y), panes.scrollable_content_region.height
    for pane, column in enumerate(review.columns):
        reading = discrepancy.readings[column]
        if reading.start is not None:
            found = layout.row_of_offset(pane, reading.start)
            assert found is not None
            y = found[1]
        else:
            y = layout.row_top[layout.index_of[discrepancy.row]]
        assert top <= y < top + height, (discrepancy.summary, pane, y, top, height)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_every_item_shows_its_differing_readings_in_view(size):
    async with demo_app().run_test(size=size) as pilot:
        review = await open_review(pilot)
        visited = 0
        while True:
            await pilot.pause()
            assert_in_view(review, review.current_discrepancy())
            visited += 1
            before = review.current
            await pilot.press("n")
            if review.current == before:
                break
        assert visited == len(review.visible_discrepancies())


async def test_opening_the_list_keeps_the_active_row_in_view():
    async with demo_app().run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        await go_to(pilot, review, lambda d: "“2026”" in d.summary)
        for _ in range(2):
            await pilot.press("l")
            await pilot.pause()
            await pilot.pause()
            assert_in_view(review, review.current_discrepancy())


# --- 12.3 labels and digit keys ------------------------------------------------------------------


def header_label(review, pane: int) -> str:
    headers = review.query_one(PaneHeaders)
    line = "".join(s.text for s in headers.render_line(0))
    return line.split("│")[pane].strip()


async def test_pane_labels_and_digit_keys_are_one_scheme():
    async with demo_app().run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("right_square_bracket")  # the story of corpus documents #4 and #5
        await wait_for(pilot, lambda: len(review.view.documents) == 2)
        await pilot.pause()
        for key in ("2", "1", "2"):
            await pilot.press(key)
            await pilot.pause()
            assert header_label(review, review.focused_pane).startswith(f"v{key} ")
        assert "#4" in "".join(s.text for s in review.query_one(PaneHeaders).render_line(1))


# --- 12.4 moves keep the item --------------------------------------------------------------------


async def test_a_new_story_starts_at_its_first_item_and_a_story_resumes_where_it_was_left():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await pilot.press(*"n" * 8)
        left = review.current
        assert [d.id for d in review.visible_discrepancies()].index(left) == 8
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: len(review.view.documents) == 2 and review.current)
        await pilot.pause()
        assert review.current == review.visible_discrepancies()[0].id
        assert review.query_one(StatusLine).item_position[0] == 1
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: len(review.view.documents) == 3)
        assert review.current == left


async def test_a_filter_keeps_the_current_item_or_moves_to_the_next_that_passes():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await go_to(pilot, review, lambda d: d.severity == "high" and d.kind == "entity")
        high = review.current
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilterScreen))
        await pilot.press("down", "enter")  # Severity: high
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert review.current == high
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilterScreen))
        await pilot.press("up", "enter")  # all
        await wait_for(pilot, lambda: review.keep.severities == frozenset())
        await go_to(pilot, review, lambda d: d.severity == "medium")
        order = [d.id for d in review.visible_discrepancies()]
        expected = next(
            d.id
            for d in review.visible_discrepancies()[order.index(review.current) :]
            if d.severity == "high"
        )
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilterScreen))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert review.current == expected


# --- 12.5 the tag picker -------------------------------------------------------------------------


def tags_in(workspace: Path) -> list[tuple[str, ...]]:
    """The tags stored in the workspace, annotation by annotation."""
    with Workspace.open(workspace) as opened:
        return [s.annotation.tags for s in opened.all() if not s.withdrawn]


async def test_enter_applies_the_typed_tag_and_suggestions_are_reached_with_arrows(tmp_path):
    workspace = tmp_path / "w.sqlite"
    async with app_with(workspace).run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"attribution", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert tags_in(workspace) == [("attribution",)]
        await pilot.press("n", "t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"error", "enter")  # an exact match
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert tags_in(workspace)[1:] == [("error",)]
        await pilot.press("n", "t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TagScreen))
        await pilot.press(*"verif", "down", "enter")  # the suggestion below the typed text
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert tags_in(workspace)[2:] == [("verified",)]
        assert review.query_one(StatusLine).annotations.tags == ("verified",)


# --- 12.6 the Stories filter ---------------------------------------------------------------------


async def test_enter_in_the_stories_filter_opens_the_match():
    async with demo_app().run_test(size=(80, 24)) as pilot:
        screen = pilot.app.screen
        await wait_for(pilot, lambda: isinstance(screen, StoriesScreen) and len(screen.order) == 3)
        await pilot.press(*"xin lang")
        await wait_for(pilot, lambda: len(screen.order) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        review = pilot.app.screen
        await wait_for(pilot, lambda: review.view is not None)
        assert any("Xin Lang" in (d.source or "") for d in review.view.documents)


# --- 12.7 x and c move on ------------------------------------------------------------------------


async def test_dismiss_and_confirm_move_on_to_the_next_undecided_item(tmp_path):
    async with app_with(tmp_path / "w.sqlite").run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        ids = [d.id for d in review.visible_discrepancies()]
        await pilot.press("n")  # decide the second item first
        await pilot.press("x")
        assert review.current == ids[2]
        await pilot.press("p", "p")
        assert review.current == ids[0]
        await pilot.press("c")  # the next undecided one skips the dismissed second
        assert review.current == ids[2]
        statuses = review.annotations.statuses(review.view)
        assert statuses == {ids[0]: "confirmed", ids[1]: "dismissed"}


async def test_moving_on_after_a_decision_can_be_turned_off(tmp_path):
    app = app_with(tmp_path / "w.sqlite", advance_after_decision=False)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        first = review.current
        await pilot.press("x")
        assert review.current == first


# --- 12.8 keyboard selection ---------------------------------------------------------------------


async def test_both_ends_of_a_selection_move_by_token_so_a_citation_run_alone_is_selectable(
    tmp_path,
):
    async with app_with(tmp_path / "w.sqlite").run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await go_to(pilot, review, lambda d: d.kind == "entity" and "Kishida" in d.summary)
        review.focused_pane = review.columns.index(0)
        await pilot.press("v")
        column, start, end = review.span
        body = review.view.documents[column].body
        assert body[start:end] == "Sanna Takashi"
        for _ in range(40):
            if body[start:end].endswith("[1][25]"):
                break
            await pilot.press("right")
            column, start, end = review.span
        assert body[start:end].endswith("soon [1][25]")
        for _ in range(60):
            if body[start:end] == "[1][25]":
                break
            await pilot.press("shift+right")
            column, start, end = review.span
        assert body[start:end] == "[1][25]"
        await pilot.press("shift+left")
        assert body[review.span[1] : review.span[2]] == "soon [1][25]"


# --- 12.9 each version in its own order ----------------------------------------------------------


async def test_every_version_reads_in_its_own_order():
    async with demo_app().run_test(size=(200, 50)) as pilot:
        review = await open_review(pilot)
        assert len(review.columns) == 3
        layout = review.query_one(AlignedPanes).layout_
        for pane in range(3):
            starts = [
                line.start
                for y in range(layout.height)
                if (line := layout.line(pane, y)) is not None and line.start is not None
            ]
            assert starts == sorted(starts), f"pane {pane} is out of order"


# --- 12.10 contrast ------------------------------------------------------------------------------

#: What a 16-colour xterm shows for each of its colours.
XTERM = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
]


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a, b) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _shown(color, system: ColorSystem):
    downgraded = color.downgrade(system)
    if system == ColorSystem.STANDARD:
        return XTERM[downgraded.number]
    return tuple(downgraded.get_truecolor())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_kind_reads_in_16_and_256_colours_in_both_themes(theme):
    app = make_app(pinned_settings(theme=theme), session=demo_session())
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        for widget, prefix in (
            (review.query_one("AlignedPanes"), "panes"),
            (review.query_one("Legend"), "legend"),
        ):
            background = widget.rich_style.bgcolor
            for kind in KINDS:
                style = widget.rich_style + widget.get_component_rich_style(f"{prefix}--{kind}")
                segments = [Segment("x", style)]
                for line_filter in app.get_line_filters():
                    segments = line_filter.apply(segments, Color.from_rich_color(background))
                final = segments[0].style
                for system in (ColorSystem.STANDARD, ColorSystem.EIGHT_BIT, ColorSystem.TRUECOLOR):
                    ratio = _contrast(
                        _shown(final.color, system), _shown(final.bgcolor or background, system)
                    )
                    assert ratio >= 3.0, (theme, prefix, kind, system.name, round(ratio, 2))


# --- 12.11 the footer ----------------------------------------------------------------------------


async def test_the_footer_at_80_columns_shows_the_keys_of_a_review_first(tmp_path):
    async with app_with(tmp_path / "w.sqlite").run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.pause()
        footer = screen_lines(pilot.app)[-1]
        for shown in ("n Next", "p Prev", "t Tag", "a Note", "x Dismiss", "c Confirm", "u Undo"):
            assert shown in footer, footer
        assert "e Export" in footer and "? Keys" in footer, footer


# --- 12.12 the readings in full ------------------------------------------------------------------


def detail_text(app) -> str:
    from parallax.tui.widgets.detail import DetailPanel

    panel = app.screen.query_one(DetailPanel)
    region = panel.region
    lines = screen_lines(app)[region.y : region.y + region.height]
    return " ".join(line[region.x : region.x + region.width].strip() for line in lines)


async def test_the_detail_area_shows_every_reading_in_full_on_request():
    async with demo_app().run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await go_to(
            pilot,
            review,
            lambda d: (
                d.kind == "omission"
                and d.readings[1].start is None
                and len(d.readings[0].text) > 150
            ),
        )
        await pilot.pause()
        reading = " ".join(review.current_discrepancy().readings[0].text.split())
        assert len(reading) > 150
        assert reading not in detail_text(pilot.app)  # compact: two lines a reading
        await pilot.press("d")
        await pilot.pause()
        await pilot.pause()
        assert reading in detail_text(pilot.app)
        assert "v2 v3 ×2: (nothing here)" in detail_text(pilot.app)


# --- 12.13 notifications and the status line -----------------------------------------------------


async def test_notifications_leave_the_status_line_detail_and_footer_visible(tmp_path):
    app = app_with(tmp_path / "w.sqlite")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        review = await open_review(pilot)
        await pilot.press("u")  # nothing to undo: a notification
        await wait_for(pilot, lambda: bool(review.query("Toast")))
        await pilot.pause()
        covered = [
            review.query_one(StatusLine).region,
            review.query_one("Footer").region,
            *(panel.region for panel in review.query("DetailPanel")),
        ]
        for toast in review.query("Toast"):
            assert not any(toast.region.overlaps(region) for region in covered)


async def test_the_undo_message_says_what_was_undone(tmp_path):
    app = app_with(tmp_path / "w.sqlite", advance_after_decision=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("x", "u")
        await wait_for(pilot, lambda: len(notifications(pilot.app)) >= 1)
        assert notifications(pilot.app)[-1].endswith(": dismissed → open")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(notifications(pilot.app)) >= 2)
        assert notifications(pilot.app)[-1].endswith(": open → dismissed")


async def test_the_status_line_names_who_decided(tmp_path):
    workspace = tmp_path / "w.sqlite"
    async with app_with(workspace, advance_after_decision=False).run_test(size=(120, 30)) as pilot:
        review = await open_review(pilot)
        discrepancy = review.current_discrepancy()
        reading = discrepancy.readings[0]
        with Workspace.open(workspace) as other:
            other.create(
                make_target(
                    review.view.documents[0],
                    reading.start,
                    reading.end,
                    field=reading.field,
                    discrepancy=discrepancy.id,
                ),
                key=None,
                reviewer="bob",
                status="dismissed",
            )
        await pilot.press("c", "r")
        await pilot.pause()
        line = screen_lines(pilot.app)[review.query_one(StatusLine).region.y]
        assert "confirmed (tester)" in line and "dismissed (bob)" in line, line


# --- 12.14 grammar -------------------------------------------------------------------------------

STORY = (
    "Japan's deep-sea drilling vessel Chikyu left Shimizu port on January 12 for the waters off "
    "Minami-Torishima, where it will try to lift rare earth mud from about 6000 metres."
)


def one_of_each(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY + " The trial should last about 20 days.\n")
    (folder / "b.txt").write_text(STORY + " The trial should last about 30 days.\n")
    (folder / "c.txt").write_text("A completely different note about tea prices in Kenya.\n")
    (folder / "d.json").write_text("{not json")
    return folder


async def test_counts_read_as_english_on_the_stories_screen(tmp_path):
    folder = one_of_each(tmp_path)
    settings = pinned_settings(workspace=tmp_path / "w.sqlite")
    app = make_app(settings, Sources(paths=[str(folder)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.session is not None and app.screen.order)
        summary = str(app.screen.query_one("#stories-summary").render())
        assert summary == (
            "3 documents · 1 story with several versions · 1 single document · "
            "1 problem reading sources"
        ), summary


def test_counts_read_as_english_on_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = one_of_each(tmp_path)
    cli.main(["cluster", str(folder)])
    out = capsys.readouterr().out
    assert "1 story with several versions, 1 single document" in out, out
    workspace = str(tmp_path / "w.sqlite")
    exported = tmp_path / "export.json"
    cli.main(["export", str(folder), "--format", "json", "-o", str(exported)])
    capsys.readouterr()
    export = json.loads(exported.read_text())
    del export["documents"]  # one problem
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(export))
    cli.main(["import", str(bad), str(folder), "--workspace", workspace])
    assert "(1 problem)" in capsys.readouterr().err


# --- 12.15 CJK line breaking ---------------------------------------------------------------------


async def test_cjk_punctuation_never_starts_a_line_in_the_panes(tmp_path):
    sentences = "".join("稀土" * (n // 2) + "泥" * (n % 2) + "。" for n in range(14, 40))
    folder = tmp_path / "cjk"
    folder.mkdir()
    for name, extra in (("a", "日本"), ("b", "中国")):
        (folder / f"{name}.txt").write_text(f"{extra}深海钻探船出发。{sentences}\n")
    app = make_app(pinned_settings(), session=session_from([folder]))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        layout = review.query_one(AlignedPanes).layout_
        for pane, column in enumerate(review.columns):
            body = review.view.documents[column].body
            for y in range(layout.height):
                line = layout.line(pane, y)
                if line is not None and line.start is not None and line.end > line.start:
                    text = body[line.start : line.end]
                    assert text[0] not in "。，、！？", (pane, y, text)


# --- the code: actions that shadow Textual's are renamed; no string dispatch ---------------------


def test_no_action_shadows_textuals_own_and_the_app_dispatches_no_strings():
    assert ReviewScreen.action_dismiss is Screen.action_dismiss
    assert TagScreen.action_toggle is DOMNode.action_toggle
    assert not hasattr(ParallaxApp, "annotate")


async def test_the_annotation_controller_works_without_a_screen(tmp_path):
    from parallax.tui.annotating import Subject

    app = app_with(tmp_path / "w.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.annotations.book is not None)
        session = app.session
        cluster = next(c for c in session.clusters if len(c.documents) == 3)
        discrepancy = session.story(cluster.id).discrepancies[3]
        changes = []
        app.annotations.changed.subscribe(app.screen, changes.append)
        status = app.annotations.decide(Subject(cluster.id, discrepancy), "confirmed")
        assert status == "confirmed"
        assert app.annotations.state(discrepancy).statuses == (("confirmed", "tester"),)
        await wait_for(pilot, lambda: changes)
        assert [c.cluster for c in changes] == [cluster.id]

"""Pilot tests: every binding and screen transition of the review app, asserting on state."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from parallax.core.data import demo_corpus_path
from parallax.tui.app import make_app
from parallax.tui.screens.filter import FilterScreen
from parallax.tui.screens.help import HelpScreen
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from parallax.tui.session import Sources
from parallax.tui.widgets.discrepancy_list import DiscrepancyList
from parallax.tui.widgets.panes import AlignedPanes
from tests.tui_helpers import cjk_session, demo_app, pinned_settings, wait_for


async def open_review(pilot):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))
    await wait_for(pilot, lambda: pilot.app.screen.order)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await wait_for(pilot, lambda: pilot.app.screen.view is not None)
    return pilot.app.screen


def current(screen):
    return screen.current_discrepancy()


async def test_loading_in_a_worker_then_stories_sorted_by_high_severity(tmp_path):
    settings = pinned_settings(workspace=tmp_path / "review.sqlite")  # not the user's data dir
    app = make_app(settings, Sources(paths=[str(demo_corpus_path())]))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.session is not None)
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        await wait_for(pilot, lambda: all(app.session.is_analysed(c) for c in screen.order[:2]))
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 3)
        highs = [app.session.story(c).severity_counts()["high"] for c in screen.order[:2]]
        assert highs == sorted(highs, reverse=True)
        # the single document comes last
        assert len(app.session.cluster(screen.order[-1]).documents) == 1


async def test_stories_filter_by_typing_and_singletons_toggle():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen
        await wait_for(pilot, lambda: len(screen.order) == 3)
        await pilot.press("s")
        await wait_for(pilot, lambda: len(screen.order) == 2)
        await pilot.press("s")
        await wait_for(pilot, lambda: len(screen.order) == 3)
        await pilot.press("x", "i", "n")  # unbound letters start the fuzzy filter
        assert screen.focused is screen.query_one("#story-filter", Input)
        await pilot.press("space", "l", "a", "n", "g")
        await wait_for(pilot, lambda: len(screen.order) == 1)
        assert "Xin Lang" in " ".join(
            d.source for d in pilot.app.session.documents_of(screen.order[0])
        )
        await pilot.press("escape")  # clear the filter
        await wait_for(pilot, lambda: len(screen.order) == 3)
        await pilot.press("slash")
        assert screen.focused is screen.query_one("#story-filter", Input)


async def test_open_a_story_and_go_back():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        assert review.story_index == 0
        assert review.current is not None
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))


async def test_keyboard_reaches_the_takashi_kishida_discrepancy_in_all_three_panes():
    async with demo_app().run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        assert len(review.columns) == 3  # wide terminal: every version side by side
        for _ in range(20):
            found = current(review)
            if found.kind == "entity" and "Fumio Kishida" in found.summary:
                break
            await pilot.press("n")
        else:
            raise AssertionError("never reached the entity discrepancy")
        assert [r.text for r in found.readings] == [
            "Sanna Takashi",
            "Sanna Takashi",
            "Fumio Kishida",
        ]
        panes = review.query_one(AlignedPanes)
        assert panes.current == found.id
        # every pane paints it: each visible column has a mark for this discrepancy
        for column in review.columns:
            assert any(m.discrepancy == found.id for m in review.view.marks[(column, found.row)])
        row = panes.row_index(found.row)
        top = panes.layout_.row_top[row]
        assert panes.scroll_y <= top < panes.scroll_y + panes.scrollable_content_region.height
        before = found.id
        await pilot.press("n")
        assert current(review).id != before


async def test_next_previous_and_high_only():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        first = review.current
        await pilot.press("n", "n")
        assert review.current != first
        await pilot.press("p", "p")
        assert review.current == first
        await pilot.press("N")
        assert current(review).severity == "high"
        high = review.current
        await pilot.press("N")
        assert current(review).severity == "high" and review.current != high
        await pilot.press("P")
        assert review.current == high


async def test_next_and_previous_story():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await pilot.press("right_square_bracket")
        assert review.story_index == 1
        await wait_for(pilot, lambda: len(review.view.documents) == 2)
        await pilot.press("right_square_bracket")  # no third story with versions
        assert review.story_index == 1
        await pilot.press("left_square_bracket")
        assert review.story_index == 0
        await wait_for(pilot, lambda: len(review.view.documents) == 3)


async def test_narrow_terminal_shows_two_panes_and_shifts_and_picks():
    async with demo_app().run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        assert review.columns == (0, 1)
        await pilot.press("greater_than_sign")
        assert review.columns == (1, 2)
        await pilot.press("less_than_sign")
        assert review.columns == (0, 1)
        await pilot.press("tab")
        assert review.focused_pane == 1
        await pilot.press("3")  # show version 3 in the focused (second) pane
        assert review.columns == (0, 2)
        await pilot.press("tab")
        assert review.focused_pane == 0


async def test_panes_scroll_together_with_keys():
    async with demo_app().run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        panes.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("j", "j", "down")
        await wait_for(pilot, lambda: panes.scroll_y == 3)
        await pilot.press("k")
        await wait_for(pilot, lambda: panes.scroll_y == 2)
        # one scroll offset for every pane: the same line shows the same row in each
        y = int(panes.scroll_y)
        rows = {panes.layout_.line(p, y).row for p in range(len(review.columns))}
        assert len(rows) == 1


async def test_list_panel_moves_the_panes():
    async with demo_app().run_test(size=(120, 30)) as pilot:
        review = await open_review(pilot)
        listing = review.query_one(DiscrepancyList)
        assert not listing.display
        await pilot.press("l")
        assert listing.display and review.focused is listing
        await pilot.press("down", "down")
        assert review.current == listing.get_option_at_index(listing.highlighted).id
        await pilot.press("l")
        assert not listing.display


async def test_filter_by_kind_and_severity():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilterScreen))
        await pilot.press("down")  # "Severity: high"
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        assert review.keep.severities == {"high"}
        assert all(d.severity == "high" for d in review.visible_discrepancies())
        assert current(review).severity == "high"
        await pilot.press("n")
        assert current(review).severity == "high"
        await pilot.press("f", "escape")
        assert review.keep.severities == {"high"}


async def test_search_the_text():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        await pilot.press("slash")
        assert review.focused is review.query_one("#search", Input)
        await pilot.press(*"Nissan", "enter")
        assert panes.search == "Nissan"
        row = panes.layout_.row_at(int(panes.scroll_y) + 2)
        shown = [
            panes.layout_.line(p, panes.layout_.row_top[row]) for p in range(len(review.columns))
        ]
        assert any(
            line.start is not None
            and "Nissan"
            in review.view.documents[review.columns[p]].body[line.start : line.end + 200]
            for p, line in enumerate(shown)
        )
        await pilot.press("escape")
        assert panes.search == ""
        assert not review.query_one("#search").display


async def test_mouse_click_on_a_span_selects_its_discrepancy():
    async with demo_app().run_test(size=(160, 40)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        target = next(d for d in review.view.ordered() if d.kind == "entity")
        reading = target.readings[0]
        row = panes.row_index(target.row)
        panes.scroll_to(y=panes.layout_.row_top[row], animate=False)
        await pilot.pause()
        layout = panes.layout_
        y = layout.row_top[row]
        line = layout.line(0, y)
        while not (line.start <= reading.start < line.end):
            y += 1
            line = layout.line(0, y)
        from rich.cells import cell_len

        body = review.view.documents[0].body
        x = 2 + cell_len(body[line.start : reading.start]) + 1
        await pilot.click(AlignedPanes, offset=(x, y - int(panes.scroll_y)))
        assert review.current == target.id


async def test_help_and_command_palette():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        table = pilot.app.screen.query_one(DataTable)
        shown = " ".join(str(table.get_row_at(i)[1]) for i in range(table.row_count))
        for description in (
            "Next",
            "Prev",
            "Next high",
            "Next story",
            "List",
            "Filter",
            "Search",
            "Tag",
        ):
            assert description in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is review)
        commands = [c.title for c in pilot.app.get_system_commands(review)]
        assert {"Next", "Next story", "Filter", "Search", "List"} <= set(commands)


async def test_keymap_from_settings_remaps_keys():
    app = demo_app(keymap={"next_discrepancy": "z"})
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        first = review.current
        await pilot.press("z")
        assert review.current != first


async def test_quit():
    async with demo_app().run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await wait_for(pilot, lambda: not pilot.app.is_running)


async def test_cjk_story_keeps_panes_aligned(tmp_path):
    app = make_app(pinned_settings(), session=cjk_session(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        layout = panes.layout_
        # every row starts on the same screen line in both panes, and each line fits its pane
        for row in range(len(layout.rows)):
            y = layout.row_top[row]
            assert all(layout.line(p, y).first for p in range(2))
        from rich.cells import cell_len

        for p, width in enumerate(panes._widths):
            document = review.view.documents[review.columns[p]]
            for y in range(layout.height):
                line = layout.line(p, y)
                if line.start is not None:
                    assert cell_len(document.body[line.start : line.end]) <= width - 2
        kinds = {d.kind for d in review.view.ordered()}
        assert "number" in kinds  # 约20天 vs 约30天


async def test_untrusted_text_is_shown_harmlessly(tmp_path):
    from tests.tui_helpers import session_from

    evil = "The chief [bold]Sanae Takaichi[/bold] said \x1b]52;c;ZXZpbA==\x07 the rate rose 5%."
    other = "The chief [bold]Fumio Kishida[/bold] said \x1b]52;c;ZXZpbA==\x07 the rate rose 5%."
    (tmp_path / "a.txt").write_text(f"Rates \x1b[31mred\n\n{evil}\n")
    (tmp_path / "b.txt").write_text(f"Rates \x1b[31mred\n\n{other}\n")
    app = make_app(pinned_settings(), session=session_from([tmp_path]))
    async with app.run_test(size=(120, 24)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        screen_text = "\n".join(
            "".join(segment.text for segment in panes.render_line(y)) for y in range(6)
        )
        assert "\x1b" not in screen_text and "\x07" not in screen_text
        assert "␛]52;c;" in screen_text  # the escape shows as a visible character
        assert "[bold]" in screen_text and "[/bold]" in screen_text
        headers = pilot.app.screen.query_one("PaneHeaders")
        header_text = "".join(s.text for s in headers.render_line(0))
        assert "\x1b" not in header_text and "␛[31mred" in header_text


async def test_every_kind_has_its_own_text_style_for_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    async with demo_app().run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        panes = review.query_one(AlignedPanes)
        from parallax.core.discrepancy import KINDS

        looks = set()
        for kind in KINDS:
            style = panes.get_component_rich_style(f"panes--{kind}", partial=True)
            looks.add((style.bold, style.italic, style.underline, style.dim, style.reverse))
        assert len(looks) == len(KINDS)
        # and the screen renders without colour support at all
        for y in range(10):
            panes.render_line(y)


async def test_workers_calling_in_while_the_app_closes_are_ignored():
    """The loading and counting workers call the Stories screen from their threads at any
    time, also once the app has begun closing and its table is gone."""
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.stories_screen
        await wait_for(pilot, lambda: bool(screen.order))
        first = screen.order[0]
        await screen.query_one(DataTable).remove()
        screen.refresh_table()
        screen.update_counts([first])
        await pilot.pause()
        assert app.is_running

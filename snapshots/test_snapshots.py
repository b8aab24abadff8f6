"""SVG snapshots of the Stories, Review and Help screens, and of a CJK story.

Regenerate with ``pytest snapshots --snapshot-update`` (not under -n), then look at the SVGs."""

from __future__ import annotations

import pytest

from parallax.tui.app import make_app
from parallax.tui.screens.review import ReviewScreen
from parallax.tui.screens.stories import StoriesScreen
from tests.tui_helpers import cjk_session, demo_app, pinned_settings, wait_for


async def stories_ready(pilot):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StoriesScreen))
    await wait_for(
        pilot,
        lambda: (
            pilot.app.screen.order
            and all(
                pilot.app.session.is_analysed(c)
                for c in pilot.app.screen.order
                if len(pilot.app.session.cluster(c).documents) > 1
            )
        ),
    )
    await pilot.app.workers.wait_for_complete()
    pilot.app.screen.refresh_table()
    await pilot.pause()


async def review_at_entity(pilot):
    await stories_ready(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    review = pilot.app.screen
    while not (
        review.current_discrepancy().kind == "entity"
        and "Fumio Kishida" in review.current_discrepancy().summary
    ):
        await pilot.press("n")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_stories_screen(snap_compare, size):
    assert snap_compare(demo_app(), terminal_size=size, run_before=stories_ready)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_review_screen(snap_compare, size):
    assert snap_compare(demo_app(), terminal_size=size, run_before=review_at_entity)


def test_review_screen_with_list(snap_compare):
    async def with_list(pilot):
        await review_at_entity(pilot)
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(160, 48), run_before=with_list)


def test_help_screen(snap_compare):
    async def with_help(pilot):
        await review_at_entity(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(100, 40), run_before=with_help)


def test_cjk_story(snap_compare, tmp_path):
    async def open_story(pilot):
        await stories_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("N")
        await pilot.pause()

    app = make_app(pinned_settings(), session=cjk_session(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_story)


def test_light_theme(snap_compare):
    app = make_app(pinned_settings(theme="textual-light"), session=demo_app().session)
    assert snap_compare(app, terminal_size=(120, 30), run_before=review_at_entity)


def test_detail_expanded_at_80_columns(snap_compare):
    """A whole-claim omission: the minority (absent) version first, every reading in full."""

    async def expanded(pilot):
        await stories_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        review = pilot.app.screen
        await wait_for(pilot, lambda: review.view is not None)
        while not review.current_discrepancy().summary.startswith("Claim absent from #2"):
            await pilot.press("n")
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=expanded)


def test_unimportant_tier_shown_dimmed(snap_compare, monkeypatch):
    """The spelling variant made unimportant, shown on request: dimmed in panes and list."""
    import parallax.tui.session

    real = parallax.tui.session.analyse_story

    def tiered(*args, **kwargs):
        story = real(*args, **kwargs)
        changed = tuple(
            d.model_copy(update={"tier": "unimportant"}) if d.kind == "spelling" else d
            for d in story.discrepancies
        )
        return story.model_copy(update={"discrepancies": changed})

    monkeypatch.setattr(parallax.tui.session, "analyse_story", tiered)

    async def shown(pilot):
        await stories_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        review = pilot.app.screen
        await wait_for(pilot, lambda: review.view is not None)
        while not review.current_discrepancy().summary.startswith("Claim absent from #2"):
            await pilot.press("n")  # the row with the (now unimportant) "Chikyū"/"Chikyu"
        await pilot.press("i", "l")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(160, 40), run_before=shown)


def test_versions_in_their_own_order(snap_compare):
    """v3's claim that aligns with nothing sits under its own "Group 3" heading."""

    async def wide(pilot):
        await stories_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        review = pilot.app.screen
        await wait_for(pilot, lambda: review.view is not None)
        while not review.current_discrepancy().summary.startswith("Claim absent from #1, #2"):
            await pilot.press("n")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(200, 50), run_before=wide)

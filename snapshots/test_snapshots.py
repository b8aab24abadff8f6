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


def _whole_claim_absent_from_v2(discrepancy) -> bool:
    return (
        discrepancy.kind == "omission"
        and discrepancy.readings[1].start is None
        and len(discrepancy.readings[0].text) > 150
    )


async def go_to(pilot, review, condition) -> None:
    """Press n until the current discrepancy satisfies ``condition`` (a bounded walk)."""
    for _ in range(80):
        if condition(review.current_discrepancy()):
            return
        await pilot.press("n")
    raise AssertionError("no such discrepancy")


async def review_at_entity(pilot):
    await stories_ready(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    review = pilot.app.screen
    await wait_for(pilot, lambda: review.view is not None)
    await go_to(pilot, review, lambda d: d.kind == "entity" and "Fumio Kishida" in d.summary)
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


def at(condition, *keys: str):
    """A ``run_before``: open the first story, walk with ``n`` to the first item satisfying
    ``condition``, then press ``keys``."""

    async def run(pilot):
        await stories_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        review = pilot.app.screen
        await wait_for(pilot, lambda: review.view is not None)
        await go_to(pilot, review, condition)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run


def test_detail_expanded_at_80_columns(snap_compare):
    """A whole-claim omission: the minority (absent) version first, every reading in full."""
    expanded = at(_whole_claim_absent_from_v2, "d")
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=expanded)


def test_unimportant_tier_shown_dimmed(snap_compare):
    """The unimportant tier shown on request: dimmed in the panes and the list."""
    shown = at(_whole_claim_absent_from_v2, "i", "l")
    assert snap_compare(demo_app(), terminal_size=(160, 40), run_before=shown)


def test_versions_in_their_own_order(snap_compare):
    """v3's claim that aligns with nothing sits under its own "Group 3" heading."""
    wide = at(lambda d: d.kind == "omission" and "Nissan" in d.summary)
    assert snap_compare(demo_app(), terminal_size=(200, 50), run_before=wide)

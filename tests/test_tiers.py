"""The unimportant tier and reading groups (issue 9), on the app's side, with the engine's own
``tier``, ``groups`` and ``moved``; one entity's groups are replaced by the test, to show the
app uses the engine's groups as given."""

from __future__ import annotations

import pytest

import parallax.tui.session
from parallax.core.discrepancy import Discrepancy, Reading, ReadingGroup
from parallax.core.report import Story
from parallax.tui.app import make_app
from parallax.tui.grouping import Group, choose_columns, pane_order, reading_groups
from parallax.tui.widgets.discrepancy_list import DiscrepancyList
from parallax.tui.widgets.panes import AlignedPanes
from parallax.tui.widgets.status import StatusLine
from tests.test_review_flow import detail_text, go_to, header_label
from tests.tui_helpers import demo_session, open_review, pinned_settings, screen_lines

real_analyse = parallax.tui.session.analyse_story


def tiered(story: Story) -> Story:
    """The Takashi/Kishida entity carries groups spelled otherwise than its readings; the
    support rate wording carries none (the app derives them)."""
    changed = []
    for d in story.discrepancies:
        if d.kind == "wording" and "support rate" in d.summary:
            d = d.model_copy(update={"groups": ()})
        elif d.kind == "entity" and d.summary.startswith("Names differ: “Sanna Takashi”"):
            groups = (
                ReadingGroup(text="Sanna Takashi", documents=story.documents[:2], minority=False),
                ReadingGroup(text="Fumio KISHIDA", documents=story.documents[2:], minority=True),
            )
            d = d.model_copy(update={"groups": groups})
        changed.append(d)
    return story.model_copy(update={"discrepancies": tuple(changed)})


@pytest.fixture
def tiered_app(monkeypatch):
    monkeypatch.setattr(
        parallax.tui.session, "analyse_story", lambda *a, **k: tiered(real_analyse(*a, **k))
    )
    return make_app(pinned_settings(), session=demo_session())


async def test_unimportant_items_are_hidden_uncounted_and_never_visited(tiered_app):
    async with tiered_app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        story = review.view.story
        unimportant = {d.id for d in story.discrepancies if d.tier == "unimportant"}
        assert len(unimportant) >= 2  # equivalent wording, a heading, a moved phrase…
        reported = len(story.discrepancies) - len(unimportant)
        status = review.query_one(StatusLine)
        assert status.item_position[1] == reported
        listing = review.query_one(DiscrepancyList)
        assert listing.option_count == reported
        assert sum(story.severity_counts().values()) == reported
        # Each key walks its whole way (N and n to the end, P and p back to the start), one press
        # more than the reported items it can reach: had it an unimportant item on its way,
        # those presses would have landed on it.
        highs = sum(d.severity == "high" for d in story.discrepancies if d.id not in unimportant)
        seen = set()
        for key, presses in (("N", highs), ("n", reported), ("P", highs), ("p", reported)):
            for _ in range(presses + 1):
                seen.add(review.current)
                await pilot.press(key)
        seen.add(review.current)
        assert not seen & unimportant
        # not painted either
        panes = review.query_one(AlignedPanes)
        text_marks = [
            m for marks in review.view.marks.values() for m in marks if m.discrepancy in unimportant
        ]
        assert text_marks and not panes.show_unimportant


async def test_one_key_shows_the_unimportant_tier_dimmed_and_still_uncounted(tiered_app):
    async with tiered_app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        story = review.view.story
        unimportant = [d for d in story.discrepancies if d.tier == "unimportant"]
        status = review.query_one(StatusLine)
        total = status.item_position[1]
        await pilot.press("i")
        await pilot.pause()
        listing = review.query_one(DiscrepancyList)
        assert listing.option_count == len(story.discrepancies)
        assert status.item_position[1] == total  # totals never count them
        assert f"{len(unimportant)} unimportant shown" in screen_lines(pilot.app)[status.region.y]
        # painted dimmed in the panes: find a body mark of an unimportant one on screen
        panes = review.query_one(AlignedPanes)
        rows = story.alignment.rows
        spelling = next(
            d
            for d in unimportant
            if d.readings[0].field == "body"
            and rows[d.row].kind == "claim"
            and sum(bool(r.text) for r in d.readings) >= 2
            and all(r.text.strip() for r in d.readings if r.start is not None)
        )
        review.current = spelling.id  # a click or the list can still select one
        await pilot.pause()
        y = panes.lines_of(spelling.id)[0] - int(panes.scroll_y)
        pane = next(p for p, c in enumerate(review.columns) if spelling.readings[c].start)
        column = review.columns[pane]
        reading = spelling.readings[column]
        strip = panes.render_line(y)
        painted = [s for s in strip if reading.text and s.text and s.text in reading.text]
        assert painted and all(s.style.dim or s.style.reverse for s in painted)
        # the list shows them dimmed too
        option = listing.get_option(spelling.id)
        assert any(span.style and "dim" in str(span.style) for span in option.prompt.spans)
        assert status.item_position[0] == 0  # not one of the visited items
        await pilot.press("n")
        assert review.current_discrepancy().tier == "reported"
        await pilot.press("i")
        await pilot.pause()
        assert listing.option_count == total


async def test_the_detail_area_shows_groups_with_counts_and_the_minority(tiered_app):
    async with tiered_app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await go_to(pilot, review, lambda d: d.kind == "entity" and "Sanna" in d.summary)
        await pilot.pause()
        text = detail_text(pilot.app)
        # the engine's groups are used as given (its spelling of the minority reading)
        assert "v1 v2 ×2: “Sanna Takashi”" in text, text
        assert "◆ v3 ×1 (minority): “Fumio KISHIDA”" in text, text
        # the pane choice puts the minority first
        assert header_label(review, 0).startswith("v3")
        # derived groups when the engine gives none
        await go_to(pilot, review, lambda d: d.kind == "wording" and "support rate" in d.summary)
        await pilot.pause()
        text = detail_text(pilot.app)
        assert "◆ v1 ×1 (minority): “support rate remains”" in text, text
        assert "v2 v3 ×2: “approval ratings remain”" in text, text
        assert header_label(review, 0).startswith("v1")


async def test_a_moved_reading_is_labelled_as_moved(tiered_app):
    async with tiered_app.run_test(size=(80, 24)) as pilot:
        review = await open_review(pilot)
        await go_to(pilot, review, lambda d: bool(d.moved))
        await pilot.pause()
        text = detail_text(pilot.app)
        assert "v3 ×1 (moved): “on January 23”" in text, text
        assert header_label(review, 0).startswith("v3")
        listing = review.query_one(DiscrepancyList)
        await pilot.press("l")
        await pilot.pause()
        option = listing.get_option(review.current)
        assert "moved" in option.prompt.plain


# --- pure: grouping and the pane choice ---------------------------------------------------------


def test_derived_groups_and_pane_order():
    story = demo_session()
    cluster = next(c for c in story.clusters if len(c.documents) == 3)
    analysed = story.story(cluster.id)
    rows = analysed.alignment.rows
    # A claim #2 lacks and #1 and #3 state alike; its groups are derived by the app.
    row = next(
        r
        for r in rows
        if r.kind == "claim"
        and r.cells[1].is_gap
        and not r.cells[0].is_gap
        and not r.cells[2].is_gap
    )
    documents = story.documents_of(cluster.id)
    readings = tuple(
        Reading(document=d.id, text="same claim", start=c.start, end=c.end)
        if not c.is_gap
        else Reading(document=d.id, text="", start=None, end=None)
        for d, c in zip(documents, row.cells, strict=True)
    )
    omission = Discrepancy(
        id="o", kind="omission", severity="medium", summary="", row=row.index, readings=readings
    )
    groups = reading_groups(omission, analysed.documents, row)
    assert [(g.columns, g.absent, g.minority) for g in groups] == [
        ((0, 2), False, False),
        ((1,), True, True),
    ]
    assert [g.columns for g in pane_order(groups)] == [(1,), (0, 2)]
    assert choose_columns(groups, count=2, total=3, current=(0, 1)) == (1, 0)
    assert choose_columns(groups, count=3, total=3, current=(0, 1, 2)) == (0, 1, 2)


def test_engine_groups_win_and_moved_documents_split_off():
    readings = tuple(Reading(document=f"d{i}", text="x", start=0, end=1) for i in range(3))
    discrepancy = Discrepancy(
        id="x",
        kind="date",
        severity="high",
        summary="",
        row=0,
        readings=readings,
        groups=(ReadingGroup(text="on May 1", documents=("d0", "d1", "d2"), minority=False),),
        moved=("d2",),
    )
    groups = reading_groups(discrepancy, ["d0", "d1", "d2"])
    assert groups == [
        Group("on May 1", (0, 1), False, False, False),
        Group("on May 1", (2,), False, True, False),
    ]
    assert pane_order(groups)[0].moved
    assert choose_columns(groups, count=2, total=3, current=(0, 1)) == (2, 0)

"""The pure parts of the review screen: display order, line breaking, navigation, selection."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.core.align import Cell, Row
from parallax.core.discrepancy import Discrepancy, Reading
from parallax.tui.layout import NO_LINE_END, NO_LINE_START, display_order, wrap
from parallax.tui.navigation import follow, next_undecided, step
from parallax.tui.selection import extend_end, first_token, move_start
from parallax.tui.text import plural


@st.composite
def alignments(draw):
    versions = draw(st.integers(2, 4))
    count = draw(st.integers(1, 12))
    cells: list[list[int | None]] = [[None] * versions for _ in range(count)]
    for v in range(versions):
        present = draw(st.lists(st.integers(0, count - 1), unique=True, min_size=1))
        order = draw(st.permutations(present))
        for rank, row in enumerate(order):
            cells[row][v] = rank * 10
    rows = [
        Row(
            index=i,
            kind="claim",
            cells=tuple(
                Cell(document=f"d{v}", start=s, end=None if s is None else s + 5)
                for v, s in enumerate(row)
            ),
        )
        for i, row in enumerate(cells)
        if any(s is not None for s in row)
    ]
    return [r.model_copy(update={"index": i}) for i, r in enumerate(rows)]


@settings(max_examples=300, deadline=None)
@given(alignments())
def test_display_order_shows_every_cell_once_in_its_versions_order(rows):
    placements = display_order(rows)
    versions = len(rows[0].cells)
    assert {p.row.index for p in placements if p.only is None} == {r.index for r in rows}
    for v in range(versions):
        shown = [
            p.row.cells[v].start
            for p in placements
            if not p.row.cells[v].is_gap
            and (p.only == v or (p.only is None and v not in p.elsewhere))
        ]
        expected = sorted(r.cells[v].start for r in rows if not r.cells[v].is_gap)
        assert shown == expected


def test_display_order_keeps_the_alignment_where_every_version_agrees():
    def row(i, *starts):
        cells = tuple(
            Cell(document=f"d{v}", start=s, end=None if s is None else s + 1)
            for v, s in enumerate(starts)
        )
        return Row(index=i, kind="claim", cells=cells)

    # v1's unaligned claim (row 1) sits after its heading (row 2) in v1's own text
    rows = [row(0, 0, 0), row(1, None, 30), row(2, 10, 10), row(3, 20, 40)]
    assert [p.row.index for p in display_order(rows)] == [0, 2, 1, 3]
    assert all(p.only is None and not p.elsewhere for p in display_order(rows))


def test_no_line_starts_with_closing_punctuation_nor_ends_with_an_opening_one():
    text = "".join("稀土" * (n // 2) + "泥" * (n % 2) + "。" for n in range(1, 30))
    text += "他说「地球号」（日本）出发，预计约20天！"
    for width in range(4, 41):
        lines = [text[s:e] for s, e in wrap(text, width)]
        assert "".join(lines) == text
        for line in lines:
            assert line[0] not in NO_LINE_START, (width, lines)
            assert line[-1] not in NO_LINE_END, (width, lines)


def test_a_lone_full_stop_moves_down_with_the_character_before_it():
    text = "日本深海钻探船出发前往南鸟岛。预计耗时约20天。"
    assert [text[s:e] for s, e in wrap(text, 14)] == [
        "日本深海钻探船",
        "出发前往南鸟",
        "岛。预计耗时约",
        "20天。",
    ]


def discrepancies(*ids: str, severity: str = "high") -> list[Discrepancy]:
    return [
        Discrepancy(
            id=i,
            kind="entity",
            severity=severity,
            summary="",
            row=n,
            readings=(Reading(document="d", text="", start=None, end=None),),
        )
        for n, i in enumerate(ids)
    ]


def test_step_follow_and_next_undecided():
    order = discrepancies("a", "b", "c", "d", "e")
    kept = [order[1], order[3]]
    assert step(order, order, "a", +1) == "b"
    assert step(order, order, "e", +1) is None
    assert step(order, kept, "c", +1) == "d"  # from an item the filter leaves out
    assert step(order, kept, "c", -1) == "b"
    assert follow(order, kept, "b") == "b"
    assert follow(order, kept, "c") == "d"
    assert follow(order, kept, "e") == "d"
    assert next_undecided(order, "b", {"c"}) == "d"
    assert next_undecided(order, "e", {"c"}) == "a"
    assert next_undecided(order, "a", {"b", "c", "d", "e"}) is None


def test_selection_steps_by_token_and_walks_with_the_start():
    body = "Takashi's cabinet, soon [1][25] and 6,000 tons. 日本。"
    start, end = first_token(body, 0)
    assert body[start:end] == "Takashi's"
    assert body[slice(*extend_end(body, start, end, 1))] == "Takashi's cabinet"
    assert extend_end(body, start, end, -1) == (start, end)  # never past the start
    walked = []
    for _ in range(11):
        start, end = move_start(body, start, end, 1)
        walked.append(body[start:end])
    assert walked == [
        "cabinet",
        ",",
        "soon",
        "[1][25]",
        "and",
        "6,000",
        "tons",
        ".",
        "日",
        "本",
        "。",
    ]
    start, end = move_start(body, start, end, -1)
    assert body[start:end] == "本。"


def test_plurals():
    assert plural(1, "story", "stories") == "1 story"
    assert plural(2, "story", "stories") == "2 stories"
    assert plural(1, "problem") == "1 problem"
    assert plural(0, "single document") == "0 single documents"
    assert plural(3, "discrepancy") == "3 discrepancies"

"""Wrapping and aligned layout: lines fit their pane, rows start together, CJK is two cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from parallax.core.align import align
from parallax.tui.layout import StoryLayout, wrap, wrap_cells
from tests.factories import doc

text = st.text(alphabet="ab cd  efghij\n日本稀土。，k", max_size=80)


@settings(max_examples=400, deadline=None)
@given(text, st.integers(min_value=1, max_value=30))
def test_wrapped_lines_fit_and_lose_nothing(body, width):
    for implementation in (wrap, lambda t, w: wrap_cells(t, w, 0)):
        lines = implementation(body, width)
        assert lines
        for start, end in lines:
            assert cell_len(body[start:end]) <= max(width, 2)
            assert "\n" not in body[start:end]
        kept = "".join(body[s:e] for s, e in lines).replace(" ", "")
        assert kept == body.replace(" ", "").replace("\n", "")


def test_cjk_takes_two_cells_and_breaks_anywhere():
    assert wrap("日本挖深海泥希望实现", 6) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert wrap("one two three", 7) == [(0, 7), (8, 13)]
    assert wrap("one two three", 6) == [(0, 3), (4, 7), (8, 13)]


def test_rows_start_on_the_same_line_in_every_pane():
    documents = [
        doc("Short claim one. A second claim that is a good deal longer than the first.", index=1),
        doc("Short claim one. 第二个说法比第一个长得多，而且是中文写的，需要换行显示。", index=2),
    ]
    alignment = align(documents)
    layout = StoryLayout(alignment.rows, documents, [0, 1], [12, 12])
    for row, top in enumerate(layout.row_top):
        lines = [layout.line(pane, top) for pane in (0, 1)]
        assert all(line.row == row and line.first for line in lines)
    assert layout.height == sum(layout.row_height)

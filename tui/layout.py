"""Lay the aligned rows of a story out as screen lines, so every claim starts on the same line
in every pane. Pure functions over core models: no widgets here.

Text is wrapped by terminal cells (CJK characters are two cells wide and may break anywhere);
each row is as tall as its tallest visible cell, shorter cells are padded, gaps keep their space.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from parallax.core.align import Row
from parallax.core.document import Document

_CJK = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_CHUNK = re.compile(rf"\n|[ \t]+|[{_CJK}]|[^\s{_CJK}]+")


def wrap(text: str, width: int, offset: int = 0) -> list[tuple[int, int]]:
    """Break ``text`` into lines at most ``width`` cells wide; return ``(start, end)`` offsets
    (plus ``offset``) of each line. Words move to the next line whole unless longer than a line;
    CJK characters break anywhere; ``\\n`` always breaks. Never returns an empty list."""
    width = max(1, width)
    if text.isascii() and "\t" not in text:
        return _wrap_ascii(text, width, offset)
    return _wrap_cells(text, width, offset)


def _wrap_ascii(text: str, width: int, offset: int) -> list[tuple[int, int]]:
    """The common case, where one character is one cell: a few ``str.rfind`` calls a line."""
    lines: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split("\n"):
        base = position
        position += len(paragraph) + 1
        start, end = 0, len(paragraph)
        while start < end and paragraph[start] == " ":
            start += 1
        if start >= end:
            lines.append((base + start, base + start))
            continue
        while start < end:
            if end - start <= width:
                lines.append((base + start, base + end))
                break
            cut = paragraph.rfind(" ", start, start + width + 1)
            following = cut + 1
            if cut <= start:
                cut = following = start + width  # a word longer than a line
            lines.append((base + start, base + cut))
            start = following
            while start < end and paragraph[start] == " ":
                start += 1
    return [(s + offset, e + offset) for s, e in lines]


def _wrap_cells(text: str, width: int, offset: int) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    start = end = 0
    used = 0
    for match in _CHUNK.finditer(text):
        chunk = match.group()
        if chunk == "\n":
            lines.append((start, end))
            start = end = match.end()
            used = 0
            continue
        if chunk[0] in " \t":
            if used == 0:
                start = end = match.end()  # no leading blanks on a line
                continue
            size = cell_len(chunk)
            if used + size >= width:
                lines.append((start, end))
                start = end = match.end()
                used = 0
            else:
                used += size
                end = match.end()
            continue
        size = cell_len(chunk)
        if used and used + size > width:
            lines.append((start, end))
            start = end = match.start()
            used = 0
        if size <= width:
            used += size
            end = match.end()
            continue
        for position, char in enumerate(chunk, match.start()):  # a word longer than a line
            char_size = cell_len(char)
            if used and used + char_size > width:
                lines.append((start, end))
                start = position
                used = 0
            used += char_size
            end = position + 1
    if end > start or not lines:
        lines.append((start, end))
    return [(s + offset, e + offset) for s, e in lines]


@dataclass(frozen=True, slots=True)
class PaneLine:
    """One screen line of one pane: which row, which characters of the body (or nothing)."""

    row: int  # index into ``StoryLayout.rows``
    start: int | None  # offsets into the document body; None for padding and gaps
    end: int | None
    first: bool  # the row's first line
    gap: bool  # the version has nothing in this row


class StoryLayout:
    """The body rows of a story laid out for some visible documents at some widths."""

    def __init__(
        self,
        rows: Sequence[Row],
        documents: Sequence[Document],
        columns: Sequence[int],
        widths: Sequence[int],
    ) -> None:
        """``documents`` are the visible versions in pane order, ``columns`` their positions in
        the story (the index of their cell in every row) and ``widths`` their text widths in
        cells; of ``rows``, only section and claim rows are laid out."""
        self.rows = [row for row in rows if row.kind in ("section", "claim")]
        self.documents = list(documents)
        self.widths = list(widths)
        self._columns = list(columns)
        self.lines: list[list[tuple[int, int] | None]] = []  # per pane, per row
        self.row_top: list[int] = []
        self.row_height: list[int] = []
        per_pane = [[] for _ in self.documents]
        top = 0
        for row in self.rows:
            heights = []
            for pane, (document, width) in enumerate(zip(self.documents, self.widths, strict=True)):
                cell = row.cells[self._columns[pane]]
                if cell.is_gap:
                    per_pane[pane].append(None)
                    heights.append(1)
                    continue
                spans = wrap(document.body[cell.start : cell.end], width, cell.start or 0)
                per_pane[pane].append(spans)
                heights.append(len(spans))
            height = max(heights, default=1)
            self.row_top.append(top)
            self.row_height.append(height)
            top += height
        self._per_pane = per_pane
        self.height = top
        self.index_of = {row.index: i for i, row in enumerate(self.rows)}

    def row_at(self, y: int) -> int | None:
        """The row shown on screen line ``y``, or ``None`` beyond the last row."""
        if y < 0 or y >= self.height:
            return None
        return bisect_right(self.row_top, y) - 1

    def line(self, pane: int, y: int) -> PaneLine | None:
        """What pane ``pane`` shows on line ``y``."""
        row = self.row_at(y)
        if row is None:
            return None
        within = y - self.row_top[row]
        spans = self._per_pane[pane][row]
        if spans is None:
            return PaneLine(row, None, None, within == 0, True)
        if within < len(spans):
            start, end = spans[within]
            return PaneLine(row, start, end, within == 0, False)
        return PaneLine(row, None, None, False, False)

    def row_of_offset(self, pane: int, offset: int) -> tuple[int, int] | None:
        """``(row, line)`` where body offset ``offset`` of pane ``pane`` is shown."""
        for row, spans in enumerate(self._per_pane[pane]):
            if not spans:
                continue
            for within, (start, end) in enumerate(spans):
                if start <= offset < end or (offset == end and within == len(spans) - 1):
                    return row, self.row_top[row] + within
        return None

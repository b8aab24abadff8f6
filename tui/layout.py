"""Lay the aligned rows of a story out as screen lines, so every claim starts on the same line
in every pane. Pure functions over core models: no widgets here.

Text is wrapped by terminal cells (CJK characters are two cells wide and may break anywhere, but
closing punctuation never starts a line and opening brackets never end one); each row is as tall
as its tallest visible cell, shorter cells are padded, gaps keep their space.

Rows are shown in an order that keeps every version's own order (:func:`display_order`): text
that aligns with nothing sits where its version has it, and a cell aligned across a reordering
is shown apart, in its version's place, rather than out of order.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from parallax.core.align import Row
from parallax.core.document import Document

#: Characters a terminal shows two cells wide, where a line may break anywhere (East Asian Wide:
#: wider than ``parallax.core.text.CJK_RANGES``, the CJK scripts, as it takes CJK punctuation,
#: Hangul Jamo, Yi and fullwidth forms too).
_WIDE = (
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
_CHUNK = re.compile(rf"\n|[ \t]+|[{_WIDE}]|[^\s{_WIDE}]+")
#: Line-breaking rules for CJK text (kinsoku shori): these never start a line ...
NO_LINE_START = frozenset(
    "、。，．：；？！）」』】〕〉》〗〙〛｝］｠’”…‥ー々ゝゞ〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ・"
    "｡､･,.:;!?)]}%"
)
#: ... and these never end one.
NO_LINE_END = frozenset("（「『【〔〈《〖〘〚｛［｟‘“([{")


def wrap(text: str, width: int, offset: int = 0) -> list[tuple[int, int]]:
    """Break ``text`` into lines at most ``width`` cells wide; return ``(start, end)`` offsets
    (plus ``offset``) of each line. Words move to the next line whole unless longer than a line;
    CJK characters break anywhere; ``\\n`` always breaks. Never returns an empty list."""
    width = max(1, width)
    if text.isascii() and "\t" not in text:
        return _wrap_ascii(text, width, offset)
    return wrap_cells(text, width, offset)


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


def wrap_cells(text: str, width: int, offset: int) -> list[tuple[int, int]]:
    """:func:`wrap` for any text, measuring cells one chunk at a time (``wrap`` takes a faster
    path for plain ASCII; the tests hold the two to the same rules)."""
    lines = _CellLines(text, width)
    for match in _CHUNK.finditer(text):
        chunk = match.group()
        if chunk == "\n":
            lines.break_at(match.end())
        elif chunk[0] in " \t":
            lines.add_blank(match.start(), match.end())
        else:
            lines.add_word(match.start(), match.end())
    return lines.finish(offset)


class _CellLines:
    """The lines of :func:`wrap_cells` as they are filled, chunk by chunk."""

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.width = width
        self.lines: list[tuple[int, int]] = []
        self.start = self.end = 0  # the current line
        self.used = 0  # its width in cells
        self.chunks: list[tuple[int, int, int]] = []  # (start, end, cells) of its chunks

    def break_at(self, position: int) -> None:
        """End the current line; the next one starts at ``position``."""
        self.lines.append((self.start, self.end))
        self.start = self.end = position
        self.used = 0
        self.chunks = []

    def _append(self, start: int, end: int, size: int) -> None:
        self.used += size
        self.end = end
        self.chunks.append((start, end, size))

    def add_blank(self, start: int, end: int) -> None:
        """Spaces or tabs: never at the start of a line, and a line ends before they overflow."""
        if self.used == 0:
            self.start = self.end = end
            return
        size = cell_len(self.text[start:end])
        if self.used + size >= self.width:
            self.break_at(end)
        else:
            self._append(start, end, size)

    def add_word(self, start: int, end: int) -> None:
        """A word or a CJK character: on this line if it fits, else on the next (with the
        punctuation that may not end this one); a word longer than a line is cut anywhere."""
        size = cell_len(self.text[start:end])
        if self.used and self.used + size > self.width:
            self._make_room(self.text[start], size, start)
        if size <= self.width:
            self._append(start, end, size)
            return
        for position in range(start, end):  # a word longer than a line
            char_size = cell_len(self.text[position])
            if self.used and self.used + char_size > self.width:
                self.break_at(position)
            self._append(position, position + 1, char_size)

    def _make_room(self, first: str, size: int, start: int) -> None:
        """Start a new line for a chunk at ``start`` that does not fit, carrying down the chunks
        that line-breaking rules keep with it."""
        moved = self._carry(first, size) if self.chunks and size <= self.width else 0
        if not moved:
            self.break_at(start)
            return
        keep = self.chunks[: len(self.chunks) - moved]
        carried = self.chunks[len(self.chunks) - moved :]
        self.lines.append((self.start, keep[-1][1]))
        self.start = carried[0][0]
        self.used = sum(c[2] for c in carried)
        self.chunks = carried

    def _carry(self, first: str, size: int) -> int:
        """How many trailing chunks of the line should move down with the next chunk (which
        starts with ``first`` and is ``size`` cells wide) so that no line starts with closing
        punctuation or ends with an opening bracket; 0 when none need to or none can."""
        text, chunks = self.text, self.chunks
        if first not in NO_LINE_START and text[chunks[-1][1] - 1] not in NO_LINE_END:
            return 0
        for moved in range(1, min(4, len(chunks))):
            size += chunks[-moved][2]
            if size > self.width:
                return 0
            head = text[chunks[-moved][0]]
            if head.isspace() or head in NO_LINE_START:
                continue
            if text[chunks[-moved - 1][1] - 1] in NO_LINE_END:
                continue
            return moved
        return 0

    def finish(self, offset: int) -> list[tuple[int, int]]:
        """Every line, ``offset`` added."""
        if self.end > self.start or not self.lines:
            self.lines.append((self.start, self.end))
        return [(s + offset, e + offset) for s, e in self.lines]


@dataclass(frozen=True, slots=True)
class Placement:
    """A row where it is shown: whole, or with some versions' cells shown apart.

    ``only`` is set on a row that shows one version's cell apart from the rest of its row, in
    that version's own order; ``elsewhere`` names the versions whose cell of this row is shown
    apart (further down)."""

    row: Row
    only: int | None = None
    elsewhere: frozenset[int] = field(default_factory=frozenset)


def display_order(rows: Sequence[Row]) -> list[Placement]:
    """The section and claim rows of a story in an order that keeps every version's own order.

    The alignment's order is kept wherever it agrees with every version: a row is shown once
    every version in it has shown its earlier text. Text that aligns with nothing therefore
    sits right where its version has it. Where versions disagree (a claim aligned across a
    reordering), the row is shown at its place in the alignment without the versions that would
    go out of order, and each of their cells is shown on its own where its version has it."""
    body = [row for row in rows if row.kind in ("section", "claim")]
    if not body:
        return []
    return _DisplayOrder(body).placements()


class _DisplayOrder:
    """:func:`display_order`, step by step: each version's rows in its own order (its chain),
    and the rows whose every version has shown its earlier text (ready, in alignment order)."""

    def __init__(self, body: list[Row]) -> None:
        self.body = body
        self.members = [[c for c, cell in enumerate(row.cells) if not cell.is_gap] for row in body]
        self.chains = _version_chains(body, self.members)
        self.head = [0] * len(self.chains)  # per version: its next row, as a place in its chain
        # Per row: members still to show their cell in the row itself, and those at their head.
        self.pending = [len(m) for m in self.members]
        self.at_head = [0] * len(body)
        for chain in self.chains:
            if chain:
                self.at_head[chain[0]] += 1
        self.ready = [i for i in range(len(body)) if self.at_head[i] == self.pending[i]]
        heapq.heapify(self.ready)
        self.emitted = [False] * len(body)
        self.deferred: set[tuple[int, int]] = set()  # (version, row): its cell to show apart
        self.out: list[Placement] = []
        self.oldest = 0

    def placements(self) -> list[Placement]:
        """Every row once, and the cells shown apart where their versions have them."""
        for _ in range(len(self.body)):
            i, moved = self._next_row()
            self.emitted[i] = True
            self.out.append(Placement(self.body[i], elsewhere=frozenset(moved)))
            for c in self.members[i]:
                if c not in moved:
                    self._advance(c)
        return self.out

    def _next_row(self) -> tuple[int, list[int]]:
        """The next row to show, and the versions whose cell of it is shown apart."""
        ready = self.ready
        while ready and self.emitted[ready[0]]:
            heapq.heappop(ready)
        if ready:
            return heapq.heappop(ready), []
        # The versions disagree on what comes next: show the oldest row, apart from some.
        while self.emitted[self.oldest]:
            self.oldest += 1
        i = self.oldest
        moved = [c for c in self.members[i] if self.chains[c][self.head[c]] != i]
        for c in moved:
            self.deferred.add((c, i))
        self.pending[i] -= len(moved)
        return i, moved

    def _advance(self, c: int) -> None:
        """Version ``c`` showed its head row: move on, showing its deferred cells on the way."""
        chain, head = self.chains[c], self.head
        head[c] += 1
        while head[c] < len(chain):
            j = chain[head[c]]
            if (c, j) in self.deferred:
                self.deferred.discard((c, j))
                self.out.append(Placement(self.body[j], only=c))
                head[c] += 1
                continue
            self.at_head[j] += 1
            if self.at_head[j] == self.pending[j] and not self.emitted[j]:
                heapq.heappush(self.ready, j)
            return


def _version_chains(body: list[Row], members: list[list[int]]) -> list[list[int]]:
    """Per version, the rows it has a cell in, in the order of its own text."""
    chains: list[list[int]] = [[] for _ in range(len(body[0].cells))]
    for i, present in enumerate(members):
        for c in present:
            chains[c].append(i)
    for c, chain in enumerate(chains):

        def in_version_order(i: int, c: int = c) -> tuple[int, int]:
            return (body[i].cells[c].start or 0, i)

        chain.sort(key=in_version_order)
    return chains


@dataclass(frozen=True, slots=True)
class PaneLine:
    """One screen line of one pane: which row, which characters of the body (or nothing)."""

    row: int  # index into ``StoryLayout.rows``
    start: int | None  # offsets into the document body; None for padding and gaps
    end: int | None
    first: bool  # the row's first line
    gap: bool  # the version has nothing in this row
    elsewhere: bool = False  # the version's cell of this row is shown apart, further down
    blank: bool = False  # a row showing another version's cell apart: nothing here


_GAP = "gap"
_ELSEWHERE = "elsewhere"
_BLANK = "blank"


class StoryLayout:
    """The body rows of a story laid out for some visible documents at some widths."""

    def __init__(
        self,
        rows: Sequence[Row | Placement],
        documents: Sequence[Document],
        columns: Sequence[int],
        widths: Sequence[int],
    ) -> None:
        """``documents`` are the visible versions in pane order, ``columns`` their positions in
        the story (the index of their cell in every row) and ``widths`` their text widths in
        cells; of ``rows`` (in the order to show them: see :func:`display_order`), only section
        and claim rows are laid out."""
        self.placements = [
            r if isinstance(r, Placement) else Placement(r)
            for r in rows
            if (r.row if isinstance(r, Placement) else r).kind in ("section", "claim")
        ]
        self.rows = [p.row for p in self.placements]
        self.documents = list(documents)
        self.widths = list(widths)
        self._columns = list(columns)
        self.row_top: list[int] = []
        self.row_height: list[int] = []
        per_pane: list[list[list[tuple[int, int]] | str]] = [[] for _ in self.documents]
        starts: list[list[tuple[int, int]]] = [[] for _ in self.documents]
        top = 0
        for index, placement in enumerate(self.placements):
            heights = []
            row = placement.row
            for pane, (document, width) in enumerate(zip(self.documents, self.widths, strict=True)):
                column = self._columns[pane]
                cell = row.cells[column]
                if placement.only is not None and placement.only != column:
                    per_pane[pane].append(_BLANK)
                    heights.append(1)
                    continue
                if column in placement.elsewhere:
                    per_pane[pane].append(_ELSEWHERE)
                    heights.append(1)
                    continue
                if cell.is_gap:
                    per_pane[pane].append(_GAP)
                    heights.append(1)
                    continue
                spans = wrap(document.body[cell.start : cell.end], width, cell.start or 0)
                per_pane[pane].append(spans)
                starts[pane].append((spans[0][0], index))
                heights.append(len(spans))
            height = max(heights, default=1)
            self.row_top.append(top)
            self.row_height.append(height)
            top += height
        self._per_pane = per_pane
        self._starts = [sorted(s) for s in starts]
        self.height = top
        self.index_of: dict[int, int] = {}
        self._apart: dict[tuple[int, int], int] = {}
        for i, placement in enumerate(self.placements):
            if placement.only is None:
                self.index_of.setdefault(placement.row.index, i)
            else:
                self._apart[(placement.row.index, placement.only)] = i

    def place_of(self, row: int, column: int) -> int | None:
        """The layout row where story column ``column`` shows its cell of alignment row
        ``row`` (the row itself, or the row showing that cell apart)."""
        return self._apart.get((row, column), self.index_of.get(row))

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
        if isinstance(spans, str):  # no text of this version here: which kind of nothing
            return PaneLine(
                row,
                None,
                None,
                within == 0,
                spans == _GAP,
                elsewhere=spans == _ELSEWHERE,
                blank=spans == _BLANK,
            )
        if within < len(spans):
            start, end = spans[within]
            return PaneLine(row, start, end, within == 0, False)
        return PaneLine(row, None, None, False, False)

    def row_of_offset(self, pane: int, offset: int) -> tuple[int, int] | None:
        """``(row, line)`` where body offset ``offset`` of pane ``pane`` is shown."""
        starts = self._starts[pane]
        found = bisect_right(starts, (offset, len(self.placements))) - 1
        for candidate in (found, found - 1, found + 1):
            if not 0 <= candidate < len(starts):
                continue
            row = starts[candidate][1]
            spans = self._per_pane[pane][row]
            assert isinstance(spans, list)
            for within, (start, end) in enumerate(spans):
                if start <= offset < end or (offset == end and within == len(spans) - 1):
                    return row, self.row_top[row] + within
        return None

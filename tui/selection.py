"""Selecting a span of text with the keyboard, token by token.

A token is a citation run (``[1][6]`` whole), a word or figure (``Takashi's``, ``6,000``,
``2026-01-13``), one CJK character, or one other visible character. Both ends of a selection
move: the end with the arrows, the start with shift and the arrows. Pure functions over a body
and offsets; they look only at the text near the selection, so long documents cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parallax.core.text import CITATION_RUN, CJK_RANGES

TOKEN = re.compile(
    rf"{CITATION_RUN.pattern}"
    rf"|[{CJK_RANGES}]"
    rf"|[^\W_{CJK_RANGES}](?:[\w'’.,\-:/%]*[^\W_{CJK_RANGES}])?%?"
    r"|\S"
)
_WINDOW = 400  # characters looked at behind an offset


def _tokens_from(body: str, offset: int) -> Iterator[tuple[int, int]]:
    """Tokens from a little before ``offset`` on (so the ones near it are whole)."""
    for match in TOKEN.finditer(body, max(0, offset - _WINDOW)):
        yield match.start(), match.end()


def _tokens_before(body: str, offset: int) -> list[tuple[int, int]]:
    """Tokens that start before ``offset``, nearest last."""
    found = []
    for start, end in _tokens_from(body, offset):
        if start >= offset:
            break
        found.append((start, end))
    return found


def first_token(body: str, offset: int) -> tuple[int, int] | None:
    """The first token that ends after ``offset`` (where a fresh selection starts)."""
    return next(((s, e) for s, e in _tokens_from(body, offset) if e > offset), None)


def extend_end(body: str, start: int, end: int, direction: int) -> tuple[int, int]:
    """Move the end of ``(start, end)`` one token forward (``direction`` > 0) or back; it never
    passes the start."""
    if direction > 0:
        following = next((e for _, e in _tokens_from(body, end) if e > end), None)
        return (start, following) if following is not None else (start, end)
    ends = [e for _, e in _tokens_before(body, end) if start < e < end]
    return (start, ends[-1]) if ends else (start, end)


def move_start(body: str, start: int, end: int, direction: int) -> tuple[int, int]:
    """Move the start of ``(start, end)`` one token forward or back. Moving it onto or past the
    end selects that one token, so repeated steps walk token by token."""
    if direction > 0:
        following = next(((s, e) for s, e in _tokens_from(body, start) if s > start), None)
        if following is None:
            return start, end
        return following if following[0] >= end else (following[0], end)
    starts = [s for s, _ in _tokens_before(body, start)]
    return (starts[-1], end) if starts else (start, end)

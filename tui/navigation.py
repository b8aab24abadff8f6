"""Where the keys take the reviewer: next and previous, what a filter keeps, the next item still
to decide. Pure functions over discrepancy ids in reading order; the screen holds the state."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from parallax.core.discrepancy import Discrepancy


def step(
    order: Sequence[Discrepancy],
    visit: Sequence[Discrepancy],
    current: str | None,
    direction: int,
) -> str | None:
    """The id ``direction`` steps from ``current`` among ``visit`` (a subset of ``order``, the
    reading order), or ``None`` at either end. From an item ``visit`` leaves out, the next (or
    previous) one it keeps in reading order."""
    ids = [d.id for d in visit]
    if not ids:
        return None
    if current in ids:
        index = ids.index(current) + direction
    else:
        after = _kept_after(order, ids, current)
        index = after if direction > 0 else after - 1
    return ids[index] if 0 <= index < len(ids) else None


def follow(
    order: Sequence[Discrepancy], visit: Sequence[Discrepancy], current: str | None
) -> str | None:
    """Where to stand once ``visit`` changed (a new filter): ``current`` if it is kept, else the
    next kept one in reading order, else the last kept one before it."""
    ids = [d.id for d in visit]
    if not ids:
        return None
    if current in ids:
        return current
    after = _kept_after(order, ids, current)
    return ids[after] if after < len(ids) else ids[-1]


def next_undecided(
    visit: Sequence[Discrepancy], current: str | None, decided: Collection[str]
) -> str | None:
    """The first item after ``current`` (then from the start) not yet confirmed or dismissed,
    or ``None`` when every one is decided."""
    ids = [d.id for d in visit]
    start = ids.index(current) + 1 if current in ids else 0
    for candidate in (*ids[start:], *ids[:start]):
        if candidate != current and candidate not in decided:
            return candidate
    return None


def _kept_after(order: Sequence[Discrepancy], ids: list[str], current: str | None) -> int:
    """The index in ``ids`` of the first kept id after ``current`` in reading order."""
    position = {d.id: i for i, d in enumerate(order)}
    here = position.get(current, -1) if current is not None else -1
    for index, discrepancy_id in enumerate(ids):
        if position.get(discrepancy_id, -1) > here:
            return index
    return len(ids)

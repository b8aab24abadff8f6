"""The distinct readings of a discrepancy and the versions that give each ("“Sanna Takashi” ×2 /
“Fumio Kishida” ×1"), which one is the minority, and which versions moved it elsewhere.

The engine will fill ``Discrepancy.groups`` and ``Discrepancy.moved``; until it does (and for
any discrepancy without them) :func:`reading_groups` derives the same grouping from the
readings. Everything here is pure: story columns in, groups out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parallax.core.align import Row
from parallax.core.discrepancy import Discrepancy


@dataclass(frozen=True, slots=True)
class Group:
    """Versions (story columns) that say the same thing at a discrepancy."""

    text: str  # the reading as the first of these versions writes it; "" when absent
    columns: tuple[int, ...]
    minority: bool = False  # fewer versions read this than the largest group
    moved: bool = False  # these versions say it elsewhere in the story
    absent: bool = False  # these versions say nothing here

    @property
    def count(self) -> int:
        """How many versions give this reading."""
        return len(self.columns)


def reading_groups(
    discrepancy: Discrepancy, documents: Sequence[str], row: Row | None = None
) -> list[Group]:
    """The groups of ``discrepancy``, in story order (the group of the first version first).

    ``documents`` are the story's document ids in column order; ``row`` is the discrepancy's
    alignment row (it tells a version without the claim from one that leaves a phrase out).
    Uses ``discrepancy.groups`` when the engine filled it."""
    column_of = {document: column for column, document in enumerate(documents)}
    moved = set(discrepancy.moved)
    groups: list[Group] = []
    if discrepancy.groups:
        for given in discrepancy.groups:
            columns = sorted(column_of[d] for d in given.documents if d in column_of)
            stay = tuple(c for c in columns if documents[c] not in moved)
            went = tuple(c for c in columns if documents[c] in moved)
            absent = not given.text
            for part, is_moved in ((stay, False), (went, True)):
                if part:
                    groups.append(Group(given.text, part, given.minority, is_moved, absent))
        return sorted(groups, key=lambda g: g.columns[0])
    return _derived(discrepancy, documents, row, moved)


def _derived(
    discrepancy: Discrepancy, documents: Sequence[str], row: Row | None, moved: set[str]
) -> list[Group]:
    cells = row.cells if row is not None and len(row.cells) == len(discrepancy.readings) else None
    whole_claim = (
        discrepancy.kind == "omission"
        and cells is not None
        and any(c.is_gap for c in cells)
        and all(
            r.start is None or (r.start == c.start and r.end == c.end)
            for r, c in zip(discrepancy.readings, cells, strict=True)
        )
    )
    buckets: dict[tuple[str, bool], list[int]] = {}
    texts: dict[tuple[str, bool], str] = {}
    for column, reading in enumerate(discrepancy.readings):
        present = reading.start is not None
        if whole_claim:
            key = ("" if present else "\0absent", False)
        else:
            # A version without the claim says nothing about a phrase in it; but text some
            # versions state is absent from it too (an omission).
            lacks_claim = cells is not None and cells[column].is_gap
            involved = (
                present
                or reading.anchor is not None
                or cells is None
                or (lacks_claim and discrepancy.kind == "omission")
            )
            if not involved:
                continue
            key = (" ".join(reading.text.split()) if present else "\0absent", False)
        document = documents[column] if column < len(documents) else reading.document
        key = (key[0], document in moved)
        buckets.setdefault(key, []).append(column)
        texts.setdefault(key, reading.text if present else "")
    if not buckets:
        return []
    # A reading moved by some versions is still one reading: its size decides the minority.
    sizes: dict[str, int] = {}
    for (text, _), columns in buckets.items():
        sizes[text] = sizes.get(text, 0) + len(columns)
    largest = max(sizes.values())
    groups = [
        Group(
            text=texts[key],
            columns=tuple(columns),
            minority=sizes[key[0]] < largest,
            moved=key[1],
            absent=key[0] == "\0absent",
        )
        for key, columns in buckets.items()
    ]
    return sorted(groups, key=lambda g: g.columns[0])


def pane_order(groups: Sequence[Group]) -> list[Group]:
    """The groups in the order panes show them: the odd one out first (a moved reading, else
    the smallest minority), then the majority, then the rest."""
    if not groups:
        return []
    by_position = sorted(groups, key=lambda g: g.columns[0])
    odd = [g for g in by_position if g.moved] or sorted(
        (g for g in by_position if g.minority), key=lambda g: (g.count, g.columns[0])
    )
    if not odd:
        return by_position
    first = odd[0]
    rest = [g for g in by_position if g is not first]
    majority = sorted((g for g in rest if not g.minority), key=lambda g: (-g.count, g.columns[0]))
    others = [g for g in rest if g.minority]
    return [first, *majority, *others]


def choose_columns(
    groups: Sequence[Group], *, count: int, total: int, current: Sequence[int]
) -> tuple[int, ...]:
    """The story columns to show in ``count`` panes so the active discrepancy's readings are
    visible: one version of each group, the odd one out first. Versions already shown are
    kept where they serve, so the panes move as little as possible.

    When every version fits, all are shown in story order (nothing is hidden, nothing moves)."""
    current = tuple(c for c in current if 0 <= c < total)
    if count >= total:
        if sorted(current) == list(range(total)):
            return current  # every version is shown; keep the reviewer's arrangement
        return tuple(range(total))
    if len(current) != count or len(set(current)) != count:
        current = tuple(range(count))
    ordered = pane_order(groups)
    if not ordered:
        return current
    wanted = min(count, len(ordered))
    has_odd = any(g.minority or g.moved for g in ordered)
    if not has_odd:
        covered = sum(1 for g in ordered if any(c in g.columns for c in current))
        if covered >= wanted:
            return current  # every reading that fits is already in view
    chosen: list[int] = []
    for group in ordered[:wanted]:
        shown = [c for c in current if c in group.columns and c not in chosen]
        spare = [c for c in group.columns if c not in chosen]
        if shown or spare:
            chosen.append((shown or spare)[0])
    for column in (*current, *range(total)):
        if len(chosen) >= count:
            break
        if column not in chosen:
            chosen.append(column)
    return tuple(chosen)

"""What a text is about: the names, places, figures and dates of its opening, as a small set.

Clustering verifies a candidate pair on its words (:mod:`parallax.core.cluster`); two reports
written from one template (two earthquakes, two quarterly results) share most of their words
and would join. What tells them apart is what the words are about: another place, day,
magnitude and agency. Versions of one story keep almost all of these even when they disagree
on one name or figure. So a pair that is similar in wording but shares little of what it is
about is two stories.

Measured on the data we have (``benchmarks/cluster_bench.py`` prints it), reading the first
1,500 characters: every true pair above the clustering threshold keeps at least 62% of the
smaller version's terms (NewsEdits 0.70, the demo 0.63, synthetic versions 0.62); reports of
different events written from five templates keep at most 50%.

The terms are read cheaply, from the opening of the text only (where news puts who, where and
when): capitalised words that are not function words, and numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import overload

import numpy as np

from parallax.core.entities import NOT_NAMES
from parallax.core.text import FUNCTION_WORDS
from parallax.core.tokens import hash_blobs

#: How much of a text's opening is read.
OPENING = 1500

# The lookahead only lets the engine skip positions neither alternative can start at
# (a third faster over a whole opening); it matches exactly what the alternatives match.
_TERM = re.compile(r"(?=[A-Z\d])(?:[A-Z][\w'’\-]+|\d+(?:[.,]\d+)*)")
_IGNORED = frozenset(NOT_NAMES) | frozenset(word.capitalize() for word in FUNCTION_WORDS)


def about_terms(text: str) -> frozenset[str]:
    """The names and numbers of a text's opening (capitalised words that are not function
    words, and numbers as written)."""
    return frozenset(_TERM.findall(text, 0, OPENING)) - _IGNORED


class Subjects(Sequence[np.ndarray]):
    """The subject keys of many texts in two flat arrays (a million small arrays would cost
    a quarter of a gigabyte more): ``subjects[i]`` is text ``i``'s sorted unique keys."""

    def __init__(self, values: np.ndarray, offsets: np.ndarray) -> None:
        self.values = values
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, index: slice) -> list[np.ndarray]: ...

    def __getitem__(self, index: int | slice) -> np.ndarray | list[np.ndarray]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.values[self.offsets[index] : self.offsets[index + 1]]

    def __add__(self, other: Subjects) -> Subjects:
        offsets = np.concatenate([self.offsets, other.offsets[1:] + self.offsets[-1]])
        return Subjects(np.concatenate([self.values, other.values]), offsets)


def subject_keys(texts: Iterable[str]) -> Subjects:
    """:func:`about_terms` of each text as sorted unique 64-bit hashes, hashed in vectorised
    batches like the clustering tokens."""
    values: list[np.ndarray] = []
    sizes: list[int] = []
    batch: list[bytes] = []

    def flush() -> None:
        hashes, counts = hash_blobs(batch)
        offset = 0
        for count in counts.tolist():
            keys = np.unique(hashes[offset : offset + count])
            values.append(keys)
            sizes.append(keys.size)
            offset += count
        batch.clear()

    for text in texts:
        batch.append(" ".join(sorted(about_terms(text))).encode("utf-8", "surrogatepass"))
        if len(batch) >= 4096:
            flush()
    if batch:
        flush()
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(values) if values else np.empty(0, dtype=np.uint64)
    return Subjects(flat, offsets)


def shared_share(a: np.ndarray, b: np.ndarray) -> float | None:
    """Share of the smaller set found in the other; ``None`` when either is empty."""
    if not a.size or not b.size:
        return None
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(a.size, b.size)


def same_subject(
    a: np.ndarray,
    b: np.ndarray,
    similarity: float,
    *,
    least_terms: int,
    least_share: float,
    unless_similar: float,
) -> bool:
    """Whether two texts similar in wording are about the same thing: yes when they share at
    least ``least_share`` of their terms, when either has fewer than ``least_terms`` terms to
    judge by, or when they are so similar (``unless_similar``) that wording alone decides."""
    if similarity >= unless_similar or a.size < least_terms or b.size < least_terms:
        return True
    share = shared_share(a, b)
    return share is None or share >= least_share

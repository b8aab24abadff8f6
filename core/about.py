"""What a text is about: the names, places, figures and dates of its opening, as a small set.

Clustering verifies a candidate pair on its words (:mod:`parallax.core.cluster`); two reports
written from one template (two earthquakes, two quarterly results) share most of their words
and would join. What tells them apart is what the words are about: another place, day,
magnitude and agency. Versions of one story keep almost all of these even when they disagree
on one name or figure. So a pair that is similar in wording but shares little of what it is
about is two stories.

Measured on the data we have (``benchmarks/cluster_bench.py`` prints it): every true pair of
NewsEdits and of the demo above the clustering threshold keeps at least 61% of the smaller
version's terms; reports of different events from one template keep 30% or less.

The terms are read cheaply, from the opening of the text only (where news puts who, where and
when): capitalised words that are not function words, and numbers.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from parallax.core.entities import NOT_NAMES
from parallax.core.text import FUNCTION_WORDS

#: How much of a text's opening is read.
OPENING = 3000

_TERM = re.compile(r"[A-Z][\w'’\-]+|\d+(?:[.,]\d+)*")
_IGNORED = frozenset(NOT_NAMES) | frozenset(word.capitalize() for word in FUNCTION_WORDS)


def about_terms(text: str) -> frozenset[str]:
    """The names and numbers of a text's opening (capitalised words that are not function
    words, and numbers as written)."""
    return frozenset(
        match.group()
        for match in _TERM.finditer(text, 0, OPENING)
        if match.group() not in _IGNORED
    )


def about_keys(text: str) -> np.ndarray:
    """:func:`about_terms` as sorted unique 64-bit hashes (compact, for shipping to workers)."""
    hashes = {
        int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")
        for term in about_terms(text)
    }
    return np.array(sorted(hashes), dtype=np.uint64)


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

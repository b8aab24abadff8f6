"""Normalise text for matching and split it into tokens: words, and one token per CJK character.

Normalisation folds what should not make two versions differ: citation markers are removed,
full-width forms become ASCII (NFKC), case is folded, and Latin diacritics are dropped
("Chikyū" matches "Chikyu"). Punctuation separates tokens and is otherwise ignored.

For clustering, :func:`token_blob` writes a text's tokens as UTF-8 bytes separated by spaces,
and :func:`hash_blobs` hashes every token of many blobs at once with numpy, which is what makes
signing a million documents fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from parallax.core.text import CITATION_RUN, CJK_RANGES, fold

_TOKEN = re.compile(rf"[{CJK_RANGES}]|[^\W_{CJK_RANGES}]+")
_ASCII_SEPARATORS = bytes.maketrans(
    bytes(c for c in range(128) if not chr(c).isalnum()),
    b" " * sum(1 for c in range(128) if not chr(c).isalnum()),
)

#: Function words: shingles made only of these say nothing about which story a text tells.
STOPWORDS = frozenset(
    """
    a an the of to in on at for and or but nor is are was were be been being by with as from
    that this these those it its their his her has have had will would could should can may
    might must not no into over than also which who whom whose what when where while about
    after before between during under up out more most such there they them he she we you i
    our your if so do does did said says de la le les des du et en un une el los las y del
    der die das und den dem ein eine
    """.split()
)


def normalize(text: str) -> str:
    """Fold case, width, Latin diacritics and citation markers out of ``text``."""
    if "[" in text:
        text = CITATION_RUN.sub(" ", text)
    return fold(text)


def tokenize(text: str) -> list[str]:
    """The tokens of ``text`` after :func:`normalize`: words, numbers, single CJK characters."""
    return token_blob(text).decode("utf-8").split()


def token_blob(text: str) -> bytes:
    """The tokens of ``text`` as UTF-8, separated by runs of spaces.

    Text with no word at all (only punctuation) falls back to its visible characters, so two
    such identical texts still match.
    """
    normal = normalize(text)
    if normal.isascii():
        blob = normal.encode("ascii").translate(_ASCII_SEPARATORS)
    else:
        blob = " ".join(_TOKEN.findall(normal)).encode("utf-8", "surrogatepass")
    if blob.isspace() or not blob:
        blob = " ".join(char for char in text if not char.isspace()).encode(
            "utf-8", "surrogatepass"
        )
    return blob


_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_SPACE = 32
_PRIME = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_INVERSE = pow(_PRIME, -1, 2**64)


class _Powers:
    """``PRIME**i`` and ``PRIME**-i`` modulo 2**64, computed once and grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def get(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if self.up.size < size:
            grown = 1 << max(size - 1, 1).bit_length()
            self.up = _cumulative_powers(_PRIME, grown)
            self.down = _cumulative_powers(_INVERSE, grown)
        return self.up[:size], self.down[:size]


def _cumulative_powers(base: int, count: int) -> np.ndarray:
    factors = np.full(count, base, dtype=np.uint64)
    factors[0] = 1
    return np.cumprod(factors, dtype=np.uint64)


_POWERS = _Powers()


def mix64(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's finaliser, element-wise (wrapping uint64 arithmetic)."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX_1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX_2
    return values ^ (values >> np.uint64(31))


def hash_blobs(blobs: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Hash every token of every blob; return ``(hashes, counts)``.

    ``hashes`` (uint64) holds the tokens of all blobs in order; ``counts[i]`` is the number of
    tokens of blob ``i``. A token's hash depends only on its bytes: a polynomial hash modulo
    2**64 (read off prefix sums, so it costs a few numpy passes per batch), then SplitMix64.
    """
    count = len(blobs)
    if not count:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    buffer = b" ".join(blobs) + b" "
    data = np.frombuffer(buffer, dtype=np.uint8)
    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=count)
    bounds = np.concatenate(([0], np.cumsum(lengths + 1)))
    inside = (data != _SPACE).view(np.int8)
    edges = np.diff(inside, prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    up, down = _POWERS.get(data.size)
    prefix = np.zeros(data.size + 1, dtype=np.uint64)
    np.cumsum(data * up, out=prefix[1:])
    hashes = mix64((prefix[ends] - prefix[starts]) * down[starts])
    counts = np.diff(np.searchsorted(starts, bounds)).astype(np.int64)
    return hashes, counts


def is_stopword(hashes: np.ndarray) -> np.ndarray:
    """Which token hashes are those of :data:`STOPWORDS`.

    A table lookup on the hash's low 20 bits: a token whose hash shares them with a
    stopword's counts as one too (about one token in 8,000), which only drops a few shingles.
    """
    return _STOP_TABLE[(hashes & np.uint64(_STOP_MASK)).astype(np.intp)]


_STOP_MASK = (1 << 20) - 1
_STOP_TABLE = np.zeros(_STOP_MASK + 1, dtype=bool)
_STOP_TABLE[
    (
        hash_blobs([word.encode("ascii") for word in sorted(STOPWORDS)])[0] & np.uint64(_STOP_MASK)
    ).astype(np.intp)
] = True


def token_string(hashes: np.ndarray) -> str:
    """Encode token hashes as a string with one (astral-plane) character per token.

    rapidfuzz compares such strings at native speed; equal tokens give equal characters.
    """
    codes = (np.uint64(0x10000) + hashes % np.uint64(0xF0000)).astype("<u4")
    return codes.tobytes().decode("utf-32-le")


class TokenStrings(Sequence[str]):
    """Token strings (:func:`token_string`) packed into one array: 4 bytes a token, with no
    string object per document. A partition's map output is held until its pairs are verified
    (by the Dask engine, as these two arrays in a file); as ``str`` objects it costs twice as
    much, since sending one to another process caches its UTF-8 form beside it."""

    __slots__ = ("bounds", "codes")

    def __init__(self, codes: NDArray[np.uint32], bounds: NDArray[np.int64]) -> None:
        self.codes = codes
        self.bounds = bounds

    @classmethod
    def pack(cls, strings: Sequence[str]) -> TokenStrings:
        """Pack ``strings`` (one character per token)."""
        codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype="<u4")
        bounds = np.zeros(len(strings) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in strings], out=bounds[1:])
        return cls(codes, bounds)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if i < 0:
            i += len(self)
        start, end = int(self.bounds[i]), int(self.bounds[i + 1])
        return self.codes[start:end].tobytes().decode("utf-32-le")

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

    def __add__(self, other: TokenStrings) -> TokenStrings:
        """Both partitions' strings, ``self``'s first."""
        bounds = np.concatenate((self.bounds, other.bounds[1:] + self.bounds[-1]))
        return TokenStrings(np.concatenate((self.codes, other.codes)), bounds)

    def __reduce__(self) -> tuple[type[TokenStrings], tuple[NDArray[np.uint32], NDArray[np.int64]]]:
        return TokenStrings, (self.codes, self.bounds)

"""Group near-duplicate documents into stories, from five documents to a million.

The work splits into three steps that share nothing but their inputs, so each can run on a
distributed engine unchanged:

1. **Map, per document** (:func:`sign`): normalise the title and body (case, width, Latin
   diacritics, punctuation and citation markers folded away; :mod:`parallax.core.tokens`), split
   it into tokens (words; one token per CJK character), form shingles of
   ``settings.shingle_size`` consecutive tokens (word bigrams, CJK character bigrams) and sign
   them with one-permutation MinHash: each shingle hash picks one of ``settings.bins`` bins and
   the smallest value per bin is kept; empty bins borrow from the next full bin (rotation
   densification). The result is a token string and a signature.
2. **Shuffle, per LSH band** (:func:`band_keys`, :func:`candidate_pairs`): the signature is cut
   into bands of ``settings.band_rows`` values; documents whose band values are all equal fall
   in one bucket and become candidate pairs. Two documents whose shingle sets have Jaccard
   similarity *J* meet in at least one band with probability ``1 - (1 - J**r)**b``: with the
   defaults (r = 2, b = 64) that is 0.96 at J = 0.22 and 0.47 at J = 0.10. A bucket larger than
   ``settings.max_bucket`` (boilerplate shared by many documents, or many exact copies) is
   verified as a star and a chain instead of all its pairs, which keeps the work linear.
3. **Verify, per candidate pair** (:func:`similarity`), then union-find. A candidate whose
   signatures agree on fewer than ``settings.min_agreement`` of their values (an estimate of
   the shingle Jaccard; every true pair we measured agrees on 19% or more) is dropped unread.
   Otherwise the score of a pair is rapidfuzz's normalised Indel similarity of the two token
   sequences, ``2 * LCS / (|a| + |b|)``: the share of words both versions have in one order.
   Pairs scoring at least
   ``settings.threshold`` are joined; clusters are the connected components. Exact copies
   are joined without verification. Pairs already in one component are not verified again,
   which changes nothing but the time taken.

Each step is a public function, so that an engine running them over partitions
(:mod:`parallax.core.index.dask_engine`) calls exactly the code :func:`cluster_texts` calls:
map :func:`sign`, :func:`copy_keys`, :func:`band_keys`; shuffle :func:`copy_pairs`,
:func:`bucket_pairs` (one band), :func:`unique_pairs`; verify :func:`join_copies` (exact copies,
found by a hash of their token strings and confirmed by comparing them), :func:`verify_pairs`;
union-find :class:`UnionFind`; naming :func:`make_clustering`. The components do not depend on
the order pairs are verified in, nor on how they are split among workers.

Title and time are not scored separately: the title is part of the text, and on the data we
measured (the demo corpus, the NewsEdits versions, the synthetic benchmark) neither improved the
separation of true from false pairs. The default threshold, 0.35, was chosen on that data: true
pairs of the demo score 0.46 and more, false ones 0.24 at most; false pairs of NewsEdits score
0.18 at most (``benchmarks/cluster_bench.py`` prints the sweep).

Everything is deterministic: hashes are fixed functions of the text (CRC-32 and SplitMix64
with a fixed seed), and pairs are processed in sorted order.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import overload

import numpy as np
from pydantic import Field
from rapidfuzz.distance import Indel

from parallax.core.about import Subjects, same_subject, subject_keys
from parallax.core.document import Document, Frozen
from parallax.core.tokens import hash_blobs, is_stopword, mix64, token_blob, token_string

#: ``progress(stage, done, total)``: called as work advances. Clustering's stages are
#: "signing", "grouping" and "verifying"; a report adds "aligning", an index "analysing" and
#: "writing".
Progress = Callable[[str, int, int], None]

#: Least similarity of two versions of one story, unless configured otherwise (chosen on data:
#: see the module docstring).
DEFAULT_THRESHOLD = 0.35

_EMPTY = np.uint32(0xFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_DENSIFY_STEP = np.uint32(0x9E3779B1)
_BATCH = 4096
_BATCH_BYTES = 2_000_000


class ClusterSettings(Frozen):
    """How documents are grouped. The defaults were chosen on data (see the module docstring)."""

    threshold: float = Field(
        DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="Least Indel similarity (2*LCS/(|a|+|b|) over tokens) of two versions.",
    )
    shingle_size: int = Field(2, ge=1, le=8, description="Tokens per shingle.")
    bins: int = Field(128, ge=8, le=1024, description="MinHash signature length (power of 2).")
    band_rows: int = Field(2, ge=1, le=16, description="Signature values per LSH band.")
    seed: int = Field(0x5EED, ge=0, description="Seed of the shingle hash.")
    min_agreement: float = Field(
        0.06,
        ge=0.0,
        le=1.0,
        description="Least share of equal signature values for a candidate to be verified.",
    )
    max_bucket: int = Field(
        32, ge=2, description="Buckets larger than this are verified as a star and a chain."
    )
    max_sign_bytes: int = Field(
        1_000_000, ge=1_000, description="Normalised bytes of each document that are signed."
    )
    max_compare_tokens: int = Field(
        20_000, ge=100, description="Tokens of each document compared when verifying a pair."
    )
    subject_share: float = Field(
        0.56,
        ge=0.0,
        le=1.0,
        description="Least share of names and figures of their openings two versions keep "
        "(parallax.core.about); similar wording about other events does not join.",
    )
    subject_terms: int = Field(
        5, ge=1, description="Openings with fewer names and figures are not judged by them."
    )
    subject_unless: float = Field(
        0.95, ge=0.0, le=1.0, description="Pairs this similar join whatever they are about."
    )


class Cluster(Frozen):
    """A story: the ids of its documents, in input order."""

    id: str
    documents: tuple[str, ...]


class ClusterStats(Frozen):
    """What the clustering did, for the curious and for benchmarks."""

    documents: int
    candidate_pairs: int
    verified_pairs: int
    joined_pairs: int


class Clustering(Frozen):
    """Every document in exactly one cluster; clusters ordered by their first document."""

    clusters: tuple[Cluster, ...]
    settings: ClusterSettings
    stats: ClusterStats


def matching_text(document: Document) -> str:
    """The text a document is matched on: its title and its body."""
    return f"{document.title}\n{document.body}"


def _blob(text: str, settings: ClusterSettings) -> bytes:
    blob = token_blob(text)
    if len(blob) > settings.max_sign_bytes:
        cut = blob.rfind(b" ", 0, settings.max_sign_bytes)
        blob = blob[: cut if cut > 0 else settings.max_sign_bytes]
    return blob


def sign(
    texts: Sequence[str], settings: ClusterSettings, progress: Progress | None = None
) -> tuple[list[str], np.ndarray]:
    """The per-document map: token strings and MinHash signatures of ``texts``.

    Returns one token string per text (one character per token, for verification) and one
    signature row per text (uint32, ``settings.bins`` wide; all ``0xFFFFFFFF`` for a text
    without a usable shingle). Each output depends only on its own text: batching is an
    implementation detail.
    """
    count = len(texts)
    token_strings: list[str] = []
    # One matrix filled batch by batch: concatenating per-batch blocks would hold it twice.
    signatures = np.empty((count, settings.bins), dtype=np.uint32)
    batch: list[bytes] = []
    batch_bytes = 0
    filled = 0
    for done, text in enumerate(texts, 1):
        blob = _blob(text, settings)
        batch.append(blob)
        batch_bytes += len(blob)
        if batch_bytes >= _BATCH_BYTES or len(batch) >= _BATCH or done == count:
            hashes, counts = hash_blobs(batch)
            offsets = np.concatenate(([0], np.cumsum(counts))).tolist()
            token_strings.extend(
                token_string(hashes[offsets[i] : offsets[i + 1]]) for i in range(len(batch))
            )
            signatures[filled : filled + len(batch)] = _sign_hashes(hashes, counts, settings)
            filled += len(batch)
            batch, batch_bytes = [], 0
            if progress is not None:
                progress("signing", done, count)
    return token_strings, signatures


def _sign_hashes(tokens: np.ndarray, lengths: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    bins = settings.bins
    bits = bins.bit_length() - 1
    count = lengths.size
    signatures = np.full(count * bins, _EMPTY, dtype=np.uint32)
    if tokens.size:
        size = settings.shingle_size
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        ends = np.repeat(starts + lengths, lengths)
        positions = np.arange(tokens.size)
        seed = np.uint64((settings.seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
        content = ~is_stopword(tokens)
        informative = content.copy()
        hashes = mix64(tokens ^ seed)
        for offset in range(1, size):
            following = np.zeros_like(tokens)
            inside = positions + offset < ends
            following[inside] = tokens[positions[inside] + offset]
            informative[:-offset] |= inside[:-offset] & content[offset:]
            hashes = mix64(hashes * _GOLDEN + following)
        short = np.repeat(lengths < size, lengths)
        first = np.zeros(tokens.size, dtype=bool)
        first[starts[lengths > 0]] = True
        complete = (positions + size <= ends) & informative
        # A text shorter than a shingle, or made only of function words, is signed on its
        # first shingle rather than left without a signature.
        bare = np.repeat(
            np.bincount(np.repeat(np.arange(count), lengths)[complete], minlength=count) == 0,
            lengths,
        )
        valid = complete | ((short | bare) & first)
        documents = np.repeat(np.arange(count), lengths)[valid]
        hashes = hashes[valid]
        slots = documents * bins + (hashes >> np.uint64(64 - bits)).astype(np.int64)
        values = np.minimum(hashes & np.uint64(0xFFFFFFFF), np.uint64(0xFFFFFFFE))
        np.minimum.at(signatures, slots, values.astype(np.uint32))
    return _densify(signatures.reshape(count, bins))


def _densify(signatures: np.ndarray) -> np.ndarray:
    """Fill empty bins from the next full bin to the right (circularly), shifted by distance."""
    empty = signatures == _EMPTY
    if not empty.any():
        return signatures
    count, bins = signatures.shape
    columns = np.arange(bins)
    full_at = np.where(~empty, columns, 4 * bins)
    doubled = np.concatenate([full_at, np.where(~empty, columns + bins, 4 * bins)], axis=1)
    next_full = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :bins]
    has_any = ~empty.all(axis=1)
    source = np.where(next_full < 2 * bins, next_full % bins, 0)
    distance = (next_full - columns).astype(np.uint32)
    borrowed = signatures[np.arange(count)[:, None], source] + distance * _DENSIFY_STEP
    borrowed = np.minimum(borrowed, np.uint32(0xFFFFFFFE))
    fill = empty & has_any[:, None]
    return np.where(fill, borrowed, signatures)


def band_keys(signatures: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """One uint64 key per document and band: equal keys mean equal band values."""
    bands = signatures.shape[1] // settings.band_rows
    keys = np.empty((signatures.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        keys[:, band] = band_key(signatures, band, settings)
    return keys


def signed_mask(signatures: np.ndarray) -> np.ndarray:
    """True for each document that has a signature (a row not all ``0xFFFFFFFF``), computed in
    slices so that no full-size temporary is made."""
    signed = np.empty(signatures.shape[0], dtype=bool)
    for start in range(0, signatures.shape[0], 65_536):
        rows = signatures[start : start + 65_536]
        signed[start : start + len(rows)] = ~(rows == _EMPTY).all(axis=1)
    return signed


def copy_keys(token_strings: Sequence[str]) -> np.ndarray:
    """One uint64 per document, equal for equal token strings (exact copies, once normalised)."""
    out = np.empty(len(token_strings), dtype=np.uint64)
    for i, tokens in enumerate(token_strings):
        digest = hashlib.blake2b(tokens.encode("utf-32-le"), digest_size=8).digest()
        out[i] = int.from_bytes(digest, "little")
    return out


def copy_pairs(keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Pairs ``(first, other)`` of documents with equal copy keys: each key's first position
    (the smallest) with every other one. ``keys`` and ``positions`` are parallel arrays; the
    result holds positions and is sorted and unique."""
    if keys.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.lexsort((positions, keys))
    ordered, members = keys[order], positions[order].astype(np.int64)
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    first = members[np.maximum.accumulate(np.where(starts, np.arange(members.size), 0))]
    pairs = np.stack([first, members], axis=1)[~starts]
    return unique_pairs(pairs)


def bucket_pairs(column: np.ndarray, members: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """The candidate pairs of one LSH band: ``column[k]`` is the band key of document
    ``members[k]`` (members in increasing order). Buckets larger than ``settings.max_bucket``
    give a star and a chain. Unsorted; may repeat pairs of other bands."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    members = members[order]
    boundaries = np.flatnonzero(np.diff(ordered)) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [ordered.size])))
    chunks = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= settings.max_bucket)]).tolist():
        left, right = np.triu_indices(size, k=1)
        first = starts[sizes == size][:, None]
        pairs = np.stack([members[first + left], members[first + right]], axis=-1)
        chunks.append(pairs.reshape(-1, 2).astype(np.int64))
    for start, size in zip(
        starts[sizes > settings.max_bucket], sizes[sizes > settings.max_bucket], strict=True
    ):
        chunks.append(_star_and_chain(members[start : start + size]).astype(np.int64))
    return np.concatenate(chunks)


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Pairs made ``(min, max)``, sorted and without repeats."""
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    pairs = pairs.astype(np.int64)
    base = np.int64(1 << 31)
    codes = np.sort(
        np.minimum(pairs[:, 0], pairs[:, 1]) * base + np.maximum(pairs[:, 0], pairs[:, 1])
    )
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return np.stack([codes // base, codes % base], axis=1)


def band_key(signatures: np.ndarray, band: int, settings: ClusterSettings) -> np.ndarray:
    """The uint64 key of every document in one band (column ``band`` of :func:`band_keys`)."""
    rows = settings.band_rows
    values = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
    key = values[:, 0]
    for i in range(1, rows):
        key = mix64(key * _GOLDEN + values[:, i])
    return key


def candidate_pairs(keys: np.ndarray, signed: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of documents sharing a bucket in some band; sorted, unique.

    ``keys`` holds one column per band (:func:`band_keys`); ``signed`` flags the documents that
    have a signature; the others are never candidates.
    """
    return _bucket_pairs(lambda band: keys[:, band], keys.shape[1], signed, settings)


def signature_pairs(
    signatures: np.ndarray, signed: np.ndarray, settings: ClusterSettings
) -> np.ndarray:
    """:func:`candidate_pairs` of ``band_keys(signatures)``, computing one band's keys at a time
    (a million documents' keys for all bands would take 512 MB)."""
    bands = signatures.shape[1] // settings.band_rows
    return _bucket_pairs(lambda band: band_key(signatures, band, settings), bands, signed, settings)


def _bucket_pairs(
    key_of: Callable[[int], np.ndarray], bands: int, signed: np.ndarray, settings: ClusterSettings
) -> np.ndarray:
    documents = np.flatnonzero(signed)
    base = np.int64(signed.shape[0] + 1)
    # Pairs are kept as sorted unique codes ``i * base + j``; the same pair met in many bands is
    # merged as the bands go, so memory follows the distinct pairs, not pairs times bands.
    unique = np.empty(0, dtype=np.int64)
    pending: list[np.ndarray] = []
    pending_size = 0
    for band in range(bands):
        pairs = bucket_pairs(key_of(band)[documents], documents, settings)
        if len(pairs):
            pending.append(
                np.minimum(pairs[:, 0], pairs[:, 1]) * base + np.maximum(pairs[:, 0], pairs[:, 1])
            )
            pending_size += pending[-1].size
        if pending and (pending_size > max(unique.size, 1 << 18) or band == bands - 1):
            fresh = _sorted_unique(np.sort(np.concatenate(pending)))
            # Two sorted runs: a stable sort (timsort) merges them in linear time.
            unique = _sorted_unique(np.sort(np.concatenate([unique, fresh]), kind="stable"))
            pending, pending_size = [], 0
    return np.stack([unique // base, unique % base], axis=1)


def _sorted_unique(codes: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (np.unique hashes int64 in numpy 2, many times
    slower than sorting here)."""
    if codes.size == 0:
        return codes
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))]


def _star_and_chain(bucket: np.ndarray) -> np.ndarray:
    bucket = np.sort(bucket)
    star = np.stack([np.full(bucket.size - 1, bucket[0]), bucket[1:]], axis=1)
    chain = np.stack([bucket[1:-1], bucket[2:]], axis=1)
    return np.concatenate([star, chain])


def _agreement(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Share of equal signature values of each pair: an estimate of their shingle Jaccard."""
    out = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), 65_536):
        chunk = pairs[start : start + 65_536]
        out[start : start + len(chunk)] = (signatures[chunk[:, 0]] == signatures[chunk[:, 1]]).mean(
            axis=1
        )
    return out


def similarity(a: str, b: str, *, settings: ClusterSettings, cutoff: float = 0.0) -> float:
    """Normalised Indel similarity of two token strings, 0..1 (0 when below ``cutoff``)."""
    limit = settings.max_compare_tokens
    return Indel.normalized_similarity(a[:limit], b[:limit], score_cutoff=cutoff)


class UnionFind:
    """Disjoint sets over ``0..size-1``; the root of a set is its smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        """The root of ``item``'s set."""
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``; False when they were one already."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        return True

    def groups(self) -> list[list[int]]:
        """Every set, each sorted, sets ordered by their first member."""
        members: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            members.setdefault(self.find(i), []).append(i)
        return sorted(members.values(), key=lambda group: group[0])


def join_copies(pairs: np.ndarray, token_strings: Sequence[str], groups: UnionFind) -> np.ndarray:
    """The shuffle's copy pairs whose token strings are equal, joined in ``groups``; returns
    the pairs that joined two sets."""
    joined = [
        (i, j)
        for i, j in pairs.tolist()
        if token_strings[i] == token_strings[j] and groups.union(i, j)
    ]
    return np.array(joined, dtype=np.int64).reshape(-1, 2)


def verify_pairs(
    pairs: np.ndarray,
    token_strings: Sequence[str],
    signatures: np.ndarray,
    settings: ClusterSettings,
    groups: UnionFind,
    progress: Progress | None = None,
    subjects: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, int]:
    """The verify step over candidate pairs (positions into ``token_strings`` and
    ``signatures``), in sorted order. Pairs whose signatures agree too little are dropped
    unread; pairs already in one set of ``groups`` are skipped (it changes nothing but the
    time); the others are scored and joined when similar enough and, given ``subjects``
    (:func:`parallax.core.about.subject_keys`), about the same event.

    Returns the pairs that joined two sets and the number of pairs scored.
    """
    pairs = pairs[_agreement(signatures, pairs) >= settings.min_agreement]
    verified = 0
    joined: list[tuple[int, int]] = []
    for done, (i, j) in enumerate(pairs.tolist(), 1):
        if groups.find(i) != groups.find(j):
            verified += 1
            score = similarity(
                token_strings[i], token_strings[j], settings=settings, cutoff=settings.threshold
            )
            if (
                score >= settings.threshold
                and (subjects is None or _same_subject(subjects[i], subjects[j], score, settings))
                and groups.union(i, j)
            ):
                joined.append((i, j))
        if progress is not None and (done % 20_000 == 0 or done == len(pairs)):
            progress("verifying", done, len(pairs))
    return np.array(joined, dtype=np.int64).reshape(-1, 2), verified


def _same_subject(a: np.ndarray, b: np.ndarray, score: float, settings: ClusterSettings) -> bool:
    return same_subject(
        a,
        b,
        score,
        least_terms=settings.subject_terms,
        least_share=settings.subject_share,
        unless_similar=settings.subject_unless,
    )


def cluster_signed(
    token_strings: Sequence[str],
    signatures: np.ndarray,
    *,
    settings: ClusterSettings,
    progress: Progress | None = None,
    subjects: Sequence[np.ndarray] | None = None,
) -> tuple[list[list[int]], ClusterStats]:
    """Shuffle, verify and union-find over signed documents (the output of :func:`sign` and
    :func:`parallax.core.about.subject_keys`)."""
    count = len(token_strings)
    positions = np.arange(count, dtype=np.int64)
    groups = UnionFind(count)
    join_copies(copy_pairs(copy_keys(token_strings), positions), token_strings, groups)
    if progress is not None:
        progress("grouping", 0, 1)
    pairs = signature_pairs(signatures, signed_mask(signatures), settings)
    if progress is not None:
        progress("grouping", 1, 1)
    joined, verified = verify_pairs(
        pairs, token_strings, signatures, settings, groups, progress, subjects
    )
    stats = ClusterStats(
        documents=count,
        candidate_pairs=len(pairs),
        verified_pairs=verified,
        joined_pairs=len(joined),
    )
    return groups.groups(), stats


def cluster_texts(
    texts: Sequence[str],
    *,
    settings: ClusterSettings | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> tuple[list[list[int]], ClusterStats]:
    """Cluster texts; return groups of positions (each sorted, groups by first member).

    With ``workers`` > 1 and at least :data:`PARALLEL_FROM` texts, the per-text map (signing
    and subject terms) runs in that many forked processes; the result is the same.
    """
    settings = settings or ClusterSettings()
    if workers > 1 and len(texts) >= PARALLEL_FROM and _FORK in mp.get_all_start_methods():
        token_strings, signatures, subjects = _map_in_parallel(texts, settings, workers, progress)
    else:
        token_strings, signatures = sign(texts, settings, progress)
        subjects = subject_keys(texts)
    return cluster_signed(
        token_strings, signatures, settings=settings, progress=progress, subjects=subjects
    )


#: Below this many texts, starting processes costs more than the map they would share.
PARALLEL_FROM = 5_000
_FORK = "fork"
#: The texts a forked map reads (inherited by the children, never pickled).
_FORKED_TEXTS: Sequence[str] = ()


def _map_in_parallel(
    texts: Sequence[str], settings: ClusterSettings, workers: int, progress: Progress | None
) -> tuple[list[str], np.ndarray, Subjects]:
    global _FORKED_TEXTS
    count = len(texts)
    pieces = workers * 4
    bounds = [(count * k // pieces, count * (k + 1) // pieces) for k in range(pieces)]
    token_strings: list[str] = []
    blocks: list[np.ndarray] = []
    subjects = Subjects(np.empty(0, dtype=np.uint64), np.zeros(1, dtype=np.int64))
    _FORKED_TEXTS = texts
    try:
        with mp.get_context(_FORK).Pool(workers) as pool:
            for (_, stop), (tokens, block, keys) in zip(
                bounds, pool.imap(partial(_map_piece, settings=settings), bounds), strict=True
            ):
                token_strings.extend(tokens)
                blocks.append(block)
                subjects = subjects + keys
                if progress is not None:
                    progress("signing", stop, count)
    finally:
        _FORKED_TEXTS = ()
    return token_strings, np.concatenate(blocks), subjects


def _map_piece(
    bounds: tuple[int, int], *, settings: ClusterSettings
) -> tuple[list[str], np.ndarray, Subjects]:
    texts = _FORKED_TEXTS[bounds[0] : bounds[1]]
    token_strings, signatures = sign(texts, settings)
    return token_strings, signatures, subject_keys(texts)


def cluster_documents(
    documents: Sequence[Document],
    *,
    settings: ClusterSettings | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> Clustering:
    """Group ``documents`` (in input order) into clusters of near-duplicates (see
    :func:`cluster_texts` for ``workers``)."""
    settings = settings or ClusterSettings()
    groups, stats = cluster_texts(
        _MatchingTexts(documents), settings=settings, progress=progress, workers=workers
    )
    return make_clustering(
        groups,
        [d.index for d in documents],
        [d.id for d in documents],
        settings=settings,
        stats=stats,
    )


def make_clustering(
    groups: Sequence[Sequence[int]],
    indexes: Sequence[int],
    ids: Sequence[str],
    *,
    settings: ClusterSettings,
    stats: ClusterStats,
) -> Clustering:
    """Clusters from groups of positions: members by document index, clusters by their first
    member's index, each named by a hash of its document ids."""
    by_index = sorted(
        (sorted(group, key=lambda k: indexes[k]) for group in groups),
        key=lambda group: indexes[group[0]],
    )
    clusters = tuple(make_cluster([ids[i] for i in group]) for group in by_index)
    return Clustering(clusters=clusters, settings=settings, stats=stats)


class _MatchingTexts(Sequence[str]):
    """The matching text of each document, made when it is read: a million documents' texts
    are never all held a second time."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = documents

    def __len__(self) -> int:
        return len(self._documents)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [matching_text(d) for d in self._documents[index]]
        return matching_text(self._documents[index])

    def __iter__(self) -> Iterator[str]:
        return (matching_text(document) for document in self._documents)


_CLUSTER_FIELDS = {"id", "documents"}


def make_cluster(document_ids: Sequence[str]) -> Cluster:
    """The cluster of these documents (in index order), named by a hash of their ids."""
    digest = hashlib.blake2b("\n".join(document_ids).encode("utf-8"), digest_size=6)
    # One set of field names shared by every cluster (pydantic keeps one per instance, 216
    # bytes, and never changes it on a frozen model): a million clusters save 200 MB.
    return Cluster.model_construct(
        _CLUSTER_FIELDS, id="c" + digest.hexdigest(), documents=tuple(document_ids)
    )

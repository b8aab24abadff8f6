"""Text that is not the story: bylines, credits, datelines, image captions, reader call-outs,
newsletter and sharing prompts, and sentences a corpus repeats under many stories.

Differences in such text are real but unimportant: a reviewer checks claims, not who took the
photo. They are kept in the unimportant tier and collapsed into one item per story.

Two tests, both cheap: the *shape* of a sentence (a small set of patterns, each for a kind of
furniture every outlet prints), and *recurrence*: a sentence found in documents of at least
:data:`RECURRING_STORIES` different stories of the corpus is furniture whatever it says.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from parallax.core.cluster import Clustering
from parallax.core.document import Document
from parallax.core.text import fold

#: A sentence in documents of this many different stories is boilerplate.
RECURRING_STORIES = 3

#: A sentence key with the story it was found under (see :func:`story_key_pairs`).
_PAIR = np.dtype([("story", np.int64), ("key", np.uint64)])

#: Shapes of furniture at the start of a sentence (matched on folded text).
_OPENINGS = [
    # credits and bylines
    r"\(?\s*(?:editing|reporting|additional reporting|writing|compiled|edited|translated)"
    r"(?: by)?\b",
    r"by [a-z][\w.'’-]+(?: [a-z][\w.'’-]+){0,3}(?:,| staff| special| for|$)",
    r"(?:image|photo|picture|video|media) (?:copyright|caption|credit)\b",
    r"(?:image|photo|picture)s?:",
    r"copyright\b",
    # datelines: "WASHINGTON (AP) --", "(Reuters) -"
    r"\(?(?:reuters|ap|afp|bloomberg|cnn|bbc)\)?\s*[-—–]+",
    # call-outs, newsletters, sharing, contact lines
    r"are you\b.{0,80}\?$",
    r"have you been (?:affected|caught up|involved|there)\b",
    r"(?:tweet|twitter|instagram|facebook)\s*:",
    r"(?:send|upload|text|email)\b.{0,40}\b(?:pictures?|photos?|videos?|sms|mms)\b",
    r"(?:follow|like) (?:us|[a-z]+) on\b",
    r"(?:read (?:more|on|the|this)|related|more:|see also|click here|listen to|watch:)",
]
#: Shapes of furniture anywhere in a sentence.
_ANYWHERE = [
    r"\b(?:staff (?:reporter|writer)|correspondent|contributing writer)\b",
    r"\b(?:getty images|afp/getty|ap photo|reuters/|/ reuters|via reuters|postmedia network)\b",
    r"\(photo by\b",
    r"\ball rights reserved\b",
    r"\b(?:share (?:your|this)|get in touch|contact us|tell us)\b",
    r"\b(?:whatsapp|telegram|signal)\s*:?\s*\+?\d",
    r"\b(?:e-?mail us|email:)\b",
    r"\b(?:sign up|subscribe)\b.*\b(?:newsletter|updates|alerts)\b",
    r"\bnewsletter\b",
]
_OPENING = re.compile("|".join(f"(?:{shape})" for shape in _OPENINGS))
_INSIDE = re.compile("|".join(f"(?:{shape})" for shape in _ANYWHERE))
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")


#: A photo credit in parentheses: "(Sean Kilpatrick / THE CANADIAN PRESS)".
_CREDIT = re.compile(r"^\(?\s*[A-Z][\w.'’ -]{2,40}\s/\s[A-Z][A-Z.'’ &-]{1,40}\)?$")


@lru_cache(maxsize=8192)
def looks_like_boilerplate(text: str) -> bool:
    """True when ``text`` has the shape of newsroom furniture (a credit, a byline, a call-out)."""
    flat = " ".join(text.split())
    folded = fold(flat)
    return bool(
        _OPENING.match(folded)
        or _INSIDE.search(folded)
        or ("@" in folded and _EMAIL.search(folded))
        or _CREDIT.match(flat)
    )


#: A sentence for recurrence: text up to and including its closing punctuation, or a line.
#: Deliberately simpler than :mod:`parallax.core.segment` (it needs no offsets and runs over
#: every document of the corpus): counting and :meth:`Boilerplate.covers` split alike.
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")

#: A sentence shorter than this says nothing about furniture ("He said." recurs everywhere).
MIN_WORDS = 4


def sentence_key(text: str) -> int:
    """A 64-bit key of a sentence, equal for sentences equal up to case, width and spacing."""
    return _folded_key(fold(text))


def sentence_keys(text: str) -> set[int]:
    """The keys of the sentences of ``text`` of at least :data:`MIN_WORDS` words (the text is
    folded once, then split)."""
    return {
        _folded_key(piece)
        for piece in _SENTENCE.findall(fold(text))
        if len(piece.split()) >= MIN_WORDS
    }


def _folded_key(folded: str) -> int:
    flat = " ".join(folded.split())
    digest = hashlib.blake2b(flat.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True)
class Boilerplate:
    """Sentences a corpus repeats under many stories (their :func:`sentence_key`)."""

    recurring: frozenset[int] = field(default_factory=frozenset)

    def covers(self, text: str) -> bool:
        """True when ``text`` is boilerplate: by its shape, or because the corpus repeats it."""
        stripped = text.strip()
        if not stripped:
            return False
        if looks_like_boilerplate(stripped):
            return True
        if not self.recurring:
            return False
        keys = sentence_keys(stripped)
        return bool(keys) and keys <= self.recurring


def document_sentence_keys(documents: Sequence[Document]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of the sentences of each document (:func:`sentence_keys`), each key once per
    document, as two arrays: the document's position in ``documents`` (``int64``) and the key
    (``uint64``)."""
    owners: list[int] = []
    keys: list[int] = []
    for position, document in enumerate(documents):
        found = sentence_keys(document.body)
        owners.extend([position] * len(found))
        keys.extend(found)
    return np.array(owners, dtype=np.int64), np.array(keys, dtype=np.uint64)


def story_key_pairs(stories: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Distinct ``(story, key)`` pairs, as a structured array: sentence keys with the story
    (any integer id) of the document they were found in."""
    pairs = np.empty(len(keys), dtype=_PAIR)
    pairs["story"] = stories
    pairs["key"] = keys
    return np.unique(pairs)


def recurring_keys(pairs: Sequence[np.ndarray], *, stories: int = RECURRING_STORIES) -> np.ndarray:
    """The keys found under at least ``stories`` different stories, from
    :func:`story_key_pairs` arrays (a pair may be in several). A distributed engine splits the
    pairs by key (:func:`key_buckets`) and counts each bucket where it lies."""
    joined = np.unique(np.concatenate(list(pairs))) if pairs else np.empty(0, dtype=_PAIR)
    values, counts = np.unique(joined["key"], return_counts=True)
    return values[counts >= stories]


def key_buckets(pairs: np.ndarray, buckets: int) -> list[np.ndarray]:
    """``(story, key)`` pairs split into ``buckets`` arrays by key, to be counted apart."""
    which = pairs["key"] % np.uint64(buckets)
    return [pairs[which == np.uint64(b)] for b in range(buckets)]


def recurring_sentences(
    documents: Sequence[Document], clustering: Clustering, *, stories: int = RECURRING_STORIES
) -> Boilerplate:
    """The sentences found in documents of at least ``stories`` different stories (clusters)
    of the corpus."""
    story_of = {i: n for n, cluster in enumerate(clustering.clusters) for i in cluster.documents}
    owners, keys = document_sentence_keys(documents)
    numbers = np.array([story_of.get(d.id, -1 - k) for k, d in enumerate(documents)])
    pairs = story_key_pairs(numbers[owners] if len(owners) else owners, keys)
    return Boilerplate(frozenset(int(key) for key in recurring_keys([pairs], stories=stories)))

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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from parallax.core.document import Document
from parallax.core.text import fold

#: A sentence in documents of this many different stories is boilerplate.
RECURRING_STORIES = 3

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


def sentence_key(text: str) -> str:
    """A short key of a sentence, equal for sentences equal up to case, width and spacing."""
    folded = " ".join(fold(text).split())
    return hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Boilerplate:
    """Sentences a corpus repeats under many stories (their :func:`sentence_key`)."""

    recurring: frozenset[str] = field(default_factory=frozenset)

    def covers(self, text: str) -> bool:
        """True when ``text`` is boilerplate: by its shape, or because the corpus repeats it."""
        stripped = text.strip()
        if not stripped:
            return False
        if looks_like_boilerplate(stripped):
            return True
        return bool(self.recurring) and sentence_key(stripped) in self.recurring


def recurring_sentences(
    documents: Sequence[Document], story_of: dict[str, str], *, stories: int = RECURRING_STORIES
) -> Boilerplate:
    """The sentences found in documents of at least ``stories`` different stories.

    ``story_of`` maps a document id to its story (cluster) id. Sentences shorter than four
    words are left out: "He said." recurs everywhere and says nothing about furniture.
    """
    seen: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        story = story_of.get(document.id, document.id)
        for text in _sentences(document):
            if len(text.split()) >= 4:
                seen[sentence_key(text)].add(story)
    return Boilerplate(frozenset(key for key, owners in seen.items() if len(owners) >= stories))


def _sentences(document: Document) -> Iterable[str]:
    body = document.body
    for segment in document.segments:
        yield body[segment.start : segment.end]

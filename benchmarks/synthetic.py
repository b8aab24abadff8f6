"""A synthetic news corpus with ground truth, for the benchmarks.

Stories of about 300 words are written from a Zipf-distributed pseudo-vocabulary with English
function words at a realistic rate, names, numbers, dates and citation markers. Stories are
grouped in topics that share a vocabulary, so unrelated stories of one topic are hard negatives.
Each story has 1 to 5 versions; every version after the first changes numbers, names and
citation markers, drops and rewords sentences, and sometimes swaps two sentences.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from parallax.core.document import Document, Origin, document_id

FUNCTION_WORDS = (
    "the of to and a in that is for on was with as by at from it his be are which has have "
    "this an but not were had its their been also after who they more said will would over "
    "than into about before when there up out one all new two could during other between"
).split()
QUALIFIERS = ["about", "over", "nearly", "at least", "up to", "more than", "around"]
UNITS = ["tons", "kilometers", "percent", "million yen", "billion dollars", "meters", "days"]
MONTHS = "January February March April May June July August September October November".split()


def _pseudo_word(rng: random.Random) -> str:
    syllables = ["ka", "to", "ri", "men", "sal", "dor", "vi", "lek", "par", "nu", "ost", "ber"]
    syllables += ["an", "el", "is", "or", "tra", "qui", "zen", "ho", "ma", "fel", "gor", "in"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))


@dataclass(frozen=True)
class Vocabulary:
    """Shared and per-topic words and names, drawn with a Zipf law."""

    common: list[str]
    topics: list[list[str]]
    names: list[str]


def make_vocabulary(rng: random.Random, topics: int) -> Vocabulary:
    words = sorted({_pseudo_word(rng) for _ in range(30_000)})
    rng.shuffle(words)
    common = words[:8_000]
    pool = words[8_000:]
    per_topic = [rng.sample(pool, 150) for _ in range(topics)]
    names = sorted({_pseudo_word(rng).title() for _ in range(5_000)})
    return Vocabulary(common, per_topic, names)


def _zipf_pick(rng: random.Random, words: list[str]) -> str:
    # Rank r is picked with probability ~ 1/r (a Zipf law with exponent 1).
    rank = int(len(words) ** rng.random()) - 1
    return words[min(rank, len(words) - 1)]


def _sentence(rng: random.Random, vocab: Vocabulary, topic: list[str], names: list[str]) -> str:
    words: list[str] = []
    for _ in range(rng.randint(14, 26)):
        roll = rng.random()
        if roll < 0.42:
            words.append(_zipf_pick(rng, FUNCTION_WORDS))
        elif roll < 0.70:
            words.append(_zipf_pick(rng, topic))
        elif roll < 0.96:
            words.append(_zipf_pick(rng, vocab.common))
        elif roll < 0.98:
            words.append(rng.choice(names))
        else:
            words.append(f"{rng.choice(QUALIFIERS)} {rng.randint(2, 900)} {rng.choice(UNITS)}")
    if rng.random() < 0.3:
        words.append(f"on {rng.choice(MONTHS)} {rng.randint(1, 28)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + f" [{rng.randint(1, 9)}][{rng.randint(10, 40)}]."


def _vary(
    rng: random.Random, sentences: list[str], vocab: Vocabulary, names: list[str]
) -> list[str]:
    """A new version: light edits for most, a heavy rewrite (a summary, a rewrite) for some."""
    heavy = rng.random() < 0.25
    out = list(sentences)
    for _ in range(rng.randint(0, max(1, len(out) // 4) if heavy else 2)):  # drop sentences
        if len(out) > 4:
            out.pop(rng.randrange(len(out)))
    rewrites = rng.randint(len(out) // 4, len(out) // 2) if heavy else rng.randint(1, 3)
    for _ in range(rewrites):  # reword a sentence: replace 20-50% of its words
        i = rng.randrange(len(out))
        words = out[i].split(" ")
        share = rng.uniform(0.2, 0.5)
        for j in rng.sample(range(len(words)), k=max(1, int(len(words) * share))):
            if not words[j].startswith("["):
                words[j] = _zipf_pick(rng, vocab.common)
        out[i] = " ".join(words)
    for _ in range(rng.randint(1, 3)):  # change a number, a name, a citation marker
        i = rng.randrange(len(out))
        out[i] = _replace_first_number(out[i], rng)
        if names:
            out[i] = out[i].replace(rng.choice(names), rng.choice(vocab.names), 1)
        out[i] = out[i].replace("][", f"][{rng.randint(41, 60)}][", 1)
    if len(out) > 3 and rng.random() < 0.3:  # swap two neighbouring sentences
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return out


def _replace_first_number(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    for j, word in enumerate(words):
        if word.isdigit():
            words[j] = str(int(word) + rng.randint(1, 50))
            break
    return " ".join(words)


def generate(
    documents: int, *, seed: int = 42, words_per_story: int = 300
) -> tuple[list[Document], list[int]]:
    """Return ``documents`` synthetic documents and, for each, the id of its true story."""
    rng = random.Random(seed)
    vocab = make_vocabulary(rng, topics=max(1, documents // 60))
    out: list[Document] = []
    truth: list[int] = []
    start = datetime(2026, 1, 1)
    background: dict[int, list[str]] = {}
    for story, story_docs in enumerate(_stories(rng, documents)):
        topic_index = rng.randrange(len(vocab.topics))
        topic = vocab.topics[topic_index]
        names = rng.sample(vocab.names, 6)
        base: list[str] = []
        # Hard negatives: a fifth of the stories reuse background sentences of an earlier,
        # different story on the same topic.
        if topic_index in background and rng.random() < 0.2:
            base.extend(rng.sample(background[topic_index], k=2))
        while sum(len(s.split()) for s in base) < words_per_story:
            base.append(_sentence(rng, vocab, topic, names))
        background[topic_index] = base[-4:]
        title = " ".join(_zipf_pick(rng, topic) for _ in range(rng.randint(5, 9))).title()
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 300))
        for version in range(story_docs):
            sentences = base if version == 0 else _vary(rng, base, vocab, names)
            body = " ".join(sentences)
            version_title = title if rng.random() < 0.7 else f"{title} {_pseudo_word(rng)}"
            published = when + timedelta(minutes=rng.randint(0, 600))
            raw = published.strftime("%Y-%m-%d %H:%M")
            out.append(
                Document.model_construct(
                    id=document_id(version_title, "Synthetic", raw, body) + f"-{len(out)}",
                    index=len(out) + 1,
                    title=version_title,
                    source=f"Outlet {rng.randint(1, 40)}",
                    published=published,
                    published_raw=raw,
                    url=None,
                    external_id=None,
                    origin=Origin(path="synthetic", line=len(out) + 1),
                    format="text",
                    encoding="utf-8",
                    body=body,
                )
            )
            truth.append(story)
    order = list(range(len(out)))
    rng.shuffle(order)
    shuffled = [out[i] for i in order]
    shuffled = [d.model_copy(update={"index": i + 1}) for i, d in enumerate(shuffled)]
    return shuffled, [truth[i] for i in order]


def _stories(rng: random.Random, documents: int) -> Iterator[int]:
    remaining = documents
    while remaining > 0:
        size = min(remaining, rng.randint(1, 5))
        remaining -= size
        yield size


def pairwise_scores(predicted: list[int], truth: list[int]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering (labels per item) against the truth."""
    from collections import Counter

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = pairs(Counter(zip(predicted, truth, strict=True)))
    predicted_pairs = pairs(Counter(predicted))
    true_pairs = pairs(Counter(truth))
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def story(versions: int, *, words: int = 2000, seed: int = 7) -> list[Document]:
    """One story of about ``words`` words in ``versions`` versions (the first is the original)."""
    rng = random.Random(seed)
    vocab = make_vocabulary(rng, topics=4)
    topic = vocab.topics[0]
    names = rng.sample(vocab.names, 8)
    base: list[str] = []
    while sum(len(s.split()) for s in base) < words:
        base.append(_sentence(rng, vocab, topic, names))
    documents = []
    for version in range(versions):
        sentences = base if version == 0 else _vary(rng, base, vocab, names)
        body = " ".join(sentences)
        documents.append(
            Document(
                id=f"s{version}",
                index=version + 1,
                title=f"Story version {version + 1}",
                source=f"Outlet {version + 1}",
                origin=Origin(path="synthetic", line=version + 1),
                format="text",
                body=body,
            )
        )
    return documents


# --- reports of different events written from one template ----------------------------------

TEMPLATES = [
    "A magnitude {figure} earthquake struck {place} on {day}, the {agency} said. The quake hit "
    "at a depth of {small} km, about {medium} km from {city}. There were no immediate reports "
    "of damage or casualties, {person} told {outlet}. The region sits on a fault line where "
    "earthquakes are common. Residents felt strong shaking for about {small} seconds, and "
    "some buildings swayed in {city}.",
    "{company} reported quarterly revenue of {figure} billion dollars on {day}, above the "
    "{medium} billion analysts had expected. Chief executive {person} said demand from "
    "{place} had recovered faster than planned. Shares of {company} rose {small}% in early "
    "trading in {city}. The company raised its forecast for the full year and said it would "
    "buy back shares worth {medium} million dollars, {outlet} reported.",
    "Voters in {place} elected {person} as mayor on {day}, with {figure}% of the ballots "
    "counted, the {agency} said. Turnout was {small}%, the highest since {year}. {person} "
    "promised to build {medium} new homes in {city} and to cut fares on public transport. "
    "The defeated candidate conceded late in the evening, according to {outlet}.",
    "A court in {city} sentenced {person} to {small} years in prison on {day} for fraud "
    "involving {figure} million dollars, the {agency} said. Prosecutors had sought {medium} "
    "years. The judge said the scheme had cost savers in {place} their pensions. Lawyers for "
    "{person} said they would appeal, {outlet} reported.",
    "The {agency} issued a storm warning for {place} on {day}, with winds of up to {medium} "
    "km/h expected. Schools in {city} will stay closed and {figure} flights were cancelled. "
    "Forecasters said up to {small} cm of rain could fall overnight. {person}, a spokesperson "
    "for the city, urged residents to stay indoors, {outlet} reported.",
]
_PLACES = (
    "Hokkaido Chile Peru Sicily Alaska Java Anatolia Oaxaca Crete Luzon Bavaria Ontario".split()
)
_CITIES = "Sapporo Valparaiso Lima Palermo Anchorage Bandung Konya Puebla Heraklion Manila".split()
_AGENCIES = [
    "Meteorological Agency",
    "Geological Survey",
    "Electoral Commission",
    "Justice Ministry",
    "Weather Service",
    "Civil Protection Office",
]
_COMPANIES = "Vantor Keldri Ostrava Lumen Pellworth Quorra Sandell Trivik Ambrex Corvane".split()
_OUTLETS = "Reuters AFP Kyodo Bloomberg NHK Xinhua".split()
_PEOPLE = [
    "Maria Keller",
    "Tomas Brandt",
    "Aiko Sato",
    "Daniel Okafor",
    "Lucia Ferraro",
    "Ivan Petrov",
    "Sara Lind",
    "Omar Haddad",
    "Nina Kowalski",
    "Jorge Ruiz",
]
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def template_events(
    *, seed: int = 5, events_per_template: int = 6, versions: int = 3
) -> tuple[list[Document], list[int]]:
    """Reports of different events written from the same templates, each event in a few
    versions that disagree on one name or one figure (as re-published copies do). Returns the
    documents and, for each, the id of its true event."""
    rng = random.Random(seed)
    out: list[Document] = []
    truth: list[int] = []
    copies: dict[str, int] = {}
    event = 0
    for template in TEMPLATES:
        for _ in range(events_per_template):
            slots = {
                "figure": f"{rng.randint(2, 9)}.{rng.randint(0, 9)}",
                "place": rng.choice(_PLACES),
                "city": rng.choice(_CITIES),
                "day": rng.choice(_DAYS),
                "agency": rng.choice(_AGENCIES),
                "company": rng.choice(_COMPANIES),
                "outlet": rng.choice(_OUTLETS),
                "person": rng.choice(_PEOPLE),
                "small": str(rng.randint(3, 40)),
                "medium": str(rng.randint(50, 900)),
                "year": str(rng.randint(1990, 2020)),
            }
            for version in range(rng.randint(1, versions)):
                filled = dict(slots)
                if version:
                    # One name or one figure differs between the versions of one event.
                    changed = rng.choice(["person", "figure", "outlet"])
                    filled[changed] = (
                        rng.choice(_PEOPLE)
                        if changed == "person"
                        else rng.choice(_OUTLETS)
                        if changed == "outlet"
                        else f"{rng.randint(2, 9)}.{rng.randint(0, 9)}"
                    )
                body = template.format(**filled)
                title = body.split(",")[0][:80]
                index = len(out) + 1
                # A version may draw the value it changes again: an exact copy, which gets
                # its own id as load() gives repeated copies (``id-2``).
                base = document_id(title, filled["outlet"], None, body)
                copies[base] = copies.get(base, 0) + 1
                out.append(
                    Document(
                        id=base if copies[base] == 1 else f"{base}-{copies[base]}",
                        index=index,
                        title=title,
                        source=filled["outlet"],
                        origin=Origin(path="template", line=index),
                        format="json",
                        body=body,
                    )
                )
                truth.append(event)
            event += 1
    return out, truth


def write_jsonl(documents: list[Document], folder, *, files: int = 1) -> list[str]:
    """Write ``documents`` as JSON Lines into ``files`` files of ``folder`` (in input order);
    return their paths. ``parallax`` reads them back as the same documents, in the same order."""
    import json
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    per_file = max(1, -(-len(documents) // files))
    paths = []
    for number, start in enumerate(range(0, len(documents), per_file)):
        path = folder / f"part-{number:05d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for document in documents[start : start + per_file]:
                record = {
                    "title": document.title,
                    "source": document.source,
                    "published": document.published_raw,
                    "body": document.body,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        paths.append(str(path))
    return paths

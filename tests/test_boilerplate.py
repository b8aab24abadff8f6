"""Boilerplate by recurrence (issue 9): a sentence the corpus repeats under several stories is
furniture, whatever it says, and a difference in it is unimportant in every path that analyses
stories: the report, the app and the index."""

from __future__ import annotations

import numpy as np

from parallax.core.boilerplate import (
    RECURRING_STORIES,
    Boilerplate,
    document_sentence_keys,
    key_buckets,
    recurring_keys,
    recurring_sentences,
    sentence_key,
    story_key_pairs,
)
from parallax.core.cluster import Cluster, Clustering, ClusterSettings, ClusterStats
from parallax.core.report import analyse_story, build_report
from parallax.tui.session import ReviewSession
from tests.factories import doc

#: Says nothing a shape recognises: only its recurrence makes it furniture.
FURNITURE = "The museum opens its doors daily from nine in the morning until five."

TOPICS = [
    "The council approved a new budget for the harbour on Tuesday after a long debate.",
    "Heavy rain flooded three villages in the valley and closed the mountain road.",
    "A local team won the regional chess final with a late queen sacrifice.",
    "The factory will hire two hundred workers when its new line opens in spring.",
]


def clustering_of(clusters: list[Cluster]) -> Clustering:
    documents = sum(len(c.documents) for c in clusters)
    return Clustering(
        clusters=tuple(clusters),
        settings=ClusterSettings(),
        stats=ClusterStats(
            documents=documents, candidate_pairs=0, verified_pairs=0, joined_pairs=0
        ),
    )


def corpus(with_furniture: int) -> tuple[list, Clustering]:
    """Four one-version stories, the first ``with_furniture`` ending with FURNITURE, and a
    two-version story whose second version alone carries it."""
    documents = []
    clusters = []
    for n, topic in enumerate(TOPICS, 1):
        body = f"{topic} {FURNITURE}" if n <= with_furniture else topic
        documents.append(doc(body, index=n))
        clusters.append(Cluster(id=f"s{n}", documents=(f"d{n}",)))
    claim = "The mayor said the new bridge will open to traffic in early June next year."
    documents.append(doc(claim, index=5))
    documents.append(doc(f"{claim} {FURNITURE}", index=6))
    clusters.append(Cluster(id="story", documents=("d5", "d6")))
    return documents, clustering_of(clusters)


def test_a_sentence_under_enough_stories_recurs():
    for furnished, recurs in ((1, False), (RECURRING_STORIES - 1, True), (4, True)):
        documents, clustering = corpus(furnished)
        found = recurring_sentences(documents, clustering)
        # the story that differs counts too: ``furnished`` stories plus it
        assert (sentence_key(FURNITURE) in found.recurring) is recurs, furnished
        assert found.covers(f"  {FURNITURE.upper()} ") is recurs


def test_versions_of_one_story_count_once():
    documents = [doc(f"{TOPICS[0]} {FURNITURE}", index=n) for n in range(1, 6)]
    clustering = clustering_of([Cluster(id="one", documents=tuple(d.id for d in documents))])
    assert recurring_sentences(documents, clustering).recurring == frozenset()


def test_short_sentences_never_recur():
    owners, keys = document_sentence_keys(
        [doc("He said. She agreed. It rained all day long.", index=1)]
    )
    assert keys.tolist() == [sentence_key("It rained all day long.")]
    assert owners.tolist() == [0]


def test_counting_in_buckets_gives_the_same_keys():
    documents, clustering = corpus(4)
    story_of = {i: n for n, c in enumerate(clustering.clusters) for i in c.documents}
    owners, keys = document_sentence_keys(documents)
    numbers = np.array([story_of[d.id] for d in documents])[owners]
    # two halves of the corpus, as two read partitions of a distributed engine
    half = len(keys) // 2
    parts = [
        story_key_pairs(numbers[:half], keys[:half]),
        story_key_pairs(numbers[half:], keys[half:]),
    ]
    whole = recurring_keys([story_key_pairs(numbers, keys)])
    per_bucket = [recurring_keys([key_buckets(p, 3)[b] for p in parts]) for b in range(3)]
    assert sorted(np.concatenate(per_bucket).tolist()) == sorted(whole.tolist())
    assert whole.tolist() == [sentence_key(FURNITURE)]


def _furniture_item(story):
    return [d for d in story.discrepancies if "museum" in " ".join(r.text for r in d.readings)]


def test_a_recurring_sentence_one_version_adds_is_unimportant():
    documents, clustering = corpus(4)
    members = documents[4:]
    cluster = clustering.clusters[-1]
    plain = _furniture_item(analyse_story(cluster, members))
    assert plain and all(d.tier == "reported" for d in plain)  # without the corpus: content
    known = recurring_sentences(documents, clustering)
    items = _furniture_item(analyse_story(cluster, members, boilerplate=known))
    assert items and all(d.tier == "unimportant" for d in items)


def test_report_and_app_use_the_corpus_recurrence():
    documents, clustering = corpus(4)
    report = build_report(documents, clustering, workers=1)
    story = next(s for s in report.clusters if s.id == "story")
    items = _furniture_item(story)
    assert items and all(d.tier == "unimportant" for d in items)
    assert story.severity_counts() == {"high": 0, "medium": 0, "low": 0}

    from parallax.core.entities import AliasTable
    from parallax.core.ingest import Corpus

    session = ReviewSession(Corpus(documents=tuple(documents)), clustering, AliasTable())
    assert session.counts("story") == {"high": 0, "medium": 0, "low": 0}
    assert isinstance(session.boilerplate, Boilerplate)

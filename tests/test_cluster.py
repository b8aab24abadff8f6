"""Near-duplicate clustering: normalisation, the sample's stories, determinism, edge cases."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.core.cluster import (
    ClusterSettings,
    band_keys,
    candidate_pairs,
    cluster_documents,
    cluster_texts,
    sign,
)
from parallax.core.tokens import hash_blobs, normalize, tokenize
from tests.factories import doc


def groups_by_index(corpus_documents, clustering) -> list[set[int]]:
    index = {d.id: d.index for d in corpus_documents}
    return [{index[i] for i in c.documents} for c in clustering.clusters]


# --- normalisation ------------------------------------------------------------------------


def test_normalize_folds_case_width_diacritics_and_citations():
    assert normalize("Chikyū ＡＢＣ１２３ Minami-Torishima [1][25] [3, 4]").split() == [
        "chikyu",
        "abc123",
        "minami-torishima",
    ]


def test_tokenize_words_numbers_and_cjk_characters():
    assert tokenize("Japan's 6000-meter trial, [1][25] U.S.") == [
        "japan",
        "s",
        "6000",
        "meter",
        "trial",
        "u",
        "s",
    ]
    assert tokenize("日本派船探查 Chikyu号") == ["日", "本", "派", "船", "探", "查", "chikyu", "号"]
    assert tokenize("ＦＵＬＬ　ｗｉｄｔｈ") == ["full", "width"]


def test_kana_voicing_marks_are_not_folded_like_latin_accents():
    assert tokenize("が") == ["が"]
    assert tokenize("か") == ["か"]


def test_punctuation_only_text_still_has_tokens():
    assert tokenize("!!! ...") == ["!", "!", "!", ".", ".", "."]


def test_token_hashes_are_fixed_functions_of_the_bytes():
    # Pinned so that clusters stay the same across processes, machines and releases.
    hashes, counts = hash_blobs([b"rare earth", b"earth"])
    assert counts.tolist() == [2, 1]
    assert hashes[1] == hashes[2]
    assert hashes.tolist()[:2] == [13929759590556616818, 8147945470442429528]


# --- the sample -----------------------------------------------------------------------------


def test_sample_clusters_exactly(demo):
    clustering = cluster_documents(demo.documents)
    assert groups_by_index(demo.documents, clustering) == [{1, 2, 3}, {4, 5}, {6}]
    assert all(c.id.startswith("c") for c in clustering.clusters)


def test_sample_cluster_ids_are_stable(demo, demo_path):
    from parallax.core.ingest import load

    first = cluster_documents(demo.documents)
    again = cluster_documents(load([demo_path]).documents)
    assert [c.id for c in first.clusters] == [c.id for c in again.clusters]


def test_clusters_do_not_depend_on_the_hash_seed(demo_path):
    code = (
        "import json, sys\n"
        "from parallax.core.ingest import load\n"
        "from parallax.core.cluster import cluster_documents, sign\n"
        "docs = load([sys.argv[1]]).documents\n"
        "c = cluster_documents(docs)\n"
        "_, s = sign([d.body for d in docs], c.settings)\n"
        "print(json.dumps([c.model_dump(mode='json')['clusters'], s.sum().item()]))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", code, str(demo_path)],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_threshold_one_keeps_only_exact_copies(demo):
    clustering = cluster_documents(demo.documents, settings=ClusterSettings(threshold=1.0))
    assert len(clustering.clusters) == 6


# --- edge cases -----------------------------------------------------------------------------


def test_empty_corpus_and_single_document():
    assert cluster_documents([]).clusters == ()
    [only] = cluster_documents([doc("Just one document here.", index=1)]).clusters
    assert only.documents == ("d1",)


def test_documents_without_words():
    documents = [
        doc("!!! ... ???", index=1),
        doc("!!! ... ???", index=2),
        doc("12 34 56 78", index=3),
        doc("12 34 56 78", index=4),
        doc("", index=5),
        doc("   ", index=6),
        doc("99 98 97 96 95", index=7),
    ]
    clustering = cluster_documents(documents)
    assert groups_by_index(documents, clustering) == [{1, 2}, {3, 4}, {5, 6}, {7}]


def test_identical_copies_are_one_cluster_however_many(tmp_path):
    body = "The same article, copied many times over by many outlets. " * 20
    documents = [doc(body, index=i, title="Same") for i in range(1, 201)]
    documents.append(doc("Something else entirely, about another subject.", index=201))
    clustering = cluster_documents(documents)
    assert [len(c.documents) for c in clustering.clusters] == [200, 1]


def test_duplicated_identical_files_cluster_together(tmp_path, demo_path):
    from parallax.core.ingest import load

    (tmp_path / "a.txt").write_bytes(demo_path.read_bytes())
    (tmp_path / "b.txt").write_bytes(demo_path.read_bytes())
    corpus = load([tmp_path])
    clustering = cluster_documents(corpus.documents)
    assert groups_by_index(corpus.documents, clustering) == [
        {1, 2, 3, 7, 8, 9},
        {4, 5, 10, 11},
        {6, 12},
    ]


def test_enormous_document_is_clustered():
    sentence = "Deep sea mud near Minami-Torishima holds rare earth elements worth mining. "
    huge = sentence * (10_000_000 // len(sentence))
    assert len(huge) >= 9_900_000
    documents = [
        doc(huge, index=1),
        doc(huge + " One more sentence.", index=2),
        doc("Unrelated text.", index=3),
    ]
    clustering = cluster_documents(documents)
    assert groups_by_index(documents, clustering) == [{1, 2}, {3}]


def test_cjk_versions_cluster_and_differ_from_other_cjk_stories():
    one = "日本深海钻探船地球号从静冈县清水港出发，前往南鸟岛海域，开展含稀土海底泥的钻探试验。"
    two = "日本深海钻探船“地球号”从静冈县清水港出发，前往南鸟岛附近海域，开展稀土泥钻探试验。"
    other = "美国政府试图与澳大利亚莱纳斯公司合作，在美国建立稀土加工厂，但进展缓慢，屡屡停滞。"
    documents = [doc(one * 3, index=1), doc(two * 3, index=2), doc(other * 3, index=3)]
    assert groups_by_index(documents, cluster_documents(documents)) == [{1, 2}, {3}]


def test_mixed_english_and_chinese_versions():
    one = "Japan 日本 launched a deep-sea rare earth trial 深海稀土 near Minami-Torishima today."
    two = "Japan 日本 has launched a deep-sea rare earth trial 深海稀土 near Minami-Torishima."
    groups, _ = cluster_texts([one * 4, two * 4, "Nothing alike at all, 完全不同的内容。" * 4])
    assert groups == [[0, 1], [2]]


def test_progress_is_reported_per_stage(demo):
    seen = []
    cluster_documents(demo.documents, progress=lambda stage, done, total: seen.append(stage))
    assert {"signing", "grouping", "verifying"} <= set(seen)


# --- fast implementations against slow obvious ones -------------------------------------------

texts = st.lists(
    st.text(alphabet="abcde fgh日本稀土.", min_size=0, max_size=60), min_size=1, max_size=12
)


@settings(max_examples=80, deadline=None)
@given(texts, st.integers(min_value=0, max_value=11))
def test_a_signature_depends_only_on_its_own_text(batch, position):
    cluster_settings = ClusterSettings()
    position %= len(batch)
    _, together = sign(batch, cluster_settings)
    _, alone = sign([batch[position]], cluster_settings)
    assert np.array_equal(together[position], alone[0])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=4, max_size=4), min_size=0, max_size=30))
def test_candidate_pairs_match_the_obvious_all_pairs_definition(rows):
    cluster_settings = ClusterSettings(bins=8, band_rows=2, max_bucket=1000)
    signatures = np.array(rows or np.empty((0, 4)), dtype=np.uint32).reshape(-1, 4)
    signatures = np.repeat(signatures, 2, axis=1)  # 8 bins, 4 bands of identical halves
    keys = band_keys(signatures, cluster_settings)
    fast = {tuple(p) for p in candidate_pairs(keys, np.ones(len(rows), bool), cluster_settings)}
    slow = {
        (i, j)
        for i, j in itertools.combinations(range(len(rows)), 2)
        if any(keys[i, b] == keys[j, b] for b in range(keys.shape[1]))
    }
    assert fast == slow


# --- command line ---------------------------------------------------------------------------


def test_cluster_json_schema(cli, demo_path):
    result = cli("cluster", str(demo_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["schema"] == "parallax.clusters/1"
    assert [set(d) for d in payload["documents"]] == [
        {"id", "index", "title", "source", "published", "origin"}
    ] * 6
    by_id = {d["id"]: d["index"] for d in payload["documents"]}
    assert [[by_id[i] for i in c["documents"]] for c in payload["clusters"]] == [
        [1, 2, 3],
        [4, 5],
        [6],
    ]
    assert result.stderr == b""  # no progress bar when stderr is not a terminal


def test_cluster_text_and_threshold(cli, demo_path):
    result = cli("cluster", str(demo_path))
    text = result.stdout.decode()
    assert "6 documents, 2 stories with several versions, 1 single document (threshold" in text
    strict = cli("cluster", str(demo_path), "--threshold", "0.99", "--format", "json")
    assert len(json.loads(strict.stdout)["clusters"]) == 6
    bad = cli("cluster", str(demo_path), "--threshold", "2")
    assert bad.returncode == 2
    assert b"expected a number between 0 and 1" in bad.stderr


@pytest.mark.parametrize("threshold", ["0.2", "0.5"])
def test_cluster_settings_are_echoed(cli, demo_path, threshold):
    result = cli("cluster", str(demo_path), "--format", "json", "--threshold", threshold)
    assert json.loads(result.stdout)["settings"]["threshold"] == float(threshold)


def test_progress_bar_on_a_terminal_stderr(demo_path):
    import os
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "parallax.tui", "cluster", str(demo_path), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    out, _ = process.communicate(timeout=120)
    shown = b""
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.returncode == 0
    assert json.loads(out)["schema"] == "parallax.clusters/1"  # stdout stays clean JSON
    assert b"Signing documents" in shown or b"Reading" in shown


# --- reports of different events written from one template (issue 9) ----------------------------

QUAKE = (
    "A magnitude {m} earthquake struck {place} on {day}, the {agency} said. The quake hit at a "
    "depth of {depth} km, about {far} km from {city}. There were no immediate reports of damage "
    "or casualties, {official} told {outlet}. The region sits on a fault line where earthquakes "
    "are common. Residents felt strong shaking for about {seconds} seconds, and some buildings "
    "swayed in {city}."
)
FIRST = dict(
    m="6.1",
    place="off the coast of Hokkaido",
    day="Monday",
    agency="Meteorological Agency",
    depth=10,
    far=80,
    city="Sapporo",
    official="Mayor Aiko Sato",
    outlet="Kyodo",
    seconds=30,
)
OTHER = dict(
    m="5.4",
    place="near Valparaiso",
    day="Thursday",
    agency="Geological Survey",
    depth=35,
    far=40,
    city="Santiago",
    official="Governor Jorge Ruiz",
    outlet="Reuters",
    seconds=20,
)


def test_reports_of_different_events_from_one_template_are_different_stories():
    texts = [QUAKE.format(**FIRST), QUAKE.format(**OTHER)]
    groups, _ = cluster_texts(texts)
    assert groups == [[0], [1]]
    # the words alone would join them: the check on what they are about separates them
    unchecked = ClusterSettings(subject_share=0.0)
    assert cluster_texts(texts, settings=unchecked)[0] == [[0, 1]]


def test_versions_that_disagree_on_one_name_still_cluster():
    versions = [
        QUAKE.format(**FIRST),
        QUAKE.format(**{**FIRST, "official": "Mayor Ken Mori"}),
        QUAKE.format(**{**FIRST, "m": "6.3"}),
    ]
    assert cluster_texts(versions)[0] == [[0, 1, 2]]


def test_a_parallel_map_gives_the_same_clusters(monkeypatch):
    """The app signs in forked processes (``workers``): same clusters, same statistics, and
    progress that only goes forward to the end."""
    import parallax.core.cluster as cluster

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from synthetic import generate

    documents, _ = generate(600, seed=9)
    serial = cluster.cluster_documents(documents)
    monkeypatch.setattr(cluster, "PARALLEL_FROM", 100)
    seen: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "signing":
            seen.append(done)

    parallel = cluster.cluster_documents(documents, workers=2, progress=progress)
    assert parallel == serial
    assert len(serial.clusters) < len(documents)  # there is something to join
    assert seen == sorted(seen) and seen[-1] == len(documents) and len(seen) == 8

"""Annotations stay on the text they were made on (issue 10): re-anchoring only within an
annotation's own document, Hypothesis-style scoring, successors of edited documents, history
without new authors or times, relinking after a new analysis, migrations, and a property test."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from parallax.core.annotations import Annotation, Workspace, make_target, match_quote
from parallax.core.annotations import store as store_module
from parallax.core.annotations.anchoring import Spot
from parallax.core.annotations.book import AnnotationBook, default_workspace, match_discrepancy
from parallax.core.annotations.models import Quote, Target, now
from parallax.core.cluster import cluster_documents
from parallax.core.discrepancy import Discrepancy, Reading
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.ingest import load
from parallax.tui.session import ReviewSession
from tests.factories import doc

OTHER_FILE = [
    {
        "id": "n1",
        "title": "Chip maker results",
        "body": "Revenue rose 2 percent. About 15% of ASML's sales may fall, at least for now. "
        "Takashi's cabinet was not mentioned. The 2026 revenue is 2.6 trillion yen in total.",
    },
    {
        "id": "n2",
        "title": "Quake report",
        "body": "The quake struck at a depth of 15 km; 2 people were killed and 3 hurt, police "
        "said. Officials may revise it. At least 20 days of aid are planned.",
    },
]


def write_other(folder: Path) -> Path:
    path = folder / "other.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in OTHER_FILE) + "\n", encoding="utf-8")
    return path


def copy_demo(folder: Path, demo_path: Path) -> Path:
    source = folder / "export.txt"
    source.write_bytes(demo_path.read_bytes())
    return source


def first_story(source: Path):
    corpus = load([source])
    session = ReviewSession(corpus, cluster_documents(corpus.documents), AliasTable())
    cluster = next(c for c in session.clusters if len(c.documents) > 1)
    return session, cluster


def span(document: Document, text: str) -> tuple[int, int]:
    start = document.body.index(text)
    return start, start + len(text)


def rows(workspace: Workspace) -> tuple[list, list]:
    return (
        [(s.annotation, s.key, s.withdrawn) for s in workspace.all(include_withdrawn=True)],
        workspace.history(),
    )


def edit_lines(source: Path, change) -> None:
    lines = source.read_text(encoding="utf-8").split("\n")
    source.write_text("\n".join(change(lines)), encoding="utf-8")


# --- defect 1: never into another file's documents ------------------------------------------


def test_opening_another_file_neither_moves_nor_rewrites_annotations(tmp_path, demo_path, cli):
    source = copy_demo(tmp_path, demo_path)
    other = write_other(tmp_path)
    path = default_workspace(source)
    assert path == default_workspace(other)  # files in one folder share a workspace
    session, cluster = first_story(source)
    story = session.story(cluster.id)
    made = []
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, session.corpus.documents)
        for discrepancy in story.discrepancies:
            target = book.target_for(discrepancy, cluster.id)
            made.append(book.annotate(target, "ana", tags=["error"], note="wrong"))
        first = session.documents_of(cluster.id)[0]
        for short in (" 2.6", " 20 ", "Takashi's cabinet"):
            start, end = span(first, short)
            made.append(book.annotate(make_target(first, start + 1, end), "ana", tags=["x"]))
        before = rows(workspace)
    with Workspace.open(path) as workspace:  # the app opened on the other file alone
        book = AnnotationBook(workspace, load([other]).documents)
        assert book.annotations() == [] and book.orphans() == []
        assert book.elsewhere == len(made)
        assert rows(workspace) == before  # not one row written
    result = cli("export", str(source), "--format", "json")
    assert result.returncode == 0, result.stderr
    exported = {a["id"]: a for a in json.loads(result.stdout)["annotations"]}
    ours = {d.id for d in session.corpus.documents}
    for annotation in made:
        out = exported[annotation.id]
        assert out["target"]["document"] in ours
        assert out["target"]["exact"] == annotation.target.exact
        assert datetime.fromisoformat(out["modified"]) == annotation.modified
        assert not out["orphaned"]


# --- where in a document -----------------------------------------------------------------------


def test_a_short_quote_is_never_placed_by_the_quote_alone():
    old = "Police said 2 people were killed in the blast on Monday."
    start = old.index("2 people")
    prefix, suffix = old[max(0, start - 32) : start], old[start + 1 : start + 33]
    # Its sentence was rewritten; another "2" elsewhere is not it.
    new = "Officials gave no toll. Shares fell 2 points, analysts noted on a quiet day."
    assert match_quote(new, "2", prefix, suffix, hint=start) is None
    # Its own sentence with a small edit: found there, not at the other "2".
    edited = "In 2 weeks. " + old.replace("Monday", "Tuesday")
    found = match_quote(edited, "2", prefix, suffix, hint=start)
    assert found is not None and edited[found.start : found.end + 7] == "2 people"


def test_scores_weigh_quote_prefix_suffix_and_position():
    text = "the rate rose today. the rate fell sharply. the rate rose again."
    start = text.index("rate fell")
    prefix, suffix = text[max(0, start - 32) : start], text[start + 4 : start + 36]
    found = match_quote(text, "rate", prefix, suffix, hint=0)
    assert found.start == start and found.quote == 1.0 and found.score > 0.9
    # A long quote found once needs no context; found twice, it does.
    long = "the drilling vessel left the port of Shimizu"
    assert match_quote(f"Later, {long}.", long, "x" * 32, "y" * 32).start == 7
    assert match_quote(f"{long}. {long}.", long, "x" * 32, "y" * 32) is None
    # An edited long quote is found approximately when its context agrees.
    before, after = "Reports on Monday said that ", " and would return in May."
    edited = before + long.replace("Shimizu", "Shimidzu") + after
    found = match_quote(edited, long, before, after, hint=len(before))
    assert found is not None and found.quote < 1.0
    assert edited[found.start : found.end].startswith("the drilling vessel")


def test_an_edited_document_is_followed_in_its_file_never_into_a_sibling(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    corpus = load([source])
    second = corpus.documents[1]
    path = tmp_path / "review.sqlite"
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, corpus.documents)
        start, end = span(second, "Takashi's cabinet")  # also in #1, word for word
        note = book.annotate(make_target(second, start, end), "ana", note="check")
    # A whitespace edit in #2: the annotation follows #2's successor.
    edit_lines(source, lambda lines: [*lines[:7], lines[7].replace(" - ", "  -  ", 1), *lines[8:]])
    corpus = load([source])
    with Workspace.open(path) as workspace:
        [placed] = AnnotationBook(workspace, corpus.documents).annotations()
    assert placed.target.document == corpus.documents[1].id != second.id
    assert not placed.orphaned and placed.target.exact == "Takashi's cabinet"
    # #2 removed from the file: orphaned, not moved into #1 (which has the same words).
    edit_lines(source, lambda lines: [*lines[:5], *lines[8:]])
    corpus = load([source])
    assert len(corpus.documents) == 5
    with Workspace.open(path) as workspace:
        [placed] = AnnotationBook(workspace, corpus.documents).annotations()
        assert placed.orphaned and placed.id == note.id
        assert placed.target.document not in {d.id for d in corpus.documents}


def test_reanchoring_is_recorded_but_keeps_who_and_when(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    corpus = load([source])
    first = corpus.documents[0]
    path = tmp_path / "review.sqlite"
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, corpus.documents)
        made = book.annotate(make_target(first, *span(first, "Sanna Takashi")), "ana", tags=["e"])
    edit_lines(source, lambda lines: [*lines[:4], "Update: " + lines[4], *lines[5:]])
    with Workspace.open(path) as workspace:
        [placed] = AnnotationBook(workspace, load([source]).documents).annotations()
        history = workspace.history(made.id)
        [stored] = workspace.all()
    assert placed.target.start == made.target.start + len("Update: ")
    assert stored.annotation == placed
    assert (placed.reviewer, placed.created, placed.modified) == (
        "ana",
        made.created,
        made.modified,
    )
    assert [(h["action"], h["reviewer"]) for h in history] == [
        ("create", "ana"),
        ("reanchor", "parallax"),
    ]


def test_undo_keeps_where_reanchoring_put_an_annotation(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    first = load([source]).documents[0]
    path = tmp_path / "review.sqlite"
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, [first])
        made = book.annotate(make_target(first, *span(first, "Sanna Takashi")), "ana", tags=["a"])
        book.annotate(made.target, "ana", tags=["a", "b"], existing=made)
    edit_lines(source, lambda lines: [*lines[:4], "Update: " + lines[4], *lines[5:]])
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, load([source]).documents)
        undone = book.undo("ana")
        assert undone.tags == ("a",)
        [placed] = book.annotations()
        assert placed.target.start == made.target.start + len("Update: ")
        assert placed.tags == ("a",)


# --- defect 2: relinking ---------------------------------------------------------------------


def entity(story, name: str) -> Discrepancy:
    return next(d for d in story.discrepancies if d.kind == "entity" and name in d.summary)


def test_tags_follow_their_discrepancy_after_a_source_edit(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    path = tmp_path / "review.sqlite"
    session, cluster = first_story(source)
    third = session.documents_of(cluster.id)[2]
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, session.corpus.documents)
        session.attach(book)
        found = entity(session.story(cluster.id), "Fumio Kishida")
        book.annotate(book.target_for(found, cluster.id, prefer=third.id), "ana", tags=["error"])
    # Whitespace changes in one version: its discrepancies get new ids.
    edit_lines(
        source, lambda lines: [*lines[:10], lines[10].replace(" has ", "  has "), *lines[11:]]
    )
    session, cluster = first_story(source)
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, session.corpus.documents)
        session.attach(book)
        story = session.story(cluster.id)
        again = entity(story, "Fumio Kishida")
        assert again.id != found.id
        assert book.tags_of(again.id) == ["error"]
        assert book.orphans() == []
        [annotation] = book.annotations()
        assert annotation.target.discrepancy == again.id
        assert [q.exact for q in annotation.target.readings if q.placed] == [
            "Sanna Takashi",
            "Sanna Takashi",
            "Fumio Kishida",
        ]
        assert "relink" in [h["action"] for h in workspace.history(annotation.id)]
    with Workspace.open(path) as workspace:  # written: the next start needs no relinking
        [stored] = workspace.all()
        assert stored.annotation.target.discrepancy == again.id


def test_an_annotation_whose_discrepancy_is_gone_is_orphaned_and_listed(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    path = tmp_path / "review.sqlite"
    session, cluster = first_story(source)
    third = session.documents_of(cluster.id)[2]
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, session.corpus.documents)
        found = entity(session.story(cluster.id), "Fumio Kishida")
        book.annotate(book.target_for(found, cluster.id, prefer=third.id), "ana", tags=["error"])
    # #3 corrected: the names agree now, so there is no such discrepancy any more.
    corrected = source.read_text(encoding="utf-8").split("\n")
    corrected[10] = corrected[10].replace("Fumio Kishida", "Sanna Takashi")
    source.write_text("\n".join(corrected), encoding="utf-8")
    session, cluster = first_story(source)
    with Workspace.open(path) as workspace:
        book = AnnotationBook(workspace, session.corpus.documents)
        session.attach(book)
        story = session.story(cluster.id)
        [orphan] = book.orphans()
        assert orphan.tags == ("error",)
        assert not any(book.tags_of(d.id) for d in story.discrepancies)


def reading(document: str, start: int | None, end: int | None, text: str = "") -> Reading:
    return Reading(document=document, text=text, start=start, end=end)


def discrepancy(id: str, kind: str, *readings: Reading) -> Discrepancy:
    return Discrepancy(id=id, kind=kind, severity="high", summary="s", row=0, readings=readings)


def test_relinking_trusts_readings_not_ids():
    target = Target(
        document="A",
        discrepancy="x1",
        start=10,
        end=20,
        exact="e" * 10,
        kind="entity",
        readings=(
            Quote(document="A", start=10, end=20, exact="e" * 10),
            Quote(document="B", start=12, end=22, exact="f" * 10),
        ),
    )
    reused = discrepancy("x1", "entity", reading("A", 50, 60), reading("B", 50, 60))
    wording = discrepancy("x2", "wording", reading("A", 10, 20), reading("B", 12, 22))
    named = discrepancy("x3", "entity", reading("A", 10, 20), reading("B", 12, 22))
    narrower = discrepancy("x4", "entity", reading("A", 14, 18), reading("B", 13, 15))
    split = discrepancy("x5", "entity", reading("A", 10, 20), reading("B", 30, 40))
    assert match_discrepancy(target, [reused, wording, named]) is named
    assert match_discrepancy(target, [reused, wording]) is wording
    assert match_discrepancy(target, [reused, narrower]) is narrower
    assert match_discrepancy(target, [reused]) is None
    # Half of it elsewhere in B: not the same discrepancy, unless B is no longer in the story.
    assert match_discrepancy(target, [reused, split], members={"A", "B"}) is None
    assert match_discrepancy(target, [reused, split], members={"A"}) is split
    same = discrepancy("x1", "entity", reading("A", 10, 20), reading("B", 12, 22))
    assert match_discrepancy(target, [named, same]) is same
    # An omission: "absent from C". Once C states it too, it is another discrepancy.
    absent = target.model_copy(
        update={"readings": (*target.readings, Quote(document="C", start=5, end=5))}
    )
    stated = discrepancy("x6", "omission", reading("A", 10, 20), reading("B", 12, 22))
    flipped = discrepancy(
        "x7", "omission", reading("A", 10, 20), reading("B", 12, 22), reading("C", 4, 9)
    )
    assert match_discrepancy(absent, [flipped], members={"A", "B", "C"}) is None
    assert match_discrepancy(absent, [flipped, stated], members={"A", "B", "C"}) is stated
    # A reading edited away counts where the diff puts it: a collapsed span covers nothing.
    gone = [Spot("A", "body", 10, 20, True), Spot("B", "body", 17, 17, True)]
    assert match_discrepancy(target, [named], members={"A", "B"}, spots=gone) is None


# --- workspaces of the previous version ---------------------------------------------------------


def test_a_workspace_of_the_previous_version_opens_and_is_repaired(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    corpus = load([source])
    first = corpus.documents[0]
    path = tmp_path / "review.sqlite"
    db = sqlite3.connect(path)
    store_module.MIGRATIONS[0](db)
    db.execute(f"PRAGMA application_id = {store_module.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    start, end = span(first, "2.6 trillion")
    good = make_target(first, start, end)
    moved = make_target(first, start, start + 1).model_copy(update={"document": "dNEWSEDITS"})
    created, bumped = "2026-01-20T10:00:00.000+00:00", "2026-03-01T09:00:00.000+00:00"

    def insert(annotation_id: str, target: Target, key: str, modified: str) -> None:
        db.execute(
            "INSERT INTO annotations (id, document, document_key, cluster, discrepancy, field, "
            'start, "end", exact, prefix, suffix, content_hash, tags, note, status, reviewer, '
            "created, modified, orphaned, withdrawn) VALUES "
            "(?, ?, ?, NULL, NULL, 'body', ?, ?, ?, ?, ?, ?, '[\"error\"]', 'n', 'open', 'ana', "
            "?, ?, 0, 0)",
            (
                annotation_id,
                target.document,
                key,
                target.start,
                target.end,
                target.exact,
                target.prefix,
                target.suffix,
                target.content_hash,
                created,
                modified,
            ),
        )

    def snapshot(target: Target, key: str, modified: str) -> str:
        annotation = Annotation(
            id="bad",
            target=target,
            tags=("error",),
            note="n",
            reviewer="ana",
            created=created,
            modified=modified,
        )
        return json.dumps({"annotation": annotation.model_dump(mode="json"), "key": key})

    insert("ok", good, "export.txt#1", created)
    insert("bad", moved, "versions.jsonl#7", bumped)  # where the old bug put it
    for action, reviewer, before, after in (
        ("create", "ana", None, snapshot(good, "export.txt#1", created)),
        (
            "reanchor",
            "parallax",
            snapshot(good, "export.txt#1", created),
            snapshot(moved, "versions.jsonl#7", bumped),
        ),
    ):
        db.execute(
            "INSERT INTO history (annotation, reviewer, at, action, before, after, state) "
            "VALUES ('bad', ?, ?, ?, ?, ?, ?)",
            (reviewer, created, action, before, after, "done" if action == "create" else "audit"),
        )
    db.commit()
    db.close()
    with Workspace.open(path) as workspace:
        stored = {s.annotation.id: s for s in workspace.all()}
        assert stored["ok"].annotation.target == good
        repaired = stored["bad"]
        assert repaired.annotation.target == good and repaired.key == "export.txt#1"
        assert repaired.annotation.modified.isoformat(timespec="milliseconds") == created
        assert repaired.annotation.tags == ("error",)
        assert workspace.history("bad")[-1]["action"] == "repair"
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
    connection.close()


# --- the property ------------------------------------------------------------------------------

WORDS = ["the", "rate", "2", "15", "may", "at least", "rose", "fell", "police", "said", "killed"]
WORDS += ["Takashi", "cabinet", "2026", "revenue", "of", "in", "a", "depth", "km", ".", ","]
word_lists = st.lists(st.sampled_from(WORDS), min_size=30, max_size=90)
edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "space", "word"]),
        st.floats(0, 1),
        st.integers(1, 40),
        st.sampled_from(WORDS),
    ),
    min_size=1,
    max_size=6,
)


def apply(body: str, spans: list[tuple[int, int]], operations):
    """Edit ``body``; return the new text and where each span is now (or ``None`` once an edit
    touched it)."""
    tracked: list[tuple[int, int] | None] = list(spans)
    for kind, where, size, word in operations:
        at = int(where * len(body))
        if kind == "insert":
            cut, new = (at, at), f" {word} "
        elif kind == "delete":
            cut, new = (at, min(len(body), at + size)), ""
        elif kind == "space":
            at = body.find(" ", at)
            if at < 0:
                continue
            cut, new = (at, at + 1), "  " if size % 2 else "\n"
        else:
            cut, new = (at, min(len(body), at + len(word))), word
        body = body[: cut[0]] + new + body[cut[1] :]
        shift = len(new) - (cut[1] - cut[0])
        for i, place in enumerate(tracked):
            if place is None:
                continue
            start, end = place
            if cut[1] <= start and not (cut[0] == cut[1] == start):
                tracked[i] = (start + shift, end + shift)
            elif cut[0] >= end:
                continue
            elif cut[0] == cut[1] == start:
                tracked[i] = (start + shift, end + shift)
            else:
                tracked[i] = None
    return body, tracked


@settings(
    max_examples=int(os.environ.get("PARALLAX_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    word_lists,
    word_lists,
    edits,
    st.lists(st.tuples(st.floats(0, 1), st.integers(1, 12))),
    st.booleans(),
)
def test_property_annotations_stay_in_their_document_or_are_orphaned(
    words, other_words, operations, picks, legacy
):
    body, other_body = " ".join(words), " ".join(other_words)
    document = doc(body, path="a.txt", title="Story", line=1, content_id=True)
    other = doc(other_body, path="b.jsonl", title="Other", line=1, content_id=True)
    spans = []
    for where, size in picks[:8]:
        start = int(where * (len(body) - 1))
        spans.append((start, min(len(body), start + size)))
    with Workspace.in_memory() as workspace:
        book = AnnotationBook(workspace, [document, other])
        if legacy:  # as earlier versions did: no record of the documents, no text kept
            key = book.anchorer.key(document.id)
            made = [
                workspace.create(make_target(document, s, e), key=key, reviewer="ana")
                for s, e in spans
            ]
        else:
            made = [book.annotate(make_target(document, s, e), "ana") for s, e in spans]
        on_other = book.annotate(make_target(other, 0, min(5, len(other_body))), "bob")
        windows = [(s - 32, e) if s >= 32 else None for s, e in spans]
        windows += [(s, e + 32) if e + 32 <= len(body) else None for s, e in spans]
        edited_body, tracked = apply(body, spans + [w or (0, 0) for w in windows], operations)
        edited = doc(edited_body, path="a.txt", title="Story", line=1, content_id=True)
        placed = {a.id: a for a in AnnotationBook(workspace, [edited, other]).annotations()}
    assert placed[on_other.id].target == on_other.target
    count = len(spans)
    for i, annotation in enumerate(made):
        where, before, after = tracked[i], tracked[count + i], tracked[2 * count + i]
        now_ = placed[annotation.id]
        quote = annotation.target.exact
        # Untouched, with the text on one side of it untouched too: it must be found.
        context_kept = (windows[i] and before) or (windows[count + i] and after)
        if where is not None and context_kept:
            assert not now_.orphaned
            assert edited.body[now_.target.start : now_.target.end] == quote
        if now_.orphaned:
            continue
        target = now_.target
        assert target.document == edited.id  # its own document, never the other one
        text = edited.body[target.start : target.end]
        assert text == target.exact
        if text == quote:
            continue
        # Only a long enough quote may be placed approximately, and only where it was.
        assert len(quote) >= 10 and Indel.normalized_similarity(quote, text) >= 0.85
        assert where is None or (target.start < where[1] and where[0] < target.end)


def test_property_helper_tracks_spans():
    body, tracked = apply("abc def ghi", [(4, 7), (0, 3)], [("insert", 0.0, 1, "x")])
    assert body == " x abc def ghi" and body[tracked[0][0] : tracked[0][1]] == "def"
    assert body[tracked[1][0] : tracked[1][1]] == "abc"
    assert now().tzinfo is not None


def test_a_previous_versions_workspace_records_its_files_on_first_opening(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    first = load([source]).documents[0]
    path = tmp_path / "review.sqlite"
    with Workspace.open(path) as workspace:  # as version 1 made it: no record of documents
        start, end = span(first, "Takashi's cabinet")  # #2 has it too, word for word
        workspace.create(make_target(first, start, end), key="export.txt#1", reviewer="ana")
        workspace._db.execute("DELETE FROM documents")
    with Workspace.open(path) as workspace:
        [placed] = AnnotationBook(workspace, load([source]).documents).annotations()
        assert not placed.orphaned
        assert {r.file for r in workspace.documents()} == {"export.txt"}
    edit_lines(source, lambda lines: [*lines[:2], *lines[5:]])  # #1 removed
    with Workspace.open(path) as workspace:
        [placed] = AnnotationBook(workspace, load([source]).documents).annotations()
        assert placed.orphaned  # not moved into the old #2, now first in the file


def test_a_process_with_older_sources_never_writes_places(tmp_path, demo_path):
    source = copy_demo(tmp_path, demo_path)
    path = tmp_path / "review.sqlite"
    old = load([source])
    first = old.documents[0]
    with Workspace.open(path) as stale, Workspace.open(path) as fresh:
        book = AnnotationBook(stale, old.documents)
        made = book.annotate(make_target(first, *span(first, "Sanna Takashi")), "ana")
        edit_lines(source, lambda lines: [*lines[:4], "Update: " + lines[4], *lines[5:]])
        [moved] = AnnotationBook(fresh, load([source]).documents).annotations()
        assert moved.target.start == made.target.start + len("Update: ")
        history = fresh.history()
        book.reload()  # "r" in the app that still shows the old sources
        [shown] = book.annotations()
        assert shown.target == made.target  # where it is in the sources it shows
        assert fresh.history() == history  # and nothing written
        assert [s.annotation for s in fresh.all()] == [moved]

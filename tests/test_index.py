"""The corpus index (issue 13): round trips, Dask equals local, a killed worker, Ctrl-C,
``--update``, the command line, and the app on an index."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("distributed")

from parallax.core.cluster import cluster_documents
from parallax.core.index.build import build_index
from parallax.core.index.steps import Options
from parallax.core.index.store import CorpusIndex
from parallax.core.index.update import update_index
from parallax.core.ingest import load
from parallax.core.report import analyse_story

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import generate, write_jsonl

#: Small partitions, so that a small corpus still spans several of each kind.
SMALL = Options(partition_bytes=30_000, story_part_documents=30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    documents, _ = generate(120, seed=11)
    write_jsonl(documents, folder / "corpus", files=4)
    return folder / "corpus"


@pytest.fixture(scope="module")
def local_index(generated: Path, tmp_path_factory) -> CorpusIndex:
    target = tmp_path_factory.mktemp("local") / "index"
    build_index([str(generated)], str(target), options=SMALL, workers=1)
    return CorpusIndex(target)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _dask(paths, target, client, progress=None, options=SMALL):
    from parallax.core.index.dask_engine import build_with_dask

    return build_with_dask(
        [str(p) for p in paths], str(target), options=options, client=client, progress=progress
    )


def test_the_workers_a_run_starts_do_not_profile_themselves():
    # Sampling the task thread's stack every 10 ms cost a few percent of the analysis.
    import dask

    from parallax.core.index.dask_engine import QUIET_WORKERS, connect

    client, cluster = connect(None, 1)
    try:
        seen = client.run(lambda: {key: dask.config.get(key) for key in QUIET_WORKERS})
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    assert list(seen.values()) == [QUIET_WORKERS]
    assert dask.config.get("distributed.worker.profile.enabled")  # the caller's is untouched


def test_an_index_gives_back_exactly_what_was_analysed(demo_path, demo, tmp_path):
    build_index([str(demo_path)], str(tmp_path / "index"))
    index = CorpusIndex(tmp_path / "index")
    by_id = demo.by_id()
    clustering = cluster_documents(demo.documents)
    assert index.stories["id"].to_pylist() == [c.id for c in clustering.clusters]
    for cluster in clustering.clusters:
        members = [by_id[i] for i in cluster.documents]
        assert index.documents_of(cluster.id) == members
        if len(members) > 1:
            assert index.story(cluster.id) == analyse_story(cluster, members)


def test_dask_gives_the_local_answer_on_a_generated_corpus(
    generated, local_index, client, tmp_path
):
    _dask([generated], tmp_path / "dask", client)
    assert CorpusIndex(tmp_path / "dask").snapshot() == local_index.snapshot()
    assert len(local_index.parts("documents")) > 1
    # ...and both are what cluster_documents says, whatever its verify step becomes.
    clustering = cluster_documents(load([generated]).documents)
    assert local_index.stories["id"].to_pylist() == [c.id for c in clustering.clusters]


def test_dask_gives_the_local_answer_on_the_demo(demo_path, client, tmp_path):
    options = Options(story_part_documents=2)
    build_index([str(demo_path)], str(tmp_path / "local"), options=options, workers=1)
    _dask([demo_path], tmp_path / "dask", client, options=options)
    assert CorpusIndex(tmp_path / "dask").snapshot() == CorpusIndex(tmp_path / "local").snapshot()


def test_both_engines_count_sentences_that_recur_under_several_stories(client, tmp_path):
    """A sentence added to one version of each of four stories (one of them with a version
    that lacks it) is boilerplate for both engines: the same table, the same unimportant
    item, across partitions of documents and of stories."""
    from parallax.core.boilerplate import sentence_key

    furniture = "The museum opens its doors daily from nine in the morning until five."
    documents, truth = generate(120, seed=11)
    first_of: dict[int, int] = {}
    for position, story in enumerate(truth):
        first_of.setdefault(story, position)
    multi = [s for s in first_of if truth.count(s) > 1][:4]
    for story in multi:
        d = documents[first_of[story]]
        documents[first_of[story]] = d.model_copy(update={"body": f"{d.body} {furniture}"})
    write_jsonl(documents, tmp_path / "corpus", files=4)
    build_index([str(tmp_path / "corpus")], str(tmp_path / "local"), options=SMALL, workers=1)
    _dask([tmp_path / "corpus"], tmp_path / "dask", client)
    local = CorpusIndex(tmp_path / "local")
    assert CorpusIndex(tmp_path / "dask").snapshot() == local.snapshot()
    assert local.boilerplate().recurring == {sentence_key(furniture)}
    furnished = [
        r
        for r in local.iter_records("discrepancies")
        if any("museum" in x["text"] for x in r["readings"])
    ]
    assert len(furnished) == len(multi)
    assert {r["tier"] for r in furnished} == {"unimportant"}


def test_a_worker_killed_mid_run_costs_time_not_data(generated, local_index, client, tmp_path):
    pids = list(client.run(os.getpid).values())
    killed: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        # One worker dies holding signatures the verify step needs, the other while stories
        # are being analysed.
        if stage in ("verifying", "analysing") and stage not in killed:
            pid = pids[len(killed)]
            os.kill(pid, signal.SIGKILL)
            killed[stage] = pid

    _dask([generated], tmp_path / "dask", client, progress)
    assert len(killed) == 2
    assert CorpusIndex(tmp_path / "dask").snapshot() == local_index.snapshot()
    client.wait_for_workers(2, timeout=30)


def test_signing_leaves_the_map_output_in_a_file_not_in_memory(generated, tmp_path):
    import pickle

    import numpy as np

    from parallax.core.index.steps import list_sources, plan_reads, sign_and_spill, sign_part

    part = plan_reads(list_sources([str(generated)], SMALL)[0], SMALL.partition_bytes)[1]
    spilled = sign_and_spill(part, SMALL, str(tmp_path))
    # The handle that workers hold and send holds no array: its size does not grow with the
    # partition's documents.
    assert not any(isinstance(v, np.ndarray) for v in vars(spilled).values())
    assert len(pickle.dumps(spilled)) < 2_000
    assert [p.name for p in tmp_path.iterdir()] == [f"part-{part.number:05d}.bin"]
    signed, loaded = sign_part(part, SMALL), spilled.load()
    assert loaded.count == signed.count > 0
    assert loaded.ids == signed.ids
    assert list(loaded.tokens) == list(signed.tokens)
    assert list(map(list, loaded.subjects)) == list(map(list, signed.subjects))
    for name in ("signatures", "copy_keys"):
        assert np.array_equal(getattr(loaded, name), getattr(signed, name))
    for a, b in zip(loaded.sentences, signed.sentences, strict=True):
        assert np.array_equal(a, b)
    # Run again (a worker died): the same file, written whole.
    sign_and_spill(part, SMALL, str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == [f"part-{part.number:05d}.bin"]


def test_the_dask_map_output_is_spilled_and_removed(generated, local_index, client, tmp_path):
    target = tmp_path / "dask"
    seen: dict[str, list[str]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in seen:
            seen[stage] = sorted(p.name for p in target.glob(".tmp-*/spill/*"))

    _dask([generated], target, client, progress)
    assert len(seen["verifying"]) > 1
    assert all(name.endswith(".bin") for name in seen["verifying"])
    assert seen["analysing"] == []  # removed once the signatures are written
    assert not list(target.glob(".tmp-*")) and not list(target.glob("*/spill"))
    assert CorpusIndex(target).snapshot() == local_index.snapshot()

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "verifying":
            raise KeyboardInterrupt

    failed = tmp_path / "failed"
    with pytest.raises(KeyboardInterrupt):
        _dask([generated], failed, client, interrupt)
    assert not failed.exists()  # the run made the folder, and removed it with its spill


def test_an_interrupted_run_leaves_the_previous_index_whole(generated, local_index, tmp_path):
    target = tmp_path / "index"
    shutil.copytree(local_index.path, target)
    before = CorpusIndex(target).snapshot()

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "analysing":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index([str(generated)], str(target), options=SMALL, progress=interrupt, workers=1)
    assert CorpusIndex(target).snapshot() == before
    assert not list(target.glob(".tmp-*"))


def test_update_adds_new_files_as_a_full_index_would(generated, tmp_path):
    from parallax.core.annotations import Workspace, make_target
    from parallax.tui.index_session import IndexBook, IndexSession

    sources = tmp_path / "sources"
    sources.mkdir()
    files = sorted(generated.iterdir())
    for file in files[:-1]:
        shutil.copy2(file, sources)
    build_index([str(sources)], str(tmp_path / "index"), options=SMALL, workers=1)
    index = CorpusIndex(tmp_path / "index")
    story = next(s for s in index.stories.to_pylist() if s["documents"] > 1)
    document = index.documents_of(story["id"])[0]
    workspace = Workspace.open(tmp_path / "review.sqlite")
    target = make_target(document, 0, 20, cluster=story["id"])
    workspace_book = IndexBook(workspace, IndexSession(index))
    workspace_book.annotate(target, "ana", tags=["error"])

    shutil.copy2(files[-1], sources)
    result = update_index(str(tmp_path / "index"), [str(sources)], options=SMALL, workers=1)
    assert result.documents == 120
    build_index([str(sources)], str(tmp_path / "full"), options=SMALL, workers=1)
    updated = CorpusIndex(tmp_path / "index")
    assert updated.snapshot() == CorpusIndex(tmp_path / "full").snapshot()
    assert 0 < updated.manifest["reanalysed"] < updated.manifest["counts"]["stories"]

    book = IndexBook(workspace, IndexSession(updated))
    (annotation,) = book.annotations()
    assert not annotation.orphaned
    assert annotation.target.exact == document.body[:20]
    workspace.close()


def test_update_after_a_file_changed_regroups_its_stories(generated, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(generated, sources)
    build_index([str(sources)], str(tmp_path / "index"), options=SMALL, workers=1)
    changed = sorted(sources.iterdir())[2]
    lines = changed.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"body": "', '"body": "Breaking: ', 1)
    changed.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    update_index(str(tmp_path / "index"), [str(sources)], options=SMALL, workers=1)
    build_index([str(sources)], str(tmp_path / "full"), options=SMALL, workers=1)

    def stories(index: CorpusIndex) -> list[list[str]]:
        return sorted(sorted(s) for s in index.stories["document_ids"].to_pylist())

    assert stories(CorpusIndex(tmp_path / "index")) == stories(CorpusIndex(tmp_path / "full"))


def test_cli_index_schema_and_errors(demo_path, tmp_path, capsys):
    from parallax.tui.cli import main

    assert main(["index", str(demo_path), "-o", str(tmp_path / "index")]) == 0
    assert "6 documents, 3 stories" in capsys.readouterr().out
    assert main(["schema", "index"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["schema"] == "parallax.index" and "discrepancies" in schema["tables"]
    columns = {c["name"] for c in schema["tables"]["discrepancies"]}
    assert {"tier", "groups", "moved", "readings"} <= columns

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    assert main(["index", str(demo_path), "-o", str(occupied)]) == 4
    assert capsys.readouterr().err.count("\n") == 1
    assert (occupied / "notes.txt").read_text() == "mine"

    (tmp_path / "index" / "manifest.json").write_text("{not json")
    assert main([str(tmp_path / "index")]) == 4
    assert "damaged" in capsys.readouterr().err
    assert main(["index", "--update", str(tmp_path / "nowhere"), str(demo_path)]) == 4
    assert "no such index" in capsys.readouterr().err
    assert main(["index", str(demo_path)]) == 2
    assert main(["index", str(demo_path), "-o", str(tmp_path / "x"), "--scheduler", "a"]) == 2


def test_without_the_scale_extra_the_app_runs_and_index_explains(demo_path, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    for name in ("pyarrow", "dask", "distributed"):
        (blocker / f"{name}.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    code = (
        "import sys\n"
        "from parallax.tui.cli import main\n"
        "import parallax.tui.app, parallax.tui.index_session\n"
        "assert not {'pyarrow', 'dask', 'distributed'} & set(sys.modules)\n"
        f"raise SystemExit(main(['index', {str(demo_path)!r}, '-o', {str(tmp_path / 'i')!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert b"pip install 'parallax-review[scale]'" in done.stderr
    assert done.stderr.count(b"\n") == 1


async def test_the_app_opens_an_index_and_reads_a_story_when_opened(local_index, tmp_path):
    from textual.widgets import DataTable

    from parallax.tui.app import make_app
    from parallax.tui.index_session import IndexSession, IndexSources
    from parallax.tui.screens.review import ReviewScreen
    from parallax.tui.settings import Settings
    from tests.tui_helpers import wait_for

    session = IndexSession(local_index)
    settings = Settings(theme="textual-dark", workspace=tmp_path / "review.sqlite")
    app = make_app(settings, IndexSources(str(local_index.path)), session=session)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.stories_screen
        await wait_for(pilot, lambda: screen.order)
        assert len(screen.order) == local_index.stories.num_rows
        assert not session._documents  # nothing read yet
        highs = [
            session.counts(c)["high"] for c in screen.order if session.cluster(c).documents[1:]
        ]
        assert highs == sorted(highs, reverse=True)

        await pilot.press("S")  # by date
        await wait_for(pilot, lambda: screen.sort_by == "date")
        screen.filter_text = "OUTLET 12"  # every word, in any case, in a title or source
        await wait_for(pilot, lambda: len(screen.order) < local_index.stories.num_rows)
        labels = [session._where(c, ("label",))["label"].lower() for c in screen.order]
        assert labels and all("outlet" in label and "12" in label for label in labels)
        screen.filter_text = ""
        await wait_for(pilot, lambda: len(screen.order) == local_index.stories.num_rows)

        first = next(c for c in screen.order if len(session.cluster(c).documents) > 1)
        screen.query_one(DataTable).move_cursor(row=screen.order.index(first))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.view)
        assert app.screen.view.story == local_index.story(first)
        assert list(session._documents) == [first]

        await pilot.press("x")  # dismiss: an annotation, counted on the Stories screen
        await wait_for(pilot, lambda: len(app.annotations.book.annotations()) == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        row = screen.query_one(DataTable).get_row(first)
        assert str(row[-1]).startswith("1/")


def test_the_stories_order_is_computed_once_per_query_and_read_lazily(local_index):
    from parallax.tui.index_session import IndexSession

    session = IndexSession(local_index)
    stories = session.story_source()
    computed = []
    original = stories._order
    stories._order = lambda *args: computed.append(args) or original(*args)  # type: ignore[method-assign]

    first = stories.order(hide_singletons=False, filter_text="", sort="severity")
    again = stories.order(hide_singletons=False, filter_text=" ", sort="severity")
    assert again is first and len(computed) == 1  # mount, resize and annotations ask again
    assert len(first) == local_index.stories.num_rows
    assert first[:3] == [first[0], first[1], first[2]]
    assert first[-1] == first[len(first) - 1]
    with pytest.raises(IndexError):
        first[len(first)]
    by_date = stories.order(hide_singletons=False, filter_text="", sort="date")
    assert by_date is not first and sorted(by_date[:]) == sorted(first[:])


def test_the_filter_labels_are_read_in_the_background(local_index):
    import time

    from parallax.tui.index_session import IndexSession

    session = IndexSession(local_index)
    assert session._labels is None
    stories = session.story_source()
    assert session._labels is None
    stories.order(hide_singletons=False, filter_text="", sort="severity")  # the first screen
    deadline = time.monotonic() + 30
    while session._labels is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session._labels is not None
    assert len(session.labels()) == local_index.stories.num_rows

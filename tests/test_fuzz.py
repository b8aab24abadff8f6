"""Fuzzing the command line with hostile input (issue 11, "Done when"), bounded in time.

Hypothesis builds corpora of hostile files (escape sequences, bidi and zero-width characters,
markup, HTML, formula starts, huge integers, deep nesting, broken lines, random bytes, hostile
file names, symbolic-link loops) and hostile import files, and runs every command and output
format on them in this process. Every run must:

* exit with a documented code that is not a bug: 0, 2 (bad input) or 3 (workspace);
* print no raw C0/C1 control, bidirectional or invisible character, on stdout or stderr;
* print each problem as one ``parallax: ...`` line, never a traceback;
* write Markdown with no live HTML or link, and JSON that reads back.

Damaged and foreign workspaces are not fuzzed at random: each kind of damage is one case, and
``import``/``export`` into it must exit 3 and leave the file byte-identical.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from parallax.core.annotations import Workspace, make_target
from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import cluster_documents
from parallax.core.data import demo_corpus_path
from parallax.core.ingest import load
from tests.inprocess import Run, run, terminal_safe

# Bounded in time even when it fails: no shrinking (which can take minutes on these inputs); a
# failure prints the example and a blob for @reproduce_failure.
FUZZ = settings(
    max_examples=20,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE = [
    "\x1b[2J\x1b[H",
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x9b31m",
    "\x85",
    "\x7f",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "zero\u200bwidth",
    "\u2060\ufeff",
    "\u2028",
    "\x00",
    "\t",
    "\r",
    "\x0b\x0c",
    "[/]",
    "[@click=app.quit]CLICK[/]",
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "[a](javascript:alert(1))",
    "`tick`",
    "*em* _u_ ~~s~~ | pipe &amp;",
    "=HYPERLINK(1)",
    "+1",
    "-2",
    "@SUM(1)",
    "# heading",
    "> quote",
    "1. item",
    "---",
]
WORDS = [
    "Prime",
    "Minister",
    "Sanae Takaichi",
    "Fumio Kishida",
    "said",
    "exports",
    "rose",
    "5%",
    "7 tons",
    "on May 3",
    "the",
    "ship",
    "Chikyu",
    "[1][2]",
    "about",
    "6000",
    "metres",
    "稀土",
    "日本深海钻探船",
    "。",
]
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(HOSTILE),
    st.text(max_size=4),
)
sentence = st.lists(word, min_size=1, max_size=10).map(lambda ws: " ".join(ws) + ".")
field = st.one_of(st.none(), st.lists(word, max_size=4).map(" ".join))
name_characters = st.characters(
    blacklist_characters="/\x00", blacklist_categories=["Cs"], max_codepoint=0x2FFF
)
file_stem = st.one_of(
    st.sampled_from(["a", "notes", "evil\x1b[2J", "x\u202egnp", "`t`<img src=x>", "[a](b)"]),
    st.text(name_characters, min_size=1, max_size=12),
).filter(lambda stem: not stem.startswith(".") and stem.strip())


@st.composite
def story(draw) -> list[dict]:
    """Two to four versions of one text, each with a few sentences changed, and hostile
    metadata."""
    base = draw(st.lists(sentence, min_size=1, max_size=5))
    versions = []
    for _ in range(draw(st.integers(2, 4))):
        body = list(base)
        for _ in range(draw(st.integers(0, 2))):
            body[draw(st.integers(0, len(body) - 1))] = draw(sentence)
        versions.append(
            {
                "title": draw(field),
                "source": draw(field),
                "published": draw(st.one_of(field, st.just("2026-01-13 07:26"))),
                "url": draw(field),
                "id": draw(field),
                "body": " ".join(body),
            }
        )
    return versions


def _text_file(record: dict, markdown: bool) -> str:
    title = " ".join((record["title"] or "Untitled").split()) or "Untitled"
    front = f"---\nsource: {record['source'] or ''}\npublished: {record['published'] or ''}\n---\n"
    head = f"# {title}" if markdown else title
    return f"{front}{head}\n\n{record['body']}\n"


def _export_file(records: list[dict]) -> str:
    out = ["query\nSearch documents"]
    for record in records:
        title = " ".join((record["title"] or "Untitled").split()) or "Untitled"
        source = " ".join((record["source"] or "Outlet").split())[:60] or "Outlet"
        out.append(f"{title}\n{source}· 2026-01-13 07:26\n{record['body']}")
    return "\n".join(out) + "\n"


@st.composite
def jsonl_file(draw, records: list[dict]) -> str:
    lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records]
    extra = draw(
        st.lists(
            st.sampled_from(
                [
                    '{"title": "broken',
                    "not json at all",
                    '{"title": "Big", "id": ' + "9" * 5000 + ', "body": "x"}',
                    '{"body": "fine", "views": ' + "9" * 5000 + "}",
                    '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
                    '{"title": "A\x01", "body": "control"}',
                    "[1, 2]",
                    '{"title": 3}',
                    '{"body": "\\ud800 lone surrogate"}',
                ]
            ),
            max_size=2,
        )
    )
    for line in extra:
        lines.insert(draw(st.integers(0, len(lines))), line)
    return "\n".join(lines) + "\n"


@st.composite
def corpus_files(draw) -> list[tuple[str, bytes]]:
    """Files (name, content) of one to three stories in mixed formats, plus some bad files."""
    files: list[tuple[str, bytes]] = []
    for _ in range(draw(st.integers(1, 3))):
        records = draw(story())
        kind = draw(st.sampled_from(["text", "markdown", "jsonl", "json", "export"]))
        stem = draw(file_stem)
        if kind in ("text", "markdown"):
            suffix = ".md" if kind == "markdown" else ".txt"
            for i, record in enumerate(records):
                text = _text_file(record, kind == "markdown")
                files.append((f"{stem}{i}{suffix}", text.encode("utf-8", "surrogatepass")))
        elif kind == "jsonl":
            files.append((f"{stem}.jsonl", draw(jsonl_file(records)).encode()))
        elif kind == "json":
            files.append((f"{stem}.json", json.dumps(records).encode()))
        else:
            files.append((f"{stem}.txt", _export_file(records).encode("utf-8", "surrogatepass")))
    for _ in range(draw(st.integers(0, 2))):
        files.append((f"{draw(file_stem)}.txt", draw(st.binary(max_size=120))))
    return files


def _write_corpus(folder: Path, files: list[tuple[str, bytes]], loop: bool) -> None:
    folder.mkdir()
    for number, (name, content) in enumerate(files):
        (folder / f"{number}-{name}").write_bytes(content)
    if loop:
        os.symlink(".", folder / "self")
        os.symlink("..", folder / "up")


def _annotate(folder: Path, workspace: Path, notes: list[str], tags: list[str]) -> None:
    corpus = load([folder])
    if not corpus.documents:
        return
    clustering = cluster_documents(corpus.documents)
    with Workspace.open(workspace) as opened:
        book = AnnotationBook(opened, corpus.documents)
        for i, note in enumerate(notes):
            document = corpus.documents[i % len(corpus.documents)]
            end = min(len(document.body), 12)
            cluster = next(c.id for c in clustering.clusters if document.id in c.documents)
            book.annotate(
                make_target(document, 0, end, cluster=cluster),
                f"rev{note[:8]}",
                tags=tags,
                note=note,
            )


_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


def _check(result: Run, command: list[str], *, allowed=frozenset({0, 2})) -> None:
    """The promises every run keeps."""
    where = (command, result.code, result.err[-400:])
    assert result.code in allowed, where
    assert "Traceback" not in result.err and "internal error" not in result.err, where
    for line in result.err.splitlines():
        assert line.startswith("parallax: "), (line, where)
    out = result.out
    if "csv" in command:
        out = out.removeprefix("\ufeff")  # for spreadsheets; left out on a terminal
    assert terminal_safe(out), (command, [c for c in out if not terminal_safe(c)][:5])
    assert terminal_safe(result.err), where
    if result.code != 0:
        return
    if "markdown" in command:
        html = _MARKDOWN.render(out)
        for live in ("<img", "<script", "href=", "<a "):
            assert live not in html, (command, live)
    if "json" in command or "w3c" in command:
        json.loads(out)


OUTPUTS = [
    ["parse"],
    ["parse", "--json"],
    ["cluster"],
    ["cluster", "--format", "json"],
    ["report"],
    ["report", "--format", "markdown"],
    ["report", "--format", "json"],
]
EXPORTS = ["json", "w3c", "csv", "markdown"]


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@FUZZ
@given(
    files=corpus_files(),
    loop=st.booleans(),
    notes=st.lists(st.lists(word, max_size=6).map(" ".join), max_size=2),
    tags=st.lists(
        st.sampled_from(["error", "tag\x1b[2J", "<img src=x>", "`t`", "=1+1"]), max_size=2
    ),
)
def test_fuzz_every_command_and_output_on_hostile_corpora(files, loop, notes, tags):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        _write_corpus(folder, files, loop)
        workspace = Path(tmp) / "ws.sqlite"
        _annotate(folder, workspace, notes, tags)
        for command in OUTPUTS:
            _check(run(*command, folder), command)
        for kind in EXPORTS:
            command = ["export", "--format", kind]
            _check(run(*command, folder, "--workspace", workspace), command)


@st.composite
def mutation(draw):
    """A change to one place of an export: a hostile value, a huge number, deep nesting, a
    wrong type, a missing key."""
    value = draw(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.integers(),
            st.just(int("9" * 50)),
            st.none(),
            st.booleans(),
            st.just([[[[]]]]),
            st.text(max_size=20),
            st.just("2026-01-01T00:00:00"),
        )
    )
    return draw(st.integers(0, 10_000)), value, draw(st.booleans())


def _mutate(data, position: int, value, delete: bool):
    """Replace (or delete) the ``position``-th dict entry found walking ``data``."""
    places = []

    def walk(node):
        if isinstance(node, dict):
            for key in list(node):
                places.append((node, key))
                walk(node[key])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    if places:
        node, key = places[position % len(places)]
        if delete:
            del node[key]
        else:
            node[key] = value
    return data


@FUZZ
@given(
    kind=st.sampled_from(["native", "w3c", "raw"]),
    mutations=st.lists(mutation(), max_size=3),
    raw=st.one_of(
        st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
        st.sampled_from(
            [
                "[" * 100_000 + "]" * 100_000,
                '{"annotations": [' + "9" * 5000 + "]}",
                '{"schema": "parallax.annotations/1"',
                "null",
                '{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection"}',
            ]
        ),
    ),
    notes=st.lists(st.lists(word, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=2),
)
def test_fuzz_import_of_hostile_files(kind, mutations, raw, notes):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        shutil.copy(demo_corpus_path(), folder / "export.txt")
        source_workspace = Path(tmp) / "source.sqlite"
        _annotate(folder, source_workspace, notes, ["error", "tag\x1b[2J"])
        if kind == "raw":
            text = raw
        else:
            command = ["export", folder, "--format", "json" if kind == "native" else "w3c"]
            exported = run(*command, "--workspace", source_workspace)
            data = json.loads(exported.out)
            for position, value, delete in mutations:
                data = _mutate(data, position, value, delete)
            text = json.dumps(data, ensure_ascii=False)
        import_file = Path(tmp) / "import\x1b[2J.json"
        import_file.write_text(text, encoding="utf-8", errors="surrogatepass")
        target = Path(tmp) / "target.sqlite"
        command = ["import", import_file, folder, "--workspace", target, "--reviewer", "r\x1b"]
        result = run(*command)
        _check(result, ["import"])
        if result.code != 0:
            assert not target.exists()  # an invalid file imports nothing
            return
        for export_kind in EXPORTS:
            command = ["export", "--format", export_kind]
            _check(run(*command, folder, "--workspace", target), command)


# --- damaged and foreign workspaces --------------------------------------------------------------


def _reviewed_workspace(folder: Path, path: Path) -> None:
    """A workspace with enough annotations to span many pages, in rollback-journal mode so the
    whole database is in the one file."""
    notes = [f"note {i} " + "words of a note " * 20 for i in range(120)]
    _annotate(folder, path, notes, ["error"])
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = DELETE")
    db.close()


def _integrity(path: Path) -> str:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        return str(error)


def _damage(kind: str, good: Path, path: Path) -> None:
    data = good.read_bytes()
    if kind == "random-middle":
        rng = random.Random(11)
        for offset in range(len(data) // 2, len(data) - 4096, 4096):
            damaged = data[:offset] + rng.randbytes(4096) + data[offset + 4096 :]
            path.write_bytes(damaged)
            if _integrity(path) != "ok":
                return
        raise AssertionError("could not damage the workspace")
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "zero-length":
        path.write_bytes(b"")
    elif kind == "bad-header":
        path.write_bytes(b"not a database!!" + data[16:])
    elif kind == "text-file":
        path.write_text("precious notes, not a workspace\n")
    elif kind in ("foreign", "foreign-with-our-id"):
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
        if kind == "foreign-with-our-id":
            db.execute("PRAGMA application_id = 1347570776")  # "PRLX"
        db.commit()
        db.close()
    elif kind == "newer-schema":
        shutil.copy(good, path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
    else:
        raise AssertionError(kind)


DAMAGE = [
    "random-middle",
    "truncated",
    "zero-length",
    "bad-header",
    "text-file",
    "foreign",
    "foreign-with-our-id",
    "newer-schema",
]
COMMANDS = [["import"], *[["export", "--format", kind] for kind in EXPORTS]]


def _cases():
    for damage in DAMAGE:
        for command in COMMANDS:
            name = command[0] if command[0] == "import" else f"export-{command[-1]}"
            yield pytest.param(damage, command, id=f"{damage}-{name}")


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    root = tmp_path_factory.mktemp("reviewed")
    folder = root / "corpus"
    folder.mkdir()
    shutil.copy(demo_corpus_path(), folder / "export.txt")
    good = root / "good.sqlite"
    _reviewed_workspace(folder, good)
    exported = run("export", folder, "--format", "json", "--workspace", good)
    data = json.loads(exported.out)
    for annotation in data["annotations"][:3]:
        annotation["id"] = annotation["id"][:-4] + "beef"  # new annotations: import must write
        annotation["note"] = "imported \x1b[2J note"
    incoming = root / "incoming.json"
    incoming.write_text(json.dumps(data))
    return folder, good, incoming


@pytest.mark.parametrize(("damage", "command"), list(_cases()))
def test_import_and_export_never_write_into_a_damaged_or_foreign_workspace(
    reviewed, tmp_path, damage, command
):
    folder, good, incoming = reviewed
    path = tmp_path / "review.sqlite"
    _damage(damage, good, path)
    before = path.read_bytes()
    if command[0] == "import":
        result = run("import", incoming, folder, "--workspace", path, "--reviewer", "r")
    else:
        result = run(*command, folder, "--workspace", path)
    _check(result, command, allowed=frozenset({0, 1, 2, 3}))
    assert path.read_bytes() == before, "the workspace file was written"
    assert result.code == 3, result.err

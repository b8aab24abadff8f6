"""Hostile and unlucky input through the command line (issue 11): no traceback, no raw escape on
a terminal, no live HTML or link in Markdown, one line per problem and the other inputs still
load, a clear line and a documented exit code when the output cannot be written."""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from parallax.core.annotations import Workspace, make_target
from parallax.core.annotations.book import AnnotationBook
from parallax.core.cluster import cluster_documents
from parallax.core.ingest import load
from parallax.core.safe import has_unsafe
from parallax.tui import cli
from tests.inprocess import run, terminal_safe

# OSC 8 hyperlink, clear screen and home, a C1 CSI, DEL, a right-to-left override, zero-width
# characters, a BOM, a line separator and a bell.
ESCAPES = (
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\x1b[H \x9b31m \x7f "
    "\u202eevil\u202c zero\u200bwidth\u2060 \ufeff \u2028 \x07"
)
HTML = "<img src=x onerror=alert(1)> [a](javascript:alert(1)) <script>alert(2)</script>"
HOSTILE = f"{ESCAPES} {HTML} `tick` *em* _u_ | pipe & amp"


def _body(name: str, figure: str) -> str:
    return (
        f"Prime Minister {name} said exports rose {figure} in May {HOSTILE}. "
        "The ship left Shimizu port on Monday for the deep sea near Minamitorishima. "
        "It will bring back mud that holds rare earths from six kilometres down."
    )


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def hostile(tmp_path):
    """A story of two versions whose every field is hostile, in a file with a hostile name, and
    a workspace holding a hostile annotation."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    name = "evil\x1b[2J`tick`<img src=x>[a](javascript:x)\u202e.jsonl"
    records = [
        {
            "title": f"Rates {HOSTILE}",
            "source": f"Outlet {HOSTILE}",
            "published": f"2026-01-13 {HOSTILE}",
            "url": f"http://x/{HOSTILE}",
            "id": f"id-{HOSTILE}",
            "body": _body(name, figure),
        }
        for name, figure in (("Sanae Takaichi", "5%"), ("Fumio Kishida", "7%"))
    ]
    source = folder / name
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    workspace = tmp_path / "ws.sqlite"
    corpus = load([source])
    assert len(corpus.documents) == 2
    document = corpus.documents[0]
    start = document.body.index("exports")
    with Workspace.open(workspace) as opened:
        book = AnnotationBook(opened, corpus.documents)
        clustering = cluster_documents(corpus.documents)
        book.annotate(
            make_target(document, start, start + 40, cluster=clustering.clusters[0].id),
            f"rev {HOSTILE}",
            tags=["tag\x1b[2J", "<img src=x>", "`t`"],
            note=f"note {HOSTILE}\nsecond line",
        )
    return source, workspace


OUTPUTS = {
    "parse": ["parse"],
    "parse-json": ["parse", "--json"],
    "cluster": ["cluster"],
    "cluster-json": ["cluster", "--format", "json"],
    "report": ["report"],
    "report-markdown": ["report", "--format", "markdown"],
    "report-json": ["report", "--format", "json"],
    "export-json": ["export", "--format", "json"],
    "export-w3c": ["export", "--format", "w3c"],
    "export-csv": ["export", "--format", "csv"],
    "export-markdown": ["export", "--format", "markdown"],
}


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_no_raw_control_bidi_or_invisible_character_reaches_the_terminal(hostile, output):
    source, workspace = hostile
    command = OUTPUTS[output]
    extra = ["--workspace", str(workspace)] if command[0] == "export" else []
    if command[0] != "parse":
        extra += ["--threshold", "0.3"]
    result = run(*command, source, *extra)
    assert result.code == 0, result.err
    out = result.out
    if output == "export-csv":
        # The byte-order mark is for spreadsheets; it is left out on a terminal (below).
        out = out.removeprefix("\ufeff")
    assert terminal_safe(out), [c for c in out.replace("\r\n", "") if has_unsafe(c)][:10]
    assert terminal_safe(result.err)
    if output.endswith("json") or output == "export-w3c":
        # JSON stays exact: the characters are written as \u escapes and read back unchanged.
        strings = "\n".join(_strings(json.loads(out)))
        assert "\x1b]8;;http://evil.example\x1b\\click" in strings
        assert "\u202eevil\u202c zero\u200bwidth\u2060" in strings


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_csv_on_a_terminal_has_no_byte_order_mark(hostile, monkeypatch):
    source, workspace = hostile
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    code = cli.main(["export", str(source), "--format", "csv", "--workspace", str(workspace)])
    assert code == 0
    assert terminal.getvalue().startswith("id,story,")
    assert terminal_safe(terminal.getvalue())


def test_json_output_round_trips_the_exact_text(hostile):
    source, _ = hostile
    result = run("parse", "--json", source)
    documents = json.loads(result.out)["documents"]
    assert documents[0]["body"] == _body("Sanae Takaichi", "5%")
    assert documents[0]["origin"]["path"] == str(source)


def test_file_names_and_warnings_are_neutralised(tmp_path):
    bad = tmp_path / "bad\x1b[2J\u202e.json"
    bad.write_text("{not json")
    missing = tmp_path / "gone\x1b]52;c;ZXZpbA==\x07.txt"
    result = run("parse", bad, missing)
    assert result.code == 2
    assert terminal_safe(result.err) and "␛[2J" in result.err
    unknown = run("parse", "--bogus\x1b[2J")
    assert unknown.code == 2 and terminal_safe(unknown.err)
    output = run("export", "--format", "csv", "-o", tmp_path / "no\x1b[2Jdir" / "x.csv")
    assert output.code == 2 and terminal_safe(output.err)


# --- Markdown and CSV injection (item 5) ----------------------------------------------------------


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("command", ["report", "export"])
def test_markdown_has_no_live_html_or_link(hostile, command):
    source, workspace = hostile
    extra = ["--workspace", str(workspace)] if command == "export" else []
    result = run(command, source, "--format", "markdown", "--threshold", "0.3", *extra)
    assert result.code == 0, result.err
    html = _html(result.out)
    assert "<img" not in html and "<script" not in html
    assert "<a " not in html and "javascript:" not in html.replace("(javascript:", "")
    assert "href" not in html
    # Every field is shown, escaped: the title, the source, the date as written, the file.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "2026-01-13" in html and "evil" in html
    # A backtick in a file name or a tag does not open or close a code span.
    assert "`tick`" in html and "<code>tick</code>" not in html and "<code>t</code>" not in html


def test_markdown_escapes_line_start_markup():
    from parallax.core.report import inert_markdown

    for text in ("# heading", "- item", "+ item", "> quote", "1. item", "=== rule", "---"):
        assert _html(f"x\n\n{inert_markdown(text)}").count("<p>") == 2, text


@pytest.mark.parametrize("first", ["\x00", "=", "+", "-", "@", "\t", "\r"])
def test_csv_guards_formula_starts_including_nul(first):
    from parallax.core.export.tabular import csv_cell

    cell = csv_cell(f"{first}HYPERLINK(1)")
    assert cell.startswith("'")
    assert not has_unsafe(cell.replace("\r\n", "\n"))


# --- output that cannot be written (item 11) ----------------------------------------------------


class _Failing(io.TextIOBase):
    def __init__(self, number: int) -> None:
        self.number = number

    def write(self, text: str) -> int:
        raise OSError(self.number, os.strerror(self.number))

    def writable(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("number", "words"),
    [(errno.ENOSPC, "No space left on device"), (errno.EPIPE, "Broken pipe"), (errno.EIO, "")],
)
@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["parse"], ["report"]])
def test_output_write_failure_is_one_line_and_exit_2(
    demo_path, tmp_path, monkeypatch, number, words, command
):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", _Failing(number))
    monkeypatch.setattr(sys, "stderr", err)
    extra = ["--workspace", str(tmp_path / "w.sqlite")] if command[0] == "export" else []
    code = cli.main([*command, str(demo_path), *extra])
    lines = [line for line in err.getvalue().splitlines() if "no workspace yet" not in line]
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith("parallax: cannot write the output: ")
    assert words in lines[0]


def test_unwritable_stderr_loses_warnings_not_the_work(tmp_path, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    good = tmp_path / "good.txt"
    good.write_text("Good\n\nA body.\n")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", _Failing(errno.ENOSPC))
    assert cli.main(["parse", str(bad), str(good)]) == 0
    assert "Good" in out.getvalue()
    assert cli.main(["parse", str(bad)]) == 2


def test_export_to_dev_full_is_one_line_and_exit_2(demo_path, tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    from tests.conftest import run_cli

    with open("/dev/full", "wb") as full:
        result = run_cli_to(
            full,
            "export",
            str(demo_path),
            "--format",
            "csv",
            "--workspace",
            str(tmp_path / "w.sqlite"),
        )
    assert result.returncode == 2
    lines = [line for line in result.stderr.decode().splitlines() if "no workspace" not in line]
    assert lines == ["parallax: cannot write the output: No space left on device"]
    assert run_cli  # the same environment as the other subprocess tests


def run_cli_to(stdout, *args: str):
    import subprocess

    environment = {k: v for k, v in os.environ.items() if k != "PARALLAX_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "parallax.tui", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment,
        timeout=120,
    )


def test_closed_pipe_is_one_line_and_exit_2(tmp_path):
    import subprocess

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f'{{"body": "document {i}"}}\n' for i in range(5000)))
    environment = {k: v for k, v in os.environ.items() if k != "PARALLAX_DEBUG"}
    process = subprocess.Popen(
        # Ten writes of 512 documents: the reader is gone before most of them.
        [sys.executable, "-m", "parallax.tui", "parse", str(feed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 2
    assert stderr.splitlines() == [
        "parallax: cannot write the output: the reader closed the pipe (Broken pipe)"
    ]

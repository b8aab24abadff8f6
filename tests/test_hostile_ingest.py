"""Hostile and unlucky input files (issue 11, items 3, 9, 10 and 11): one line per problem,
never a traceback, and every other input still loads."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.inprocess import run, terminal_safe


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


# --- files and paths (items 9, 10, 11) ----------------------------------------------------------


def _article(path: Path, title: str) -> None:
    path.write_text(f"{title}\n\nThe body of {title}, long enough to read.\n")


def test_symlink_loops_are_walked_once(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    _article(root / "one.txt", "One")
    _article(root / "sub" / "two.txt", "Two")
    os.symlink(".", root / "self")
    os.symlink("..", root / "sub" / "up")
    os.symlink(str(root), root / "sub" / "again")
    result = run("parse", "--json", root)
    assert result.code == 0, result.err
    titles = [d["title"] for d in json.loads(result.out)["documents"]]
    assert titles == ["One", "Two"]


def test_two_self_links_do_not_hang(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    _article(root / "one.txt", "One")
    os.symlink(".", root / "a")
    os.symlink(".", root / "b")
    result = run_cli("parse", "--json", str(root))  # a subprocess, so a hang is a timeout
    assert [d["title"] for d in json.loads(result.stdout)["documents"]] == ["One"]


def test_a_directory_link_given_twice_is_read_twice_only_when_named_twice(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    _article(root / "one.txt", "One")
    result = run("parse", "--json", root, root)
    assert len(json.loads(result.out)["documents"]) == 2  # named twice: read twice


def test_unreadable_directory_is_reported_as_such(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    _article(root / "one.txt", "One")
    locked = root / "locked"
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked or Path(path) == tmp_path / "alone":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("parse", "--json", root)
    assert result.code == 0
    assert [d["title"] for d in json.loads(result.out)["documents"]] == ["One"]
    assert f"parallax: {locked}: cannot read the directory (Permission denied)" in result.err
    (tmp_path / "alone").mkdir()
    alone = run("parse", tmp_path / "alone")
    assert alone.code == 2
    assert "cannot read the directory (Permission denied)" in alone.err
    assert "no files matching" not in alone.err


def test_jsonl_bad_first_line_keeps_the_others(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "A", "body": "broken\n'
        '{"title": "B", "body": "Second."}\n'
        "not json at all\n"
        '{"title": "C", "body": "Third."}\n'
    )
    result = run("parse", "--json", path)
    assert result.code == 0, result.err
    assert [d["title"] for d in json.loads(result.out)["documents"]] == ["B", "C"]
    lines = result.err.splitlines()
    assert lines[0].startswith(f"parallax: {path}:1: expected valid JSON")
    assert lines[1].startswith(f"parallax: {path}:3: expected valid JSON")
    assert len(lines) == 2
    assert "at at" not in result.err


def test_jsonl_file_whose_first_line_is_not_json_is_still_jsonl(tmp_path):
    path = tmp_path / "feed.ndjson"
    path.write_text('oops\n{"title": "B", "body": "Second."}\n')
    result = run("parse", "--json", path)
    assert [d["title"] for d in json.loads(result.out)["documents"]] == ["B"]
    assert result.err.startswith(f"parallax: {path}:1: expected valid JSON")


def test_broken_pretty_printed_json_is_one_line(tmp_path):
    path = tmp_path / "one.json"
    path.write_text('{\n  "title": "A",\n  "body": "x",\n  oops\n}\n')
    result = run("parse", path)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"parallax: {path}:4: expected valid JSON (Expecting property name enclosed in double "
        "quotes at column 3)",
        "parallax: no document loaded",
    ]


def test_control_character_in_json_string_message_reads_well(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "A\x01", "body": "x"}\n{"title": "B", "body": "y"}\n')
    result = run("parse", path)
    assert "at at" not in result.err
    assert "(Invalid control character at column 13)" in result.err
    assert terminal_safe(result.err)


# --- numbers and nesting (item 3) ----------------------------------------------------------------


def test_integer_of_5000_digits_is_one_line_and_other_files_load(tmp_path):
    digits = "7" * 5000
    big = tmp_path / "big.jsonl"
    big.write_text(
        f'{{"title": "Big", "id": {digits}, "body": "Body."}}\n'
        f'{{"title": "Fine", "views": {digits}, "body": "Unused numbers do not matter."}}\n'
    )
    array = tmp_path / "array.json"
    array.write_text(f'[{{"title": {digits}, "body": "x"}}, {{"title": "Kept", "body": "y"}}]')
    good = tmp_path / "good.txt"
    _article(good, "Good")
    result = run("parse", "--json", big, array, good)
    assert result.code == 0, result.err
    assert [d["title"] for d in json.loads(result.out)["documents"]] == ["Fine", "Kept", "Good"]
    assert result.err.splitlines() == [
        f'parallax: {big}:1: expected a string for "id", found a number of 5000 digits',
        f'parallax: {array}:1: expected a string for "title", found a number of 5000 digits',
    ]


def test_deeply_nested_json_is_one_line(tmp_path):
    deep = tmp_path / "deep.jsonl"
    nested = '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}"
    deep.write_text(nested + '\n{"title": "T", "body": "b"}\n')
    result = run("parse", "--json", deep)
    assert result.code == 0
    assert [d["title"] for d in json.loads(result.out)["documents"]] == ["T"]
    assert result.err.startswith(f"parallax: {deep}:1: expected JSON nested less deeply")


@pytest.mark.parametrize(
    "content",
    [
        "theme = \n",
        "threshold = " + "1" * 5000 + "\n",
        "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
        b"reviewer = '\xff'\n",
    ],
    ids=["syntax", "long-integer", "nesting", "not-utf8"],
)
def test_malformed_config_is_one_line_and_exit_2(tmp_path, monkeypatch, content):
    home = tmp_path / "config-home" / "parallax"
    home.mkdir(parents=True)
    config = home / "config.toml"
    if isinstance(content, bytes):
        config.write_bytes(content)
    else:
        config.write_text(content)
    export = tmp_path / "export.json"
    export.write_text(
        '{"schema": "parallax.annotations/1", "documents": [], "clusters": [], "annotations": []}'
    )
    _article(tmp_path / "a.txt", "A")
    result = run("import", export, tmp_path / "a.txt", "--workspace", tmp_path / "w.sqlite")
    assert result.code == 2, result.err
    [line] = result.err.splitlines()
    assert line.startswith(f"parallax: {config}: ")
    assert not (tmp_path / "w.sqlite").exists()
    app = run(tmp_path / "a.txt", "--config", config)
    assert app.code == 2
    assert app.err.startswith(f"parallax: {config}: ")


def test_unreadable_home_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    real_stat = Path.stat

    def stat(self, *, follow_symlinks=True):
        if str(self).startswith(str(tmp_path / "home")):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", stat)
    export = tmp_path / "export.json"
    export.write_text(
        '{"schema": "parallax.annotations/1", "documents": [], "clusters": [], "annotations": []}'
    )
    _article(tmp_path / "a.txt", "A")
    result = run("import", export, tmp_path / "a.txt", "--workspace", tmp_path / "w.sqlite")
    assert result.code == 2, result.err
    [line] = result.err.splitlines()
    assert line.startswith(f"parallax: {tmp_path / 'home'}") and "Permission denied" in line


def test_home_with_a_too_long_name_exits_2(tmp_path, cli):
    home = tmp_path / ("h" * 300)
    export = tmp_path / "export.json"
    export.write_text(
        '{"schema": "parallax.annotations/1", "documents": [], "clusters": [], "annotations": []}'
    )
    _article(tmp_path / "a.txt", "A")
    env = {"HOME": str(home), "XDG_CONFIG_HOME": ""}
    result = cli(
        "import", str(export), str(tmp_path / "a.txt"), "--workspace", str(tmp_path / "w"), env=env
    )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.decode().splitlines()) == 1
    assert b"Traceback" not in result.stderr


def test_import_of_a_huge_integer_or_deep_nesting_is_exit_2(tmp_path):
    _article(tmp_path / "a.txt", "A")
    for name, text in (
        ("big.json", '{"annotations": [' + "9" * 5000 + "]}"),
        ("deep.json", "[" * 200_000 + "]" * 200_000),
    ):
        path = tmp_path / name
        path.write_text(text)
        result = run(
            "import",
            path,
            tmp_path / "a.txt",
            "--workspace",
            tmp_path / "w.sqlite",
            "--reviewer",
            "r",
        )
        assert result.code == 2, result.err
        assert result.err.startswith(f"parallax: {path}: ")
        assert not (tmp_path / "w.sqlite").exists()

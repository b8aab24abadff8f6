"""Ingest through the command line, as a user runs it: encodings, bad input, exit codes."""

from __future__ import annotations

import json

import pytest

ARTICLE_CN = (
    "日本挖深海泥希望实现稀土国产化\n\n日本深海钻探船从静冈县清水港出发。预计耗时约20天。\n"
)
ARTICLE_TW = (
    "日本挖深海泥希望實現稀土國產化\n\n日本深海鑽探船從靜岡縣清水港出發。預計耗時約20天。\n"
)
EXPORT = (
    "稀土国产化\nSearch documents\n日本挖深海泥希望实现稀土国产化\n"
    "Xin Lang Cai Jing· 2026-01-13 00:13\n"
    "Core Viewpoint - Japan relies on China for over 70% of its rare earths [1]\n"
)


def parse_json(cli, *paths, expect=0):
    result = cli("parse", *map(str, paths), "--json")
    assert result.returncode == expect, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    return json.loads(result.stdout) if expect == 0 else None, result.stderr.decode()


@pytest.mark.parametrize(
    ("encoding", "text", "bom"),
    [
        ("utf-8", ARTICLE_CN, b""),
        ("utf-8", ARTICLE_CN, b"\xef\xbb\xbf"),
        ("utf-16-le", ARTICLE_CN, b"\xff\xfe"),
        ("utf-16-be", ARTICLE_CN, b"\xfe\xff"),
        ("gb18030", ARTICLE_CN, b""),
        ("gbk", ARTICLE_CN, b""),
        ("big5", ARTICLE_TW, b""),
    ],
)
def test_every_encoding_reads_the_same_text(tmp_path, cli, encoding, text, bom):
    path = tmp_path / "article.txt"
    path.write_bytes(bom + text.encode(encoding))
    payload, _ = parse_json(cli, path)
    [document] = payload["documents"]
    assert document["title"] == text.split("\n")[0]
    assert document["body"] == text.split("\n\n", 1)[1].strip()
    assert document["segments"][0]["text"].endswith("出發。" if "出發" in text else "出发。")


@pytest.mark.parametrize("encoding", ["gb18030", "big5-hkscs", "utf-16"])
def test_search_export_in_legacy_encodings(tmp_path, cli, encoding):
    text = (
        EXPORT if encoding != "big5-hkscs" else EXPORT.replace("实现稀土国产化", "實現稀土國產化")
    )
    text = text.replace("稀土国产化\n", "稀土國產化\n") if encoding == "big5-hkscs" else text
    path = tmp_path / "export.txt"
    path.write_bytes(text.encode(encoding))
    payload, _ = parse_json(cli, path)
    [document] = payload["documents"]
    assert document["source"] == "Xin Lang Cai Jing"
    assert document["format"] == "export"
    assert document["citations"][0]["text"] == "[1]"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_files(tmp_path, cli, newline):
    path = tmp_path / "export.txt"
    path.write_bytes(EXPORT.replace("\n", newline).encode("utf-8"))
    payload, _ = parse_json(cli, path)
    [document] = payload["documents"]
    assert document["body"] == EXPORT.split("\n")[4]
    assert "\r" not in document["body"]


BAD_INPUTS = {
    "binary.txt": (b"GIF89a\x00\x01\x02\x00\x00", "binary.txt:1: binary data"),
    "late-nul.txt": (b"line one\nline two\nthree\x00\n", "late-nul.txt:3: binary data"),
    "empty.txt": (b"", "empty.txt:1: empty file"),
    "blank.md": (b"  \n\n \t\n", "blank.md:1: empty file"),
    "broken.json": (
        b'[{"title": "A", "body": "x"},\n{"title"',
        "broken.json:2: expected valid JSON",
    ),
    "scalar.json": (b"[1, 2]", "scalar.json:1: expected a JSON object, found int"),
    "controls.txt": (bytes(range(1, 9)) * 20, "controls.txt:1: binary data (control bytes)"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_file_alone_is_exit_2_with_one_clear_line(tmp_path, cli, name):
    data, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("parse", str(path))
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert lines[0] == f"parallax: {tmp_path / expected}" or lines[0].startswith(
        f"parallax: {tmp_path}/{expected}"
    )
    assert lines[-1] == "parallax: no document loaded"


def test_bad_files_do_not_stop_good_ones(tmp_path, cli, demo_path):
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    bad = [tmp_path / name for name in sorted(BAD_INPUTS)]
    payload, stderr = parse_json(cli, *bad, demo_path, tmp_path / "missing.txt")
    assert len(payload["documents"]) == 6
    # one line per bad file, two for scalar.json (one per unusable record), one missing file
    assert stderr.count("parallax: ") == len(BAD_INPUTS) + 2
    for name in BAD_INPUTS:
        assert f"{tmp_path / name}:" in stderr
    assert f"{tmp_path / 'missing.txt'}: no such file or directory" in stderr


def test_control_characters_in_text_are_kept_exactly_but_printed_safely(tmp_path, cli):
    path = tmp_path / "evil.txt"
    path.write_bytes(b"Title \x1b]52;c;ZXZpbA==\x07 [bold]x[/bold]\n\nBody \x1b[31mred\x1b[0m.\n")
    payload, _ = parse_json(cli, path)
    assert payload["documents"][0]["body"] == "Body \x1b[31mred\x1b[0m."
    summary = cli("parse", str(path))
    assert summary.returncode == 0
    assert b"\x1b" not in summary.stdout
    assert "[bold]x[/bold]" in summary.stdout.decode()


def test_directory_walk_with_include_and_exclude(tmp_path, cli):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text("# One\n\nFirst.\n")
    (tmp_path / "a" / "two.txt").write_text("Two\n\nSecond.\n")
    (tmp_path / "b.json").write_text('[{"title": "Three", "body": "Third."}]')
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / ".parallax").mkdir()
    (tmp_path / ".parallax" / "hidden.txt").write_text("Hidden\n\nNo.\n")
    payload, stderr = parse_json(cli, tmp_path)
    assert [d["title"] for d in payload["documents"]] == ["One", "Two", "Three"]
    assert stderr == ""
    payload, _ = parse_json(cli, tmp_path, "--include", "*.md")
    assert [d["title"] for d in payload["documents"]] == ["One"]
    result = cli("parse", str(tmp_path), "--exclude", "a/*", "--json")
    assert [d["title"] for d in json.loads(result.stdout)["documents"]] == ["Three"]
    result = cli("parse", str(tmp_path), "--include", "*.csv")
    assert result.returncode == 2
    assert "no files matching *.csv" in result.stderr.decode()


def test_forced_format_is_applied(tmp_path, cli):
    path = tmp_path / "data.txt"
    path.write_text('{"title": "T", "body": "B."}\n')
    payload, _ = parse_json(cli, path)
    assert payload["documents"][0]["format"] == "json"
    result = cli("parse", str(path), "--format", "text", "--json")
    assert json.loads(result.stdout)["documents"][0]["format"] == "text"


def test_stdin(cli):
    result = cli("parse", "-", "--json", input=b'{"title": "T", "body": "From stdin."}\n')
    assert result.returncode == 0
    assert json.loads(result.stdout)["documents"][0]["origin"]["path"] == "<stdin>"


def test_version_and_help(cli):
    from parallax.core import __version__

    version = cli("--version")
    assert version.returncode == 0
    assert version.stdout.decode().strip() == f"parallax {__version__}"
    helptext = cli("--help").stdout.decode()
    assert "examples:" in helptext and "exit codes:" in helptext
    assert cli("parse", "--help").returncode == 0
    assert cli("no-such-option", "--bogus").returncode == 2

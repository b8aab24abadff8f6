"""``parallax report`` as a user runs it, and alignment invariants under random input."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.core.align import align, metadata_text
from parallax.core.discrepancy import KINDS, find_discrepancies
from parallax.core.document import Document, Origin

COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;[0-9;]+|48;[0-9;]+)m")


def test_report_json_has_the_documented_shape(cli, demo_path):
    result = cli("report", str(demo_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["schema"] == "parallax.report/1"
    assert {"id", "index", "title", "source", "published", "origin"} <= set(payload["documents"][0])
    ids = {d["id"] for d in payload["documents"]}
    for cluster in payload["clusters"]:
        assert {"id", "documents", "discrepancies"} <= set(cluster)
        assert set(cluster["documents"]) <= ids
        for discrepancy in cluster["discrepancies"]:
            assert {"id", "kind", "severity", "summary", "row", "readings"} <= set(discrepancy)
            # added by the second version of the engine, within parallax.report/1
            assert {"tier", "groups", "moved"} <= set(discrepancy)
            assert discrepancy["tier"] in ("reported", "unimportant")
            grouped = [d for g in discrepancy["groups"] for d in g["documents"]]
            assert len(grouped) == len(set(grouped)) and set(grouped) <= set(cluster["documents"])
            assert discrepancy["kind"] in KINDS
            assert discrepancy["severity"] in ("high", "medium", "low")
            assert [r["document"] for r in discrepancy["readings"]] == cluster["documents"]
            for reading in discrepancy["readings"]:
                assert {"document", "text", "start", "end"} <= set(reading)
    kinds = {
        d["kind"]
        for c in payload["clusters"]
        for d in c["discrepancies"]
        if d["tier"] == "reported"
    }
    # The sample's versions agree on every figure they share; all other kinds occur.
    assert kinds == set(KINDS) - {"number"}


def test_report_is_deterministic(cli, demo_path):
    first = cli("report", str(demo_path), "--format", "json").stdout
    assert cli("report", str(demo_path), "--format", "json").stdout == first


def test_report_text_and_markdown(cli, demo_path):
    text = cli("report", str(demo_path)).stdout.decode()
    assert "Names differ: “Sanna Takashi” ×2 (#1, #2) vs “Fumio Kishida” (#3)" in text
    assert "unimportant not shown" in text
    everything = cli("report", str(demo_path), "--unimportant").stdout.decode()
    assert "Equivalent wording" in everything and "Equivalent wording" not in text
    assert "\x1b" not in text  # piped: no escape sequences at all
    markdown = cli("report", str(demo_path), "--format", "markdown").stdout.decode()
    assert markdown.startswith("# Parallax review")
    assert "### HIGH · entity" in markdown
    assert "- #3: “Fumio Kishida”" in markdown


def test_report_colour_follows_force_color_and_no_color(cli, demo_path):
    coloured = cli("report", str(demo_path), env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert COLOUR.search(coloured.stdout.decode())
    plain = cli(
        "report",
        str(demo_path),
        env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm-256color"},
    )
    assert not COLOUR.search(plain.stdout.decode())


def test_report_never_prints_control_characters_from_documents(cli, tmp_path):
    evil = "The chief [bold]Sanae Takaichi[/bold] said \x1b]52;c;ZXZpbA==\x07 rates rose 5%."
    other = "The chief [bold]Fumio Kishida[/bold] said \x1b]52;c;ZXZpbA==\x07 rates rose 5%."
    (tmp_path / "a.txt").write_text(f"Rates\n\n{evil}\n")
    (tmp_path / "b.txt").write_text(f"Rates\n\n{other}\n")
    result = cli("report", str(tmp_path), env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    output = result.stdout.decode()
    assert "]52;" not in output.replace("␛]52;", "")
    assert "\x07" not in output
    visible = re.sub(r"\x1b\[[0-9;]*m", "", output)  # our own styling, nothing else
    assert "\x1b" not in visible
    assert "[bold]Sanae Takaichi[/bold]" in visible  # shown literally, not read as markup


def test_alias_file_turns_entity_into_spelling(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Rates\n\nPrime Minister Sanae Takaichi dissolved the House.\n")
    (tmp_path / "b.txt").write_text("Rates\n\nPrime Minister 高市早苗 dissolved the House.\n")
    aliases = tmp_path / "names.toml"
    aliases.write_text('[[alias]]\nnames = ["高市早苗", "Sanae Takaichi"]\n', encoding="utf-8")

    def kinds(*extra):
        result = cli(
            "report",
            str(tmp_path / "a.txt"),
            str(tmp_path / "b.txt"),
            *extra,
            "--format",
            "json",
            "--threshold",
            "0.3",
        )
        assert result.returncode == 0, result.stderr
        clusters = json.loads(result.stdout)["clusters"]
        return [
            d["kind"]
            for c in clusters
            for d in c["discrepancies"]
            if d["kind"] != "metadata" and d["tier"] == "reported"
        ]

    assert kinds() == ["entity"]
    assert kinds("--aliases", str(aliases)) == ["spelling"]


def test_bad_alias_file_is_one_clear_line(cli, demo_path, tmp_path):
    bad = tmp_path / "names.toml"
    bad.write_text("[[alias]\n")
    result = cli("report", str(demo_path), "--aliases", str(bad))
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"parallax: {bad}: expected TOML")
    missing = cli("report", str(demo_path), "--aliases", str(tmp_path / "none.toml"))
    assert missing.returncode == 2 and b"cannot read the alias file" in missing.stderr


# --- invariants under random versions ------------------------------------------------------------

WORDS = ["Japan", "ship", "mud", "rare", "earth", "15 km", "four", "[1][2]", "on May 3", "over"]
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(
    lambda words: " ".join(words) + "."
)
versions = st.lists(
    st.lists(sentences, min_size=1, max_size=6).map(" ".join), min_size=2, max_size=4
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions)
def test_every_segment_sits_in_exactly_one_row_and_readings_slice_exactly(bodies):
    documents = [
        Document(
            id=f"d{i}", index=i, title="T", origin=Origin(path="p", line=1), format="text", body=b
        )
        for i, b in enumerate(bodies, 1)
    ]
    alignment = align(documents)
    for v, document in enumerate(documents):
        placed = [s for row in alignment.rows if row.kind == "claim" for s in row.cells[v].segments]
        assert sorted(placed) == list(range(len(document.segments)))
    for discrepancy in find_discrepancies(documents, alignment):
        for document, reading in zip(documents, discrepancy.readings, strict=True):
            if reading.start is not None:
                text = metadata_text(document, reading.field)
                assert text[reading.start : reading.end] == reading.text

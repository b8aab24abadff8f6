"""``parallax [PATHS]``: the options reach the app's settings; bad ones are one clear line."""

from __future__ import annotations

import pytest

from parallax.tui import cli
from parallax.tui.app import ParallaxApp


@pytest.fixture
def captured(monkeypatch):
    seen = {}

    def fake_run(self, *args, **kwargs):
        seen["app"] = self

    monkeypatch.setattr(ParallaxApp, "run", fake_run)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-parallax-test")
    return seen


def test_app_options_reach_the_settings(captured, tmp_path, demo_path):
    workspace = tmp_path / "w.sqlite"
    code = cli.main(
        [
            str(demo_path),
            "--workspace",
            str(workspace),
            "--reviewer",
            "zoe",
            "--theme",
            "textual-light",
            "--threshold",
            "0.5",
        ]
    )
    assert code == 0
    settings = captured["app"].settings
    assert (settings.workspace, settings.reviewer, settings.theme, settings.threshold) == (
        workspace,
        "zoe",
        "textual-light",
        0.5,
    )
    assert captured["app"].sources.paths == [str(demo_path)]


def test_config_file_and_its_errors(captured, tmp_path, demo_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(
        'reviewer = "ana"\n[keymap]\nnext_discrepancy = "z"\n[[tags]]\nname = "legal"\n'
    )
    assert cli.main([str(demo_path), "--config", str(config)]) == 0
    settings = captured["app"].settings
    assert settings.reviewer == "ana" and settings.keymap == {"next_discrepancy": "z"}
    assert "legal" in settings.tag_names()
    config.write_text("threshold = 7\n")
    assert cli.main([str(demo_path), "--config", str(config)]) == 2
    assert capsys.readouterr().err.startswith(f"parallax: {config}: threshold:")
    config.write_text("theme = \n")
    assert cli.main([str(demo_path), "--config", str(config)]) == 2
    assert "expected TOML" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "missing.txt")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_help_lists_app_options_and_commands(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for expected in ("--workspace", "--reviewer", "--theme", "report", "export", "exit codes:"):
        assert expected in text

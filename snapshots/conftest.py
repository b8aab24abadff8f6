"""Snapshot tests live here so their SVGs land in snapshots/__snapshots__/.

Stable by construction: the theme is pinned in the app, and the environment that could change
colours or motion is removed."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def stable_environment(monkeypatch):
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")

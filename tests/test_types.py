"""``core/`` and ``tui/`` pass ``mypy --strict`` with the pydantic plugin ([tool.mypy]).

Static tools cannot follow the package-dir mapping (``parallax.core`` is ``core/``), so
``.pkgroot/parallax/`` holds two links, ``core`` and ``tui``, and ``mypy_path`` points there:
mypy checks the packages under the names the wheel gives them.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]
LINKS = ROOT / ".pkgroot" / "parallax"


def test_the_links_lead_to_the_packages():
    assert (LINKS / "core").resolve() == ROOT / "core"
    assert (LINKS / "tui").resolve() == ROOT / "tui"


def test_mypy_strict():
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
        ]
    )
    # Errors name the files by their links; show them by the paths in the repository.
    report = stdout.replace(".pkgroot/parallax/", "").replace(f"{LINKS}/", "")
    assert status == 0, report + stderr

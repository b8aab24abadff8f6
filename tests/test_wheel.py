"""The wheel is complete: every package and data file under ``core/`` and ``tui/``.

An editable install imports any folder of the source tree, so a subpackage left out of
``[tool.setuptools] packages`` (or a data file out of ``package-data``) passes every other test
and is missing from the wheel. This builds the wheel the way ``pip install .`` would (without
build isolation, so without the network) and compares it with the source tree, walked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Source folder -> the package it is installed as.
PACKAGES = {"core": "parallax/core", "tui": "parallax/tui"}


def _expected() -> tuple[set[str], set[str]]:
    """Every package folder and every data file of the source tree, as wheel paths."""
    packages: set[str] = set()
    data: set[str] = set()
    for folder, installed in PACKAGES.items():
        for path in (ROOT / folder).rglob("*"):
            relative = path.relative_to(ROOT / folder)
            if "__pycache__" in relative.parts or path.suffix == ".pyc":
                continue
            name = f"{installed}/{relative.as_posix()}"
            if path.is_dir() and any(path.glob("*.py")):
                packages.add(name)
            elif path.is_file() and path.suffix != ".py":
                data.add(name)
        packages.add(installed)
    return packages, data


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    # Built from a copy, so that the build leaves nothing (build/, *.egg-info) in the checkout.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for folder in PACKAGES:
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("parallax_review-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_tree_has_what_the_wheel_must_hold():
    packages, data = _expected()
    assert {"parallax/core/ingest", "parallax/tui/widgets"} <= packages
    assert {"parallax/tui/app.tcss", "parallax/core/py.typed", "parallax/tui/py.typed"} <= data
    assert any(name.startswith("parallax/core/data/") for name in data)


def test_every_package_is_in_the_wheel(wheel_names):
    packages, _ = _expected()
    missing = sorted(p for p in packages if f"{p}/__init__.py" not in wheel_names)
    assert not missing, (
        f"packages missing from the wheel (add them to [tool.setuptools]): {missing}"
    )


def test_every_data_file_is_in_the_wheel(wheel_names):
    _, data = _expected()
    missing = sorted(data - wheel_names)
    assert not missing, f"data files missing from the wheel (add them to package-data): {missing}"


def test_the_wheel_holds_nothing_else(wheel_names):
    packages, data = _expected()
    shipped = {n for n in wheel_names if n.startswith("parallax/")}
    extra = {
        n
        for n in shipped
        if n not in data and not (n.endswith(".py") and n.rsplit("/", 1)[0] in packages)
    }
    assert not sorted(extra)

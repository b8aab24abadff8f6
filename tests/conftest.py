from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.core.data import demo_corpus_path
from parallax.core.ingest import Corpus, load


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return demo_corpus_path()


@pytest.fixture(scope="session")
def demo(demo_path: Path) -> Corpus:
    corpus = load([demo_path])
    assert not corpus.problems
    return corpus


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, env=None):
    """Run the installed command line exactly as a user would, in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_DEBUG",)}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "parallax.tui", *args],
        input=input,
        capture_output=True,
        cwd=cwd,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def cli():
    return run_cli

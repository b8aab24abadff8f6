from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.core.data import demo_corpus_path
from parallax.core.ingest import Corpus, load
from tests import inprocess


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return demo_corpus_path()


@pytest.fixture(scope="session")
def demo(demo_path: Path) -> Corpus:
    corpus = load([demo_path])
    assert not corpus.problems
    return corpus


def run_cli(
    *args: str,
    input: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command line exactly as a user would, in a subprocess (the end-to-end
    tests: environment, terminal, pipes, hangs)."""
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


def run_cli_here(
    *args: str,
    input: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """:func:`run_cli`, in this process when nothing about the process matters (no working
    directory, no environment given): the same result, without starting Python again."""
    if cwd is not None or env is not None:
        return run_cli(*args, input=input, cwd=cwd, env=env)
    result = inprocess.run(*args, stdin=input)
    return subprocess.CompletedProcess(
        list(args), result.code, result.out.encode("utf-8"), result.err.encode("utf-8")
    )


@pytest.fixture
def cli():
    """The command line, as :func:`run_cli_here` runs it."""
    return run_cli_here

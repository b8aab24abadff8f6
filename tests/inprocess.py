"""Run the ``parallax`` command line in this process, with its output captured.

Much faster than a subprocess; the few tests where the terminal or the exit path matters use
``conftest.run_cli`` instead.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from parallax.core.safe import has_unsafe
from parallax.tui.cli import main


@dataclass(frozen=True)
class Run:
    """What one run of the command line did."""

    code: int
    out: str
    err: str


def run(*args: str, stdin: bytes | None = None) -> Run:
    """``parallax ARGS`` in this process; ``stdin`` is what standard input holds."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        sys.stdin = saved
    return Run(code, out.getvalue(), err.getvalue())


def terminal_safe(text: str) -> bool:
    """True when ``text`` holds no raw control, bidi or invisible character (a CRLF line end
    counts as a line end)."""
    return not has_unsafe(text.replace("\r\n", "\n"))

"""The documented error type for bad input, and the one-line problem reports built from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input, reported as ``path:line: message``.

    ``line`` is 1-based; ``None`` when the problem is not tied to a line (a missing file).
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class IngestError(Exception):
    """Raised when an input cannot be read at all; the only exception parsers raise.

    The message is the one-line ``path:line: what was expected`` report.
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.problem = Problem(path, line, message)
        super().__init__(str(self.problem))

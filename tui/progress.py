"""Progress on stderr for long command-line runs: a rich progress bar on a terminal, nothing
when stderr is a pipe or a file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from parallax.core.safe import neutralize

_LABELS = {
    "signing": "Signing documents",
    "grouping": "Grouping candidates",
    "verifying": "Verifying pairs",
    "aligning": "Aligning stories",
    "analysing": "Analysing stories",
    "writing": "Writing the index",
}


class StageProgress:
    """Receives ``on_file(path)`` and ``on_stage(stage, done, total)`` from the core."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def on_file(self, path: str) -> None:
        """A file is about to be read."""
        if self._progress is None:
            return
        # The description column reads markup: a path is escaped.
        label = "Reading " + escape(neutralize(path, keep_newlines=False)[-50:])
        task = self._tasks.get("reading")
        if task is None:
            self._tasks["reading"] = self._progress.add_task(label, total=None)
        else:
            self._progress.update(task, description=label, advance=1)

    def on_stage(self, stage: str, done: int, total: int) -> None:
        """A pipeline stage advanced to ``done`` of ``total``."""
        if self._progress is None:
            return
        task = self._tasks.get(stage)
        if task is None:
            task = self._progress.add_task(_LABELS.get(stage, stage), total=total)
            self._tasks[stage] = task
        self._progress.update(task, completed=done, total=total)


@contextmanager
def stage_progress(stream: TextIO) -> Iterator[StageProgress]:
    """A progress display on ``stream`` if it is a terminal; otherwise callbacks that do nothing."""
    if not stream.isatty():
        yield StageProgress(None)
        return
    console = Console(file=stream, stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield StageProgress(progress)

"""The annotations of one workspace, placed in one corpus: what the app and the export use.

Opening a book re-anchors every annotation against the current sources and records any move in
the workspace (as the reviewer ``parallax``); annotations that cannot be placed stay, marked
orphaned. Opening a story re-links annotations whose discrepancy id changed (the story was
re-analysed after an edit) to the discrepancy now covering the same text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from platformdirs import user_data_dir

from parallax.core.annotations.anchoring import Anchorer, reanchor
from parallax.core.annotations.models import Annotation, Status, Target, make_target
from parallax.core.annotations.store import Stored, Workspace, WorkspaceError
from parallax.core.discrepancy import Discrepancy
from parallax.core.document import Document
from parallax.core.report import Story

SYSTEM = "parallax"


def default_workspace(first_source: Path, *, demo: Path | None = None) -> Path:
    """Where the workspace of some sources lives: ``.parallax/review.sqlite`` beside the first
    source; for the built-in demo corpus (inside the installed package), the user data dir."""
    first = Path(first_source).resolve()
    if demo is not None and first == Path(demo).resolve():
        return Path(user_data_dir("parallax", appauthor=False)) / "demo" / "review.sqlite"
    folder = first if first.is_dir() else first.parent
    return folder / ".parallax" / "review.sqlite"


class AnnotationBook:
    """Annotations placed in a corpus, and the actions a reviewer takes on them."""

    def __init__(self, workspace: Workspace, documents: Sequence[Document]) -> None:
        self.workspace = workspace
        self.anchorer = Anchorer(documents)
        self.documents = {d.id: d for d in documents}
        self.items: dict[str, Stored] = {}
        self.reload()

    @property
    def readonly(self) -> bool:
        """True when nothing can be written."""
        return self.workspace.readonly

    def reload(self) -> None:
        """Read every annotation again (another reviewer may have written) and place it."""
        items: dict[str, Stored] = {}
        for stored in self.workspace.all():
            placed = reanchor(stored.annotation, self.anchorer, stored.key)
            key = self.anchorer.key(placed.target.document) if not placed.orphaned else stored.key
            if placed != stored.annotation and not self.readonly:
                # If the write fails, the placement stays in memory and is recomputed next time.
                with contextlib.suppress(WorkspaceError):
                    placed = self.workspace.update(
                        placed.id,
                        reviewer=SYSTEM,
                        target=placed.target,
                        key=key,
                        orphaned=placed.orphaned,
                        action="reanchor",
                    )
            items[placed.id] = Stored(placed, key)
        self.items = items

    # --- questions --------------------------------------------------------------------------

    def annotations(self) -> list[Annotation]:
        """Every annotation, oldest first."""
        return sorted((s.annotation for s in self.items.values()), key=lambda a: a.created)

    def stored(self) -> list[Stored]:
        """Every annotation with its document key."""
        return list(self.items.values())

    def orphans(self) -> list[Annotation]:
        """Annotations whose text is not in the current sources."""
        return [a for a in self.annotations() if a.orphaned]

    def on_discrepancy(self, discrepancy_id: str) -> list[Annotation]:
        """The annotations of a discrepancy, all reviewers, oldest first."""
        return [
            a
            for a in self.annotations()
            if a.target.discrepancy == discrepancy_id and not a.orphaned
        ]

    def mine(self, discrepancy_id: str, reviewer: str) -> Annotation | None:
        """This reviewer's annotation of a discrepancy, if any."""
        return next(
            (a for a in self.on_discrepancy(discrepancy_id) if a.reviewer == reviewer), None
        )

    def tags_of(self, discrepancy_id: str) -> list[str]:
        """Every tag any reviewer put on a discrepancy, without repeats."""
        tags: list[str] = []
        for annotation in self.on_discrepancy(discrepancy_id):
            tags += [t for t in annotation.tags if t not in tags]
        return tags

    def reviewed(self, discrepancy_ids: Iterable[str]) -> int:
        """How many of these discrepancies carry a tag, a note or a status."""
        wanted = set(discrepancy_ids)
        done = {
            a.target.discrepancy
            for a in self.annotations()
            if a.target.discrepancy in wanted and a.reviewed and not a.orphaned
        }
        return len(done)

    # --- actions ------------------------------------------------------------------------------

    def target_for(
        self, discrepancy: Discrepancy, cluster: str, prefer: str | None = None
    ) -> Target:
        """A target for a discrepancy: the reading of ``prefer`` (a document id) if it says
        something, else the first reading that does."""
        readings = [r for r in discrepancy.readings if r.start is not None and r.end is not None]
        reading = next((r for r in readings if r.document == prefer), readings[0])
        document = self.documents[reading.document]
        return make_target(
            document,
            reading.start or 0,
            reading.end or 0,
            field=reading.field,
            discrepancy=discrepancy.id,
            cluster=cluster,
        )

    def annotate(
        self,
        target: Target,
        reviewer: str,
        *,
        tags: Iterable[str] | None = None,
        note: str | None = None,
        status: Status | None = None,
        existing: Annotation | None = None,
    ) -> Annotation:
        """Create or change an annotation; committed before this returns."""
        if existing is None:
            annotation = self.workspace.create(
                target,
                key=self.anchorer.key(target.document),
                reviewer=reviewer,
                tags=tags or (),
                note=note or "",
                status=status or "open",
            )
        else:
            annotation = self.workspace.update(
                existing.id, reviewer=reviewer, tags=tags, note=note, status=status
            )
        self.items[annotation.id] = Stored(annotation, self.anchorer.key(target.document))
        return annotation

    def undo(self, reviewer: str) -> Annotation | None:
        """Undo the reviewer's last change (across restarts)."""
        changed = self.workspace.undo(reviewer)
        self.reload()
        return changed

    def redo(self, reviewer: str) -> Annotation | None:
        """Redo what the reviewer undid last."""
        changed = self.workspace.redo(reviewer)
        self.reload()
        return changed

    def relink(self, story: Story) -> int:
        """Point annotations whose discrepancy vanished at the discrepancy now covering their
        text in this story; return how many moved."""
        known = {d.id for d in story.discrepancies}
        members = set(story.documents)
        moved = 0
        for stored in list(self.items.values()):
            annotation = stored.annotation
            target = annotation.target
            if (
                annotation.orphaned
                or not target.discrepancy
                or target.discrepancy in known
                or target.document not in members
            ):
                continue
            replacement = _covering(story.discrepancies, target)
            if replacement is None:
                continue
            relinked = target.model_copy(
                update={"discrepancy": replacement.id, "cluster": story.id}
            )
            if self.readonly:
                self.items[annotation.id] = Stored(
                    annotation.model_copy(update={"target": relinked}), stored.key
                )
            else:
                updated = self.workspace.update(
                    annotation.id, reviewer=SYSTEM, target=relinked, action="relink"
                )
                self.items[annotation.id] = Stored(updated, stored.key)
            moved += 1
        return moved


def _covering(discrepancies: Sequence[Discrepancy], target: Target) -> Discrepancy | None:
    best: tuple[int, Discrepancy] | None = None
    for discrepancy in discrepancies:
        for reading in discrepancy.readings:
            if reading.document != target.document or reading.field != target.field:
                continue
            if reading.start is None or reading.end is None:
                continue
            overlap = min(reading.end, target.end) - max(reading.start, target.start)
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, discrepancy)
    return best[1] if best else None

"""The annotations of one workspace, placed in one corpus: what the app and the export use.

Opening a book brings the workspace's record of each loaded file up to date (which document
replaced which, :func:`~parallax.core.annotations.anchoring.trace_lineage`), then places every
annotation of a loaded document in its own document
(:class:`~parallax.core.annotations.anchoring.Anchorer`) and records each move in the history (as
``parallax``, keeping who made the annotation and when). Annotations of documents that are not
loaded are neither shown nor touched. Those that cannot be placed stay, marked orphaned.

Whenever a story is analysed, :meth:`AnnotationBook.relink` matches each annotation made on a
discrepancy of the story with the discrepancy that now has its readings (ids are not trusted to
survive a new analysis); one whose discrepancy is gone is orphaned, never moved elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from parallax.core.annotations.anchoring import (
    Anchorer,
    KnownDocument,
    Recording,
    Spot,
    spots_of,
    trace_lineage,
)
from parallax.core.annotations.models import (
    Annotation,
    Status,
    Target,
    discrepancy_target,
)
from parallax.core.annotations.store import (
    SYSTEM,
    ImportReport,
    Placed,
    Stored,
    Workspace,
    WorkspaceError,
)
from parallax.core.discrepancy import Discrepancy
from parallax.core.document import Document
from parallax.core.report import Story

__all__ = ["SYSTEM", "AnnotationBook", "Relinked", "default_workspace", "match_discrepancy"]


def default_workspace(first_source: Path, *, demo: Path | None = None) -> Path:
    """Where the workspace of some sources lives: ``.parallax/review.sqlite`` beside the first
    source; for the built-in demo corpus (inside the installed package), the user data dir."""
    first = Path(first_source).resolve()
    if demo is not None and first == Path(demo).resolve():
        return Path(user_data_dir("parallax", appauthor=False)) / "demo" / "review.sqlite"
    folder = first if first.is_dir() else first.parent
    return folder / ".parallax" / "review.sqlite"


@dataclass(frozen=True)
class Relinked:
    """What relinking one story did."""

    kept: int = 0
    moved: int = 0
    orphaned: int = 0


class AnnotationBook:
    """Annotations placed in a corpus, and the actions a reviewer takes on them."""

    def __init__(self, workspace: Workspace, documents: Sequence[Document]) -> None:
        self.workspace = workspace
        self.documents = {d.id: d for d in documents}
        self._ordered = list(documents)
        self._lock = threading.RLock()
        self.items: dict[str, Stored] = {}
        #: The document each annotation is in now (for the story it belongs to).
        self.homes: dict[str, str] = {}
        #: Where the readings of each annotation are now (for relinking).
        self.spots: dict[str, tuple[Spot, ...]] = {}
        #: How many annotations are on documents that are not loaded (left as they are).
        self.elsewhere = 0
        #: The last error met while recording placements (they stay in memory meanwhile).
        self.problem: str | None = None
        self.anchorer = Anchorer(documents, base=workspace.base)
        self.reload(record=True)

    @property
    def readonly(self) -> bool:
        """True when nothing can be written."""
        return self.workspace.readonly

    def reload(self, *, record: bool = False) -> None:
        """Read every annotation again (another reviewer may have written) and place it.

        ``record`` (when the sources were just read, as on opening) writes what changed: the
        workspace's record of the loaded files and the new places. Otherwise the sources in
        memory may be older than another process's, so the places stay in memory."""
        with self._lock:
            anchorer = Anchorer(self._ordered, base=self.workspace.base)
            loaded = anchorer.loaded_files()

            def changes(known: list[KnownDocument]) -> list[KnownDocument]:
                return trace_lineage(known, loaded)

            try:
                records = self.workspace.sync_documents(loaded, changes, write=record)
            except WorkspaceError:
                if self.workspace.problem:  # damaged: nothing more can be read
                    raise
                # Locked for too long: work it out in memory; it is written next time.
                records = self.workspace.sync_documents(loaded, changes, write=False)
            anchorer.remember(records)
            items: dict[str, Stored] = {}
            homes: dict[str, str] = {}
            spots: dict[str, tuple[Spot, ...]] = {}
            moves: list[Placed] = []
            elsewhere = 0
            for stored in self.workspace.all():
                placed = anchorer.anchor(stored.annotation, stored.key)
                if placed.placement == "elsewhere":
                    elsewhere += 1
                    continue
                annotation = placed.annotation
                key = stored.key
                if placed.home is not None and annotation.target.document == placed.home:
                    key = anchorer.key(placed.home) or key
                if annotation != stored.annotation:
                    moves.append(
                        Placed(
                            annotation.id,
                            stored.annotation.target,
                            annotation.target,
                            key,
                            annotation.orphaned,
                        )
                    )
                items[annotation.id] = Stored(annotation, key)
                spots[annotation.id] = placed.spots
                if placed.home is not None:
                    homes[annotation.id] = placed.home
            self.anchorer = anchorer
            self.items, self.homes, self.spots, self.elsewhere = items, homes, spots, elsewhere
            if record:
                self._write(moves, "reanchor")
                self._remember_files(homes.values())

    def _remember_files(self, documents: Iterable[str]) -> None:
        """Start recording the files that carry annotations but are not recorded yet (in a
        workspace of an earlier version), so that their edits can be followed from now on."""
        if self.readonly:
            return
        anchorer = self.anchorer
        wanted = set(documents)
        files = {
            file: entries
            for file, entries in anchorer.loaded_files().items()
            if file not in anchorer.recorded and wanted & {d.id for _, d in entries}
        }
        if not files:
            return
        try:
            records = self.workspace.sync_documents(
                files, Recording(files, frozenset(wanted)).changes
            )
        except WorkspaceError as error:
            self.problem = str(error)
            return
        anchorer.remember(records)

    def _write(self, moves: list[Placed], action: str) -> None:
        """Record placements; read-only (or when writing fails) they stay in memory only and
        are worked out again next time."""
        if not moves or self.readonly:
            return
        try:
            self.workspace.place(moves, action=action)
        except WorkspaceError as error:
            self.problem = str(error)

    # --- questions --------------------------------------------------------------------------

    def annotations(self) -> list[Annotation]:
        """Every annotation of the loaded documents, oldest first."""
        with self._lock:
            values = list(self.items.values())
        return sorted((s.annotation for s in values), key=lambda a: a.created)

    def stored(self) -> list[Stored]:
        """Every annotation of the loaded documents with its document key, oldest first."""
        with self._lock:
            values = list(self.items.values())
        return sorted(values, key=lambda s: s.annotation.created)

    def orphans(self) -> list[Annotation]:
        """Annotations whose text or discrepancy is not in the current sources."""
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

    def annotated_documents(self) -> set[str]:
        """The loaded documents that annotations on discrepancies are in (their stories need
        relinking once analysed)."""
        with self._lock:
            return {
                self.homes[i]
                for i, s in self.items.items()
                if s.annotation.target.discrepancy and i in self.homes
            }

    # --- actions ------------------------------------------------------------------------------

    def target_for(
        self, discrepancy: Discrepancy, cluster: str, prefer: str | None = None
    ) -> Target:
        """A target for a discrepancy: every reading, and as its span the reading of ``prefer``
        (a document id) if it says something, else the first reading that does."""
        return discrepancy_target(discrepancy, self.documents, cluster=cluster, prefer=prefer)

    def _recording(self, targets: Iterable[Target]) -> Recording:
        """What to record so that the targets' documents can be followed through edits."""
        wanted: set[str] = set()
        for target in targets:
            wanted |= {q.document for q in target.quotes()} | {target.document}
        files = {
            file: entries
            for file, entries in self.anchorer.loaded_files().items()
            if wanted & {d.id for _, d in entries}
        }
        return Recording(files, frozenset(wanted))

    def _refresh_records(self, files: Iterable[str]) -> None:
        try:
            self.anchorer.remember(self.workspace.documents(files))
        except WorkspaceError as error:
            self.problem = str(error)

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
        with self._lock:
            if existing is None:
                recording = self._recording([target])
                annotation = self.workspace.create(
                    target,
                    key=self.anchorer.key(target.document),
                    reviewer=reviewer,
                    tags=tags or (),
                    note=note or "",
                    status=status or "open",
                    recording=recording,
                )
                self._refresh_records(recording.files)
                key = self.anchorer.key(target.document)
            else:
                annotation = self.workspace.update(
                    existing.id, reviewer=reviewer, tags=tags, note=note, status=status
                )
                previous = self.items.get(existing.id)
                key = previous.key if previous is not None else None
                if annotation.target != existing.target:
                    # Another process placed it meanwhile: show it as placed in our sources.
                    placed = self.anchorer.anchor(annotation, key)
                    annotation = placed.annotation
                    self.spots[annotation.id] = placed.spots
            if existing is None:
                self.spots[annotation.id] = spots_of(annotation.target)
            self.items[annotation.id] = Stored(annotation, key)
            home = self.homes.get(annotation.id) or annotation.target.document
            if home in self.documents:
                self.homes[annotation.id] = home
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

    def relink(self, story: Story) -> Relinked:
        """Match every annotation made on a discrepancy of this story with the discrepancy that
        has its readings now; one that matches none is orphaned. Writes what changed."""
        with self._lock:
            members = set(story.documents)
            current = {d.id: d for d in story.discrepancies}
            kept = moved = orphaned = 0
            changes: list[Placed] = []
            for annotation_id, stored in list(self.items.items()):
                annotation = stored.annotation
                target = annotation.target
                if not target.discrepancy or self.homes.get(annotation_id) not in members:
                    continue
                match = match_discrepancy(
                    target,
                    story.discrepancies,
                    current,
                    members=story.documents,
                    spots=self.spots.get(annotation_id),
                )
                if match is None:
                    new_target, lost = target, True
                    orphaned += 1
                else:
                    prefer = self.homes.get(annotation_id)
                    new_target = discrepancy_target(
                        match, self.documents, cluster=story.id, prefer=prefer
                    )
                    lost = False
                    if match.id == target.discrepancy:
                        kept += 1
                    else:
                        moved += 1
                if new_target == target and lost == annotation.orphaned:
                    continue
                placed = annotation.model_copy(update={"target": new_target, "orphaned": lost})
                key = self.anchorer.key(new_target.document) or stored.key
                self.items[annotation_id] = Stored(placed, key)
                if not lost:
                    self.spots[annotation_id] = spots_of(new_target)
                if new_target.document in self.documents:
                    self.homes[annotation_id] = new_target.document
                changes.append(Placed(annotation_id, target, new_target, key, lost))
            self._write(changes, "relink")
            return Relinked(kept, moved, orphaned)

    def merge(
        self, incoming: Iterable[tuple[Annotation, str | None]], reviewer: str
    ) -> ImportReport:
        """Import annotations (from an export): each is placed in its own document among the
        loaded ones; one whose document is not loaded is kept as it is."""
        with self._lock:
            placed: list[tuple[Annotation, str | None]] = []
            targets: list[Target] = []
            elsewhere = 0
            for annotation, key in incoming:
                result = self.anchorer.anchor(annotation, key)
                if result.placement == "elsewhere":
                    elsewhere += 1
                    placed.append((annotation, key))
                    continue
                moved = result.annotation
                if result.home is not None and moved.target.document == result.home:
                    key = self.anchorer.key(result.home) or key
                    targets.append(moved.target)
                placed.append((moved, key))
            report = self.workspace.merge(placed, reviewer, recording=self._recording(targets))
            self.reload(record=True)
            return ImportReport(
                report.added, report.updated, report.unchanged, report.unanchored, elsewhere
            )


# --- matching a discrepancy again ------------------------------------------------------------


def _agreement(spots: Sequence[Spot], discrepancy: Discrepancy) -> tuple[float, float] | None:
    """How much of the annotation's readings the discrepancy's readings cover: the sum over
    readings of the share of the shorter span covered, and the sum of overlaps (Jaccard); or
    ``None`` when it is not the same discrepancy: a version that said something then is not
    covered, or one that said nothing then says something in it."""
    covered = jaccard = 0.0
    for spot in spots:
        reading = discrepancy.reading_for(spot.document or "")
        says = (
            reading is not None
            and reading.start is not None
            and reading.end is not None
            and reading.end > reading.start
            and reading.field == spot.field
        )
        if not spot.present:
            if says:
                return None
            continue
        if not says or spot.start is None or spot.end is None:
            return None
        assert reading is not None and reading.start is not None and reading.end is not None
        overlap = min(reading.end, spot.end) - max(reading.start, spot.start)
        if overlap <= 0:
            return None
        covered += overlap / min(reading.end - reading.start, spot.end - spot.start)
        jaccard += overlap / (max(reading.end, spot.end) - min(reading.start, spot.start))
    return covered, jaccard


def match_discrepancy(
    target: Target,
    discrepancies: Sequence[Discrepancy],
    by_id: Mapping[str, Discrepancy] | None = None,
    *,
    members: Iterable[str] | None = None,
    spots: Sequence[Spot] | None = None,
) -> Discrepancy | None:
    """The discrepancy of a re-analysed story that an annotation's target is about, or ``None``.

    ``spots`` say where the annotation's readings are now (by default, where the target says).
    Every reading in a version still in the story (``members``; by default every document the
    discrepancies quote) must agree with the discrepancy's reading of that version: both say
    nothing, or their spans overlap (a reading whose text was edited counts where a character
    diff puts it). At least half of the readings that said something must be among them. Among
    those discrepancies: the one with the same id if there is one, else the one that covers most
    (each reading counts for the share of the shorter span in common), then the same kind, then
    the closest spans."""
    spots = list(spots if spots is not None else spots_of(target))
    if members is None:
        members = {r.document for d in discrepancies for r in d.readings}
    story = set(members)
    relevant = [s for s in spots if s.document in story]
    present = sum(1 for s in spots if s.present)
    if not any(s.present for s in relevant) or present == 0:
        return None
    needed = present / 2
    by_id = by_id if by_id is not None else {d.id: d for d in discrepancies}
    same = by_id.get(target.discrepancy or "")
    if same is not None:
        found = _agreement(relevant, same)
        if found is not None and found[0] >= needed:
            return same
    best: tuple[tuple[float, int, float], Discrepancy] | None = None
    for discrepancy in discrepancies:
        found = _agreement(relevant, discrepancy)
        if found is None or found[0] < needed:
            continue
        covered, jaccard = found
        rank = (round(covered, 6), int(discrepancy.kind == target.kind), jaccard)
        if best is None or rank > best[0]:
            best = (rank, discrepancy)
    return best[1] if best else None

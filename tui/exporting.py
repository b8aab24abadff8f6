"""Exports from the app: the text of each format, built from the stories the session has
already analysed, and where an export goes by default.

``parallax.core.export.render.render_export`` analyses the corpus again (the command line has
nothing analysed); the app hands over what it already knows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from parallax.core.align import Alignment
from parallax.core.annotations import Stored
from parallax.core.export.render import EXPORT_FORMATS, ExportFormat, render_export
from parallax.core.report import Report, Story, summarise
from parallax.tui.session_protocol import Session

_DESCRIBED: dict[ExportFormat, tuple[str, str]] = {
    "json": ("Native JSON (parallax.annotations/1)", "json"),
    "w3c": ("W3C Web Annotation (JSON-LD)", "jsonld"),
    "csv": ("CSV for spreadsheets", "csv"),
    "markdown": ("Markdown review report", "md"),
}
#: (format, what the dialog calls it, file name ending) of every export format.
FORMATS: tuple[tuple[ExportFormat, str, str], ...] = tuple(
    (kind, _DESCRIBED[kind][0], _DESCRIBED[kind][1]) for kind in EXPORT_FORMATS
)
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def extension(kind: str) -> str:
    """The file name ending of an export format."""
    return next(ext for key, _, ext in FORMATS if key == kind)


def corpus_name(session: Session, first_source: Path | None = None) -> str:
    """A file-name-safe name for the corpus: its first source (file stem or folder name)."""
    path = first_source
    if path is None and session.corpus.documents:
        path = Path(session.corpus.documents[0].origin.path)
    if path is None:
        return "parallax"
    name = path.name if path.is_dir() else path.stem
    name = _UNSAFE_NAME.sub("-", name).strip("-.")
    return name or "parallax"


def default_path(kind: str, folder: Path, corpus: str) -> Path:
    """``folder/<corpus>-annotations.<ending>``: named after the corpus and the format."""
    return folder / f"{corpus}-annotations.{extension(kind)}"


def with_format(path: Path, kind: str) -> Path:
    """``path`` with the ending of ``kind`` instead of any export format's ending."""
    endings = {f".{ext}" for _, _, ext in FORMATS}
    stem = path.name[: -len(path.suffix)] if path.suffix in endings else path.name
    return path.with_name(f"{stem}.{extension(kind)}")


def export_text(kind: ExportFormat, session: Session, stored: Sequence[Stored]) -> tuple[str, int]:
    """The export text and the number of annotations in it, as the command line writes it
    (:func:`parallax.core.export.render.render_export`), with the stories the session has
    already analysed (kept or recomputed there), so nothing the app has is analysed again."""
    documents = session.corpus.documents
    report = None
    if kind == "markdown":
        report = Report(
            documents=tuple(summarise(d) for d in documents),
            clusters=tuple(_story(session, cluster.id) for cluster in session.clusters),
        )
    return render_export(kind, documents, session.clustering, stored, report=report)


def _story(session: Session, cluster_id: str) -> Story:
    cluster = session.cluster(cluster_id)
    if len(cluster.documents) > 1:
        return session.story(cluster_id)
    return Story(
        id=cluster.id,
        documents=tuple(cluster.documents),
        alignment=Alignment(documents=tuple(cluster.documents), rows=()),
        discrepancies=(),
    )

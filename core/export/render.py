"""Render an annotation export in any of the four formats (shared by the CLI and the app)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, get_args

from parallax.core.annotations.store import Stored
from parallax.core.boilerplate import recurring_sentences
from parallax.core.cluster import Clustering
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.export.native import build_export, export_json
from parallax.core.export.tabular import export_csv
from parallax.core.export.w3c import to_w3c
from parallax.core.report import Report, analyse_story, build_report, render_markdown

if TYPE_CHECKING:
    from parallax.core.annotations.book import AnnotationBook

ExportFormat = Literal["json", "w3c", "csv", "markdown"]
#: Every export format, in the order the command line and the app list them.
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)


def render_export(
    kind: ExportFormat,
    documents: Sequence[Document],
    clustering: Clustering,
    stored: Sequence[Stored],
    *,
    aliases: AliasTable | None = None,
    report: Report | None = None,
) -> tuple[str, int]:
    """The export text and the number of annotations in it (``report``, for Markdown, is built
    when not given)."""
    export = build_export(documents, clustering, stored)
    count = len(export.annotations)
    if kind == "json":
        return export_json(export), count
    if kind == "w3c":
        return json.dumps(to_w3c(export), ensure_ascii=False, indent=1) + "\n", count
    if kind == "csv":
        return export_csv(export), count
    annotations = [s.annotation for s in stored if not s.withdrawn]
    if report is None:
        report = build_report(documents, clustering, aliases=aliases, workers=1)
    return render_markdown(report, documents, annotations), count


def export_annotations(
    kind: ExportFormat,
    documents: Sequence[Document],
    clustering: Clustering,
    book: AnnotationBook,
    *,
    aliases: AliasTable | None = None,
) -> tuple[str, int]:
    """Analyse the stories that carry annotations, relink them (so that every annotation on a
    discrepancy says where that discrepancy is now, with every reading), then render."""
    report = None
    if kind == "markdown":
        report = build_report(documents, clustering, aliases=aliases)
        for story in report.clusters:
            book.relink(story)
    else:
        by_id = {d.id: d for d in documents}
        boilerplate = recurring_sentences(documents, clustering)
        annotated = book.annotated_documents()
        for cluster in clustering.clusters:
            if len(cluster.documents) > 1 and annotated & set(cluster.documents):
                members = [by_id[i] for i in cluster.documents]
                story = analyse_story(cluster, members, aliases=aliases, boilerplate=boilerplate)
                book.relink(story)
    return render_export(kind, documents, clustering, book.stored(), aliases=aliases, report=report)

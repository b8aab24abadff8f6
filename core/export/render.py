"""Render an annotation export in any of the four formats (shared by the CLI and the app)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from parallax.core.annotations.store import Stored
from parallax.core.cluster import Clustering
from parallax.core.document import Document
from parallax.core.entities import AliasTable
from parallax.core.export.native import build_export, export_json
from parallax.core.export.tabular import export_csv
from parallax.core.export.w3c import to_w3c
from parallax.core.report import build_report, render_markdown

ExportFormat = Literal["json", "w3c", "csv", "markdown"]


def render_export(
    kind: ExportFormat,
    documents: Sequence[Document],
    clustering: Clustering,
    stored: Sequence[Stored],
    *,
    aliases: AliasTable | None = None,
) -> tuple[str, int]:
    """The export text and the number of annotations in it."""
    export = build_export(documents, clustering, stored)
    count = len(export.annotations)
    if kind == "json":
        return export_json(export), count
    if kind == "w3c":
        return json.dumps(to_w3c(export), ensure_ascii=False, indent=1) + "\n", count
    annotations = [s.annotation for s in stored if not s.withdrawn]
    if kind == "csv":
        wanted = {a.target.cluster for a in annotations}
        clusters = tuple(c for c in clustering.clusters if c.id in wanted)
        clustering = clustering.model_copy(update={"clusters": clusters})
    report = build_report(documents, clustering, aliases=aliases, workers=1)
    if kind == "csv":
        discrepancies = {d.id: d for s in report.clusters for d in s.discrepancies}
        return export_csv(export, discrepancies), count
    return render_markdown(report, documents, annotations), count

"""CSV export: one row per annotation, for spreadsheets (UTF-8 with a byte-order mark).

Document text is untrusted. Cells that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL) get a leading apostrophe, and
control, bidirectional and invisible characters are neutralised
(:func:`parallax.core.safe.neutralize`; line breaks inside a cell are kept).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from parallax.core.discrepancy import Discrepancy
from parallax.core.export.native import AnnotationExport
from parallax.core.safe import neutralize

COLUMNS = (
    "id",
    "story",
    "document",
    "document_index",
    "source",
    "title",
    "discrepancy",
    "kind",
    "severity",
    "field",
    "start",
    "end",
    "exact",
    "tags",
    "note",
    "status",
    "reviewer",
    "created",
    "modified",
    "orphaned",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return neutralize("'" + text if text.startswith(_FORMULA_STARTS) else text)


def export_csv(export: AnnotationExport, discrepancies: Mapping[str, Discrepancy]) -> str:
    """The annotations as CSV text (with a BOM, so spreadsheets read it as UTF-8)."""
    documents = {d.id: d for d in export.documents}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for annotation in export.annotations:
        target = annotation.target
        document = documents.get(target.document)
        discrepancy = discrepancies.get(target.discrepancy or "")
        row = (
            annotation.id,
            target.cluster,
            target.document,
            document.index if document else "",
            document.source if document else "",
            document.title if document else "",
            target.discrepancy,
            discrepancy.kind if discrepancy else "",
            discrepancy.severity if discrepancy else "",
            target.field,
            target.start,
            target.end,
            target.exact,
            "; ".join(annotation.tags),
            annotation.note,
            annotation.status,
            annotation.reviewer,
            annotation.created.isoformat(timespec="milliseconds"),
            annotation.modified.isoformat(timespec="milliseconds"),
            "yes" if annotation.orphaned else "",
        )
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()

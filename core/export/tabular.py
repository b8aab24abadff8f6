"""CSV export, for spreadsheets (UTF-8 with a byte-order mark): one row per reading.

An annotation on a discrepancy has one row for every version of the story (``reading`` numbers
them, ``annotated`` marks the version the reviewer was looking at), each with that version's
text, so no side of a discrepancy is left out; a span annotation has one row. Rows of one
annotation share its ``id`` and repeat what the reviewer said and the discrepancy's kind,
severity, tier and summary. ``published`` is the version's timestamp in ISO 8601.

Document text is untrusted. Cells that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL) get a leading apostrophe, and
control, bidirectional and invisible characters are neutralised
(:func:`parallax.core.safe.neutralize`; line breaks inside a cell are kept).
"""

from __future__ import annotations

import csv
import io

from parallax.core.export.native import AnnotationExport
from parallax.core.safe import neutralize

COLUMNS = (
    "id",
    "story",
    "discrepancy",
    "kind",
    "severity",
    "tier",
    "summary",
    "reading",
    "annotated",
    "document",
    "document_index",
    "source",
    "title",
    "published",
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


def csv_cell(value: object) -> str:
    """A value as a CSV cell: text a spreadsheet would run as a formula (``=``, ``+``, ``-``,
    ``@``, a tab, a carriage return, a NUL) gets a leading quote; control characters are
    neutralised."""
    text = "" if value is None else str(value)
    return neutralize("'" + text if text.startswith(_FORMULA_STARTS) else text)


def export_csv(export: AnnotationExport) -> str:
    """The annotations as CSV text (with a BOM, so spreadsheets read it as UTF-8)."""
    documents = {d.id: d for d in export.documents}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for annotation in export.annotations:
        target = annotation.target
        primary = target.primary()
        quotes = list(target.readings) or [primary]
        if primary not in quotes:
            quotes.insert(0, primary)
        for number, quote in enumerate(quotes, 1):
            document = documents.get(quote.document)
            row = (
                annotation.id,
                target.cluster,
                target.discrepancy,
                target.kind,
                target.severity,
                target.tier,
                target.summary,
                number,
                "yes" if quote == primary else "",
                quote.document,
                document.index if document else "",
                document.source if document else "",
                document.title if document else "",
                document.published if document else "",
                quote.field,
                quote.start,
                quote.end,
                quote.exact,
                "; ".join(annotation.tags),
                annotation.note,
                annotation.status,
                annotation.reviewer,
                annotation.created.isoformat(timespec="milliseconds"),
                annotation.modified.isoformat(timespec="milliseconds"),
                "yes" if annotation.orphaned else "",
            )
            writer.writerow([csv_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()

"""Core models to index rows and back: documents, stories' alignment rows and discrepancies.

Every conversion round-trips: a document or story read from an index equals the one written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, overload

from parallax.core.align import Alignment, Cell, Row
from parallax.core.cluster import Cluster
from parallax.core.discrepancy import Discrepancy, Reading, ReadingGroup
from parallax.core.document import Document, Origin
from parallax.core.report import Story


@overload
def sortable_time(moment: datetime) -> datetime: ...


@overload
def sortable_time(moment: None) -> None: ...


def sortable_time(moment: datetime | None) -> datetime | None:
    """A naive datetime for ordering: aware times in UTC, naive ones as they are."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def document_record(document: Document, story: str, origin_key: str) -> dict[str, Any]:
    """A row of the documents table."""
    return {
        "id": document.id,
        "index": document.index,
        "story": story,
        "title": document.title,
        "source": document.source,
        "published": document.published.isoformat() if document.published else None,
        "published_at": sortable_time(document.published),
        "published_raw": document.published_raw,
        "url": document.url,
        "external_id": document.external_id,
        "origin_path": document.origin.path,
        "origin_line": document.origin.line,
        "origin_key": origin_key,
        "format": document.format,
        "encoding": document.encoding,
        "content_hash": document.content_hash,
        "body": document.body,
    }


def document_from_record(record: dict[str, Any]) -> Document:
    """The document a row of the documents table describes."""
    published = record.get("published")
    return Document(
        id=record["id"],
        index=record["index"],
        title=record["title"],
        source=record["source"],
        published=datetime.fromisoformat(published) if published else None,
        published_raw=record["published_raw"],
        url=record["url"],
        external_id=record["external_id"],
        origin=Origin(path=record["origin_path"], line=record["origin_line"]),
        format=record["format"],
        encoding=record["encoding"],
        body=record["body"],
    )


def row_records(story: Story) -> list[dict[str, Any]]:
    """Rows of the rows table: a story's alignment."""
    return [
        {
            "story": story.id,
            "index": row.index,
            "kind": row.kind,
            "section": row.section,
            "cells": [cell.model_dump() for cell in row.cells],
            "moved": list(row.moved),
        }
        for row in story.alignment.rows
    ]


def discrepancy_records(story: Story) -> list[dict[str, Any]]:
    """Rows of the discrepancies table: every field of every discrepancy of a story."""
    return [
        {
            "story": story.id,
            "ordinal": ordinal,
            **discrepancy.model_dump(),
        }
        for ordinal, discrepancy in enumerate(story.discrepancies)
    ]


def story_from_records(
    story_id: str,
    document_ids: Sequence[str],
    rows: Iterable[dict[str, Any]],
    discrepancies: Iterable[dict[str, Any]],
) -> Story:
    """The analysed story these rows describe."""
    alignment = Alignment(
        documents=tuple(document_ids),
        rows=tuple(
            Row(
                index=r["index"],
                kind=r["kind"],
                section=r["section"],
                cells=tuple(Cell(**c) for c in r["cells"]),
                moved=tuple(r.get("moved") or ()),
            )
            for r in sorted(rows, key=lambda r: r["index"])
        ),
    )
    found = []
    for d in sorted(discrepancies, key=lambda d: d["ordinal"]):
        found.append(
            Discrepancy(
                id=d["id"],
                kind=d["kind"],
                severity=d["severity"],
                summary=d["summary"],
                row=d["row"],
                tier=d["tier"],
                readings=tuple(Reading(**r) for r in d["readings"]),
                groups=tuple(
                    ReadingGroup(
                        text=g["text"], documents=tuple(g["documents"]), minority=g["minority"]
                    )
                    for g in d["groups"]
                ),
                moved=tuple(d["moved"]),
            )
        )
    return Story(
        id=story_id, documents=tuple(document_ids), alignment=alignment, discrepancies=tuple(found)
    )


def story_span(documents: Sequence[Document]) -> str:
    """Publication dates as the Stories screen shows them: ``2026-01-13`` or
    ``2026-01-13…01-15``; ``-`` when no version is dated."""
    dates = sorted(
        (d.published for d in documents if d.published is not None),
        key=lambda moment: sortable_time(moment) or datetime.min,
    )
    if not dates:
        return "-"
    span = dates[0].strftime("%Y-%m-%d")
    if dates[-1].date() != dates[0].date():
        span += f"…{dates[-1].strftime('%m-%d')}"
    return span


def story_label(documents: Sequence[Document]) -> str:
    """What the Stories filter matches: every version's title and source."""
    return " ".join(f"{d.title} {d.source or ''}" for d in documents)


def story_summary(
    pos: int, cluster: Cluster, documents: Sequence[Document], story: Story | None
) -> dict[str, Any]:
    """A row of the stories table, without its location (part and row groups)."""
    reported = [d for d in story.discrepancies if d.tier == "reported"] if story else []
    times = [sortable_time(d.published) for d in documents if d.published is not None]
    return {
        "pos": pos,
        "id": cluster.id,
        "documents": len(documents),
        "document_ids": list(cluster.documents),
        "first_index": documents[0].index,
        "title": documents[0].title,
        "sources": ", ".join(sorted({d.source or "-" for d in documents})),
        "span": story_span(documents),
        "first_published": min(times) if times else None,
        "last_published": max(times) if times else None,
        "label": story_label(documents),
        "high": sum(d.severity == "high" for d in reported),
        "medium": sum(d.severity == "medium" for d in reported),
        "low": sum(d.severity == "low" for d in reported),
        "unimportant": len(story.discrepancies) - len(reported) if story else 0,
        "discrepancies": len(story.discrepancies) if story else 0,
    }

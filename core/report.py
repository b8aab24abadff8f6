"""The review of a corpus: ingest → clusters → aligned stories → discrepancies, as one model.

:func:`analyse_story` runs alignment and classification on one cluster; :func:`build_report`
does it for every cluster of a corpus (in parallel processes for large corpora) and
:func:`render_markdown` writes a report a person can read.
"""

from __future__ import annotations

import gc
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from pydantic import Field

from parallax.core.align import Alignment, AlignSettings, align
from parallax.core.annotations.models import Annotation
from parallax.core.boilerplate import Boilerplate, recurring_sentences
from parallax.core.cluster import Cluster, Clustering, Progress
from parallax.core.discrepancy import SEVERITIES, Discrepancy, find_discrepancies
from parallax.core.document import Document, Frozen
from parallax.core.entities import AliasTable
from parallax.core.safe import neutralize

SCHEMA = "parallax.report/1"

#: Stories with more versions than this are not aligned: an N-way alignment's memory grows with
#: the number of versions (3,637 versions of one story took 2 GB), and nobody reviews that many
#: side by side. Such a story is reported as too large, with a message saying so.
MAX_STORY_VERSIONS = 200


class Story(Frozen):
    """One cluster analysed: its documents (ids, input order), alignment and discrepancies."""

    id: str
    documents: tuple[str, ...]
    alignment: Alignment
    discrepancies: tuple[Discrepancy, ...]
    too_large: bool = Field(
        False,
        description="More versions than the limit (MAX_STORY_VERSIONS): not aligned, so no "
        "discrepancy is reported.",
    )

    def severity_counts(self) -> dict[str, int]:
        """Number of reported discrepancies per severity (the unimportant tier is not counted)."""
        counts = Counter(d.severity for d in self.discrepancies if d.tier == "reported")
        return {severity: counts.get(severity, 0) for severity in SEVERITIES}


class DocumentSummary(Frozen):
    """What a report says about each document."""

    id: str
    index: int
    title: str
    source: str | None
    published: str | None
    origin: dict[str, Any]


class Report(Frozen):
    """Every story of a corpus with its discrepancies (``parallax report --format json``)."""

    schema_: str = Field(SCHEMA, alias="schema")
    documents: tuple[DocumentSummary, ...]
    clusters: tuple[Story, ...]


def summarise(document: Document) -> DocumentSummary:
    """The short description of a document that reports and exports start with."""
    return DocumentSummary(
        id=document.id,
        index=document.index,
        title=document.title,
        source=document.source,
        published=document.published.isoformat() if document.published else None,
        origin=document.origin.model_dump(),
    )


def too_large_message(story: Story) -> str:
    """Why a story was not analysed, and what to do about it."""
    return (
        f"story {story.id} has {len(story.documents):,} versions, more than "
        f"{MAX_STORY_VERSIONS}: not aligned (raise --threshold to split it, or read fewer "
        "sources)"
    )


def analyse_story(
    cluster: Cluster,
    documents: Sequence[Document],
    *,
    aliases: AliasTable | None = None,
    settings: AlignSettings | None = None,
    max_versions: int = MAX_STORY_VERSIONS,
    boilerplate: Boilerplate | None = None,
) -> Story:
    """Align the documents of ``cluster`` (given in input order) and find their discrepancies.

    ``boilerplate`` holds the sentences the corpus repeats under many stories
    (:func:`~parallax.core.boilerplate.recurring_sentences`); differences in them are
    unimportant. Without it, only furniture recognisable by its shape is.

    A story of more than ``max_versions`` documents is not aligned: it comes back with
    ``too_large`` set, no row and no discrepancy, in constant memory.
    """
    if len(documents) > max_versions:
        ids = tuple(d.id for d in documents)
        return Story(
            id=cluster.id,
            documents=ids,
            alignment=Alignment(documents=ids, rows=()),
            discrepancies=(),
            too_large=True,
        )
    alignment = align(documents, settings=settings) if len(documents) > 1 else _single(documents)
    discrepancies = (
        find_discrepancies(
            documents, alignment, cluster=cluster.id, aliases=aliases, boilerplate=boilerplate
        )
        if len(documents) > 1
        else []
    )
    return Story(
        id=cluster.id,
        documents=tuple(d.id for d in documents),
        alignment=alignment,
        discrepancies=tuple(discrepancies),
    )


def _single(documents: Sequence[Document]) -> Alignment:
    return align(documents) if documents else Alignment(documents=(), rows=())


_Item = TypeVar("_Item")


def frozen_before_each(items: Iterable[_Item]) -> Iterator[_Item]:
    """``items``, with every object alive before each one frozen (``gc.freeze``) and unfrozen
    at the end (unless something else had frozen objects first).

    Analysing stories one after another keeps their documents and results alive, and Python's
    cyclic garbage collector walked all of them again and again: a quarter of the analysis
    time, to free nothing (the analysis builds no reference cycles; a test checks it). Frozen
    objects are still freed by reference counting, and what each story builds is still
    collected as usual.
    """
    unfreeze = gc.get_freeze_count() == 0
    try:
        for item in items:
            gc.freeze()
            yield item
    finally:
        if unfreeze:
            gc.unfreeze()


def _analyse_chunk(
    work: list[tuple[Cluster, list[Document]]],
    aliases: AliasTable | None,
    boilerplate: Boilerplate | None = None,
) -> list[Story]:
    return [
        analyse_story(cluster, members, aliases=aliases, boilerplate=boilerplate)
        for cluster, members in frozen_before_each(work)
    ]


def build_report(
    documents: Sequence[Document],
    clustering: Clustering,
    *,
    aliases: AliasTable | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Report:
    """Analyse every cluster. Large corpora are shared among ``workers`` processes (default:
    one per CPU); the result does not depend on how many. Sentences the corpus repeats under
    several stories are boilerplate (:func:`~parallax.core.boilerplate.recurring_sentences`)."""
    by_id = {document.id: document for document in documents}
    boilerplate = recurring_sentences(documents, clustering)
    work = [(c, [by_id[i] for i in c.documents]) for c in clustering.clusters]
    multi = [item for item in work if len(item[1]) > 1]
    total = len(work)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    stories: dict[str, Story] = {}
    if workers > 1 and len(multi) >= 200:
        size = max(20, len(multi) // (workers * 8))
        chunks = [multi[i : i + size] for i in range(0, len(multi), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = 0
            for result in pool.map(
                _analyse_chunk,
                chunks,
                [aliases] * len(chunks),
                [boilerplate] * len(chunks),
            ):
                for story in result:
                    stories[story.id] = story
                done += len(result)
                if progress is not None:
                    progress("aligning", done, len(multi))
    else:
        for done, (cluster, members) in enumerate(frozen_before_each(multi), 1):
            stories[cluster.id] = analyse_story(
                cluster, members, aliases=aliases, boilerplate=boilerplate
            )
            if progress is not None and (done % 50 == 0 or done == len(multi)):
                progress("aligning", done, len(multi))
    clusters = tuple(
        stories.get(cluster.id)
        or Story(
            id=cluster.id,
            documents=tuple(d.id for d in members),
            alignment=Alignment(documents=tuple(d.id for d in members), rows=()),
            discrepancies=(),
        )
        for cluster, members in work
    )
    assert len(clusters) == total
    return Report(documents=tuple(summarise(d) for d in documents), clusters=clusters)


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: the model's own serialisation, with severity counts."""
    data = report.model_dump(mode="json", by_alias=True)
    for story, payload in zip(report.clusters, data["clusters"], strict=True):
        payload["severity_counts"] = story.severity_counts()
    return data


def render_markdown(
    report: Report,
    documents: Sequence[Document],
    annotations: Sequence[Annotation] = (),
    *,
    unimportant: bool = False,
) -> str:
    """A readable review: one section per story with several versions, every discrepancy with
    the reading of each version quoted and what reviewers said about it; then annotations on
    other spans, and those that could not be placed in the current sources. The unimportant
    tier is left out unless asked for (or a reviewer annotated one of its items)."""
    by_id = {d.id: d for d in documents}
    on_discrepancy: dict[str, list[Annotation]] = {}
    for annotation in annotations:
        if annotation.target.discrepancy and not annotation.orphaned:
            on_discrepancy.setdefault(annotation.target.discrepancy, []).append(annotation)
    known = {d.id for s in report.clusters for d in s.discrepancies}
    lines = ["# Parallax review", ""]
    stories = [s for s in report.clusters if len(s.documents) > 1]
    singles = len(report.clusters) - len(stories)
    total = Counter(d.severity for s in stories for d in s.discrepancies if d.tier == "reported")
    lines.append(
        f"{len(documents)} documents, {len(stories)} stories with several versions, "
        f"{singles} single documents. Discrepancies: {total.get('high', 0)} high, "
        f"{total.get('medium', 0)} medium, {total.get('low', 0)} low."
    )
    for number, story in enumerate(stories, 1):
        members = [by_id[i] for i in story.documents]
        lines += ["", f"## Story {number}: {inert_markdown(members[0].title or '(untitled)')}", ""]
        lines.append(f"Cluster `{story.id}`, {len(members)} versions:")
        lines.append("")
        for document in members:
            lines.append(
                f"- **#{document.index}** {inert_markdown(document.source or '-')}, "
                f"{_published(document)}: "
                f"{inert_markdown(document.title or '(untitled)')} ({_code(str(document.origin))})"
            )
        if story.too_large:
            lines += [
                "",
                f"*Not aligned: {len(members):,} versions, more than {MAX_STORY_VERSIONS}.*",
            ]
        for discrepancy in story.discrepancies:
            shown = discrepancy.tier == "reported" or unimportant
            if shown or discrepancy.id in on_discrepancy:
                lines += _md_discrepancy(discrepancy, by_id, on_discrepancy.get(discrepancy.id, []))
    spans = [
        a
        for a in annotations
        if not a.orphaned and (not a.target.discrepancy or a.target.discrepancy not in known)
    ]
    orphans = [a for a in annotations if a.orphaned]
    for title, group in (("Annotations on other spans", spans), ("Orphaned annotations", orphans)):
        if not group:
            continue
        lines += ["", f"## {title}", ""]
        if group is orphans:
            lines += ["Their text was not found in the current sources; they are kept.", ""]
        for annotation in group:
            known_document = by_id.get(annotation.target.document)
            where = (
                f"#{known_document.index}" if known_document else _code(annotation.target.document)
            )
            lines.append(f"- {where}: “{inert_markdown(annotation.target.exact)}”")
            if annotation.target.summary:
                lines.append(f"  {inert_markdown(annotation.target.summary)}")
            lines.append(f"  {_md_annotation(annotation)}")
    return "\n".join(lines) + "\n"


def _md_discrepancy(
    discrepancy: Discrepancy, by_id: dict[str, Document], annotations: list[Annotation]
) -> list[str]:
    """A discrepancy's section: what it is, each version's reading, what reviewers said."""
    tier = " · unimportant" if discrepancy.tier == "unimportant" else ""
    lines = [
        "",
        f"### {discrepancy.severity.upper()} · {discrepancy.kind}{tier} · `{discrepancy.id}`",
        "",
        inert_markdown(discrepancy.summary),
        "",
    ]
    for reading in discrepancy.readings:
        label = f"#{by_id[reading.document].index}"
        if reading.start is None:
            lines.append(f"- {label}: *(nothing)*")
        else:
            lines.append(f"- {label}: “{inert_markdown(reading.text)}”")
    for annotation in annotations:
        lines.append("")
        lines.append(_md_annotation(annotation))
    return lines


def _published(document: Document) -> str:
    """The document's timestamp in ISO 8601 (as written, when it could not be read)."""
    if document.published is not None:
        return document.published.isoformat()
    return inert_markdown(document.published_raw) if document.published_raw else "no date"


def _md_annotation(annotation: Annotation) -> str:
    parts = [f"**{annotation.status}**"]
    if annotation.tags:
        parts.append("tags: " + ", ".join(_code(t) for t in annotation.tags))
    if annotation.note:
        parts.append("note: " + inert_markdown(annotation.note))
    reviewer = inert_markdown(annotation.reviewer)
    parts.append(f"({reviewer}, {annotation.modified:%Y-%m-%d %H:%M} UTC)")
    return "> " + " · ".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_MD_LINE_START = re.compile(r"^(?:[#>+=-]|\d{1,9}(?=[.)]))")
_BACKTICKS = re.compile(r"`+")


def inert_markdown(text: str) -> str:
    """Untrusted text made inert in Markdown: on one line, control and invisible characters
    neutralised, no markup, no HTML, no link, and nothing read as a heading, quote or list
    when it starts a line."""
    text = neutralize(" ".join(text.split()), keep_newlines=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    start = _MD_LINE_START.match(text)
    if start is not None:  # "# x", "- x", "1. x": escape what would open a block
        at = start.end() if start.group()[0].isdigit() else 0
        text = text[:at] + "\\" + text[at:]
    return text


def _code(text: str) -> str:
    """Untrusted text as an inline code span: shown literally, and a backtick inside cannot end
    the span early (the fence is longer than any run of backticks in the text)."""
    text = neutralize(" ".join(text.split()), keep_newlines=False)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"

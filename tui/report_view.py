"""The text report for a terminal or a pipe: stories, discrepancies and each version's reading
in context, highlighted by kind. Document text is always a :class:`rich.text.Text`, never markup,
and its control characters are neutralised."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.styled import Styled
from rich.text import Text

from parallax.core.align import metadata_text
from parallax.core.discrepancy import Discrepancy, Reading
from parallax.core.document import Document
from parallax.core.report import MAX_STORY_VERSIONS, Report, Story
from parallax.core.safe import neutralize
from parallax.tui.styles import KIND_STYLES, SEVERITY_MARKS, SEVERITY_STYLES
from parallax.tui.text import plural

CONTEXT = 48


def safe_text(text: str, style: str = "") -> Text:
    """Untrusted text as a rich Text on one line, control characters neutralised."""
    return Text(neutralize(text, keep_newlines=False), style=style)


def reading_in_context(document: Document, reading: Reading, kind: str) -> Text:
    """A version's reading with some of the text around it, the reading highlighted."""
    if reading.start is None or reading.end is None:
        return Text("(nothing)", style="dim italic")
    whole = metadata_text(document, reading.field)
    before_from = max(0, reading.start - CONTEXT)
    after_to = min(len(whole), reading.end + CONTEXT)
    line = Text()
    if before_from > 0:
        line.append("…", style="dim")
    line.append_text(safe_text(whole[before_from : reading.start], "dim"))
    line.append_text(safe_text(whole[reading.start : reading.end], str(KIND_STYLES[kind])))
    line.append_text(safe_text(whole[reading.end : after_to], "dim"))
    if after_to < len(whole):
        line.append("…", style="dim")
    return line


def discrepancy_view(discrepancy: Discrepancy, documents: dict[str, Document]) -> Group:
    """One discrepancy: severity, kind, summary, then one line per version."""
    header = Text()
    header.append(
        f"{SEVERITY_MARKS[discrepancy.severity]} {discrepancy.severity.upper():<6} ",
        style=SEVERITY_STYLES[discrepancy.severity],
    )
    header.append(f"{discrepancy.kind:<9} ", style=KIND_STYLES[discrepancy.kind])
    header.append_text(safe_text(discrepancy.summary))
    lines: list[RenderableType] = [header]
    for reading in discrepancy.readings:
        document = documents[reading.document]
        line = Text(f"    #{document.index:<3} ", style="bold")
        line.append_text(reading_in_context(document, reading, discrepancy.kind))
        lines.append(line)
    return Group(*lines)


def story_view(
    number: int,
    total: int,
    story: Story,
    documents: dict[str, Document],
    *,
    unimportant: bool = False,
) -> Group:
    """A story: its versions, then its discrepancies (the unimportant tier only on request,
    dimmed)."""
    counts = story.severity_counts()
    title = Text(f"Story {number}/{total} · {len(story.documents)} versions · ", style="bold")
    title.append(f"{counts['high']} high", style=SEVERITY_STYLES["high"])
    title.append(" · ")
    title.append(f"{counts['medium']} medium", style=SEVERITY_STYLES["medium"])
    title.append(" · ")
    title.append(f"{counts['low']} low", style=SEVERITY_STYLES["low"])
    parts: list[RenderableType] = [Rule(style="dim"), title]
    for document_id in story.documents:
        document = documents[document_id]
        line = Text(f"  #{document.index:<3} ", style="bold")
        line.append_text(safe_text(document.source or "-", "cyan"))
        line.append_text(safe_text(f"  {document.published_raw or '-'}  ", "dim"))
        line.append_text(safe_text(document.title or "(untitled)"))
        parts.append(line)
    hidden = sum(d.tier == "unimportant" for d in story.discrepancies)
    if hidden and not unimportant:
        title.append(f" · {hidden} unimportant not shown", style="dim")
    parts.append(Text(""))
    if story.too_large:
        parts.append(
            Text(
                f"Not aligned: {len(story.documents):,} versions, more than {MAX_STORY_VERSIONS}.",
                style="bold",
            )
        )
    for discrepancy in story.discrepancies:
        if discrepancy.tier == "reported":
            parts.append(discrepancy_view(discrepancy, documents))
        elif unimportant:
            view = discrepancy_view(discrepancy, documents)
            parts.append(Styled(view, "dim"))
    return Group(*parts)


def report_views(
    report: Report, documents: Sequence[Document], *, unimportant: bool = False
) -> Iterator[RenderableType]:
    """The whole report, one renderable at a time (so long reports stream); the unimportant
    tier is left out unless asked for."""
    by_id = {d.id: d for d in documents}
    stories = [s for s in report.clusters if len(s.documents) > 1]
    singles = [s for s in report.clusters if len(s.documents) == 1]
    high = sum(s.severity_counts()["high"] for s in stories)
    total = sum(sum(s.severity_counts().values()) for s in stories)
    yield Text(
        f"{plural(len(documents), 'document')} · "
        f"{plural(len(stories), 'story', 'stories')} with several versions · "
        f"{plural(len(singles), 'single document')} · "
        f"{plural(total, 'discrepancy', 'discrepancies')} ({high} high)",
        style="bold",
    )
    ordered = sorted(
        enumerate(stories, 1),
        key=lambda item: (-item[1].severity_counts()["high"], item[0]),
    )
    for number, story in ordered:
        yield story_view(number, len(stories), story, by_id, unimportant=unimportant)
    if singles:
        yield Rule(style="dim")
        yield Text("Single documents (no other version found):", style="bold")
        for story in singles:
            document = by_id[story.documents[0]]
            line = Text(f"  #{document.index:<3} ")
            line.append_text(safe_text(document.source or "-", "cyan"))
            line.append("  ")
            line.append_text(safe_text(document.title or "(untitled)"))
            yield line

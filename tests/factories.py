"""Documents for tests, built in memory: one factory, whose fields each test file fixes as its
stories need (``functools.partial`` where a whole file shares them)."""

from __future__ import annotations

from parallax.core.document import Document, Origin, SourceFormat, document_id


def doc(
    body: str,
    *,
    index: int = 1,
    title: str = "",
    source: str | None = None,
    published_raw: str | None = None,
    path: str = "mem",
    line: int | None = None,
    format: SourceFormat = "text",
    content_id: bool = False,
) -> Document:
    """A document read from ``path`` (at line ``index`` unless ``line`` says otherwise).

    Its id is ``d{index}``, or with ``content_id`` the hash of its content that reading it
    gives (annotation tests, where an edited document must get another id).
    """
    return Document(
        id=document_id(title, source, published_raw, body) if content_id else f"d{index}",
        index=index,
        title=title,
        source=source,
        published_raw=published_raw,
        origin=Origin(path=path, line=index if line is None else line),
        format=format,
        body=body,
    )

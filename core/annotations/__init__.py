"""Annotations: models, anchoring to text, and the SQLite workspace that keeps them."""

from parallax.core.annotations.anchoring import (
    Anchorer,
    KnownDocument,
    document_keys,
    match_quote,
    reanchor,
)
from parallax.core.annotations.models import (
    SCHEMA,
    Annotation,
    Quote,
    Status,
    Target,
    discrepancy_target,
    make_quote,
    make_target,
)
from parallax.core.annotations.store import (
    ImportReport,
    ReadOnlyWorkspace,
    Stored,
    Workspace,
    WorkspaceError,
)

__all__ = [
    "SCHEMA",
    "Anchorer",
    "Annotation",
    "ImportReport",
    "KnownDocument",
    "Quote",
    "ReadOnlyWorkspace",
    "Status",
    "Stored",
    "Target",
    "Workspace",
    "WorkspaceError",
    "discrepancy_target",
    "document_keys",
    "make_quote",
    "make_target",
    "match_quote",
    "reanchor",
]

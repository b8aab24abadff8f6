"""Annotations: models, anchoring to text, and the SQLite workspace that keeps them."""

from parallax.core.annotations.anchoring import Anchorer, document_keys, reanchor
from parallax.core.annotations.models import SCHEMA, Annotation, Status, Target, make_target
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
    "ReadOnlyWorkspace",
    "Status",
    "Stored",
    "Target",
    "Workspace",
    "WorkspaceError",
    "document_keys",
    "make_target",
    "reanchor",
]

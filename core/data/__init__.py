"""Data shipped with Parallax: the demo corpus (a real search export of six documents)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

DEMO_NAME = "rare-earth-search-export.txt"


def demo_corpus_path() -> Path:
    """Path of the built-in demo export (a regular file inside the installed package)."""
    resource = files(__name__).joinpath(DEMO_NAME)
    with as_file(resource) as path:
        return Path(path)


SCHEMA_NAME = "annotations.schema.json"


def schema_path() -> Path:
    """Path of the shipped JSON Schema of the native annotation export."""
    resource = files(__name__).joinpath(SCHEMA_NAME)
    with as_file(resource) as path:
        return Path(path)

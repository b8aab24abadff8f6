"""Parallax core: ingest, cluster, align and classify near-duplicate sources.

This package never imports Textual or Rich; presentation lives in ``parallax.tui``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("parallax-review")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

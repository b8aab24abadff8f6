"""The shape of the house: core never imports Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import parallax.core


def test_core_imports_neither_textual_nor_rich():
    modules = [
        info.name for info in pkgutil.walk_packages(parallax.core.__path__, prefix="parallax.core.")
    ]
    assert "parallax.core.ingest" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

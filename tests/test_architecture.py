"""The shape of the house, as import contracts.

1. ``core`` imports neither Textual nor Rich: not at import time (checked in a fresh process)
   and not lazily inside a function (checked in the source). Rich's progress bar and markup
   belong to the command line (``parallax.tui.progress``), which receives the core's progress
   as plain callbacks.
2. The command line's non-interactive commands (parse, cluster, report, export, import, index,
   schema) never import Textual: a pipe does not pay for the app.
3. No module imports a private (``_underscore``) name of another module, nor a private module
   of another package: what crosses a module boundary is public and documented.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import parallax.core

ROOT = Path(__file__).resolve().parents[1]
#: Every folder of Python code in the repository.
FOLDERS = ("core", "tui", "tests", "snapshots", "benchmarks")
UI = ("textual", "rich")


def _imports(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """``(line, module, name)`` of every import of a file of the repository."""
    package = ["parallax", *path.relative_to(ROOT).parent.parts]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: list[str]) -> Iterator[tuple[int, str, str | None]]:
    """``(line, module, name)`` of every import of ``source``, anywhere in it (``name`` is None
    for ``import m``); relative imports are resolved against ``package``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield node.lineno, module, alias.name


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_core_imports_neither_textual_nor_rich():
    modules = [
        info.name for info in pkgutil.walk_packages(parallax.core.__path__, prefix="parallax.core.")
    ]
    assert "parallax.core.ingest" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"leaked = sorted(m for m in sys.modules if m.split('.')[0] in {UI!r})\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_core_imports_neither_textual_nor_rich_even_lazily():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in _sources("core")
        for line, module, _ in _imports(path)
        if module.split(".")[0] in UI
    ]
    assert not found


def test_non_interactive_commands_never_import_textual(demo_path, tmp_path):
    workspace, export, index = tmp_path / "w.sqlite", tmp_path / "a.json", tmp_path / "c.index"
    demo = str(demo_path)
    commands = [
        ["parse", demo],
        ["cluster", demo],
        ["report", demo, "--format", "json"],
        ["export", demo, "--workspace", str(workspace), "-o", str(export)],
        ["import", str(export), demo, "--workspace", str(workspace)],
        ["index", demo, "-o", str(index)],
        ["schema", "annotations"],
        ["schema", "index"],
    ]
    code = (
        "import contextlib, io, sys\n"
        "from parallax.tui.cli import main\n"
        "loaded = {}\n"
        f"for command in {commands!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        code = main(command)\n"
        "    assert code == 0, (command, code)\n"
        "    loaded[command[0]] = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print({name: modules[:3] for name, modules in loaded.items() if modules})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{}", f"commands that imported Textual: {result.stdout}"


def test_no_module_imports_a_private_name_of_another():
    found = []
    for path in _sources(*FOLDERS):
        own = ".".join(["parallax", *path.relative_to(ROOT).with_suffix("").parts])
        for line, module, name in _imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if any(_private(part) for part in module.split(".")):
                found.append(f"{where}: private module {module}")
            elif name is not None and _private(name) and module != own:
                found.append(f"{where}: {module}.{name}")
    assert not found


def test_the_import_scan_sees_lazy_relative_and_private_imports():
    source = (
        "import textual.app\n"
        "def later():\n"
        "    from rich.text import Text\n"
        "    from .store import _helper\n"
        "    from textual.widgets._toast import Toast\n"
    )
    found = [(module, name) for _, module, name in _imports_in(source, ["parallax", "core"])]
    assert found == [
        ("textual.app", None),
        ("rich.text", "Text"),
        ("parallax.core.store", "_helper"),
        ("textual.widgets._toast", "Toast"),
    ]
    assert _private("_helper") and _private("_toast")
    assert not _private("__future__") and not _private("__init__") and not _private("x_y")

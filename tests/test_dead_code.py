"""No dead code: vulture finds no unused function, class, variable or attribute.

Configured in ``[tool.vulture]`` (pyproject.toml): the tests and benchmarks count as users of
the core's API; names only a framework calls are ignored by convention there, and single names
a library reads are listed in ``tests/vulture_whitelist.py`` with their reasons.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_vulture_finds_no_dead_code():
    result = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr

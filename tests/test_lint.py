"""The code passes ruff with the project's configuration (pyproject.toml, [tool.ruff]; issue 19)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("aligner", "embeddings", "corpora", "benchmarks", "tests", "notebooks")


def test_ruff_finds_nothing():
    # --no-cache: a test run leaves no .ruff_cache in the checkout
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *CHECKED], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

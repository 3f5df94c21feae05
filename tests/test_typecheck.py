"""The packages pass mypy at the level pyproject.toml's [tool.mypy] states (mypy's default, libraries without
type information taken as Any)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_packages_pass_mypy():
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr

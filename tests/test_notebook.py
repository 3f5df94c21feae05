"""The researcher's walkthrough runs from top to bottom (so it cannot rot).

Executes ``notebooks/coverage_walkthrough.ipynb`` in a fresh ``python3`` kernel with
nbclient, from the repository root, with the session's model cache. Needs the
``notebook`` packages (in the ``test`` extra: matplotlib, nbformat, nbclient, ipykernel).
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "coverage_walkthrough.ipynb"

NEEDS = ("matplotlib", "nbformat", "nbclient", "ipykernel")

pytestmark = pytest.mark.slow


def _python3_kernel(tmp_path, monkeypatch) -> str:
    """A ``python3`` kernel spec for this interpreter, in a temporary Jupyter path.

    ipykernel's own spec and jupyter_client's fallback would do on a fresh machine
    (``pip install ".[test]"``, no ``ipykernel install``), but a ``python3`` spec in the
    user's folders may name another interpreter; one written here, first on
    ``JUPYTER_PATH``, always runs ``sys.executable`` and needs no user-level install.
    """
    from ipykernel.kernelspec import install

    prefix = tmp_path / "jupyter"
    install(kernel_name="python3", prefix=str(prefix))
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    return "python3"


def test_walkthrough_notebook_runs(encoder, cache_dir, tmp_path, monkeypatch):
    missing = [m for m in NEEDS if importlib.util.find_spec(m) is None]
    if missing:  # they come with pip install ".[test]"; CI must not skip
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"not installed: {', '.join(missing)}")
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The committed notebook carries no outputs (review diffs stay readable).
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")

    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(cache_dir))  # the kernel inherits os.environ
    monkeypatch.delenv("MPLBACKEND", raising=False)  # let ipykernel choose the inline backend
    kernel = _python3_kernel(tmp_path, monkeypatch)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(ROOT)}}, allow_errors=False
    )
    client.execute()  # raises CellExecutionError naming the failing cell

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = [
        c for c in nb.cells
        if c.cell_type == "code"
        and any(o.output_type == "display_data" and "image/png" in o.get("data", {}) for o in c.outputs)
    ]
    assert len(figures) >= 3, f"{len(figures)} cells with a figure"
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "signature: aligner:" in text
    assert "broken:" in text and "binary" in text  # the failed pair's error is shown

"""One line for an unexpected exception (a bug): what ``compare`` prints and ``batch`` records.

Expected failures (bad input, unknown model, bad options) have their own one-line messages
and exit code 2; anything else is a bug in aligner, shown as ``internal error: <type>: <message>
(at <file>:<line>)`` so that a user can report it, never as a traceback.
"""

from __future__ import annotations

import traceback
from pathlib import Path

REPORT_HINT = "please report it"


def internal_error_line(err: BaseException) -> str:
    """``internal error: ValueError: bad thing (at aligner/facts/numbers.py:97)``, whitespace collapsed."""
    message = " ".join(str(err).split())
    what = f"{type(err).__name__}: {message}" if message else type(err).__name__
    where = _where(err)
    return f"internal error: {what}" + (f" (at {where})" if where else "")


def _where(err: BaseException) -> str:
    """The innermost frame of ``err``'s traceback as ``package/module.py:line``."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    path = Path(frame.filename)
    parts = path.parts
    for root in ("aligner", "embeddings", "corpora"):
        if root in parts:
            path = Path(*parts[len(parts) - 1 - parts[::-1].index(root) :])
            break
    else:
        path = Path(path.name)
    return f"{path.as_posix()}:{frame.lineno}"


__all__ = ["REPORT_HINT", "internal_error_line"]

"""One module per output format; each turns a :class:`~aligner.report.Report` into text.

text (:mod:`.text`, side by side in the terminal), json, tsv, diff (unified-diff-like),
html (one self-contained page). Shared pieces: :mod:`.rows` (row order and kinds),
:mod:`.width` (display width), :mod:`.bidi` (visual order for terminals without bidi).
"""

from __future__ import annotations

FORMATS = ("text", "json", "tsv", "diff", "html")

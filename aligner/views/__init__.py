"""One module per output format; each turns a :class:`~aligner.report.Report` into text.

text (:mod:`.text`, side by side in the terminal), json, tsv, diff (unified-diff-like),
html (one self-contained page). Shared pieces: :mod:`.rows` (row order and kinds),
:mod:`.width` (display width), :mod:`.bidi` (visual order for terminals without bidi).
"""

from __future__ import annotations

import importlib

# format -> (module, function, {render()'s option: the view's keyword}); each view takes the options it uses
_VIEWS: dict[str, tuple[str, str, dict[str, str]]] = {
    "text": (".text", "render_text", {"width": "width", "color": "color", "scores": "show_scores", "bidi": "bidi",
                                      "partial_below": "partial_below"}),
    "json": (".json_view", "render_json", {}),
    "tsv": (".tsv", "render_tsv", {}),
    "diff": (".diff", "render_diff", {"scores": "show_scores", "color": "color", "partial_below": "partial_below"}),
    "html": (".html", "render_html", {"scores": "show_scores", "partial_below": "partial_below"}),
}
FORMATS = tuple(_VIEWS)


def render(report, fmt: str, *, scores: bool = False, color: bool = False, bidi: str = "terminal", width: int = 120,
           partial_below: float | None = None) -> str:
    """``report`` in the view ``fmt`` (one of :data:`FORMATS`), as a string. ``scores``: pair scores (text, diff,
    html); ``color`` (text, diff); ``bidi`` and ``width`` (text); ``partial_below``: a pair below this score is shown
    as partial (text, diff, html; default :data:`~aligner.views.rows.PARTIAL_BELOW`). The view's module is imported
    when it is asked for."""
    if fmt not in _VIEWS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module, function, keywords = _VIEWS[fmt]
    given = {"scores": scores, "color": color, "bidi": bidi, "width": width, "partial_below": partial_below}
    options = {keyword: given[name] for name, keyword in keywords.items() if given[name] is not None}
    return getattr(importlib.import_module(module, __name__), function)(report, **options)

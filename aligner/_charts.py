"""The corpus report's charts: matplotlib figures as inline SVG (text drawn as paths, so no font is fetched).

Group names are drawn only when they are plain ASCII (matplotlib does not shape Arabic script); others
appear as ``#1``, ``#2`` … in the order of the page's tables.
"""

from __future__ import annotations

import io
import re
from typing import Any

MAX_GROUPS = 8  # lines or bars per chart; the tables hold every group
INSTALL_HINT = "the report's charts need matplotlib: pip install 'aligner[report]'"


class ChartsUnavailable(Exception):
    """matplotlib is not installed (the ``report`` extra); the message says how to install it."""


def available() -> None:
    """Raise :class:`ChartsUnavailable` when the charts cannot be drawn."""
    _pyplot()


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ChartsUnavailable(INSTALL_HINT) from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "path", "svg.hashsalt": "aligner", "font.size": 9})
    import matplotlib.pyplot as plt

    return plt


def _label(name: str, k: int) -> str:
    return name if name.isascii() and len(name) <= 24 else f"#{k + 1}"


def _largest(groups: dict) -> list[tuple[int, Any]]:
    """The :data:`MAX_GROUPS` groups (:class:`aligner.corpus_report.Group`) with the most pairs, in their order."""
    ranked = sorted(enumerate(groups.values()), key=lambda kg: -kg[1].pairs)[:MAX_GROUPS]
    return sorted(ranked, key=lambda kg: kg[0])


def _svg(fig, plt, name: str) -> str:
    """The figure as inline SVG: no prolog or metadata, and its ids prefixed with ``name`` (a page holds several)."""
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "aligner report"})
    plt.close(fig)
    text = re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", out.getvalue())
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    return re.sub(r'( id="|url\(#|href="#)', lambda m: f"{m.group(1)}{name}-", text)


def histogram_svg(groups: dict, side: str, bins: int) -> str:
    """Per group, the share of its pairs in each coverage bin of ``side``, as a step line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    edges = [i / bins for i in range(bins + 1)]
    for k, g in _largest(groups):
        counts = g.coverage[side]
        total = sum(counts) or 1
        ax.stairs([c / total for c in counts], edges, label=f"{_label(g.name, k)} ({g.pairs})", linewidth=1.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of the {side} article's text covered by the other")
    ax.set_ylabel("share of pairs")
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    if groups:
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    return _svg(fig, plt, f"coverage-{side}")


def bar_svg(groups: dict, registers: tuple[str, ...]) -> str:
    """Per group, left and right mentions in each register, as grouped bars."""
    plt = _pyplot()
    chosen = _largest(groups)
    fig, ax = plt.subplots(figsize=(7, 2.8))
    width = 0.8 / max(2 * len(chosen), 1)
    for n, (k, g) in enumerate(chosen):
        for s, side in enumerate(("left", "right")):
            counts = [sum(v for (_, r), v in g.terms[side].items() if r == reg) for reg in registers]
            offset = (2 * n + s) * width - 0.4 + width / 2
            ax.bar([i + offset for i in range(len(registers))], counts, width,
                   label=f"{_label(g.name, k)} {side}", hatch="//" if s else None, alpha=0.85)
    ax.set_xticks(range(len(registers)), registers)
    ax.set_ylabel("mentions")
    if chosen:
        ax.legend(loc="upper right", frameon=False, fontsize=7, ncols=2)
    return _svg(fig, plt, "registers")

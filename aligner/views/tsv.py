"""``--format tsv``: one row per pair or one-sided segment, for spreadsheets and pandas.

Columns: kind, left_ids, right_ids, score, left_text, right_text. ``kind`` is
``pair`` for a one-to-one match, ``covers`` for a segment no match holds whose
content the other article has (the same segment may then be in two rows),
``left_only`` or ``right_only``. Rows follow
the left article's order; right-only segments follow in the right article's
order. Written with :mod:`csv` (:class:`TsvDialect`: tab-delimited, ``"`` as the quote
character, doubled inside a field, fields quoted only when they hold a tab, a quote or
a line break, rows ending in ``\\n``), so ``csv.reader(f, delimiter="\\t")`` and
``pandas.read_csv(f, sep="\\t", dtype=str, keep_default_na=False)`` read every cell
back exactly.

After the segment rows come the fact rows (when facts were checked), in the same six
columns: ``kind`` is ``fact:<number|date|name|attribution>:<status>``;
``left_ids``/``right_ids`` are the segment ids holding the fact; ``score`` holds the canonical
values, ``left_value|right_value`` (e.g. ``120000000 usd|150000000 usd``); ``left_text``/
``right_text`` are the facts' text as written. Per-pair rows (``shared``, ``conflict``, and
``pair_left_only``/``pair_right_only`` for a fact its pair's other side lacks) come first,
then the conflicts across unpaired sentences (``document_conflict``: two facts that disagree
in a left and a right segment that are not a pair but speak of the same matter; ``left_ids``
and ``right_ids`` are those two segments), then the facts of one side that the other article
has nowhere and that are in no conflict (``left_only``/``right_only``, over the whole
document, unpaired segments included).
"""

from __future__ import annotations

import csv
import io

from ..facts.markers import conflicts, one_sided
from ..report import Report
from .safe import safe

HEADER = ("kind", "left_ids", "right_ids", "score", "left_text", "right_text")


class TsvDialect(csv.Dialect):
    """The TSV dialect: tab-delimited, minimal quoting with doubled quotes, ``\\n`` line ends."""

    delimiter = "\t"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL


def _ids(ids) -> str:
    return ",".join(str(i) for i in ids)


def tsv_rows(report: Report) -> list[tuple[str, ...]]:
    left, right = report.left.segments, report.right.segments
    joined = lambda segs, ids: " ".join(segs[i].text for i in ids)  # noqa: E731
    rows: list[tuple[int, tuple[str, ...]]] = []
    for p in report.pairs:
        kind = "pair" if getattr(p, "kind", "match") == "match" else "covers"
        rows.append((p.left[0], (kind, _ids(p.left), _ids(p.right), f"{p.score:.4f}",
                                 joined(left, p.left), joined(right, p.right))))
    for i in report.left_only:
        rows.append((i, ("left_only", str(i), "", "", left[i].text, "")))
    rows.sort(key=lambda r: r[0])
    out = [r for _, r in rows]
    out += [("right_only", "", str(j), "", "", right[j].text) for j in report.right_only]
    return out


def _value(f) -> str:
    if f is None:
        return ""
    if f.kind == "number" and f.unit:
        return f"{f.value} {f.unit}"
    return f.value


def fact_rows(report: Report) -> list[tuple[str, ...]]:
    facts = getattr(report, "facts", None)  # reports built without the fact layer have none
    if facts is None:
        return []
    L, R = facts.left, facts.right

    def row(kind, status, lf, rf):
        return (f"fact:{kind}:{status}", "" if lf is None else str(lf.segment), "" if rf is None else str(rf.segment),
                f"{_value(lf)}|{_value(rf)}", lf.text if lf else "", rf.text if rf else "")

    rows = []
    for p in facts.pairs:
        rows += [row(m.kind, "shared", L[m.left], R[m.right]) for m in p.shared]
        rows += [row(m.kind, "conflict", L[m.left], R[m.right]) for m in p.conflicts]
        rows += [row(L[i].kind, "pair_left_only", L[i], None) for i in p.left_only]
        rows += [row(R[j].kind, "pair_right_only", None, R[j]) for j in p.right_only]
    rows += [row(c.kind, "document_conflict", c.left, c.right) for c in conflicts(facts) if c.unpaired]
    only_l, only_r = one_sided(facts)
    rows += [row(L[i].kind, "left_only", L[i], None) for i in only_l]
    rows += [row(R[j].kind, "right_only", None, R[j]) for j in only_r]
    return rows


def framing_rows(report: Report) -> list[tuple[str, ...]]:
    """``framing:<concept>:pair`` for a pair whose sides name one concept in different registers, then
    ``framing:<concept>:document`` over the whole articles; ``score`` holds the registers of each side
    (``neutral|derogatory,loaded``), the text columns the terms as written."""
    framing = getattr(report, "framing", None)
    if framing is None:
        return []
    L, R = framing.left, framing.right

    def row(d, where: str) -> tuple[str, ...]:
        return (f"framing:{d.concept}:{where}", " ".join(str(s) for s in sorted({L[i].segment for i in d.left})),
                " ".join(str(s) for s in sorted({R[j].segment for j in d.right})),
                f"{','.join(d.left_registers)}|{','.join(d.right_registers)}",
                " · ".join(dict.fromkeys(L[i].text for i in d.left)),
                " · ".join(dict.fromkeys(R[j].text for j in d.right)))

    rows = [row(d, "pair") for diffs in framing.pairs for d in diffs]
    return rows + [row(d, "document") for d in framing.document]


def render_tsv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, dialect=TsvDialect)
    writer.writerow(HEADER)
    writer.writerows([safe(cell, keep="\t\n") for cell in row]
                     for row in tsv_rows(report) + fact_rows(report) + framing_rows(report))
    return out.getvalue()

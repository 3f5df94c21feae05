"""``--format tsv``: one row per pair or one-sided segment, for spreadsheets and pandas.

Columns: kind, left_ids, right_ids, score, left_text, right_text. Rows follow
the left article's order; right-only segments follow in the right article's
order. Tabs, newlines and backslashes inside text are escaped as ``\\t``,
``\\n`` and ``\\\\`` so that every row stays one line.
"""

from __future__ import annotations

from ..report import Report

HEADER = ("kind", "left_ids", "right_ids", "score", "left_text", "right_text")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _ids(ids) -> str:
    return ",".join(str(i) for i in ids)


def tsv_rows(report: Report) -> list[tuple[str, ...]]:
    left, right = report.left.segments, report.right.segments
    joined = lambda segs, ids: " ".join(segs[i].text for i in ids)  # noqa: E731
    rows: list[tuple[int, tuple[str, ...]]] = []
    for p in report.pairs:
        rows.append((p.left[0], ("pair", _ids(p.left), _ids(p.right), f"{p.score:.4f}", joined(left, p.left), joined(right, p.right))))
    for i in report.left_only:
        rows.append((i, ("left_only", str(i), "", "", left[i].text, "")))
    rows.sort(key=lambda r: r[0])
    out = [r for _, r in rows]
    out += [("right_only", "", str(j), "", "", right[j].text) for j in report.right_only]
    return out


def render_tsv(report: Report) -> str:
    lines = ["\t".join(HEADER)]
    lines += ["\t".join(_escape(cell) for cell in row) for row in tsv_rows(report)]
    return "\n".join(lines) + "\n"

"""``--format tsv`` is valid TSV: csv and pandas read every cell back exactly (issue 18, item 7)."""

from __future__ import annotations

import csv
import io

import pytest

from aligner.align import Pair
from aligner.report import ModelInfo, Side, Summary
from aligner.text import Segment
from aligner.views.tsv import HEADER, TsvDialect, fact_rows, render_tsv, tsv_rows
from golden.make import FrozenReport, load_report

AWKWARD_LEFT = ['"نعم" قال الوزير.', "قبل\tبعد الجدولة.", 'نص عادي "وسط" الجملة.', "\\n ليس سطراً."]
AWKWARD_RIGHT = ['"بله" گفت.', "یک\tدو.", "'تک' و \"جفت\".", "عادی."]


def _report(left: list[str], right: list[str]) -> FrozenReport:
    def side(path: str, lang: str, texts: list[str]) -> Side:
        return Side(path, lang, "utf-8", [Segment(i, 0, len(t), t, t) for i, t in enumerate(texts)])

    return FrozenReport(
        left=side("a.txt", "ar", left),
        right=side("b.txt", "fa", right),
        pairs=[Pair((0,), (0,), 0.61, 0.3), Pair((1, 2), (1,), 0.5, 0.2)],
        left_only=[3],
        right_only=[2, 3],
        summary=Summary(4, 4, 2, 3, 2, 1, 2, 0.8, 0.5),
        model=ModelInfo("m", "m@1", "", "local"),
        signature="aligner:test|model:m@1",
        facts=None,
    )


def _expected(report) -> list[list[str]]:
    return [list(HEADER)] + [list(row) for row in tsv_rows(report) + fact_rows(report)]


@pytest.mark.parametrize("report", [_report(AWKWARD_LEFT, AWKWARD_RIGHT), load_report()], ids=["awkward", "sample"])
def test_csv_reads_every_cell_back_exactly(report):
    text = render_tsv(report)
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter="\t")) == _expected(report)
    assert list(csv.reader(io.StringIO(text, newline=""), dialect=TsvDialect)) == _expected(report)


def test_quotes_and_tabs_survive():
    report = _report(AWKWARD_LEFT, AWKWARD_RIGHT)
    rows = list(csv.reader(io.StringIO(render_tsv(report), newline=""), delimiter="\t"))
    cells = {cell for row in rows for cell in row}
    assert '"نعم" قال الوزير.' in cells  # a segment starting with a quote keeps its quotes
    assert "قبل\tبعد الجدولة. نص عادي \"وسط\" الجملة." in cells  # a tab stays a tab, not a column
    assert "\\n ليس سطراً." in cells  # a backslash is just a backslash
    assert all(len(row) == len(HEADER) for row in rows)


def test_plain_rows_are_unquoted_one_line_each():
    text = render_tsv(load_report())
    assert '"' not in text  # the sample has no quote or tab: nothing is quoted
    assert text.endswith("\n") and "\r" not in text
    assert text.splitlines()[0] == "\t".join(HEADER)


@pytest.mark.parametrize("report", [_report(AWKWARD_LEFT, AWKWARD_RIGHT), load_report()], ids=["awkward", "sample"])
def test_pandas_reads_every_cell_back_exactly(report):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(render_tsv(report)), sep="\t", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(HEADER)
    assert frame.values.tolist() == _expected(report)[1:]

"""`aligner report`: one page about a batch run, grouped by a metadata column."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main
from aligner.corpus_report import EXAMPLES, summarise_batch
from conftest import SAMPLES
from conftest import SHARED_CORPORA as SHARED
from test_views_html import _chromium, screenshot



def _invoke(*args, cache_dir=None):
    extra = ["--cache-dir", str(cache_dir)] if cache_dir else []
    return CliRunner().invoke(main, [*map(str, args), *extra, "--quiet"])


@pytest.fixture(scope="module")
def batch_out(cache_dir, tmp_path_factory) -> Path:
    """A batch over the shared Kremlin pair (outlet A) and the three sample pairs (outlet B)."""
    root = tmp_path_factory.mktemp("report-corpus")
    shutil.copy(SHARED / "seed_ar.txt", root / "seed_ar.txt")
    shutil.copy(SHARED / "seed_fa.txt", root / "seed_fa.txt")
    rows = ["left,right,id,outlet", "seed_ar.txt,seed_fa.txt,kremlin,A"]
    for name in ("library", "bridge", "science-fair"):
        rows.append(f"{SAMPLES / 'batch' / 'ar' / name}.txt,{SAMPLES / 'batch' / 'fa' / name}.txt,{name},B")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(root / "manifest.csv"), "--out", str(root / "out"),
                                       "--cache-dir", str(cache_dir), "--quiet"])
    assert result.exit_code == 0, (result.output, result.exception)
    return root / "out"


@pytest.fixture(scope="module")
def page(batch_out) -> str:
    result = _invoke("report", batch_out, "--by", "outlet")
    assert result.exit_code == 0, (result.output, result.exception)
    return (batch_out / "report.html").read_text(encoding="utf-8")


def test_the_page_groups_pairs_by_the_column(page):
    table = page[page.index("<h2>Coverage</h2>"):page.index("<h2>What each side leaves out</h2>")]
    assert re.search(r"<tr><td>A</td><td class=\"n\">1</td>", table)
    assert re.search(r"<tr><td>B</td><td class=\"n\">3</td>", table)


def test_the_page_lists_what_each_side_leaves_out_linked_to_its_pair(page):
    section = page[page.index("<h2>What each side leaves out</h2>"):page.index("<h2>Fact conflicts</h2>")]
    # the Kremlin pair's Arabic article has one-sided lines; their pair id is a link
    assert ">kremlin</a>" in section and 'dir="rtl"' in section
    assert "بازدید از نمایشگاه برای عموم آزاد است." in section  # the science fair's one-sided Persian line


def test_the_page_shows_conflicts_and_loaded_terms(page):
    conflicts = page[page.index("<h2>Fact conflicts</h2>"):page.index("<h2>Loaded terms</h2>")]
    assert "120 m ≠ 150 m" in conflicts  # the bridge's length
    terms = page[page.index("<h2>Loaded terms</h2>"):page.index("<h2>Run</h2>")]
    israel = re.search(r"<tr><td>A</td><td>israel</td>(.*?)</tr>", terms).group(1)
    cells = re.findall(r'<td class="n">(\d*)</td>', israel)
    # left neutral 1; right neutral, loaded and derogatory; one pair differs
    assert cells[0] == "1" and cells[5] and cells[6] and cells[8] and cells[-1] == "1"


def test_the_page_is_self_contained_and_names_the_run(page):
    assert "<script" not in page and " src=" not in page and not re.search(r"url\((?!#)", page)
    assert not re.search(r'href="https?:', page)  # the SVG namespaces name, they fetch nothing
    assert page.count("<svg") == 3  # two coverage histograms and the registers chart
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # three inline charts, no id twice
    assert "aligner:0.1.0|model:" in page and "<th>only_below</th>" in page


def test_the_page_renders_and_prints_in_a_browser(page, batch_out, tmp_path):
    png = tmp_path / "report.png"
    screenshot(batch_out / "report.html", png, tmp_path / "profile")
    assert png.stat().st_size > 10_000
    pdf = tmp_path / "report.pdf"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile-pdf'}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    (batch_out / "report.html").resolve().as_uri()], capture_output=True, timeout=120)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 2


def test_records_that_are_not_json_are_counted_not_dropped_silently(batch_out, tmp_path):
    reports = tmp_path / "reports.jsonl"
    reports.write_text((batch_out / "reports.jsonl").read_text(encoding="utf-8") + "{torn line\n", encoding="utf-8")
    result = _invoke("report", reports, "-o", tmp_path / "r.html")
    assert result.exit_code == 0
    assert "1 line(s) of the file are not JSON records" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_memory_holds_a_few_examples_however_many_pairs(batch_out, tmp_path):
    line = next(ln for ln in (batch_out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
                if '"kremlin"' in ln)
    many = tmp_path / "reports.jsonl"
    many.write_text((line + "\n") * 40, encoding="utf-8")
    summary = summarise_batch(many)
    [group] = summary.groups.values()
    assert group.pairs == 40 and group.one_sided_count["left"] == 40 * len(json.loads(line)["report"]["left_only"])
    assert len(group.one_sided["left"]) == EXAMPLES


@pytest.mark.parametrize("args, message", [
    (["report", "{missing}"], "no such batch output"),
    (["report", "{out}", "--by", "outlet_name"],
     "--by outlet_name: no pair has this metadata column (columns: outlet)"),
])
def test_errors_are_one_line_and_exit_2(batch_out, tmp_path, args, message):
    args = [a.format(missing=tmp_path / "nothing", out=batch_out) for a in args]
    result = _invoke(*args)
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("aligner: error: ") and message in line


def test_without_matplotlib_the_error_names_the_extra(batch_out, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if it were not installed
    result = _invoke("report", batch_out, "-o", tmp_path / "r.html")
    assert result.exit_code == 2
    assert result.output.strip() == "aligner: error: the report's charts need matplotlib: pip install 'aligner[report]'"

"""`aligner batch`: manifests (CSV, JSONL, two folders), outputs, errors, resuming."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.batch import REPORTS, SUMMARY, WORK_SUFFIX, batch, read_jobs
from aligner.cli import main
from conftest import SAMPLES

BATCH = SAMPLES / "batch"
GOOD = ("library", "bridge", "science-fair")

slow = pytest.mark.slow  # runs the real default model


def _invoke(*args, cache_dir):
    return CliRunner().invoke(main, ["batch", *map(str, args), "--cache-dir", str(cache_dir), "--quiet"])


def _lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / REPORTS).read_text(encoding="utf-8").splitlines()]


def _rows(out: Path) -> list[dict]:
    with (out / SUMMARY).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A copy of the batch samples: ar/ and fa/ folders, broken pair included."""
    shutil.copytree(BATCH, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture(scope="module")
def csv_run(cache_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("csv-run")
    result = _invoke(BATCH / "manifest.csv", "--out", out, cache_dir=cache_dir)
    assert result.exit_code == 0, (result.output, result.exception)
    return out


# -- manifests and outputs ------------------------------------------------------------------


@slow
def test_csv_manifest_lines_are_the_compare_json_reports(csv_run, cache_dir):
    lines = _lines(csv_run)
    assert [line["id"] for line in lines] == list(GOOD)  # manifest order
    for line, name in zip(lines, GOOD, strict=True):
        left, right = BATCH / "ar" / f"{name}.txt", BATCH / "fa" / f"{name}.txt"
        assert (line["status"], line["left"], line["right"]) == ("ok", str(left), str(right))
        assert line["content_hash"].startswith("sha256:")
        assert set(line["metadata"]) == {"date", "topic"}
        result = CliRunner().invoke(main, ["compare", str(left), str(right), "--format", "json",
                                           "--cache-dir", str(cache_dir), "--quiet"])
        assert result.exit_code == 0, result.output
        assert line["report"] == json.loads(result.stdout)
    assert not (csv_run / (REPORTS + WORK_SUFFIX)).exists()


@slow
def test_summary_csv_has_a_row_per_pair(csv_run):
    rows = _rows(csv_run)
    assert list(rows[0]) == ["id", "left", "right", "date", "topic", "status", "left_segments", "right_segments",
                             "pairs", "left_only", "right_only", "left_coverage",
                             "right_coverage", "fact_conflicts", "error"]
    for row, line in zip(rows, _lines(csv_run), strict=True):
        summary = line["report"]["summary"]
        assert row["id"] == line["id"] and row["status"] == "ok" and row["error"] == ""
        assert row["date"] == line["metadata"]["date"]
        for key in ("left_segments", "right_segments", "pairs", "left_only", "right_only"):
            assert int(row[key]) == summary[key]
        assert float(row["left_coverage"]) == pytest.approx(summary["left_coverage"])
        conflicts = sum(v["conflicts"] for v in line["report"]["facts"]["summary"].values())
        assert int(row["fact_conflicts"]) == conflicts
    bridge = next(r for r in rows if r["id"] == "bridge")
    assert int(bridge["fact_conflicts"]) >= 1  # 120 m against 150 m


@slow
def test_jsonl_manifest_relative_paths_and_a_broken_pair(corpus, cache_dir, tmp_path):
    sub = corpus / "lists"
    sub.mkdir()
    entries = [{"id": "b", "left": "../ar/bridge.txt", "right": "../fa/bridge.txt", "outlet": "x"},
               {"id": "broken", "left": "../ar/broken.txt", "right": "../fa/broken.txt"},
               {"left": "../ar/missing.txt", "right": "../fa/library.txt", "metadata": {"date": "2025"}},
               {"id": "l", "left": "../ar/library.txt", "right": "../fa/library.txt"}]
    manifest = sub / "pairs.jsonl"
    manifest.write_text("\n".join(json.dumps(e) for e in entries) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _invoke(manifest, "--out", out, cache_dir=cache_dir)
    assert result.exit_code == 1, result.output
    lines = _lines(out)
    assert ([(row["id"], row["status"]) for row in lines]
            == [("b", "ok"), ("broken", "error"), ("3", "error"), ("l", "ok")])
    assert lines[0]["metadata"] == {"outlet": "x"} and lines[2]["metadata"] == {"date": "2025"}
    assert lines[0]["left"] == str(sub / "../ar/bridge.txt")
    assert "binary" in lines[1]["error"] and "no such file" in lines[2]["error"]
    assert all("\n" not in row.get("error", "") for row in lines)
    assert [r["status"] for r in _rows(out)] == ["ok", "error", "error", "ok"]
    assert _rows(out)[1]["error"] == lines[1]["error"]


@slow
def test_two_folders_pair_by_file_name_and_warn_about_the_rest(corpus, cache_dir, tmp_path):
    (corpus / "ar" / "only-here.txt").write_text("خبر بلا شريك.\n", encoding="utf-8")
    result = _invoke(corpus / "ar", corpus / "fa", "--out", tmp_path / "out", cache_dir=cache_dir)
    assert result.exit_code == 1  # the broken pair
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "only-here.txt" in warnings[0]
    lines = _lines(tmp_path / "out")
    assert [row["id"] for row in lines] == ["bridge.txt", "broken.txt", "library.txt", "science-fair.txt"]
    assert [row["status"] for row in lines] == ["ok", "error", "ok", "ok"]


# -- resuming ---------------------------------------------------------------------------------


def _no_model(monkeypatch):
    """Fail if anything is encoded: the model must not even be loaded."""
    from embeddings.encoder import Encoder

    def refuse(self, *args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(Encoder, "_load", refuse)


@slow
def test_rerun_skips_everything_without_encoding(corpus, cache_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = batch(corpus / "manifest.csv", out, cache_dir=cache_dir)
    assert (first.done, first.skipped, first.failed) == (3, 0, 0)
    before = ((out / REPORTS).read_bytes(), (out / SUMMARY).read_bytes())
    _no_model(monkeypatch)
    again = batch(corpus / "manifest.csv", out, cache_dir=cache_dir, use_cache=False)  # no vector cache either
    assert (again.done, again.skipped, again.failed) == (0, 3, 0)
    assert ((out / REPORTS).read_bytes(), (out / SUMMARY).read_bytes()) == before
    # an interrupted run leaves only the work file: its lines count as done too
    (out / REPORTS).rename(out / (REPORTS + WORK_SUFFIX))
    resumed = batch(corpus / "manifest.csv", out, cache_dir=cache_dir, use_cache=False)
    assert resumed.skipped == 3 and (out / REPORTS).read_bytes() == before[0]


@slow
def test_a_changed_file_is_recomputed_and_errors_are_retried(corpus, cache_dir, tmp_path):
    manifest = corpus / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "ar/broken.txt,fa/broken.txt,broken,,\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    first = batch(manifest, out, cache_dir=cache_dir)
    assert (first.done, first.failed) == (3, 1)
    fa = corpus / "fa" / "bridge.txt"
    fa.write_text(fa.read_text(encoding="utf-8").replace("۱۵۰ متر", "۱۲۰ متر"), encoding="utf-8")
    (corpus / "ar" / "broken.txt").write_text("مهرجان الزهور في مدينة رشت.\nبدأ اليوم مهرجان "
                                              "الزهور السنوي في حديقة المدينة.\n",
                                             encoding="utf-8")
    second = batch(manifest, out, cache_dir=cache_dir)
    assert (second.done, second.skipped, second.failed) == (2, 2, 0)
    lines = {row["id"]: row for row in _lines(out)}
    assert "۱۲۰ متر" in lines["bridge"]["report"]["right"]["segments"][2]["text"]
    assert lines["broken"]["status"] == "ok"
    assert [row["id"] for row in _lines(out)] == [*GOOD, "broken"]


@slow
def test_grouping_does_not_change_the_reports(csv_run, cache_dir, tmp_path):
    batch(BATCH / "manifest.csv", tmp_path / "one", cache_dir=cache_dir, batch_pairs=1)
    assert _lines(tmp_path / "one") == _lines(csv_run)


# -- bad input (no model needed) --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", "", "empty"),
        ("header-only.csv", "left,right,id\n", "no pairs"),
        ("one-column.csv", "left\nar/a.txt\n", "first two must be the left and right paths"),
        ("short-row.csv", "left,right\nar/a.txt\n", "line 2"),
        ("no-header.csv", "ar/library.txt,fa/library.txt\n", "header"),
        ("bad.jsonl", '{"left": "a.txt"}\n', "needs 'left' and 'right'"),
        ("not-json.jsonl", "{left\n", "not JSON"),
        ("dup.csv", "left,right,id\na,b,x\nc,d,x\n", "used twice"),
    ],
)
def test_a_bad_manifest_is_one_line_and_exit_2(tmp_path, name, content, message):
    shutil.copytree(BATCH / "ar", tmp_path / "ar")
    shutil.copytree(BATCH / "fa", tmp_path / "fa")
    manifest = tmp_path / name
    if content is not None:
        manifest.write_text(content, encoding="utf-8")
    result = _invoke(manifest, "--out", tmp_path / "out", cache_dir=tmp_path / "cache")
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("aligner: error:")
    assert message in result.stderr and str(manifest) in result.stderr


def test_usage_errors(tmp_path):
    three = _invoke(tmp_path, tmp_path, tmp_path, "--out", tmp_path / "o", cache_dir=tmp_path)
    assert three.exit_code == 2
    folders = _invoke(tmp_path / "nope", tmp_path, "--out", tmp_path / "o", cache_dir=tmp_path)
    assert folders.exit_code == 2 and "no such folder" in folders.stderr
    with pytest.raises(ValueError, match="valid:"):
        batch(BATCH / "manifest.csv", tmp_path / "o", thresold=0.2)


def test_read_jobs_resolves_relative_paths_and_keeps_metadata():
    jobs, warnings = read_jobs(BATCH / "manifest.csv")
    assert not warnings
    assert [j.id for j in jobs] == list(GOOD)
    assert jobs[0].left == BATCH / "ar" / "library.txt"
    assert jobs[0].metadata == {"date": "2025-03-03", "topic": "culture"}


# -- hostile inputs (issue 18; no model: a small deterministic encoder) ------------------------


def _fake_batch(monkeypatch, *args):
    import embeddings.encoder

    from hostile import FakeEncoder

    monkeypatch.setattr(embeddings.encoder, "Encoder", FakeEncoder)
    return CliRunner().invoke(main, ["batch", *map(str, args), "--quiet"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.timeout(60)
def test_a_fifo_pair_is_recorded_as_an_error_and_the_batch_goes_on(corpus, tmp_path, monkeypatch):
    os.mkfifo(corpus / "fa" / "pipe.txt")
    shutil.copy(corpus / "ar" / "library.txt", corpus / "ar" / "pipe.txt")
    manifest = corpus / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "ar/pipe.txt,fa/pipe.txt,pipe,,\n", encoding="utf-8")
    result = _fake_batch(monkeypatch, manifest, "--out", tmp_path / "out")
    assert result.exit_code == 1 and not result.stderr, result.stderr
    lines = {line["id"]: line for line in _lines(tmp_path / "out")}
    assert lines["pipe"]["status"] == "error"
    assert lines["pipe"]["error"] == f"{corpus / 'fa' / 'pipe.txt'}: is a FIFO (named pipe), not a regular file"
    assert [lines[name]["status"] for name in GOOD] == ["ok"] * 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.timeout(60)
def test_a_fifo_manifest_is_one_line_and_exit_2(tmp_path):
    os.mkfifo(tmp_path / "manifest.csv")
    result = _invoke(tmp_path / "manifest.csv", "--out", tmp_path / "out", cache_dir=tmp_path / "cache")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("aligner: error:") and "is a FIFO (named pipe), not a regular file" in result.stderr


def test_garbage_pairs_are_errors_not_good_reports(corpus, tmp_path, monkeypatch):
    noise = b"\xff\xfe" + "".join(map(chr, (0x5A3B, 0xE000, 0xAC21, 0x0378, 0x7F2E, 0xFEFF, 0xF8FF, 0x9E4D))).encode(
        "utf-16-le")
    (corpus / "ar" / "noise.txt").write_bytes(noise)
    (corpus / "ar" / "marks.txt").write_text("ًٌٍَُِّْ\n" * 5, encoding="utf-8")
    (corpus / "fa" / "digits.txt").write_text("۱۲۳ ۴۵۶\n", encoding="utf-8")
    manifest = corpus / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "ar/noise.txt,fa/library.txt,noise,,\n"
                        "ar/marks.txt,fa/digits.txt,marks,,\n", encoding="utf-8")
    result = _fake_batch(monkeypatch, manifest, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.stderr
    lines = {line["id"]: line for line in _lines(tmp_path / "out")}
    assert lines["noise"]["status"] == "error" and "not decodable as text" in lines["noise"]["error"]
    assert lines["marks"]["status"] == "error" and "has no letters" in lines["marks"]["error"]
    assert [row["status"] for row in _rows(tmp_path / "out")] == ["ok", "ok", "ok", "error", "error"]


# -- one writer per OUT/, whole records, no *.tmp left (issue 18, item 4) ----------------------

RUN_FAKE_BATCH = """
import sys, time
sys.path.insert(0, {tests!r})
import embeddings.encoder, hostile

class SlowFake(hostile.FakeEncoder):
    def encode(self, texts, *, progress=None):
        time.sleep(0.5)  # long enough for the other runs to start meanwhile
        return super().encode(texts, progress=progress)

embeddings.encoder.Encoder = SlowFake
from aligner.cli import main
main(["batch", *sys.argv[1:], "--quiet", "--batch-pairs", "1"], prog_name="aligner")
"""


def _manifest_of(corpus: Path, n: int) -> Path:
    """``n`` distinct pairs (the samples, each copy with its own last line)."""
    rows = ["left,right,id"]
    for i in range(n):
        name = GOOD[i % len(GOOD)]
        for side in ("ar", "fa"):
            text = (corpus / side / f"{name}.txt").read_text(encoding="utf-8")
            (corpus / side / f"{name}-{i}.txt").write_text(text + f"\nخبر رقم {i}.\n", encoding="utf-8")
        rows.append(f"ar/{name}-{i}.txt,fa/{name}-{i}.txt,p{i}")
    manifest = corpus / "many.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith((".tmp", WORK_SUFFIX)))


@pytest.mark.timeout(300)
def test_three_runs_on_one_out_one_writes_the_others_are_refused_in_one_line(corpus, tmp_path):
    import subprocess
    import sys

    manifest, out = _manifest_of(corpus, 6), tmp_path / "out"
    script = RUN_FAKE_BATCH.format(tests=str(Path(__file__).parent))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(manifest), "--out", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=240), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, err in results:
        assert "Traceback" not in err, err
        assert (code, err) == (0, "") or (code == 2 and err == (
            f"aligner: error: {out}: another aligner batch is writing to this folder; wait for it to finish, "
            "or give another --out\n")), (code, err)
    assert [code for code, _ in results].count(0) >= 1
    lines = _lines(out)  # every line whole JSON
    assert [(line["id"], line["status"]) for line in lines] == [(f"p{i}", "ok") for i in range(6)]
    assert _leftovers(out) == []


def test_a_second_run_while_one_is_running_is_refused_and_the_first_finishes(corpus, tmp_path, monkeypatch):
    from hostile import FakeEncoder

    out, seen = tmp_path / "out", []

    def second_run(done, total):
        if done == 1:
            seen.append(_fake_batch(monkeypatch, corpus / "manifest.csv", "--out", out))

    result = batch(corpus / "manifest.csv", out, encoder=FakeEncoder(), progress=second_run)
    assert (result.done, result.failed) == (3, 0)
    assert seen[0].exit_code == 2 and seen[0].stderr.count("\n") == 1
    assert "another aligner batch is writing to this folder" in seen[0].stderr
    assert [line["id"] for line in _lines(out)] == list(GOOD) and _leftovers(out) == []
    assert (out / ".aligner-batch.lock").exists()  # stays: removing it would let two runs lock two files
    again = _fake_batch(monkeypatch, corpus / "manifest.csv", "--out", out)  # the lock was released
    assert again.exit_code == 0, again.stderr


def test_a_torn_last_record_is_cut_off_and_its_pair_redone(corpus, tmp_path):
    from hostile import FakeEncoder

    out = tmp_path / "out"
    manifest = _manifest_of(corpus, 4)
    batch(manifest, out, encoder=FakeEncoder())
    whole = (out / REPORTS).read_bytes().splitlines(keepends=True)
    # a run killed while writing pair 4's record: three whole lines and half of the fourth
    (out / REPORTS).rename(out / (REPORTS + WORK_SUFFIX))
    (out / (REPORTS + WORK_SUFFIX)).write_bytes(b"".join(whole[:3]) + whole[3][: len(whole[3]) // 2])

    def killed_before_the_end(done, total):
        if done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # resumed, pair 4 redone, and killed again before the final files
        batch(manifest, out, encoder=FakeEncoder(), progress=killed_before_the_end)
    work = (out / (REPORTS + WORK_SUFFIX)).read_bytes()
    assert work.endswith(b"\n") and [json.loads(line)["id"] for line in work.splitlines()] == ["p0", "p1", "p2", "p3"]
    final = batch(manifest, out, encoder=FakeEncoder())  # every record whole: nothing to redo
    assert (final.done, final.skipped) == (0, 4)
    assert (out / REPORTS).read_bytes() == b"".join(whole) and _leftovers(out) == []


def test_each_record_is_one_write_of_the_whole_line(corpus, tmp_path, monkeypatch):
    import aligner.batch.store
    from hostile import FakeEncoder

    writes: list[bytes] = []
    real_write = os.write

    def spy(fd, data):
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(aligner.batch.store.os, "write", spy)
    batch(corpus / "manifest.csv", tmp_path / "out", encoder=FakeEncoder())
    assert len(writes) == 3 and all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)
    assert [json.loads(w)["id"] for w in writes] == list(GOOD)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_no_tmp_file_is_left_when_the_final_files_fail(corpus, tmp_path, monkeypatch, failure):
    import aligner.batch.store
    from hostile import FakeEncoder

    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv.tmp").write_text("left by a run that was killed")
    calls = []

    def replace(src, dst):
        calls.append(src)
        if len(calls) == 2:  # summary.csv in place, reports.jsonl not yet
            raise failure
        return os.rename(src, dst)

    monkeypatch.setattr(aligner.batch.store.os, "replace", replace)
    if isinstance(failure, OSError):
        result = _fake_batch(monkeypatch, corpus / "manifest.csv", "--out", out)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"aligner: error: {out}: cannot write the final files "
                                        "(No space left on device)")
    else:
        with pytest.raises(KeyboardInterrupt):
            batch(corpus / "manifest.csv", out, encoder=FakeEncoder())
    assert not list(out.glob("*.tmp"))
    assert (out / (REPORTS + WORK_SUFFIX)).exists()  # the records are kept: a re-run resumes from them

"""`aligner compare` end to end with the real default model: contract, results, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main
from conftest import segment_holding

pytestmark = pytest.mark.slow  # runs the real default model


@pytest.fixture(scope="module")
def run(cache_dir):
    def _run(*args, expect: int | None = 0):
        result = CliRunner().invoke(main, ["compare", *map(str, args), "--cache-dir", str(cache_dir), "--quiet"])
        if expect is not None:
            assert result.exit_code == expect, (result.output, result.exception)
        return result

    return _run


@pytest.fixture(scope="module")
def sample_report(run, sample_paths) -> dict:
    return json.loads(run(*sample_paths, "--format", "json").stdout)


def _check_contract(report: dict, left_text: str, right_text: str) -> None:
    for side, text in (("left", left_text), ("right", right_text)):
        segments = report[side]["segments"]
        assert [s["id"] for s in segments] == list(range(len(segments)))
        for s in segments:
            assert s["text"] == text[s["start"] : s["end"]]
            assert s["text"].strip()
        in_pairs = [i for p in report["pairs"] for i in p[side]]
        assert sorted(in_pairs + report[f"{side}_only"]) == list(range(len(segments))), side


def test_json_contract_on_the_sample(sample_report, sample_paths):
    left, right = (p.read_text(encoding="utf-8") for p in sample_paths)
    assert sample_report["schema"] == "aligner.report/2"
    assert {"model", "left", "right", "pairs", "left_only", "right_only", "summary", "signature"} <= set(sample_report)
    assert (sample_report["left"]["lang"], sample_report["right"]["lang"]) == ("ar", "fa")
    assert sample_report["model"]["identity"].startswith("multilingual-e5-small@")
    assert sample_report["settings"]["threshold"] == pytest.approx(0.14)
    assert sample_report["settings"]["length_weight"] == pytest.approx(0.2)
    _check_contract(sample_report, left, right)


def test_length_weight_reaches_the_report_and_its_signature(run, sample_paths):
    report = json.loads(run(*sample_paths, "--format", "json", "--length-weight", "0").stdout)
    assert report["settings"]["length_weight"] == 0
    assert "|length:0+0.4|" in report["signature"]
    assert "Invalid value for '--length-weight'" in run(*sample_paths, "--length-weight", "-1", expect=2).output


def test_sample_pairs_match_the_gold(sample_report, sample_gold):
    left, right = sample_report["left"]["segments"], sample_report["right"]["segments"]
    links = {(i, j) for p in sample_report["pairs"] for i in p["left"] for j in p["right"]}
    for pair in sample_gold["pairs"]:
        for a in pair["ar"]:
            for f in pair["fa"]:
                assert (segment_holding(left, a), segment_holding(right, f)) in links, (a, f)


def test_sample_one_sided_facts_are_reported(sample_report, sample_gold):
    left, right = sample_report["left"]["segments"], sample_report["right"]["segments"]
    assert sorted(sample_report["left_only"]) == sorted(segment_holding(left, s) for s in sample_gold["ar_only"])
    assert sorted(sample_report["right_only"]) == sorted(segment_holding(right, s) for s in sample_gold["fa_only"])


def test_shared_corpora_pair_the_same_phone_call_and_keep_lavrov_persian_only(run, shared_corpora):
    left_path, right_path = shared_corpora / "seed_ar.txt", shared_corpora / "seed_fa.txt"
    report = json.loads(run(left_path, right_path, "--format", "json").stdout)
    _check_contract(report, left_path.read_text(encoding="utf-8"), right_path.read_text(encoding="utf-8"))
    left, right = report["left"]["segments"], report["right"]["segments"]
    links = {(i, j) for p in report["pairs"] for i in p["left"] for j in p["right"]}
    call_ar = segment_holding(left, "أجرى الرئيس الروسي فلاديمير بوتين، اتصالاً هاتفياً")
    call_fa = segment_holding(right, "کرملین اعلام کرد: ولادیمیر پوتین و حمد بن عیسی")
    summit_ar = segment_holding(left, "أهمية مبادرة روسيا لعقد أول قمة روسية")
    summit_fa = segment_holding(right, "اهمیت پیشنهاد مسکو برای برگزاری نخستین اجلاس")
    assert (call_ar, call_fa) in links and (summit_ar, summit_fa) in links
    # both report Putin condemning the US strikes as unjustified, the Persian with more context
    # and half as long again: a loose pair that length alone must not undo
    condemn_ar = segment_holding(left, "ودان الرئيس فلاديمير بوتين")
    condemn_fa = segment_holding(right, "پیش از این، رئیس")
    assert (condemn_ar, condemn_fa) in links
    # Lavrov is quoted only in the Persian article
    for snippet in ("سرگئی لاوروف در یازدهمین مجمع", "لاوروف گفت: اما بعد از اعلام آتش بس"):
        assert segment_holding(right, snippet) in report["right_only"]


def test_text_view_shows_every_segment_once(run, sample_paths, sample_report):
    out = run(*sample_paths).stdout
    assert "11 pairs" in out and "4 only left" in out and "4 only right" in out
    for side in ("left", "right"):
        for s in sample_report[side]["segments"]:
            assert out.count(f"[{s['id']}] ") >= 1
    assert sample_report["signature"] in out.replace("\n", "")


def test_tsv_has_one_row_per_pair_or_one_sided_segment(run, sample_paths, sample_report):
    lines = run(*sample_paths, "--format", "tsv").stdout.splitlines()
    assert lines[0].split("\t") == ["kind", "left_ids", "right_ids", "score", "left_text", "right_text"]
    kinds = [line.split("\t")[0] for line in lines[1:]]
    assert kinds.count("pair") == len(sample_report["pairs"])
    assert kinds.count("left_only") == 4 and kinds.count("right_only") == 4
    assert all(len(line.split("\t")) == 6 for line in lines)


def test_output_file(run, sample_paths, tmp_path):
    out = tmp_path / "report.json"
    run(*sample_paths, "--format", "json", "-o", out)
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["pairs"] == 11


def test_exit_code_like_diff(run, sample_paths, tmp_path):
    run(*sample_paths, "--exit-code", expect=1)
    same = tmp_path / "same.txt"
    same.write_text(sample_paths[0].read_text(encoding="utf-8"), encoding="utf-8")
    result = run(sample_paths[0], same, "--exit-code", "--format", "json", expect=0)
    report = json.loads(result.stdout)
    assert not report["left_only"] and not report["right_only"]
    assert "identical" in " ".join(report["warnings"])


def test_windows_1256_arabic_is_decoded(run, sample_paths, tmp_path):
    legacy = tmp_path / "ar-1256.txt"
    legacy.write_bytes(sample_paths[0].read_text(encoding="utf-8").encode("cp1256"))
    report = json.loads(run(legacy, sample_paths[1], "--format", "json").stdout)
    assert report["left"]["encoding"] == "windows-1256"
    assert report["summary"]["pairs"] == 11


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = [
    ("missing", lambda d: d / "nope.txt", "no such file"),
    ("empty", lambda d: _write(d / "empty.txt", b""), "empty"),
    ("blank", lambda d: _write(d / "blank.txt", b"  \n\n \t\n"), "only whitespace"),
    ("binary", lambda d: _write(d / "x.bin", bytes(range(256)) * 20), "binary"),
    ("directory", lambda d: d, "directory"),
    ("latin-1", lambda d: _write(d / "fr.txt", "Élève à côté du château, très très bien.".encode("latin-1")), "UTF-8"),
    ("huge", lambda d: _write(d / "huge.txt", ("مرحبا بالعالم. " * 400_000).encode()), "--max-bytes"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2(run, sample_paths, tmp_path, name, make, message):
    result = run(make(tmp_path), sample_paths[1], expect=2)
    err = result.stderr.strip()
    assert "\n" not in err and message in err, err
    assert "Traceback" not in result.output


def test_wrong_script_for_a_declared_language(run, sample_paths, tmp_path):
    english = _write(tmp_path / "en.txt", b"The summit opened today. Twelve countries attend.\n")
    result = run(english, sample_paths[1], "--left-lang", "ar", expect=2)
    assert "not Arabic script" in result.stderr


def test_unknown_model_is_one_line_and_exit_2(run, sample_paths, tmp_path):
    result = run(*sample_paths, "--model", tmp_path / "missing-model", expect=2)
    assert result.stderr.count("\n") == 1 and "unknown model" in result.stderr


def test_text_without_arabic_script_still_works_with_a_note(run, sample_paths, tmp_path):
    english = _write(tmp_path / "en.txt", b"The drought conference opened in Shiraz. Twelve countries attend.\n")
    report = json.loads(run(english, sample_paths[1], "--format", "json").stdout)
    assert report["left"]["lang"] == "und"
    assert any("no Arabic or Persian script" in w for w in report["warnings"])


def test_a_local_model_folder_works_offline(run, sample_paths, encoder, sample_report):
    folder = encoder.model_dir
    report = json.loads(run(*sample_paths, "--model", folder, "--format", "json").stdout)
    assert report["model"]["source"] == "local" and report["model"]["prefix"] == "query: "
    assert report["model"]["identity"].startswith(str(folder))
    assert report["pairs"] == sample_report["pairs"]

"""An unexpected exception is one line, never a traceback (issue 18, item 2): in ``compare`` exit 1
with "internal error ... please report it"; in ``batch`` the pair's error is recorded in one line."""

from __future__ import annotations

import json
from decimal import InvalidOperation
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.errors import internal_error_line
from conftest import SAMPLES
from hostile import FakeEncoder, run_compare

VERSION_AR = "صدرت النسخة ۲٫۵٫۱ من البرنامج في 2025.\nوقال المطور إن 8.4٥/٠ خطأ مطبعي.\n"
VERSION_FA = "نسخه ۲٫۵٫۱ منتشر شد.\nتوسعه‌دهنده گفت 8.4٥/٠ غلط چاپی است.\n"


def _boom(*args, **kwargs):
    raise InvalidOperation("first line\n  second line\twith tab")


def _check_one_line(result, *, code: int = 1) -> str:
    assert result.exit_code == code, (result.stderr, result.exception)
    err = result.stderr
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


def test_a_persian_version_number_is_compared(monkeypatch, tmp_path):
    left, right = tmp_path / "ar.txt", tmp_path / "fa.txt"
    left.write_text(VERSION_AR, encoding="utf-8")
    right.write_text(VERSION_FA, encoding="utf-8")
    for fmt in ("text", "json"):
        result = run_compare(monkeypatch, str(left), str(right), "--format", fmt)
        assert result.exit_code == 0, (result.stderr, result.exception)


@pytest.mark.parametrize("where", ["aligner.pipeline.compare_files", "aligner.cli.render"])
def test_compare_internal_error_is_one_line_and_exit_1(monkeypatch, where):
    module, name = where.rsplit(".", 1)
    monkeypatch.setattr(__import__(module, fromlist=[name]), name, _boom)
    result = run_compare(monkeypatch, str(SAMPLES / "ar.txt"), str(SAMPLES / "fa.txt"))
    err = _check_one_line(result)
    assert err.startswith("aligner: internal error: InvalidOperation: first line second line with tab (at ")
    assert err.rstrip().endswith("— please report it")


def test_user_errors_still_exit_2(monkeypatch, tmp_path):
    result = run_compare(monkeypatch, str(tmp_path / "missing.txt"), str(SAMPLES / "fa.txt"))
    assert _check_one_line(result, code=2).startswith("aligner: error: ")


def test_internal_error_line_names_the_place():
    try:
        _boom()
    except InvalidOperation as err:
        line = internal_error_line(err)
    assert line.startswith("internal error: InvalidOperation: first line second line with tab (at ")
    assert line.endswith(f"test_cli_errors.py:{_boom.__code__.co_firstlineno + 1})")


def _batch(monkeypatch, tmp_path: Path, *extra: str):
    import embeddings.encoder

    from aligner.cli import main

    monkeypatch.setattr(embeddings.encoder, "Encoder", FakeEncoder)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(SAMPLES / "batch" / "manifest.csv"),
                                       "--out", str(out), "--quiet", *extra])
    lines = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    return result, lines, (out / "summary.csv").read_text(encoding="utf-8")


def test_batch_records_an_internal_error_in_one_line(monkeypatch, tmp_path):
    import aligner.batch.work

    real = aligner.batch.work.compare_documents

    def fail_on_bridge(left_doc, right_doc, **kwargs):
        if "bridge" in str(left_doc.path):
            _boom()
        return real(left_doc, right_doc, **kwargs)

    monkeypatch.setattr(aligner.batch.work, "compare_documents", fail_on_bridge)
    result, lines, summary = _batch(monkeypatch, tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    bridge = next(line for line in lines if line["id"] == "bridge")
    assert bridge["status"] == "error"
    assert bridge["error"].startswith("internal error: InvalidOperation: first line second line with tab (at ")
    assert bridge["error"].endswith("— please report it") and "\n" not in bridge["error"]
    assert any(line["status"] == "ok" for line in lines)  # the other pairs go on
    assert "internal error: InvalidOperation" in summary


# -- click's usage errors are one line too (issue 18, item 11) --------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "--foo", "a", "b"], "No such option '--foo'"),
        (["compare", "a"], "Missing argument 'RIGHT'"),
        (["compare", "a", "b", "--k", "abc"], "Invalid value for '--k'"),
        (["compare", "a", "b", "--format", "pdf\x1b[2J"], "Invalid value for '--format'"),
        (["batch", "m.csv", "--out", "o", "--engine", "foo"], "Invalid value for '--engine'"),
        (["batch", "m.csv", "--out", "o", "--address", "auto"], "--address needs --engine ray"),
        (["pair", "a", "b", "--margin"], "Option '--margin' requires an argument"),
        (["nope"], "No such command 'nope'"),
        (["--bogus"], "No such option '--bogus'"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(args, message):
    from aligner.cli import main

    result = CliRunner().invoke(main, args)
    err = _check_one_line(result, code=2)
    assert err.startswith(f"aligner: error: {message}") and "Usage:" not in err and "\x1b" not in err
    command = "main" if args[0].startswith("-") or args[0] == "nope" else f"main {args[0]}"
    assert err.rstrip().endswith(f"(try '{command} --help')")


@pytest.mark.parametrize("args", [["--help"], ["compare", "--help"], ["batch", "-h"], ["pair", "--help"]])
def test_help_is_still_the_help(args):
    from aligner.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and result.stdout.startswith("Usage: main") and not result.stderr
    assert "Options:" in result.stdout


# -- a FIFO as input does not hang (issue 18, item 6) ------------------------------------------


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.timeout(60)
def test_compare_refuses_a_fifo_in_one_line(monkeypatch, tmp_path):
    import os

    fifo = tmp_path / "ar.txt"
    os.mkfifo(fifo)
    for args in ((str(fifo), str(SAMPLES / "fa.txt")), (str(SAMPLES / "ar.txt"), str(fifo))):
        result = run_compare(monkeypatch, *args)
        err = _check_one_line(result, code=2)
        assert err == f"aligner: error: {fifo}: is a FIFO (named pipe), not a regular file\n"


# -- garbage that decodes is refused, not compared (issue 18, item 10) -------------------------


def test_diacritics_only_against_digits_only_is_refused_in_one_line(monkeypatch, tmp_path):
    left, right = tmp_path / "marks.txt", tmp_path / "digits.txt"
    left.write_text("ًٌٍَُِّْ ًٌٍَُِّْ\n" * 5, encoding="utf-8")
    right.write_text("۱۲۳ ۴۵۶\n2025 12.5\n", encoding="utf-8")
    result = run_compare(monkeypatch, str(left), str(right), "--format", "json")
    err = _check_one_line(result, code=2)
    assert err.startswith(f"aligner: error: {left}: has no letters") and not result.stdout


def test_utf16_noise_is_refused_as_undecodable(monkeypatch, tmp_path):
    noise = tmp_path / "noise.txt"
    noise.write_bytes(b"\xff\xfe" + "".join(map(chr, (0x5A3B, 0xE000, 0xAC21, 0x0378, 0x7F2E, 0xFEFF, 0xF8FF, 0x9E4D)))
                      .encode("utf-16-le"))
    result = run_compare(monkeypatch, str(SAMPLES / "ar.txt"), str(noise))
    err = _check_one_line(result, code=2)
    assert err.startswith(f"aligner: error: {noise}: not decodable as text: it starts with a UTF-16 byte-order mark")


# -- a cache folder that cannot be used is one line, exit 2 (issue 18, item 5) ---------------


@pytest.mark.parametrize("command", ["compare", "batch", "pair"])
def test_a_cache_folder_under_a_regular_file_is_one_line_and_exit_2(tmp_path, command):
    from aligner.cli import main

    (tmp_path / "file").write_text("x")
    cache = tmp_path / "file" / "cache"
    inputs = {"compare": [SAMPLES / "ar.txt", SAMPLES / "fa.txt"],
              "batch": [SAMPLES / "batch" / "manifest.csv", "--out", tmp_path / "out"],
              "pair": [SAMPLES / "batch" / "ar", SAMPLES / "batch" / "fa"]}[command]
    result = CliRunner().invoke(main, [command, *map(str, inputs), "--cache-dir", str(cache), "--quiet"])
    err = _check_one_line(result, code=2)
    assert err == (f"aligner: error: cannot use the cache folder {cache}: Not a directory "
                   "(give another --cache-dir, or --no-cache)\n")

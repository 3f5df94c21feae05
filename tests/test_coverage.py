"""Coverage: every segment's calibrated "does the other article say this?", covers pairs, and how they are shown."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aligner.align import AlignParams, Pair, align
from aligner.cli import render
from aligner.coverage import FEATURES, ONLY_BELOW, WEIGHTS, coverage_features, probability
from aligner.report import ModelInfo, Side, Summary
from aligner.text import Segment
from conftest import segment_holding
from golden.make import FrozenReport
from test_align import _doc, _unit


@pytest.fixture
def topics():
    rng = np.random.default_rng(7)
    return rng.standard_normal((14, 384)).astype(np.float32)


# -- the signals ---------------------------------------------------------------------


def test_a_segment_that_another_segment_explains_better_trails_it():
    cos = np.array([[0.9, 0.1, 0.0], [0.5, 0.0, 0.1], [0.0, 0.2, 0.6]])
    features, best = coverage_features(cos, cos - 0.1, None)
    lead = features[:, FEATURES.index("lead")]
    assert list(best) == [0, 0, 2]
    assert lead[0] == pytest.approx(0.4) and lead[1] == pytest.approx(-0.4) and lead[2] == pytest.approx(0.5)
    # only the first segment is a headline, weighted by how well it matches
    assert list(features[:, FEATURES.index("headline")]) == [pytest.approx(0.9), 0.0, 0.0]


def test_coverage_rises_with_each_signal():
    base = np.zeros((1, len(FEATURES)))
    for n, name in enumerate(FEATURES):
        more = base.copy()
        more[0, n] = 0.5
        assert probability(more)[0] > probability(base)[0], name
    assert set(WEIGHTS) == {"bias", *FEATURES}
    assert 0.0 < ONLY_BELOW < 1.0


# -- the aligner ---------------------------------------------------------------------


def _summary_and_body(topics, rng):
    """Left: a headline summing up topics 1-3, then 0-3, 12 (left only), 4-6.

    Right: 0-6. The headline has no one-to-one counterpart.
    """
    headline = topics[1] + topics[2] + topics[3]
    left = _doc(rng, np.stack([headline, *topics[[0, 1, 2, 3, 12, 4, 5, 6]]]), noise=0.2)
    right = _doc(rng, topics[[0, 1, 2, 3, 4, 5, 6]], noise=0.2)
    return left, right


def test_a_headline_that_sums_up_body_sentences_is_covered_not_one_sided(topics):
    # the mechanism, at a threshold this synthetic headline (no shared words) reaches; the calibrated
    # default asks for more evidence, which real headlines get from shared names and figures
    left, right = _summary_and_body(topics, np.random.default_rng(2))
    result = align(left, right, params=AlignParams(only_below=0.3))
    matches = [p for p in result.pairs if p.kind == "match"]
    covers = [p for p in result.pairs if p.kind == "covers"]
    assert {(p.left, p.right) for p in matches} == {((i + 1 + (i > 3),), (i,)) for i in range(7)}
    assert [(p.left, p.right[0] in (1, 2, 3)) for p in covers] == [((0,), True)]
    assert result.left_only == [5] and result.right_only == []
    assert result.left_coverage[0].score >= 0.3 > result.left_coverage[5].score
    assert align(left, right).left_only == [0, 5]  # at the default, the headline lacks the evidence
    # every segment in a pair or one-sided, never both; matches one-to-one
    for side, size, only in (("left", 9, result.left_only), ("right", 7, result.right_only)):
        paired = {i for p in result.pairs for i in getattr(p, side)}
        assert paired.isdisjoint(only) and paired | set(only) == set(range(size))
        matched = [i for p in matches for i in getattr(p, side)]
        assert len(matched) == len(set(matched))


def test_a_segment_sharing_a_figure_is_linked_where_the_figure_is_not_one_sided(topics):
    # left 5 (topic 12) has no counterpart by the vectors; it states a figure right 4 and right 6 state too
    left, right = _summary_and_body(topics, np.random.default_rng(2))
    shared = np.zeros((len(left), len(right)), dtype=bool)
    shared[5, [4, 6]] = True
    before = align(left, right)
    result = align(left, right, shared=shared)
    assert 5 in before.left_only and 5 not in result.left_only
    covers = [p for p in result.pairs if p.kind == "covers" and p.left == (5,)]
    assert len(covers) == 1 and covers[0].right[0] in (4, 6)
    # of the two, the closer one (a covers pair's score is the centred cosine)
    alone = {}
    for j in (4, 6):
        only_j = np.zeros_like(shared)
        only_j[5, j] = True
        alone[j] = next(p.score for p in align(left, right, shared=only_j).pairs if p.left == (5,))
    assert covers[0].right == (max(alone, key=alone.get),)
    # the coverage score stays the model's; the matches and the other one-sided segments are untouched
    assert [c.score for c in result.left_coverage] == [c.score for c in before.left_coverage]
    assert [p for p in result.pairs if p.kind == "match"] == [p for p in before.pairs if p.kind == "match"]
    assert set(result.left_only) == set(before.left_only) - {5} and result.right_only == before.right_only


def test_shared_figures_must_fit_the_segments(topics):
    from aligner.align import AlignError

    left, right = _summary_and_body(topics, np.random.default_rng(2))
    with pytest.raises(AlignError, match="shared figures have shape"):
        align(left, right, shared=np.zeros((len(right), len(left)), dtype=bool))
    with pytest.raises(AlignError, match="years apart has shape"):
        align(left, right, apart=np.zeros((len(right), len(left)), dtype=bool))


def test_a_counterpart_that_tells_of_other_years_does_not_cover(topics):
    # the headline (left 0) is covered by one of right 1-3 at this threshold; dated in other years, it is not
    left, right = _summary_and_body(topics, np.random.default_rng(2))
    params = AlignParams(only_below=0.3)
    before = align(left, right, params=params)
    best = before.left_coverage[0].best[0]
    apart = np.zeros((len(left), len(right)), dtype=bool)
    apart[0, best] = True
    result = align(left, right, params=params, apart=apart)
    assert 0 not in before.left_only and 0 in result.left_only
    assert [c.score for c in result.left_coverage] == [c.score for c in before.left_coverage]
    # a shared figure still links it, to the segment that shares it
    shared = np.zeros_like(apart)
    shared[0, 6] = True
    linked = align(left, right, params=params, apart=apart, shared=shared)
    assert 0 not in linked.left_only and any(p.left == (0,) and p.right == (6,) for p in linked.pairs)


def test_a_translation_stays_one_to_one(topics):
    rng = np.random.default_rng(3)
    left = _doc(rng, topics[:12], noise=0.2)
    right = _doc(rng, topics[:12], noise=0.2)
    result = align(left, right)
    assert all(p.kind == "match" for p in result.pairs)
    assert {(p.left, p.right) for p in result.pairs} == {((i,), (i,)) for i in range(12)}
    assert len(result.left_coverage) == len(result.right_coverage) == 12


def test_coverage_is_given_for_every_segment_even_without_a_counterpart():
    result = align(_unit(np.eye(3, 8)), np.zeros((0, 8), np.float32))
    assert [c.score for c in result.left_coverage] == [0.0, 0.0, 0.0] and result.left_only == [0, 1, 2]


# -- the report and the views --------------------------------------------------------


def _covers_report() -> FrozenReport:
    """Left 0 is a headline covered by right 1; left 1-2 match right 0-1; right 2 is right-only."""
    left = ["عنوان يلخص الخبر.", "الجملة الأولى.", "الجملة الثانية."]
    right = ["جمله اول.", "جمله دوم.", "فقط اینجا."]

    def side(path, lang, texts):
        return Side(path, lang, "utf-8", [Segment(i, 0, len(t), t, t) for i, t in enumerate(texts)])

    return FrozenReport(
        left=side("a.txt", "ar", left),
        right=side("b.txt", "fa", right),
        pairs=[Pair((0,), (1,), 0.3, 0.05, kind="covers"), Pair((1,), (0,), 0.7, 0.3), Pair((2,), (1,), 0.6, 0.3)],
        left_only=[],
        right_only=[2],
        summary=Summary(3, 3, 2, 3, 2, 0, 1, 1.0, 0.7, covers=1),
        model=ModelInfo("m", "m@1", "", "local"),
        signature="aligner:test|model:m@1",
        facts=None,
    )


def test_the_text_view_shows_a_covered_segment_once_with_where_it_is_said():
    out = render(_covers_report(), "text", width=100, bidi="terminal", color=False)
    lines = [line for line in out.splitlines() if "عنوان يلخص الخبر" in line]
    assert len(lines) == 1 and "≈" in lines[0] and "[1]" in lines[0]
    assert "said elsewhere" in out
    assert out.count("جمله دوم") == 1  # right 1 is shown once, beside its match


def test_diff_tsv_and_html_name_the_covering_segment():
    report = _covers_report()
    diff = render(report, "diff")
    assert any("≈" in line and "عنوان يلخص الخبر" in line for line in diff.splitlines())
    tsv = [line.split("\t") for line in render(report, "tsv").splitlines()]
    assert ["covers", "0", "1"] in [row[:3] for row in tsv]
    page = render(report, "html")
    assert 'href="#right-1"' in page


def test_exit_code_and_one_sided_lists_agree_for_covered_segments():
    report = _covers_report()
    from aligner.views.rows import ordered_rows

    kinds = {(r.kind, r.left, r.right) for r in ordered_rows(report)}
    assert ("covered", (0,), ()) in kinds and ("right_only", (), (2,)) in kinds
    assert not any(k == "left_only" for k, _, _ in kinds)


# -- the real model ------------------------------------------------------------------


@pytest.mark.slow
def test_the_json_contract_on_the_shared_pair(encoder, shared_corpora):
    from aligner.pipeline import compare_files

    report = compare_files(shared_corpora / "seed_ar.txt", shared_corpora / "seed_fa.txt", encoder=encoder)
    d = json.loads(json.dumps(report.to_dict()))
    assert d["schema"] == "aligner.report/2" and "|only-below:" in d["signature"]
    for side, other in (("left", "right"), ("right", "left")):
        segments = d[side]["segments"]
        paired = {i for p in d["pairs"] for i in p[side]}
        only = d[f"{side}_only"]
        assert len(only) == len(set(only)) and paired.isdisjoint(only)
        assert paired | set(only) == set(range(len(segments)))
        for s in segments:
            assert 0.0 <= s["coverage"] <= 1.0 and all(0 <= j < len(d[other]["segments"]) for j in s["best"])
        assert all(segments[i]["coverage"] < d["settings"]["only_below"] for i in only)
    matched = [i for p in d["pairs"] if p["kind"] == "match" for i in p["left"]]
    assert len(matched) == len(set(matched))
    assert d["summary"]["pairs"] + d["summary"]["covers"] == len(d["pairs"])


def _segment_of_line(side: Side, text: str, line: int) -> list[int]:
    """The ids of the segments of ``side`` that lie on 1-based ``line`` of ``text``."""
    start = sum(len(x) + 1 for x in text.split("\n")[: line - 1])
    end = start + len(text.split("\n")[line - 1])
    return [s.id for s in side.segments if start <= s.start < end]


@pytest.fixture(scope="module")
def shared_report(encoder, shared_corpora):
    from aligner.pipeline import compare_files

    report = compare_files(shared_corpora / "seed_ar.txt", shared_corpora / "seed_fa.txt", encoder=encoder, facts=False)
    texts = {side: (shared_corpora / f"seed_{lang}.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
             for side, lang in (("left", "ar"), ("right", "fa"))}
    return report, texts


@pytest.mark.slow
def test_peskov_on_russia_supporting_iran_is_not_one_sided(shared_report):
    # Arabic line 10 and Persian line 10: Peskov says Russia has supported Iran with its clear position
    report, texts = shared_report
    left = _segment_of_line(report.left, texts["left"], 10)
    right = _segment_of_line(report.right, texts["right"], 10)
    assert left and right
    assert not set(left) & set(report.left_only) and not set(right) & set(report.right_only)
    assert any(set(p.left) & set(left) and set(p.right) & set(right) for p in report.pairs)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known miss (issue 15): the model scores these below the news-calibrated "
                   "threshold (README, Coverage)")
def test_did_not_do_enough_for_iran_is_not_one_sided(shared_report):
    # Arabic lines 2 (headline) and 6 and Persian line 11: the Kremlin rejects that it did not do enough for Iran
    report, texts = shared_report
    left = _segment_of_line(report.left, texts["left"], 2) + _segment_of_line(report.left, texts["left"], 6)
    right = _segment_of_line(report.right, texts["right"], 11)
    assert not set(left) & set(report.left_only) and not set(right) & set(report.right_only)


# An earthquake as two outlets report it. The Persian article's line 5 adds to the 45 injured of the Arabic
# line 2 (most sent home, three in hospital): the model alone gives it a coverage near 0.1, so it was claimed
# only in the Persian article. The Arabic line 5 is about the same province and another toll (12 killed, three
# years ago); the Persian line 6 (a crisis headquarters) has no figure: both stay one-sided.
QUAKE_AR = """زلزال بقوة 5.6 درجات يضرب محافظة هرمزجان جنوبي إيران
ضرب زلزال بقوة 5.6 درجات على مقياس ريختر محافظة هرمزجان جنوبي إيران فجر اليوم الأحد، وشعر به سكان مدينة بندر عباس.
وأعلنت السلطات المحلية مقتل سبعة أشخاص وإصابة 45 آخرين جراء الزلزال، \
فيما لحقت أضرار بمئات المنازل في القرى القريبة من مركزه.
وقال مسؤول في الهلال الأحمر الإيراني إن فرق الإنقاذ تواصل البحث عن ناجين تحت الأنقاض.
ويقع مركز الزلزال على عمق 10 كيلومترات قرب مدينة بندر عباس.
وكانت المحافظة نفسها قد شهدت قبل ثلاث سنوات زلزالاً أودى بحياة 12 شخصاً.
"""
QUAKE_FA = """زلزله ۵.۶ ریشتری هرمزگان را لرزاند
به گزارش ایرنا، زلزله‌ای به بزرگی ۵.۶ ریشتر بامداد امروز یکشنبه استان هرمزگان را لرزاند.
بر اثر این زلزله هفت نفر جان باختند و ۴۵ نفر مصدوم شدند.
رئیس جمعیت هلال احمر استان گفت: تیم‌های امداد و نجات به روستاهای آسیب‌دیده اعزام شده‌اند.
کانون این زلزله در عمق ۱۰ کیلومتری زمین و نزدیک بندرعباس بوده است.
رئیس دانشگاه علوم پزشکی هرمزگان گفت از ۴۵ مصدوم زلزله، بیشتر پس از درمان سرپایی مرخص شدند \
و سه نفر در بیمارستان شهید محمدی بستری هستند.
استاندار هرمزگان از تشکیل ستاد مدیریت بحران در استانداری خبر داد.
"""


@pytest.mark.slow
def test_a_line_sharing_a_casualty_figure_is_not_claimed_one_sided(encoder):
    from aligner.pipeline import compare

    report = compare(QUAKE_AR, QUAKE_FA, encoder=encoder)
    assert report.alignment.right_coverage[5].score < ONLY_BELOW  # the model alone would call it one-sided
    assert 5 not in report.right_only
    assert [(p.left, p.kind) for p in report.pairs if p.right == (5,)] == [((2,), "covers")]
    # a different figure on the same province, and a line with no figure, are still only on their side
    assert report.left_only == [5] and report.right_only == [6]
    # the covers pair's facts: the 45 injured agree, nothing conflicts
    facts = next(f for f in report.facts.pairs if f.right_segments == (5,))
    assert not facts.conflicts
    assert ("number", "45") in {(m.kind, report.facts.right[m.right].value) for m in facts.shared}
    assert "+figures+years|" in report.signature


@pytest.mark.slow
def test_sessions_in_other_years_stay_one_sided_at_any_threshold(encoder, sample_paths):
    # the sample's earlier sessions (Muscat 2021, Baghdad 2023) against its next one (Islamabad 2027): alike in
    # words, apart in years; without the rule a low threshold called them said elsewhere and their years a conflict
    from aligner.pipeline import compare_files

    for only_below in (0.5, ONLY_BELOW):
        report = compare_files(*sample_paths, encoder=encoder, only_below=only_below)
        earlier = segment_holding(report.left.segments, "دورتين سابقتين")
        next_one = segment_holding(report.right.segments, "دوره چهارم")
        assert earlier in report.left_only and next_one in report.right_only, only_below
        assert not any(p.left == (earlier,) or p.right == (next_one,) for p in report.pairs)
        assert not [m for p in report.facts.pairs for m in p.conflicts if m.kind == "date"]


@pytest.mark.slow
def test_two_outlets_telling_a_story_in_the_same_order_are_not_a_translation(encoder):
    # a test pair of the news benchmark: Muscat talks, both articles in much the same order, so the in-order chain of
    # confident links left even gaps and the pair was taken for a translation, every line paired in order; the Arabic
    # lead restated later links across that chain, which a translation does not do
    from aligner.pipeline import compare
    from conftest import ROOT

    pair = json.loads((ROOT / "benchmarks" / "data" / "news" / "pairs" / "news-18.json").read_text(encoding="utf-8"))
    report = compare("\n".join(pair["ar"]), "\n".join(pair["fa"]), encoder=encoder, facts=False, framing=False)
    assert any(p.kind == "covers" for p in report.pairs)  # coverage decides: not a translation
    # the Gulf tanker seizure, Oman's mediation since 2013 and the GCC's welcome are only in the Arabic article
    for words in ("احتجزت البحرية الإيرانية", "منذ عام 2013", "مجلس التعاون الخليجي"):
        assert segment_holding(report.left.segments, words) in report.left_only, words
    # Araghchi's call, Busaidi's planned visit and the Majlis commission only in the Persian one
    for words in ("سید عباس عراقچی", "اواخر آذر ماه", "کمیسیون امنیت ملی"):
        assert segment_holding(report.right.segments, words) in report.right_only, words

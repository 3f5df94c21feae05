"""Framing: the words each article uses for one concept, in real text, the views and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main
from aligner.framing import LexiconError, check_framing, find_mentions, load_lexicon
from aligner.pipeline import compare
from aligner.text import Segment
from aligner.views.html import render_html
from aligner.views.text import render_text
from aligner.views.tsv import render_tsv
from conftest import SHARED_CORPORA as SHARED



def _found(text: str, lang: str, lexicon=None) -> list[tuple[str, str, str]]:
    seg = [Segment(0, 0, len(text), text, "")]
    return [(m.concept, m.register, m.text) for m in find_mentions(seg, lang, lexicon or load_lexicon())]


@pytest.mark.parametrize("text, lang, expected", [
    # clitics and the article: the term «إسرائيلية» in «والإسرائيلية»
    # a country named by its adjective is named, the American as the Israeli
    ("أدان الهجمات الأمريكية والإسرائيلية", "ar", [("attack", "neutral", "الهجمات"), ("usa", "neutral", "الأمريكية"),
                                                   ("israel", "neutral", "والإسرائيلية")]),
    # a qualifier right after a neutral term sets its register and joins the mention
    ("اتهمت واشنطن الحرس الثوري الإرهابي", "ar", [("usa", "neutral", "واشنطن"),
                                                 ("irgc", "derogatory", "الحرس الثوري الإرهابي")]),
    ("اقتحم المستوطنون القدس المحتلة", "ar", [("settlers", "neutral", "المستوطنون"),
                                            ("jerusalem", "loaded", "القدس المحتلة")]),
    ("سپاه پرافتخار پاسداران", "fa", [("irgc", "honorific", "سپاه پرافتخار")]),
    ("در کرانه باختری اشغالی", "fa", [("occupied_land", "loaded", "کرانه باختری اشغالی")]),
    # not a qualifier where it does not follow the term at once, nor after a term that has its own register
    ("القدس، المحتلة منذ 1967", "ar", [("jerusalem", "neutral", "القدس")]),
    ("القدس الشريف المحتلة", "ar", [("jerusalem", "honorific", "القدس الشريف")]),
    # ل + the article: «للحوثيين» is «الحوثيين»
    ("غارات على مواقع للحوثيين", "ar", [("attack", "neutral", "غارات"), ("houthis", "neutral", "للحوثيين")]),
    # the longest term wins: the army of the occupation, not the occupation
    ("استهدفت جنود الاحتلال", "ar", [("israeli_army", "loaded", "جنود الاحتلال")]),
    # a term with the article does not match the bare word: «غرب» is "west of", not "the West"
    ("وقع الحادث غرب البلاد", "ar", []),
    ("وقالت الدول الغربية", "ar", [("western_powers", "neutral", "الدول الغربية")]),
    # Persian endings: «تحریم‌های» is «تحریم», «تجاوزی» is «تجاوز»
    ("تحریم‌های ظالمانه آمریکا", "fa", [("sanctions", "loaded", "تحریم‌های ظالمانه"), ("usa", "neutral", "آمریکا")]),
    ("به حملات تجاوزی پاسخ داد", "fa", [("attack", "neutral", "حملات"), ("attack", "loaded", "تجاوزی")]),
    # a bracketed word inside a term keeps both brackets in the mention
    ("حملات (رژیم) اسرائیل", "fa", [("attack", "neutral", "حملات"), ("israel", "loaded", "(رژیم) اسرائیل")]),
    # no loaded term at all
    ("قیمت برنج ۱۵ درصد افزایش یافت", "fa", []),
])
def test_terms_are_found_with_their_register(text, lang, expected):
    assert _found(text, lang) == expected


def test_a_mention_keeps_the_users_text_and_offsets():
    text = "وأدان البيان «الهجمات» الإسرائيلية"
    seg = [Segment(3, 100, 100 + len(text), text, "")]
    [attack, israel] = find_mentions(seg, "ar", load_lexicon())
    assert text[israel.start:israel.end] == israel.text == "الإسرائيلية"
    assert israel.doc_start == 100 + israel.start and israel.segment == 3
    assert israel.to_dict()["doc_end"] == 100 + israel.end


def _pair(ar: str, fa: str):
    from aligner.align import Pair

    return check_framing([Segment(0, 0, len(ar), ar, "")], [Segment(0, 0, len(fa), fa, "")],
                         [Pair((0,), (0,), 0.9, 0.3)])


def test_one_concept_in_different_registers_is_a_difference_in_the_pair():
    report = _pair("ارتفع عدد القتلى في غزة إلى 200", "شمار شهدای غزه به ۲۰۰ نفر رسید")
    [d] = report.pairs[0]
    assert (d.concept, d.left_registers, d.right_registers) == ("killed", ("neutral",), ("honorific",))
    assert report.document == report.pairs[0]


def test_the_same_register_on_both_sides_is_no_difference():
    report = _pair("أعلن الحرس الثوري إسقاط طائرة مسيرة", "سپاه پاسداران از سرنگونی یک پهپاد خبر داد")
    assert report.pairs == [[]] and report.document == []
    assert [m.concept for m in report.left] == [m.concept for m in report.right] == ["irgc"]


@pytest.fixture(scope="module")
def shared_report(encoder):
    ar = (SHARED / "seed_ar.txt").read_text(encoding="utf-8")
    fa = (SHARED / "seed_fa.txt").read_text(encoding="utf-8")
    return compare(ar, fa, encoder=encoder)


def test_the_shared_pair_shows_the_israeli_against_the_zionist_regime(shared_report):
    F = shared_report.framing
    [israel] = [d for d in F.document if d.concept == "israel"]
    left = {(F.left[i].text, F.left[i].register, F.left[i].segment) for i in israel.left}
    right = {(F.right[j].text, F.right[j].register, F.right[j].segment) for j in israel.right}
    assert ("والإسرائيلية", "neutral", 5) in left  # Arabic line 6
    assert ("رژیم صهیونیستی", "derogatory", 4) in right  # Persian line 5
    assert ("(رژیم) اسرائیل", "loaded", 8) in right  # Persian line 9


def test_framing_in_every_view(shared_report):
    data = json.loads(json.dumps(shared_report.to_dict()))["framing"]
    assert data["schema"] == "aligner.framing/1" and data["lexicon"].startswith("2026.")
    assert any(d["concept"] == "israel" for d in data["document"])
    text = render_text(shared_report, width=120)
    assert "Framing" in text and "≈ israel (The State of Israel)" in text and "«رژیم صهیونیستی» derogatory [4]" in text
    tsv = [line.split("\t") for line in render_tsv(shared_report).splitlines()]
    [row] = [r for r in tsv if r[0] == "framing:israel:document"]
    assert row[3] == "neutral|neutral,loaded,derogatory" and "رژیم صهیونیستی" in row[5]
    html = render_html(shared_report)
    assert '<section class="framing" id="framing">' in html and 'class="register derogatory"' in html


def test_no_framing_leaves_the_report_without_it(encoder):
    report = compare("أدان الهجمات الإسرائيلية.", "حملات رژیم صهیونیستی را محکوم کرد.", encoder=encoder, framing=False)
    assert report.framing is None and report.to_dict()["framing"] is None
    assert "Framing" not in render_text(report, width=100)


# -- the lexicon file ------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_users_lexicon_extends_the_bundled_one(tmp_path):
    path = _write(tmp_path, 'version = "mine"\n[drought]\ngloss = "Drought"\nar.neutral = '
                            '["الجفاف"]\nfa.loaded = ["بحران آب"]\n')
    lex = load_lexicon(path)
    assert "drought" in lex.concepts and "israel" in lex.concepts
    assert lex.version.startswith("2026.12.4+mine+")
    assert _found("وتفاقم الجفاف في البلاد", "ar", lex) == [("drought", "neutral", "الجفاف")]


def test_a_users_qualifiers_are_added_to_the_bundled_ones(tmp_path):
    path = _write(tmp_path, '[qualifiers]\nar.derogatory = ["المشؤوم"]\n')
    lex = load_lexicon(path)
    assert _found("وقع الهجوم المشؤوم", "ar", lex) == [("attack", "derogatory", "الهجوم المشؤوم")]
    assert _found("الحرس الثوري الإرهابي", "ar", lex) == [("irgc", "derogatory", "الحرس الثوري الإرهابي")]
    assert lex.version != load_lexicon().version  # what a framing result depends on has changed


def test_a_users_lexicon_can_replace_the_bundled_one(tmp_path):
    path = _write(tmp_path, 'replace = true\n[drought]\ngloss = "Drought"\nfa.loaded = ["بحران آب"]\n')
    lex = load_lexicon(path)
    assert list(lex.concepts) == ["drought"]
    assert _found("حملات رژیم صهیونیستی و بحران آب", "fa", lex) == [("drought", "loaded", "بحران آب")]


@pytest.mark.parametrize("text, message", [
    ("[x]\ngloss = 'x'\nar.angry = ['غضب']\n", "'x.ar.angry' is not a register"),
    ("[x]\nar.neutral = ['غضب']\n", "concept 'x' has no gloss"),
    ("[x]\ngloss = 'x'\nar.neutral = ['إسرائيل']\n", "«إسرائيل» (ar) is a term of both 'israel' and 'x'"),
    ("[x]\ngloss = 'x'\nar.neutral = ['...']\n", "has a term with no letters"),
    ("[x\n", "not a valid TOML lexicon"),
    ("replace = true\n", "the lexicon has no concepts"),
    ("[qualifiers]\nar.angry = ['غاضب']\n", "'qualifiers.ar.angry' is not a register"),
    ("[qualifiers]\nar.loaded = ['كل المحتلة']\n", "which is not one word"),
    ("[qualifiers]\nen.loaded = ['occupied']\n", "must hold 'ar' and 'fa' tables"),
])
def test_a_bad_lexicon_names_the_file_and_the_entry(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_cli_a_bad_lexicon_is_one_line_and_exit_2(tmp_path, sample_paths):
    path = _write(tmp_path, "[x]\ngloss = 'x'\nfa.rude = ['بد']\n")
    result = CliRunner().invoke(main, ["compare", *map(str, sample_paths), "--lexicon", str(path), "--quiet"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"aligner: error: {path}: 'x.fa.rude' is not a register "
                                                  "(neutral, loaded, honorific, derogatory, euphemism)"]


def test_a_users_gloss_is_text_not_control(tmp_path, encoder):
    path = _write(tmp_path, '[drought]\ngloss = "Drought \\u001b[31m<b>red</b>"\nar.neutral = '
                            '["الجفاف"]\nfa.loaded = ["بحران آب"]\n')
    report = compare("تفاقم الجفاف.", "بحران آب شدت گرفت.", encoder=encoder, lexicon=path)
    assert "\x1b" not in render_text(report, width=100)
    assert "<b>red</b>" not in render_html(report) and "&lt;b&gt;red&lt;/b&gt;" in render_html(report)


def test_the_held_out_half_stays_where_its_first_run_put_it():
    """Issue 20's targets are precision 0.95 and recall 0.90 on the held-out half; the first run gave 90 right
    of 95 predicted (0.947) and of 98 gold (0.918). A lexicon change that loses ground there fails here."""
    from benchmarks.framing import load, score

    result = score(load("test"), load_lexicon())
    right, predicted, gold = (sum(result[k].values()) for k in ("tp", "pred", "gold"))
    assert right / predicted >= 0.94 and right / gold >= 0.90


@pytest.mark.parametrize("split, precision, recall", [
    # 201-242: 130 right of 158 predicted (0.82) and of 169 gold (0.77) in the first run, lexicon 2026.12.1
    ("fresh", 0.82, 0.76),
    # 301-342: 139 of 158 (0.88) and of 176 (0.79), lexicon 2026.12.2
    ("fresh2", 0.87, 0.78),
    # 401-442: 145 of 161 (0.90) and of 172 (0.84), lexicon 2026.12.3
    ("fresh3", 0.89, 0.84),
])
def test_the_sets_labelled_by_other_hands_stay_where_their_first_run_put_them(split, precision, recall):
    """Each set was labelled by a session that never saw the lexicon's terms, and first run on the lexicon of its
    day. A lexicon change that loses ground on one fails here, and every framing difference flagged must be right;
    one that gains must be checked on text it has not seen."""
    from benchmarks.framing import load, score

    result = score(load(split), load_lexicon())
    right, predicted, gold = (sum(result[k].values()) for k in ("tp", "pred", "gold"))
    assert right / predicted >= precision and right / gold >= recall
    assert result["diff"]["tp"] == result["diff"]["pred"]


def test_the_same_text_gives_the_same_mentions_in_every_run():
    """Two terms may match the same words («قتيلاً» is the term «قتيل» and the term «قتيلا»): which one is
    reported must not depend on Python's hash seed, or two runs of one comparison would differ."""
    import os
    import subprocess
    import sys

    code = ("from aligner.framing import find_mentions, load_lexicon; from aligner.text import Segment; "
            "t = 'سقط 14 قتيلاً ووالإسرائيلية وللحوثيين وتحریم‌های'; "
            "print([m.to_dict() for m in find_mentions([Segment(0, 0, len(t), t, '')], 'ar', load_lexicon())])")
    root = Path(__file__).resolve().parents[1]
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3, 4)}
    assert len(outputs) == 1 and "قتيل" in outputs.pop()

"""Precision and recall of the framing lexicon on the labelled Arabic/Persian sentence pairs.

    python -m benchmarks.framing [--split dev|test|fresh|fresh2|fresh3|all] [--no-write] [--errors]

Each case of ``benchmarks/data/framing.jsonl`` (210 pairs written for this project: 1-42 dev,
101-142 held out, 201-242, 301-342 and 401-442 held out and labelled by three other hands) is one Arabic
and one Persian sentence. Every side's predicted mentions
(``aligner.framing.find_mentions``) are compared with its gold ``concept:register`` items as
multisets: a prediction is right when the gold has the same concept in the same register.
Precision and recall are per register (by the predicted and the gold register) and over all.
"Differences" scores the pair-level flag: a concept both sides name in different registers
(``aligner.framing.differences``) against the same rule applied to the gold.
Writes ``benchmarks/FRAMING_RESULTS.md`` (command, date, tables).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

from aligner.framing import REGISTERS, differences, find_mentions, load_lexicon
from aligner.text import Segment

DATA = Path(__file__).with_name("data") / "framing.jsonl"
RESULTS = Path(__file__).with_name("FRAMING_RESULTS.md")
SPLITS = ("dev", "test", "fresh", "fresh2", "fresh3")
HELD_OUT = {"test": "held out until its first run", "fresh": "labelled by another hand, held out until its first run",
            "fresh2": "labelled by a third hand, held out until its first run",
            "fresh3": "labelled by a fourth hand, held out until its first run"}
HELD_OUT_FIRST_RUN = (
    "First run on the held-out cases 101-142, before any change made after seeing them (and before the dev "
    "fixes, which left them unchanged): neutral P 0.91 / R 0.87, loaded 1.00 / 0.93, honorific 1.00 / 1.00, "
    "derogatory 1.00 / 1.00, euphemism 1.00 / 1.00, all 0.947 / 0.918 (90 right of 95 predicted and 98 gold); "
    "differences P 1.00 / R 0.85. The target of issue 20 is P 0.95 / R 0.90: precision falls short by 0.003."
)
FRESH_FIRST_RUN = (
    "First run on the cases 201-242 (2026-12-06, lexicon 2026.12.1), labelled by another hand that never saw the "
    "lexicon's terms, before any change made after seeing them: all 0.82 / 0.77 (130 right of 158 predicted and "
    "169 gold); differences P 1.00 / R 0.64 (35 of 55). Far below the same-hand held-out half (0.947 / 0.918), "
    "and below issue 20's targets. The misses, by kind: a qualifier that sets the register of the name beside it "
    "(«الحرس الثوري الإرهابي», «سپاه پرافتخار», «ارتش تروریستی آمریکا», «القدس المحتلة», «الضفة الغربية "
    "المحتلة», «کرانه باختری اشغالی», «جزرها الثلاث المحتلة»: the lexicon reads the plain name, and "
    "«تروریستی» as a concept of its own); inflected forms and adjectives it does not list («الأمريكية», "
    "«آمریکایی», «معتقلاً», «اعتقلت», «مقاتليها»); names it has no entry for (Mahsa Amini by name, «الدول "
    "الأوروبية الثلاث»); and «مقتل», listed under assassinations, which is any violent death."
)
FRESH2_FIRST_RUN = (
    "First run on the cases 301-342 (2026-12-06, lexicon 2026.12.2, after the changes that followed the first run "
    "on 201-242), labelled by a third hand that never saw the lexicon's terms: all 0.88 / 0.79 (139 right of 158 "
    "predicted and 176 gold); differences P 1.00 / R 0.66 (33 of 50). Below issue 20's targets. The misses, by "
    "kind: names the lexicon has no entry for or no register for («الدول الأوروبية الثلاث», «تروئیکای اروپایی», "
    "«نظام الأسد», «حاکمان جدید دمشق», Mahsa Amini by name); a qualifier before the name or not at once after it "
    "(«گروهک تروریستی جیش الظلم», «آمریکای زورگو», «شهرک‌نشینان افراطی صهیونیست»); a shorter term that takes a word "
    "a longer one needs («مياه الخليج» before «الخليج العربي»); and «تروریستی» read as the terrorists where it "
    "qualifies a group the lexicon names otherwise."
)
FRESH3_FIRST_RUN = (
    "First run on the cases 401-442 (2026-12-06, lexicon 2026.12.3, after the changes that followed 301-342), "
    "labelled by a fourth hand that never saw the lexicon's terms: all 0.90 / 0.84 (145 right of 161 predicted and "
    "172 gold); differences P 1.00 / R 0.71 (35 of 49). Below issue 20's targets. The misses, by kind: a "
    "terrorist-qualifier before a group («گروهک تروریستی جیش‌الظلم», «گروه تروریستی تحریر الشام») read as the "
    "terrorists; names and periphrases it lacks («کمیته‌های مردمی», «طرح نور», «قانون پوشش», «یافای اشغالی», "
    "«جزيرة أبو موسى»); «المسلحين», which the lexicon reads as Palestinian or Lebanese fighters, for militants in Iran."
)
FIRST_RUN = {"test": HELD_OUT_FIRST_RUN, "fresh": FRESH_FIRST_RUN, "fresh2": FRESH2_FIRST_RUN,
             "fresh3": FRESH3_FIRST_RUN}


def load(split: str = "all") -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def _segment(text: str) -> list[Segment]:
    return [Segment(0, 0, len(text), text, "")]


def predicted(case: dict, lexicon) -> tuple[list, list]:
    return (find_mentions(_segment(case["ar"]), "ar", lexicon), find_mentions(_segment(case["fa"]), "fa", lexicon))


def _gold_differences(ar: list[str], fa: list[str]) -> set[str]:
    regs: dict[str, tuple[set, set]] = {}
    for side, items in ((0, ar), (1, fa)):
        for item in items:
            concept, register = item.split(":")
            regs.setdefault(concept, (set(), set()))[side].add(register)
    return {c for c, (a, b) in regs.items() if a and b and a != b}


def score(cases: list[dict], lexicon) -> dict:
    tp, pred_n, gold_n = Counter(), Counter(), Counter()
    diff = Counter()
    errors = []
    for case in cases:
        ar, fa = predicted(case, lexicon)
        for lang, mentions, gold in (("ar", ar, case["ar_gold"]), ("fa", fa, case["fa_gold"])):
            got = Counter(f"{m.concept}:{m.register}" for m in mentions)
            want = Counter(gold)
            for item, n in got.items():
                reg = item.split(":")[1]
                pred_n[reg] += n
                tp[reg] += min(n, want[item])
            for item, n in want.items():
                gold_n[item.split(":")[1]] += n
            for item in (got - want):
                errors.append(f"{case['id']} {lang} false {item}: {case[lang]}")
            for item in (want - got):
                errors.append(f"{case['id']} {lang} missed {item}: {case[lang]}")
        flagged = {d.concept for d in differences(ar, fa, range(len(ar)), range(len(fa)), lexicon)}
        gold_flags = _gold_differences(case["ar_gold"], case["fa_gold"])
        diff["tp"] += len(flagged & gold_flags)
        diff["pred"] += len(flagged)
        diff["gold"] += len(gold_flags)
    return {"tp": tp, "pred": pred_n, "gold": gold_n, "diff": diff, "errors": errors}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def table(result: dict) -> list[str]:
    tp, pred, gold = result["tp"], result["pred"], result["gold"]
    lines = ["| register | gold | predicted | right | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for reg in (*REGISTERS, "all"):
        t = sum(tp.values()) if reg == "all" else tp[reg]
        p = sum(pred.values()) if reg == "all" else pred[reg]
        g = sum(gold.values()) if reg == "all" else gold[reg]
        lines.append(f"| {reg} | {g} | {p} | {t} | {_ratio(t, p)} | {_ratio(t, g)} |")
    d = result["diff"]
    lines.append("")
    lines.append(f"Differences (a concept both sides name in different registers): {d['gold']} in the gold, "
                 f"{d['pred']} flagged, {d['tp']} right: precision {_ratio(d['tp'], d['pred'])}, "
                 f"recall {_ratio(d['tp'], d['gold'])}.")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.framing", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="list every false and missed mention")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/FRAMING_RESULTS.md")
    args = parser.parse_args(argv)
    lexicon = load_lexicon()
    splits = SPLITS if args.split == "all" else (args.split,)
    out = ["# Framing lexicon: labelled sentence pairs", "",
           f"Command: `python -m benchmarks.framing` — run {dt.date.today().isoformat()}; lexicon `{lexicon.version}`.",
           "",
           "Data: `benchmarks/data/framing.jsonl` (see `benchmarks/data/make_framing.py`). Scoring: see "
           "`benchmarks/framing.py`.", ""]
    for split in splits:
        cases = load(split)
        result = score(cases, lexicon)
        held_out = f", {HELD_OUT[split]}" if split in HELD_OUT else ""
        out += [f"## {split} ({len(cases)} pairs{held_out})", "", *table(result), ""]
        if split in FIRST_RUN:
            out += [FIRST_RUN[split], ""]
        if args.errors:
            out += ["Errors:", "", *(f"- {e}" for e in result["errors"]), ""]
    text = "\n".join(out)
    sys.stdout.write(text)
    if not args.no_write and args.split == "all":
        RESULTS.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {RESULTS}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

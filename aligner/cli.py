"""The ``aligner`` command. Each command wraps the public function of the same name.

Exit codes: 0 success; 1 only with ``--exit-code`` when some segment is one-sided;
2 for anything the user can fix (bad file, unknown model, bad option), always
as one line on stderr; 1 with one "internal error ... please report it" line for
anything unexpected (a bug), never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from corpora.readers import DEFAULT_MAX_BYTES

from ._version import __version__
from .align import ALIGN_SETTINGS, AlignParams, align_params
from .errors import REPORT_HINT, internal_error_line
from .views import FORMATS, render
from .views.safe import visible
from .views.rows import PARTIAL_BELOW

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

LANG_CHOICES = ("auto", "ar", "fa")
ENGINE_CHOICES = ("local", "ray")
BIDI_CHOICES = ("auto", "app", "terminal")
PAGED_FORMATS = ("text", "diff")


class UserError(click.ClickException):
    """One line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(visible(f"aligner: error: {self.format_message()}", keep=""), err=True, file=file)


class InternalError(click.ClickException):
    """An unexpected exception (a bug): one line on stderr with a hint to report it, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(visible(f"aligner: {self.format_message()} — {REPORT_HINT}", keep=""), err=True, file=file)


# Click's "no arguments: show the help" (click >= 8.2) stays the help, not an error line.
_HELP_NOT_ERROR = getattr(click.exceptions, "NoArgsIsHelpError", ())


@contextlib.contextmanager
def _one_line_usage() -> Iterator[None]:
    """Click's usage errors (unknown option, bad value, missing argument) as one :class:`UserError` line."""
    try:
        yield
    except _HELP_NOT_ERROR:
        raise
    except click.UsageError as err:
        raise UserError(usage_line(err)) from None


def usage_line(err: click.UsageError) -> str:
    """``No such option '--foo' (try 'aligner compare --help')``: click's message and where help is."""
    message = " ".join(err.format_message().split()).removesuffix(".")
    return f"{message} (try '{err.ctx.command_path} --help')" if err.ctx is not None else message


class _NamesItsCommand(click.Command):
    """Some parse errors (e.g. an option's missing value) come without the context that says which command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            err.ctx = err.ctx or ctx
            raise


class AlignerCommand(_NamesItsCommand, click.Command):
    """A subcommand of :class:`AlignerGroup`."""


class AlignerGroup(_NamesItsCommand, click.Group):
    """The ``aligner`` group: every usage error is one line and exit 2, like other user errors.

    Click prints four (usage, a hint, a blank line, the error); ``--help`` is unchanged.
    """

    command_class = AlignerCommand

    def make_context(self, *args, **kwargs) -> click.Context:
        with _one_line_usage():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with _one_line_usage():
            return super().invoke(ctx)


def _no_traceback(command):
    """Turn any unexpected exception of ``command`` into :class:`InternalError` (click's own exceptions pass)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit, BrokenPipeError):
            raise
        except Exception as err:
            raise InternalError(internal_error_line(err)) from None

    return run


def _say(line: str) -> None:
    """One line on stderr; file names and text in it cannot drive the terminal (controls shown as \\xNN)."""
    click.echo(visible(line, keep=""), err=True)


def _warn(message: str) -> None:
    """A warning the run survives (e.g. a damaged cache rebuilt): one line, printed even with --quiet."""
    _say(f"aligner: warning: {message}")


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


class _Progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=_stderr_console(), transient=True,
            )
            self._bar.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._bar:
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.__exit__(*exc)


def _stack(*decorators):
    """Apply click options in the order they are listed (so --help lists them that way)."""

    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


def setting_flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def setting_envvar(name: str) -> str:
    return "ALIGNER_" + name.upper()


def _setting_option(f: dataclasses.Field):
    """The click option of one :class:`AlignParams` field (its flag, type, range, default, env var, help)."""
    meta = f.metadata
    kind: click.ParamType | type
    if meta["choices"]:
        kind = click.Choice(meta["choices"])
    elif meta["low"] is None and meta["high"] is None:
        kind = type(f.default)
    else:
        kind = (click.IntRange if isinstance(f.default, int) else click.FloatRange)(meta["low"], meta["high"])
    return click.option(setting_flag(f.name), f.name, type=kind, default=f.default, show_default=True,
                        envvar=setting_envvar(f.name), help=meta["meaning"])


model_options = _stack(
    click.option("--model", default=None, envvar="ALIGNER_MODEL",
                 help="Sentence-transformers model: a hub name or a local folder. "
                      "Default: the embedded multilingual-e5-small."),
    click.option("--model-revision", default=None, envvar="ALIGNER_MODEL_REVISION",
                 help="Hub revision (commit, tag or branch) to pin."),
)

lang_options = _stack(
    click.option("--left-lang", type=click.Choice(LANG_CHOICES), default="auto", show_default=True,
                 envvar="ALIGNER_LEFT_LANG", help="Language of the left text(s) (auto: from the script)."),
    click.option("--right-lang", type=click.Choice(LANG_CHOICES), default="auto", show_default=True,
                 envvar="ALIGNER_RIGHT_LANG", help="Language of the right text(s) (auto: from the script)."),
)

def setting_options(params: type[AlignParams] = AlignParams):
    """The click options of every setting of ``params`` (its fields), in field order."""
    return _stack(*(_setting_option(f) for f in dataclasses.fields(params)))


# every alignment setting, from AlignParams: a new field is an option of every command that aligns
alignment_options = setting_options()

facts_and_framing_options = _stack(
    click.option("--facts/--no-facts", default=True, show_default=True, envvar="ALIGNER_FACTS",
                 help="Compare the numbers, dates, names and speakers of every pair (markers and a Facts section in "
                      "the text view; facts in json and tsv; fact_conflicts in a batch's summary.csv)."),
    click.option("--framing/--no-framing", default=True, show_default=True, envvar="ALIGNER_FRAMING",
                 help="Compare the words each side uses for one concept (a Framing section in the text "
                      "view; framing in json and tsv)."),
    click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="ALIGNER_LEXICON",
                 help="A framing lexicon (TOML) that extends the bundled one, or replaces it with "
                      "'replace = true' (see README)."),
)


def settings_table_rows(params: type[AlignParams] = AlignParams) -> list[str]:
    """The README options table's rows for the settings of ``params``, in order (a test keeps the README in step)."""
    rows = []
    for f in dataclasses.fields(params):
        meta = f.metadata
        metavar = "\\|".join(meta["choices"]) if meta["choices"] else ("N" if isinstance(f.default, int) else "X")
        default = f"`{f.default}`" if isinstance(f.default, str) else f"{f.default:g}"
        meaning = meta["meaning"].rstrip(".")
        rows.append(f"| `{setting_flag(f.name)} {metavar}` | `{setting_envvar(f.name)}` | {default} | "
                    f"{meaning[0].lower()}{meaning[1:]} |")
    return rows


def _max_bytes_option(meaning: str):
    return click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
                        envvar="ALIGNER_MAX_BYTES", help=meaning)


def _take_settings(options: dict) -> AlignParams:
    """The alignment settings among a command's ``options`` (removed from them)."""
    return align_params(**{name: options.pop(name) for name in ALIGN_SETTINGS})


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """The errors a user can cause (a bad file, manifest, model, cache, lexicon, cluster or batch folder) as one
    :class:`UserError` line, exit 2; the one place that says which they are."""
    try:
        yield
    except Exception as err:
        if isinstance(err, _user_error_types()):
            raise UserError(str(err)) from None
        raise


def _user_error_types() -> tuple[type[Exception], ...]:
    # imported when an error happens, not at every command's start (ray_engine brings in the batch package)
    from corpora.readers import CorpusError
    from embeddings.models import EmbeddingError

    from .align import AlignError
    from .corpus_report import CorpusReportError
    from .framing import LexiconError
    from .ray_engine import RayEngineError

    return (CorpusError, EmbeddingError, AlignError, LexiconError, RayEngineError, CorpusReportError)


def _lexicon_or_error(framing: bool, lexicon: Path | None):
    from .framing import load_lexicon

    with _user_errors():
        return load_lexicon(lexicon) if framing else None


def _encoder(model: str | None, revision: str | None, *, cache_dir, use_cache: bool, convert_progress, quiet: bool):
    """The encoder a command asks for, after its model's note (one line on stderr) unless ``quiet``."""
    from embeddings.encoder import Encoder

    encoder = Encoder(model, revision=revision, cache_dir=cache_dir, use_cache=use_cache,
                      convert_progress=None if quiet else convert_progress, notify=_warn)
    if encoder.spec.note and not quiet:
        _say(f"aligner: note: {encoder.spec.note}")
    return encoder


cache_options = _stack(
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 envvar="ALIGNER_CACHE_DIR", help="Converted models and cached vectors "
                                                  "[default: $XDG_CACHE_HOME/aligner]."),
    click.option("--no-cache", is_flag=True, envvar="ALIGNER_NO_CACHE", help="Do not read or write the vector cache."),
)

engine_options = _stack(
    click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="local", show_default=True,
                 envvar="ALIGNER_ENGINE", help='Where to encode: this process, or a Ray cluster (needs pip install '
                                               '"aligner[ray]"; see README, Scale out with Ray).'),
    click.option("--address", default=None, envvar="ALIGNER_RAY_ADDRESS",
                 help="With --engine ray: 'auto' or HOST:PORT of a running Ray head [default: start a local Ray "
                      "instance for this command and stop it after]."),
    click.option("--workers", type=click.IntRange(1, 256), default=None, envvar="ALIGNER_WORKERS",
                 help="local: threads for encoding [default: one per core]; ray: encoding actors, one CPU and model "
                      "copy each [default: the cluster's CPUs less one]."),
)


def _check_engine(engine: str, address: str | None) -> None:
    if address and engine != "ray":
        raise click.UsageError("--address needs --engine ray")


@click.group(cls=AlignerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aligner")
def main() -> None:
    """Compare an Arabic and a Persian article: what both say, and what only one says."""


@main.command()
@click.argument("left", type=click.Path(path_type=Path))
@click.argument("right", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              envvar="ALIGNER_FORMAT", help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), envvar="ALIGNER_OUTPUT",
              help="Write to this file instead of stdout.")
@model_options
@lang_options
@alignment_options
@cache_options
@_max_bytes_option("Refuse input files larger than this.")
@click.option("--scores/--no-scores", default=False, show_default=True, envvar="ALIGNER_SCORES",
              help="Show pair scores (text, diff and html views).")
@click.option("--color/--no-color", "color", default=None, envvar="ALIGNER_COLOR",
              help="Colour the text and diff views [default: when stdout is a terminal and NO_COLOR is unset].")
@click.option("--bidi", type=click.Choice(BIDI_CHOICES), default="auto", show_default=True, envvar="ALIGNER_BIDI",
              help="Right-to-left text in the text view: app reorders each wrapped line for terminals without bidi; "
                   "terminal keeps logical order; auto picks (see README).")
@click.option("--width", type=click.IntRange(20, 1000), default=None, envvar="ALIGNER_WIDTH",
              help="Width of the text view in columns; narrow views wrap, never crop, down to 20 (28 "
                   "with --scores, more when fact markers widen the marker column) [default: the "
                   "terminal's, else $COLUMNS, else 120].")
@click.option("--pager/--no-pager", default=True, show_default=True, envvar="ALIGNER_PAGER",
              help="Page long text/diff output through $PAGER or 'less -R' when stdout is a terminal.")
@click.option("--partial-below", type=click.FloatRange(-1, 1), default=PARTIAL_BELOW, show_default=True,
              envvar="ALIGNER_PARTIAL_BELOW", help="Show a pair as partial (~) when its score is below this.")
@facts_and_framing_options
@click.option("--exit-code", is_flag=True, envvar="ALIGNER_EXIT_CODE",
              help="Exit 1 when some segment is only on one side (like diff).")
@click.option("-q", "--quiet", is_flag=True, envvar="ALIGNER_QUIET", help="No progress bars or notes on stderr.")
@_no_traceback
def compare(left, right, fmt, output, model, model_revision, left_lang, right_lang,
            cache_dir, no_cache, max_bytes, scores,
            color, bidi, width, pager, partial_below, facts, framing, lexicon, exit_code, quiet, **settings) -> None:
    """Compare LEFT and RIGHT (e.g. an Arabic and a Persian article on one event)."""

    from .pipeline import compare_files
    from .views.width import TooNarrow

    params = _take_settings(settings)
    lexicon = _lexicon_or_error(framing, lexicon)
    if fmt == "text" and width is not None:  # fail before the work when no report fits
        from .views.text import min_width

        if width < min_width(show_scores=scores):
            raise UserError(_too_narrow(TooNarrow(width, min_width(show_scores=scores), _view_name(scores)),
                                        given=True))
    with _user_errors(), _Progress(not quiet) as progress:
        encoder = _encoder(model, model_revision, cache_dir=cache_dir, use_cache=not no_cache,
                           convert_progress=progress, quiet=quiet)
        report = compare_files(
            left, right, max_bytes=max_bytes, encoder=encoder, left_lang=left_lang, right_lang=right_lang,
            progress=progress, facts=facts, framing=framing, lexicon=lexicon, **dataclasses.asdict(params),
        )
    to_tty = output is None and sys.stdout.isatty()
    if color is None:  # like rich: NO_COLOR wins, then FORCE_COLOR, then whether stdout is a terminal
        color = not os.environ.get("NO_COLOR") and (bool(os.environ.get("FORCE_COLOR")) or to_tty)
    try:
        text = render(report, fmt, scores=scores, color=color, bidi=resolve_bidi(bidi, isatty=to_tty),
                      width=width or _terminal_width(to_tty), partial_below=partial_below)
    except TooNarrow as err:
        raise UserError(_too_narrow(err, given=width is not None)) from None
    if pager and to_tty and fmt in PAGED_FORMATS and _longer_than_screen(text):
        _page(text)
    else:
        _write(text, output)
    if exit_code and (report.left_only or report.right_only):
        sys.exit(1)


def _view_name(scores: bool) -> str:
    return "the text view" + (" with --scores" if scores else "")


def _too_narrow(err, *, given: bool) -> str:
    """The one line for a text view too narrow to show its text uncut."""
    where = f"--width {err.width}" if given else f"the terminal's width ({err.width} columns)"
    return f"{where} is too narrow for {err.what}: it needs at least {err.needed} columns (or use --format diff)"


def resolve_bidi(mode: str, *, isatty: bool) -> str:
    from .views.bidi import resolve_bidi as resolve

    return resolve(mode, isatty=isatty)


def _terminal_width(to_tty: bool) -> int:
    """The terminal's width; else $COLUMNS; else 120."""
    import shutil

    if to_tty:
        return shutil.get_terminal_size((120, 24)).columns
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return 120


def _longer_than_screen(text: str) -> bool:
    import shutil

    return text.count("\n") >= shutil.get_terminal_size((80, 24)).lines


def _page(text: str) -> None:
    """Like git: through $PAGER (or 'less -R'), with LESS=FRX unless LESS is set."""
    import subprocess

    command = os.environ.get("PAGER", "less -R").strip()
    if command in ("", "cat"):
        _write(text, None)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        _write(text, None)
        return
    assert proc.stdin is not None  # stdin=PIPE
    try:
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit early
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # like git: let the pager handle ^C
            continue


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False, color=True)  # the views put colour codes in only when colour was chosen
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UserError(f"{output}: cannot write: {err.strerror or err}") from None


# -- batch ------------------------------------------------------------------------------------


class _BatchProgress:
    """Pairs done/total, pairs/s and ETA on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._stages: dict[str, TaskID] = {}

    def __enter__(self) -> _BatchProgress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                console=_stderr_console(), transient=True,
            )
            self._bar.__enter__()
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self._bar:
            return
        if self._task is None:
            self._task = self._bar.add_task("pairs", total=total, rate="")
        self._bar.update(self._task, completed=done, total=total)
        speed = self._bar.tasks[self._task].speed
        self._bar.update(self._task, rate=f"{speed:.2f} pairs/s" if speed else "")

    def convert(self, stage: str, done: int, total: int) -> None:
        """The model's first-use conversion, on the same bar (rich shows one live display at a time)."""
        if not self._bar:
            return
        if stage not in self._stages:
            self._stages[stage] = self._bar.add_task(stage, total=total, rate="")
        self._bar.update(self._stages[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.__exit__(*exc)


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="MANIFEST | LEFT_DIR RIGHT_DIR",
                type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              envvar="ALIGNER_BATCH_OUT",
              help="Folder for reports.jsonl and summary.csv (also where a re-run resumes).")
@model_options
@lang_options
@alignment_options
@facts_and_framing_options
@cache_options
@_max_bytes_option("Record input files larger than this as errors.")
@click.option("--batch-pairs", type=click.IntRange(1, 4096), default=None, envvar="ALIGNER_BATCH_PAIRS",
              help="Pairs whose sentences are encoded in one call [default: 8; see README, Batch].")
@engine_options
@click.option("-q", "--quiet", is_flag=True, envvar="ALIGNER_QUIET", help="No progress bar or notes on stderr.")
@_no_traceback
def batch(inputs, out_dir, model, model_revision, left_lang, right_lang, facts, framing, lexicon, cache_dir, no_cache,
          max_bytes, batch_pairs, engine, address, workers, quiet, **settings) -> None:
    """Compare many pairs: a MANIFEST (CSV or JSONL) or two folders paired by file name.

    Writes OUT/reports.jsonl (one line per pair: the compare --format json report, or the
    pair's error) and OUT/summary.csv. A re-run skips pairs already done. Exit 0 when every
    pair was compared, 1 when some pair failed (recorded in both files), 2 for a bad manifest.
    """
    from . import batch as batch_module

    if len(inputs) > 2:
        raise click.UsageError(f"expected a manifest or two folders, got {len(inputs)} paths")
    _check_engine(engine, address)
    params = _take_settings(settings)
    options = dict(
        workers=workers, batch_pairs=batch_pairs or batch_module.DEFAULT_BATCH_PAIRS, left_lang=left_lang,
        right_lang=right_lang, facts=facts, framing=framing, lexicon=_lexicon_or_error(framing, lexicon),
        max_bytes=max_bytes, **dataclasses.asdict(params),
    )
    source = inputs[0] if len(inputs) == 1 else inputs
    with _user_errors(), _BatchProgress(not quiet) as progress:
        if engine == "ray":  # each actor builds its own encoder on its node
            _note(model, model_revision, quiet)
            result = batch_module.batch(
                source, out_dir, engine="ray", address=address, model=model, model_revision=model_revision,
                cache_dir=cache_dir, use_cache=not no_cache, progress=progress, **options,
            )
        else:
            encoder = _encoder(model, model_revision, cache_dir=cache_dir, use_cache=not no_cache,
                               convert_progress=progress.convert, quiet=quiet)
            try:
                result = batch_module.batch(source, out_dir, encoder=encoder, progress=progress, **options)
            finally:
                encoder.close()
    for warning in result.warnings:
        _say(f"aligner: warning: {warning}")
    if not quiet:
        _say(
            f"aligner: {result.done} compared, {result.skipped} already done, {result.failed} failed: "
            f"{result.reports_path}, {result.summary_path}"
        )
    if result.failed:
        sys.exit(1)


def _note(model: str | None, revision: str | None, quiet: bool) -> None:
    """The model's note (e.g. the hub fallback), for engines that build their encoders elsewhere."""
    from embeddings.models import resolve_model

    spec = resolve_model(model, revision=revision)
    if spec.note and not quiet:
        _say(f"aligner: note: {spec.note}")


# -- pair -------------------------------------------------------------------------------------

from .pairing import (  # noqa: E402
    DEFAULT_PAIR_K,
    DEFAULT_PAIR_MARGIN,
    DEFAULT_PAIR_THRESHOLD,
    EMBEDDINGS as PAIR_EMBEDDINGS,
    INDEXES as PAIR_INDEXES,
)


@main.command("pair")
@click.argument("left", type=click.Path(path_type=Path), metavar="LEFT_DIR|MANIFEST")
@click.argument("right", type=click.Path(path_type=Path), metavar="RIGHT_DIR|MANIFEST")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="ALIGNER_PAIR_OUT",
              help="Write the pairs as a CSV manifest (left,right,score; what 'aligner batch' "
                   "reads) here [default: stdout].")
@click.option("--threshold", type=float, default=DEFAULT_PAIR_THRESHOLD, show_default=True,
              envvar="ALIGNER_PAIR_THRESHOLD", help="Least (centred) cosine of two articles' vectors for a pair.")
@click.option("--margin", type=float, default=DEFAULT_PAIR_MARGIN, show_default=True, envvar="ALIGNER_PAIR_MARGIN",
              help="Least margin (cosine minus the mean cosine of both articles' k nearest candidates).")
@click.option("--k", type=click.IntRange(1, 64), default=DEFAULT_PAIR_K, show_default=True, envvar="ALIGNER_PAIR_K",
              help="Neighbours in the margin's neighbourhood.")
@click.option("--date-window", type=click.IntRange(0), default=None, envvar="ALIGNER_DATE_WINDOW",
              help="Only pair articles at most this many days apart (when both dates are known).")
@click.option("--index", type=click.Choice(PAIR_INDEXES), default="auto", show_default=True,
              envvar="ALIGNER_PAIR_INDEX", help="FAISS index: exact, ivf, hnsw, or auto (exact up to 10,000 "
                                                "articles a side, ivf above).")
@click.option("--embedding", type=click.Choice(PAIR_EMBEDDINGS), default="both", show_default=True,
              envvar="ALIGNER_PAIR_EMBEDDING", help="Article vector: the mean of its sentence vectors, the encoded "
                                                    "head of the text, or both (see README).")
@model_options
@cache_options
@_max_bytes_option("Skip (and report) article files larger than this.")
@engine_options
@click.option("-v", "--verbose", is_flag=True, envvar="ALIGNER_VERBOSE",
              help="List the articles left without a counterpart.")
@click.option("-q", "--quiet", is_flag=True, envvar="ALIGNER_QUIET",
              help="No progress bars or summary on stderr (skipped files are still reported).")
@_no_traceback
def pair(left, right, out, threshold, margin, k, date_window, index, embedding, model,
         model_revision, cache_dir, no_cache,
         max_bytes, engine, address, workers, verbose, quiet) -> None:
    """Find which LEFT article covers the same event as which RIGHT article.

    LEFT and RIGHT are folders (every visible file is an article; a YYYY-MM-DD in a file
    name is its date) or manifests (CSV with a 'path' and optional 'date' column, or JSONL
    with those keys). Prints (or writes with --out) the proposed pairs as CSV: left,right,score.
    """
    import io

    from .pairing import list_articles, pair_articles, write_pairs_csv
    from .ray_engine import DocumentEmbedder

    _check_engine(engine, address)
    options = dict(threshold=threshold, margin=margin, k=k, date_window_days=date_window, index=index,
                   embedding=embedding, max_bytes=max_bytes)
    with _user_errors():
        left_refs, right_refs = list_articles(left), list_articles(right)
        with _Progress(not quiet) as progress:
            if engine == "ray":  # article vectors on the cluster, matching here
                _note(model, model_revision, quiet)
                with DocumentEmbedder(address=address, workers=workers, model=model, model_revision=model_revision,
                                      cache_dir=cache_dir, use_cache=not no_cache) as embed:
                    result = pair_articles(left_refs, right_refs, encoder=None,
                                           embed=embed, progress=progress, **options)
            else:
                encoder = _encoder(model, model_revision, cache_dir=cache_dir, use_cache=not no_cache,
                                   convert_progress=progress, quiet=quiet)
                if workers:
                    encoder.set_threads(workers)
                try:
                    result = pair_articles(left_refs, right_refs, encoder=encoder, progress=progress, **options)
                finally:
                    encoder.close()
    for _path, reason in result.skipped:
        _say(f"aligner: skipped {reason}")
    skipped = {p for p, _ in result.skipped}
    for _role, source, refs in (("left", left, left_refs), ("right", right, right_refs)):
        if all(r.path in skipped for r in refs):
            raise UserError(f"{source}: no readable article ({len(refs)} skipped)")
    buffer = io.StringIO()
    write_pairs_csv(result, buffer)
    _write(buffer.getvalue(), out)
    if verbose:
        for role, paths in (("left", result.left_unpaired), ("right", result.right_unpaired)):
            for path in paths:
                _say(f"aligner: no counterpart ({role}): {path}")
    if not quiet:
        _say(f"aligner: {len(result)} pairs proposed ({result.index_method} index)")
        if result.left_unpaired or result.right_unpaired:
            click.echo(
                f"aligner: warning: no counterpart above the threshold for {len(result.left_unpaired)} left and "
                f"{len(result.right_unpaired)} right articles" + ("" if verbose else " (-v lists them)"),
                err=True,
            )


@main.command("report")
@click.argument("batch_out", type=click.Path(path_type=Path), metavar="OUT")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="ALIGNER_REPORT_OUTPUT", help="Write the page here [default: OUT/report.html].")
@click.option("--by", default=None, envvar="ALIGNER_REPORT_BY",
              help="Group the pairs by this metadata column of the manifest (e.g. outlet, topic).")
@click.option("-q", "--quiet", is_flag=True, envvar="ALIGNER_QUIET", help="No progress bar or note on stderr.")
@_no_traceback
def report(batch_out, output, by, quiet) -> None:
    """Write one self-contained HTML page about a batch run: coverage, omissions, fact conflicts, loaded terms.

    OUT is the folder 'aligner batch' wrote (or its reports.jsonl). The page needs no network and prints
    to PDF; its charts need matplotlib (pip install 'aligner[report]').
    """
    from .corpus_report import render_corpus_html, summarise_batch

    with _user_errors(), _Progress(not quiet) as progress:
        summary = summarise_batch(batch_out, by=by,
                                  progress=lambda done, total: progress("reading reports", done, total))
        page = render_corpus_html(summary)
    target = output or (batch_out / "report.html" if batch_out.is_dir() else batch_out.with_name("report.html"))
    _write(page, target)
    if not quiet:
        pairs = sum(g.pairs for g in summary.groups.values())
        _say(f"aligner: wrote {target} ({pairs} pairs, {len(summary.groups)} group(s))")


if __name__ == "__main__":  # pragma: no cover
    main()

"""Settings declared once: every AlignParams field is an option of every command that aligns, a keyword of the
Python API, a key of the report's settings, a part of its signature and a row of the README's options table."""

from __future__ import annotations

import dataclasses
import json

import click
import numpy as np
import pytest
from click.testing import CliRunner

import aligner
from aligner.align import ALIGN_SETTINGS, AlignParams, align_params
from aligner.batch import COMPARE_OPTIONS, REPORTS, batch
from aligner.cli import main, setting_envvar, setting_flag, setting_options, settings_table_rows
from conftest import ROOT, SAMPLES

ALIGNING_COMMANDS = ("compare", "batch")


def _changed(f: dataclasses.Field):
    """A valid value of ``f`` other than its default."""
    if f.metadata["choices"]:
        return next(c for c in f.metadata["choices"] if c != f.default)
    if isinstance(f.default, int):
        return f.default + 1
    return round(min(f.default + 0.05, f.metadata["high"] or 10.0) if f.default < 0.95 else f.default - 0.05, 4)


NON_DEFAULT = {f.name: _changed(f) for f in dataclasses.fields(AlignParams)}


def test_every_setting_has_its_flag_and_variable_on_every_command_that_aligns():
    assert tuple(NON_DEFAULT) == ALIGN_SETTINGS
    for command in ALIGNING_COMMANDS:
        options = {p.name: p for p in main.commands[command].params}
        for f in dataclasses.fields(AlignParams):
            assert f.metadata["meaning"], f.name
            option = options.get(f.name)
            assert option is not None, (command, f.name)
            assert setting_flag(f.name) in option.opts and option.envvar == setting_envvar(f.name)
            assert option.default == f.default, (command, f.name)
    assert set(ALIGN_SETTINGS) <= COMPARE_OPTIONS


def test_every_setting_changes_the_signature():
    base = AlignParams().signature()
    signatures = {name: align_params(**{name: value}).signature() for name, value in NON_DEFAULT.items()}
    assert all(s != base for s in signatures.values()), [n for n, s in signatures.items() if s == base]
    assert len(set(signatures.values())) == len(signatures)


def test_an_unknown_setting_is_a_value_error_naming_the_valid_ones(tmp_path):
    for call in (lambda: align_params(treshold=0.2), lambda: aligner.compare("نص.", "متن.", treshold=0.2)):
        with pytest.raises(ValueError, match="unknown setting.*treshold; valid: k, threshold"):
            call()
    with pytest.raises(ValueError, match="unknown option.*treshold; valid: .*threshold"):
        batch(SAMPLES / "batch" / "manifest.csv", tmp_path / "out", treshold=0.2)


def test_the_readme_options_table_is_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    rows = settings_table_rows()
    start = readme.index(rows[0]) if rows[0] in readme else -1
    assert readme[start : start + len(rows)] == rows, "regenerate with aligner.cli.settings_table_rows()"


def _options(values: dict) -> list[str]:
    return [arg for name, value in values.items() for arg in (setting_flag(name), str(value))]


@pytest.mark.slow
def test_every_flag_reaches_the_reports_settings_and_signature(cache_dir, sample_paths, tmp_path):
    expected = AlignParams(**NON_DEFAULT)
    result = CliRunner().invoke(main, ["compare", *map(str, sample_paths), "--format", "json", "--quiet",
                                       "--cache-dir", str(cache_dir), *_options(NON_DEFAULT)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {k: report["settings"][k] for k in ALIGN_SETTINGS} == dataclasses.asdict(expected)
    assert f"|{expected.signature()}|" in report["signature"]
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(SAMPLES / "batch" / "manifest.csv"), "--out", str(out), "--quiet",
                                       "--cache-dir", str(cache_dir), *_options(NON_DEFAULT)])
    records = [json.loads(line) for line in (out / REPORTS).read_text(encoding="utf-8").splitlines()]
    done = [r["report"] for r in records if r["status"] == "ok"]
    assert done and all({k: r["settings"][k] for k in ALIGN_SETTINGS} == dataclasses.asdict(expected) for r in done)


@pytest.mark.slow
def test_a_batch_takes_a_users_lexicon_and_compares_again_when_it_changes(cache_dir, tmp_path):
    lexicon = tmp_path / "mine.toml"
    lexicon.write_text('version = "mine"\n[library]\ngloss = "Library"\nar.neutral = '
                       '["المكتبة"]\nfa.loaded = ["کتابخانه"]\n',
                       encoding="utf-8")
    out = tmp_path / "out"
    manifest = SAMPLES / "batch" / "manifest.csv"

    def run(*extra: str) -> list[dict]:
        result = CliRunner().invoke(main, ["batch", str(manifest), "--out", str(out), "--quiet", "--cache-dir",
                                           str(cache_dir), *extra])
        assert result.exit_code in (0, 1), result.output  # the samples hold one broken pair
        return [json.loads(line) for line in (out / REPORTS).read_text(encoding="utf-8").splitlines()]

    bundled = run()
    mine = run("--lexicon", str(lexicon))
    versions = {r["report"]["framing"]["lexicon"] for r in mine if r["status"] == "ok"}
    assert len(versions) == 1 and "+mine+" in versions.pop()
    assert [r["content_hash"] for r in mine] != [r["content_hash"] for r in bundled]  # compared again
    assert any(m["concept"] == "library" for r in mine if r["status"] == "ok"
               for side in ("left", "right") for m in r["report"]["framing"][side])
    bad = tmp_path / "bad.toml"
    bad.write_text("[x]\ngloss = 'x'\nfa.rude = ['بد']\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(manifest), "--out", str(tmp_path / "o2"), "--quiet",
                                       "--lexicon", str(bad)])
    assert result.exit_code == 2 and result.output.strip().startswith(f"aligner: error: {bad}:")


def _signature_as_written_before(p: AlignParams) -> str:
    """The signature's format as it was written by hand until the settings were declared once."""
    from aligner import coverage
    from aligner.align import LINK_EVIDENCE
    from aligner.coverage import weights_id

    return (f"k:{p.k}|margin:{p.threshold:g}|min-cos:{p.min_cosine:g}|support:{p.support:g}"
            f"|fill:{p.fill_threshold:g}|length:{p.length_weight:g}+{p.length_slack:g}"
            f"|merge:{p.max_merge}+{p.merge_gain:g}|only-below:{p.only_below:g}+{weights_id(coverage.WEIGHTS)}"
            f"+{LINK_EVIDENCE}|index:{p.index}")


def test_the_signature_from_the_declarations_is_the_one_written_so_far():
    rng = np.random.default_rng(0)
    for _ in range(200):
        values = {name: (value if rng.random() < 0.5 else NON_DEFAULT[name])
                  for name, value in dataclasses.asdict(AlignParams()).items()}
        params = AlignParams(**values)
        assert params.signature() == _signature_as_written_before(params)


def test_a_new_setting_is_its_declaration_only():
    """A setting added in a subclass (as a real one is added to AlignParams) gets its option, environment variable,
    signature part and README row from its declaration alone."""
    from aligner.align import _setting

    @dataclasses.dataclass(frozen=True)
    class WithGap(AlignParams):
        max_gap: int = _setting(3, "gap", "Most segments between two pairs of one run.", low=0, high=20)

    @click.command()
    @setting_options(WithGap)
    def command(**settings):
        click.echo(WithGap(**settings).signature())

    result = CliRunner().invoke(command, ["--max-gap", "5"])
    assert result.exit_code == 0 and result.output.strip().endswith("|index:exact|gap:5")
    result = CliRunner().invoke(command, [], env={"ALIGNER_MAX_GAP": "7"})
    assert result.output.strip().endswith("|gap:7")
    assert CliRunner().invoke(command, ["--max-gap", "21"]).exit_code == 2  # its range
    assert settings_table_rows(WithGap)[-1] == ("| `--max-gap N` | `ALIGNER_MAX_GAP` | 3 | most segments between two "
                                                "pairs of one run |")

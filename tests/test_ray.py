"""``--engine ray``: ``aligner batch`` and ``aligner pair`` on a real Ray cluster, on loopback only.

A module-scoped head (``ray start --head --block``, 2 CPUs, 127.0.0.1, no dashboard) serves
the batch tests; the ``pair`` test starts its own local instance through the command. Ray
needs two settings to stay on loopback in a test (checked with ray 2.60): without
``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` it replaces 127.0.0.1 with the machine's address, and
it requires token authentication unless ``RAY_AUTH_MODE=disabled`` is set on both sides. Both
are set here only, never in the user's default path.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.batch import REPORTS, SUMMARY, WORK_SUFFIX, batch
from aligner.cli import main
from conftest import SAMPLES

pytestmark = pytest.mark.timeout(900)  # generous but bounded: a hung cluster must not eat CI's budget

LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
BATCH = SAMPLES / "batch"
TIMING_KEYS = ("seconds", "elapsed", "timing", "duration")  # none today; excluded should a report ever gain one
PAIR_DATA = Path(__file__).resolve().parent / "data" / "pairing"


def _without_timing(value):
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if not any(t in k for t in TIMING_KEYS)}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def _lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / REPORTS).read_text(encoding="utf-8").splitlines()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module", autouse=True)
def loopback_env():
    with pytest.MonkeyPatch.context() as mp:
        for name, value in LOOPBACK.items():
            mp.setenv(name, value)
        yield


@dataclass
class Cluster:
    address: str
    port: int
    temp_dir: Path
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop our head (only the processes this test started: its session, its temp folder)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # --block: ray start stops its processes on the way out
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while (_answers(self.port) or _processes_mentioning(str(self.temp_dir))) and time.monotonic() < deadline:
            time.sleep(0.5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Ray head on 127.0.0.1 with 2 CPUs and no dashboard, stopped after the module."""
    import ray  # noqa: F401 - the test extra installs it; fail here (not skip) when it is missing

    port = _free_port()
    temp_dir = Path(f"/tmp/rt{os.getpid()}-{port}")  # short: Ray's socket paths must stay under 108 bytes
    log = tmp_path_factory.mktemp("ray-head") / "head.log"
    ray_cli = Path(sys.executable).with_name("ray")
    command = [str(ray_cli) if ray_cli.exists() else shutil.which("ray") or "ray", "start", "--head", "--block",
               "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
               "--disable-usage-stats", f"--temp-dir={temp_dir}"]
    with log.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, **LOOPBACK})
    head = Cluster(f"127.0.0.1:{port}", port, temp_dir, process)
    try:
        deadline = time.monotonic() + 120
        while not _answers(port):
            assert process.poll() is None, f"ray start failed: {log.read_text(errors='replace')[-2000:]}"
            assert time.monotonic() < deadline, "the Ray head did not come up in 120 s"
            time.sleep(0.5)
        time.sleep(2)  # the raylet registers just after the GCS port opens
        yield head
    finally:
        head.stop()
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def six_pairs(tmp_path_factory) -> Path:
    """Six small pairs, one of them broken (a binary file), as a CSV manifest."""
    root = tmp_path_factory.mktemp("six")
    shutil.copytree(BATCH / "ar", root / "ar")
    shutil.copytree(BATCH / "fa", root / "fa")
    shutil.copy(SAMPLES / "ar.txt", root / "ar" / "drought.txt")
    shutil.copy(SAMPLES / "fa.txt", root / "fa" / "drought.txt")
    rows = ["left,right,id,outlet", "ar/library.txt,fa/library.txt,library,a", "ar/bridge.txt,fa/bridge.txt,bridge,b",
            "ar/broken.txt,fa/broken.txt,broken,a", "ar/science-fair.txt,fa/science-fair.txt,science-fair,b",
            "ar/drought.txt,fa/drought.txt,drought,a", "ar/library.txt,fa/bridge.txt,crossed,b"]
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root / "manifest.csv"


IDS = ["library", "bridge", "broken", "science-fair", "drought", "crossed"]


@pytest.fixture(scope="module")
def local_run(six_pairs, cache_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    result = batch(six_pairs, out, cache_dir=cache_dir, batch_pairs=2)
    assert (result.done, result.skipped, result.failed) == (5, 0, 1)
    return out


# -- no cluster needed ---------------------------------------------------------------------------


def test_import_aligner_needs_no_ray():
    code = "import sys, aligner, aligner.cli, aligner.batch, aligner.ray_engine; sys.exit('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


@pytest.mark.parametrize("command", ["batch", "pair"])
def test_without_ray_the_engine_is_one_line_and_exit_2(command, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    args = ([str(BATCH / "manifest.csv"), "--out", str(tmp_path / "out")] if command == "batch"
            else [str(BATCH / "ar"), str(BATCH / "fa")])
    result = CliRunner().invoke(main, [command, *args, "--engine", "ray", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr == ('aligner: error: --engine ray needs Ray, which is not installed: '
                             'pip install "aligner[ray]"\n')


@pytest.mark.parametrize(
    "address, message",
    [
        ("nonsense", "expected auto or HOST:PORT"),
        ("127.0.0.1:notaport", "expected auto or HOST:PORT"),
        ("127.0.0.1:70000", "expected auto or HOST:PORT"),
        (None, "cannot reach a Ray head"),  # a closed port on loopback
        ("auto", "--address auto"),  # no cluster recorded on this machine (or a stale record that does not answer)
    ],
)
@pytest.mark.parametrize("command", ["batch", "pair"])
def test_a_bad_or_unreachable_address_is_one_line_and_exit_2(command, address, message, tmp_path):
    address = address or f"127.0.0.1:{_free_port()}"
    args = ([str(BATCH / "manifest.csv"), "--out", str(tmp_path / "out")] if command == "batch"
            else [str(BATCH / "ar"), str(BATCH / "fa")])
    start = time.monotonic()
    result = CliRunner().invoke(main, [command, *args, "--engine", "ray", "--address", address,
                                       "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("aligner: error: --address"), result.stderr
    assert message in result.stderr
    assert time.monotonic() - start < 30


def test_the_ray_extra_is_the_tested_range_and_the_test_extra_has_it():
    import configparser

    from aligner.ray_engine import RAY_REQUIREMENT

    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[1] / "setup.cfg", encoding="utf-8")
    extras = config["options.extras_require"]
    assert RAY_REQUIREMENT in extras["ray"].split("\n") and RAY_REQUIREMENT in extras["test"].split("\n")
    import ray

    assert ray.__version__.startswith("2.60.")


def test_address_needs_the_ray_engine(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(BATCH / "manifest.csv"), "--out",
                                       str(tmp_path), "--address", "auto"])
    assert result.exit_code == 2 and "--address needs --engine ray" in result.stderr


# -- on the loopback cluster ---------------------------------------------------------------------


def test_batch_on_a_cluster_equals_the_local_engine_and_resumes(cluster, six_pairs, local_run, cache_dir, tmp_path):
    out = tmp_path / "ray"
    # two actors on two CPUs: the read tasks must still run (they reserve no CPU)
    args = ["batch", str(six_pairs), "--out", str(out), "--engine", "ray", "--address",
            cluster.address, "--workers", "2",
            "--batch-pairs", "2"]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(cache_dir)])
    assert result.exit_code == 1, (result.output, result.exception)  # the broken pair
    assert "5 compared, 0 already done, 1 failed" in result.stderr
    ray_lines, local_lines = _lines(out), _lines(local_run)
    assert [line["id"] for line in ray_lines] == IDS  # manifest order
    for ray_line, local_line in zip(ray_lines, local_lines, strict=True):
        assert _without_timing(ray_line) == _without_timing(local_line), ray_line["id"]
    broken = ray_lines[IDS.index("broken")]
    assert broken["status"] == "error" and "binary" in broken["error"]
    assert (out / SUMMARY).read_bytes() == (local_run / SUMMARY).read_bytes()
    assert not (out / (REPORTS + WORK_SUFFIX)).exists()

    # again, with an empty cache folder: every done pair is skipped by its hash, no model is even converted
    before = (out / REPORTS).read_bytes()
    empty = tmp_path / "empty-cache"
    again = CliRunner().invoke(main, [*args, "--cache-dir", str(empty)])
    assert again.exit_code == 1, (again.output, again.exception)
    assert "0 compared, 5 already done, 1 failed" in again.stderr
    assert (out / REPORTS).read_bytes() == before
    assert not (empty / "models").exists()
    assert _answers(cluster.port)  # an existing cluster is used, not stopped


def test_a_killed_worker_loses_and_duplicates_no_pair(cluster, six_pairs, local_run, cache_dir, tmp_path):
    """kill -9 the encoding actor mid-run: Ray restarts it and re-runs its calls; every pair is reported once."""
    import ray

    from aligner.ray_engine import WORKER_PREFIX, worker_pid

    # a fresh vector cache (the converted model shared), so that the actor really encodes while it is killed
    fresh = tmp_path / "cache"
    fresh.mkdir()
    (fresh / "models").symlink_to(Path(cache_dir).resolve() / "models", target_is_directory=True)
    from embeddings.encoder import Encoder

    _ = Encoder(cache_dir=cache_dir).model_dir  # converted before the symlink is used
    killed: list[tuple[int, int]] = []

    def kill_once(done: int, total: int) -> None:
        if not killed and done < total:
            (name,) = [n for n in ray.util.list_named_actors() if n.startswith(WORKER_PREFIX)]
            actor = ray.get_actor(name)
            pid = worker_pid(ray, actor)
            os.kill(pid, signal.SIGKILL)
            killed.append((pid, done))

    out = tmp_path / "out"
    result = batch(six_pairs, out, engine="ray", address=cluster.address, workers=1, batch_pairs=1,
                   cache_dir=fresh, progress=kill_once)
    assert killed and killed[0][1] <= 3  # killed with at least three pairs still to come
    assert (result.done, result.skipped, result.failed) == (5, 0, 1)
    lines = _lines(out)
    assert [line["id"] for line in lines] == IDS  # each pair exactly once, in manifest order
    assert not (out / (REPORTS + WORK_SUFFIX)).exists()
    for line, local in zip(lines, _lines(local_run), strict=True):
        assert line["status"] == local["status"] and line["content_hash"] == local["content_hash"]
        if line["status"] == "ok":
            assert line["report"]["summary"] == local["report"]["summary"], line["id"]


def test_pair_on_a_local_ray_instance_equals_the_local_engine(cache_dir, tmp_path):
    """Without --address the command starts a Ray instance on this machine and stops it afterwards."""
    left, right = tmp_path / "ar", tmp_path / "fa"
    left.mkdir()
    right.mkdir()
    for name in ("bookfair", "railway", "volleyball"):
        shutil.copy(PAIR_DATA / f"ar_{name}.txt", left / f"ar_{name}.txt")
        shutil.copy(PAIR_DATA / f"fa_{name}.txt", right / f"fa_{name}.txt")
    shutil.copy(SAMPLES / "ar.txt", left / "ar.txt")
    shutil.copy(SAMPLES / "fa.txt", right / "fa.txt")
    common = ["pair", str(left), str(right), "--cache-dir", str(cache_dir), "-q"]
    local = CliRunner().invoke(main, common)
    assert local.exit_code == 0, local.output
    children_before = _children()
    on_ray = CliRunner().invoke(main, [*common, "--engine", "ray", "--workers", "1"])
    assert on_ray.exit_code == 0, (on_ray.output, on_ray.exception)
    assert on_ray.stdout == local.stdout
    assert len(list(csv.reader(on_ray.stdout.splitlines()))) == 5  # header and the four true pairs
    import ray

    assert not ray.is_initialized()
    deadline = time.monotonic() + 30
    while _children() - children_before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _children() - children_before, "the local Ray instance was left running"


def _children() -> set[int]:
    """Processes whose parent is this test process (a local Ray instance's raylet and GCS are)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


def test_the_cluster_stops_afterwards(cluster):
    cluster.stop()
    assert cluster.process.poll() is not None
    assert not _answers(cluster.port)
    assert not _processes_mentioning(str(cluster.temp_dir))

"""Processes: the worker pools of `score --json` and `batch` work under every start method (fork,
spawn as on Windows and macOS, forkserver) with the same output, EVALCORE_START_METHOD chooses one,
and importing the package leaves process state (the umask) alone.

Everything runs for real: pools start, spawned workers re-open the tables from their folder,
kernels run. In-process runs make the chunks small (`score_stream.CHUNK`, `PARALLEL_FROM`, read at
call time, as in tests/test_table_scoring.py) so a few hundred projects use the pool; a command
line run cannot shrink them, so it scores just over PARALLEL_FROM projects.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from evalcore.authoring.synth import write_synthetic
from evalcore.errors import EvalcoreError, SettingError
from evalcore.inputs import iter_sources
from evalcore.pipeline import score_stream
from evalcore.pipeline.processes import ENV, chosen_start_method, start_method

ROOT = Path(__file__).resolve().parents[1]
EVALCORE = str(Path(sys.executable).parent / "evalcore")
SEED = ROOT / "data" / "seed" / "nc-scjg-2019-zzxf.yaml"
CLI_TIMEOUT = 240  # seconds: a bound on every command here, far above what any of them needs
NOT_FORK = [m for m in ("spawn", "forkserver") if m in mp.get_all_start_methods()]


def run_cli(*args: str | Path, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [EVALCORE, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=CLI_TIMEOUT,
        env={**{k: v for k, v in os.environ.items() if k != ENV}, **env},
    )


# ------------------------------------------------------------------------------ choosing a method


def test_the_start_method_is_fork_for_scoring_where_there_is_one_unless_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert chosen_start_method() is None
    assert start_method("fork") == ("fork" if "fork" in mp.get_all_start_methods() else None)
    assert start_method(None) is None  # batch: Python's default for the platform
    monkeypatch.setenv(ENV, " Spawn ")
    assert start_method("fork") == start_method(None) == "spawn"
    monkeypatch.setenv(ENV, "thread")
    with pytest.raises(SettingError) as info:
        start_method("fork")
    assert ENV in str(info.value) and "「thread」" in str(info.value) and "spawn" in str(info.value)


@pytest.mark.parametrize("command", ["score", "batch"])
def test_a_bad_start_method_is_a_usage_error_before_any_work(command: str, tmp_path: Path) -> None:
    args = [SEED, "--json"] if command == "score" else [SEED, "--out", tmp_path / "out"]
    proc = run_cli(command, *args, "--workers", "2", cwd=tmp_path, **{ENV: "threads"})
    assert proc.returncode == 2, proc.stderr.decode()
    err = proc.stderr.decode()
    assert len(err.strip().splitlines()) == 1 and ENV in err and "「threads」" in err, err
    assert proc.stdout == b"" and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------- score --json


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("processes") / "tables"
    write_synthetic(out, 300, seed=4, fmt="tables")
    return out


def _doc(paths: list[Path], workers: int) -> bytes:
    buf = io.BytesIO()
    score_stream.write_scored_json(paths, buf, None, workers)
    return buf.getvalue()


@pytest.mark.parametrize("method", ["fork", *NOT_FORK])
def test_score_json_is_the_same_document_under_every_start_method(
    method: str, tables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if method not in mp.get_all_start_methods():
        pytest.skip(f"{method} does not exist on this platform")
    monkeypatch.setattr(score_stream, "CHUNK", 23)
    monkeypatch.setattr(score_stream, "PARALLEL_FROM", 7)
    serial = _doc([tables], 1)
    used: list[str | None] = []
    real = mp.get_context

    def record(name: str | None = None) -> Any:  # the real context; only the name is noted
        used.append(name)
        return real(name)

    monkeypatch.setattr(mp, "get_context", record)
    monkeypatch.setenv(ENV, method)
    assert _doc([tables], 2) == serial
    assert used == [method]  # one pool, started the chosen way
    assert len(orjson.loads(serial)["projects"]) == 300


def test_a_spawned_worker_refuses_tables_that_changed_since_the_parent_read_them(
    tables: Path, tmp_path: Path
) -> None:
    """A worker that is not forked re-reads the folder; had it changed, one document would mix two
    versions. The worker refuses, and the command stops naming the folder."""
    folder = tmp_path / "tables"
    shutil.copytree(tables, folder)
    (portfolio,) = iter_sources([folder])
    try:
        score_stream._STATE.update(portfolio=portfolio, scheme=None, columnar=True)
        spec = score_stream._reopen_spec(portfolio, str(tmp_path))
        score_stream._STATE.clear()
        score_stream._reopen(spec)  # unchanged: the worker's state is the parent's
        assert len(score_stream._STATE["portfolio"]) == len(portfolio)  # type: ignore[arg-type]
        score_stream._check_reopened()
        score_stream._STATE.clear()
        budget = folder / "budget.csv"
        budget.write_bytes(budget.read_bytes() + b"\n")  # a size change, as an export rewriting it
        score_stream._reopen(spec)
        with pytest.raises(EvalcoreError) as info:
            score_stream._score_chunk_spooled((0, 10))
        assert str(info.value).startswith(
            f"台账 {folder} 无法在工作进程中再次读取：表格文件在评分开始后被修改"
        )
    finally:
        score_stream._STATE.clear()


def test_cli_score_json_under_spawn_is_the_serial_document(tmp_path: Path) -> None:
    """The real console script as spawned workers meet it on Windows and macOS (each re-imports
    the `evalcore` script as __mp_main__), on a portfolio large enough for the pool."""
    n = score_stream.PARALLEL_FROM + 1
    assert run_cli("synth", "--projects", n, "--out", tmp_path / "t", "--seed", 9).returncode == 0
    serial = run_cli("score", tmp_path / "t", "--json", "--workers", "1")
    spawned = run_cli("score", tmp_path / "t", "--json", "--workers", "2", **{ENV: "spawn"})
    forked = run_cli("score", tmp_path / "t", "--json", "--workers", "2")
    assert serial.returncode == spawned.returncode == forked.returncode == 0, spawned.stderr.decode()
    assert len(orjson.loads(serial.stdout)["projects"]) == n
    assert spawned.stdout == serial.stdout
    assert forked.stdout == serial.stdout


def test_the_spool_works_without_writev_and_sendfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows, whose workers spawn, has neither os.writev nor os.sendfile, and the sendfile of
    macOS writes only to sockets: the spool then writes and copies through plain file calls."""
    parts = [f"项目{n}".encode() * (n % 4) for n in range(2000)]  # some empty
    monkeypatch.delattr(os, "writev")
    spool = tmp_path / "chunk.json"
    fd = os.open(spool, os.O_WRONLY | os.O_CREAT)
    try:
        score_stream._write_all(fd, parts)
    finally:
        os.close(fd)
    assert spool.read_bytes() == b"".join(parts)
    monkeypatch.setattr(score_stream, "_SENDFILE_TO_FILES", False)
    target = tmp_path / "scored.json"
    with target.open("wb") as out:
        out.write(b"[")
        score_stream._copy_file(str(spool), out)
    assert target.read_bytes() == b"[" + b"".join(parts)


# ------------------------------------------------------------------------------------------ batch


def test_cli_batch_under_spawn_publishes_every_report(tmp_path: Path) -> None:
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data = tmp_path / "data" / "甲局"
    data.mkdir(parents=True)
    for pid in ("sp-1", "sp-2"):
        (data / f"{pid}.yaml").write_text(
            yaml.safe_dump({**seed, "project_id": pid}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    out = tmp_path / "out"
    params = tmp_path / "params"
    proc = run_cli(
        "batch", tmp_path / "data", "--out", out, "--parameters", params, "--workers", "2", **{ENV: "spawn"}
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    manifest = orjson.loads((out / "manifest.json").read_bytes())["projects"]
    assert sorted(m["project_id"] for m in manifest) == ["sp-1", "sp-2"]
    assert {m["status"] for m in manifest} == {"done"}
    for m in manifest:
        assert seed["name"] in (out / m["html"]).read_text(encoding="utf-8")
    assert (out / "index.html").is_file() and (out / "summary.json").is_file()


# -------------------------------------------------------------------------------------- the umask

_UMASK_PROBE = """
import os
import re
calls = []
real = os.umask
os.umask = lambda mask: calls.append(mask) or real(mask)
import evalcore.cli, evalcore.pipeline.batch, evalcore.pipeline.portfolio, evalcore.pipeline.render
import evalcore.pipeline.files as render
print(calls)
real(0o027)
print(oct(render.file_mode()), calls)
path = render.Path("probe.html")
render.atomic_write(path, b"x")
print(oct(path.stat().st_mode & 0o777))
print(oct(render.umask_by_setting()), oct(real(0o027)))
"""


def test_importing_the_package_leaves_the_umask_alone_and_reports_follow_it(tmp_path: Path) -> None:
    """A library does not change process state when imported (the umask is per process: another
    thread creating a file meanwhile would get the wrong mode). It is read when a report is
    written: from /proc without changing it, else once, under a lock, by setting it."""
    out = subprocess.run(
        [sys.executable, "-c", _UMASK_PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    imported, mode, written, by_setting = out.stdout.splitlines()
    assert imported == "[]"  # os.umask was not called by any import
    if Path("/proc/self/status").exists():  # Linux: read without calling os.umask
        assert mode == "0o640 []"
    assert mode.startswith("0o640 ")  # 0o666 less 0o027
    assert written == "0o640"  # a published file gets the mode any file created here gets
    assert by_setting == "0o27 0o27"  # the fallback reads the same and puts the umask back

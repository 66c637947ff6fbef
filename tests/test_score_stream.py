"""`score --json` streams large table portfolios in chunks and in parallel: the document must be
exactly what scoring each project on its own gives, whatever the number of workers."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from evalcore import evaluate_paths
from evalcore.authoring.synth import write_synthetic
from evalcore.pipeline import score_stream
from evalcore.presentation.records import evaluation_record


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stream") / "tables"
    write_synthetic(out, score_stream.PARALLEL_FROM + 250, seed=11, fmt="tables")
    return out


def _stream(paths: list[Path], workers: int) -> dict:
    buf = io.BytesIO()
    score_stream.write_scored_json(paths, buf, None, workers)
    return json.loads(buf.getvalue())


def test_parallel_and_serial_documents_are_identical(portfolio: Path) -> None:
    serial, parallel = _stream([portfolio], 1), _stream([portfolio], 2)
    assert len(serial["projects"]) == score_stream.PARALLEL_FROM + 250
    assert parallel == serial


def test_stream_equals_scoring_each_project_in_memory(portfolio: Path) -> None:
    run = evaluate_paths([portfolio])
    expected = [evaluation_record(ev) for ev in run.evaluations]
    got = _stream([portfolio], 2)
    assert got["errors"] == [] and run.errors == []
    # chunk boundaries (every CHUNK projects) must not move rows between projects
    assert [p["project_id"] for p in got["projects"]] == [p["project_id"] for p in expected]
    assert got["projects"] == json.loads(json.dumps(expected))


def test_duplicate_ids_across_sources_are_reported_once() -> None:
    seed = Path(__file__).parent / "data" / "nc-scjg-2019-zzxf.yaml"
    doc = _stream([seed, seed], 1)
    assert [p["project_id"] for p in doc["projects"]] == ["nc-scjg-2019-zzxf"]
    assert len(doc["errors"]) == 1 and "重复" in doc["errors"][0]["message"]


def test_chunks_cover_every_project_once_and_shrink_towards_the_end() -> None:
    for n in (0, 1, 7, 999, 3000, 20_000, 100_001):
        ranges = score_stream._ranges(n, 2)
        assert [a for a, _ in ranges] == [0, *(b for _, b in ranges[:-1])] if ranges else n == 0
        assert sum(b - a for a, b in ranges) == n
        sizes = [b - a for a, b in ranges]
        assert all(s <= score_stream.CHUNK for s in sizes)
        if n >= 20_000:  # the last tasks are small, so both workers finish together
            assert sizes[-1] <= score_stream.CHUNK // 4 and sizes[0] == score_stream.CHUNK


def test_pool_output_copied_into_a_real_file_is_the_same_document(portfolio: Path, tmp_path: Path) -> None:
    """Workers spool their JSON and the parent sendfiles it when the output is a file: the bytes
    must be what an in-memory buffer receives, in order, after what was written before them."""
    spool_root = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path(tempfile.gettempdir())
    before = set(spool_root.glob("evalcore-score-*"))  # another run's (or a killed run's) are not ours
    target = tmp_path / "scored.json"
    with target.open("wb") as fh:
        score_stream.write_scored_json([portfolio], fh, None, 2)
    buf = io.BytesIO()
    score_stream.write_scored_json([portfolio], buf, None, 2)
    assert target.read_bytes() == buf.getvalue()
    assert set(spool_root.glob("evalcore-score-*")) <= before  # the spool is gone with the run


def test_spool_writes_every_buffer_in_order_even_after_short_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [
        f"项目{n}".encode() * (n % 5) for n in range(3000)
    ]  # more buffers than one writev takes, some empty
    real_writev = os.writev
    for short in (False, True):
        if short:  # the kernel may write less than asked: here at most 10 bytes a call
            monkeypatch.setattr(
                os, "writev", lambda fd, bufs: real_writev(fd, [bytes(memoryview(b"".join(bufs))[:10])])
            )
        target = tmp_path / f"spool-{short}"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT)
        try:
            score_stream._write_all(fd, parts)
        finally:
            os.close(fd)
        assert target.read_bytes() == b"".join(parts)


def test_scoring_makes_no_reference_cycles(portfolio: Path, tmp_path: Path) -> None:
    """Pool workers run without the cyclic collector (score_stream._worker_start): that is only safe
    while scoring, on both paths and with bad rows among good ones, leaves no cyclic garbage."""
    import csv
    import gc

    from evalcore.inputs import iter_sources

    spoiled = tmp_path / "spoiled"
    shutil.copytree(portfolio, spoiled)
    with (spoiled / "indicators.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    weight = rows[0].index("weight")
    for r in rows[1:400:7]:
        r[weight] = "九分"  # an InputError, raised and reported by the reference path
    with (spoiled / "indicators.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    source = next(iter(iter_sources([spoiled])))
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for columnar in (True, False):
            score_stream._STATE.update(portfolio=source, scheme=None, columnar=columnar)
            items = score_stream._score_chunk((0, 1000))
            assert any(isinstance(p, dict) for *_, p in items)  # the spoiled rows were met
            del items
            assert gc.collect() == 0
    finally:
        score_stream._STATE.clear()
        if was_enabled:
            gc.enable()


def test_prefetched_tables_read_as_the_tables_themselves(portfolio: Path, tmp_path: Path) -> None:
    from evalcore.inputs import table_files

    direct = _stream([portfolio], 1)
    table_files.prefetch([portfolio])
    assert set(table_files._PREFETCHED) == {
        portfolio / f"{s}.csv" for s in ("projects", "budget", "indicators")
    }
    assert _stream([portfolio], 1) == direct and not table_files._PREFETCHED  # taken, not read again

    broken = tmp_path / "broken"
    shutil.copytree(portfolio, broken)
    (broken / "indicators.csv").write_bytes(b'project_id,name\n"unclosed\n')
    table_files.prefetch([broken])
    doc = _stream([broken], 1)  # the reader's error, raised in the prefetch thread, reaches the document
    assert doc["projects"] == [] and "indicators.csv" in doc["errors"][0]["message"]


def test_prefetch_parses_every_file_before_tidying_any(
    portfolio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tidying runs Python (and imports pyarrow.compute), which waits for the GIL while the CLI
    imports the rules; the GIL-free parses go first so that they overlap the imports."""
    from evalcore.inputs import table_files

    calls: list[str] = []
    parse, finish = table_files._parse, table_files._finish
    monkeypatch.setattr(table_files, "_parse", lambda p: calls.append(f"parse {p.stem}") or parse(p))
    monkeypatch.setattr(table_files, "_finish", lambda t: calls.append("tidy") or finish(t))
    table_files.prefetch([portfolio])
    tables = [
        table_files.read_table_file(portfolio / f"{s}.csv") for s in ("projects", "budget", "indicators")
    ]
    assert calls == ["parse projects", "parse budget", "parse indicators", "tidy", "tidy", "tidy"]
    assert [t.table.num_rows for t in tables] == [
        table_files._read_now(portfolio / f"{s}.csv").table.num_rows
        for s in ("projects", "budget", "indicators")
    ]


def test_arrow_without_pandas_leaves_pandas_importable() -> None:
    code = (
        "import sys\nfrom evalcore.inputs.table_files import arrow_without_pandas\nimport pyarrow as pa\n"
        "arrow_without_pandas(); pa.array(['x']); print('pandas' in sys.modules)\n"
        "import pandas; print(pandas.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.split() == ["False", "pandas"]


_CHURN = """
import gc, resource, sys
gc.disable()
if sys.argv[1] == "keep":
    from evalcore.pipeline.score_stream import _keep_freed_memory
    assert _keep_freed_memory()
import numpy as np
faults = []
for _ in range(4):  # what a worker does per chunk: ~10 MB of JSON and arrays made, then freed
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    blocks = [bytes(6500) for _ in range(1500)] + [np.ones(40_000) for _ in range(20)]
    del blocks
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
print(*faults)
"""


def test_workers_reuse_the_memory_each_chunk_frees() -> None:
    """glibc hands the top of the heap back to the OS; a worker then faults the same memory in
    again for every chunk. In a worker, after the first chunk, the memory is already there."""

    def faults(mode: str) -> list[int]:
        out = subprocess.run(
            [sys.executable, "-c", _CHURN, mode], capture_output=True, text=True, timeout=60, check=True
        ).stdout
        return [int(x) for x in out.split()]

    default, kept = faults("default"), faults("keep")
    assert min(default[1:]) > default[0] / 2  # the premise: by default every round faults again
    assert max(kept[1:]) < kept[0] / 20

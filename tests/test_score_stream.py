"""`score --json` streams large table portfolios in chunks and in parallel: the document must be
exactly what scoring each project on its own gives, whatever the number of workers."""

from __future__ import annotations

import io
import json
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

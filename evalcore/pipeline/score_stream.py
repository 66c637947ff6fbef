"""`evalcore score --json` over portfolios of any size: streamed, chunked, parallel.

Projects are scored and serialised one chunk at a time, so memory stays flat whatever the size,
and chunks of a large table folder go to a pool of forked worker processes (one per core): the
children inherit the Arrow tables without copying and send back finished JSON bytes. Small
inputs are scored in-process (a pool costs more than it saves below a few thousand projects).
The output is the same document, in the same order, whatever the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import orjson

from ..errors import InputError, ProjectError
from ..evaluation import evaluate
from ..inputs import DuplicateGuard, iter_sources
from ..inputs.records import RawProject, build_project
from ..inputs.tables_reader import TablePortfolio
from ..presentation.records import evaluation_record
from ..schemes import Scheme
from .table_scoring import eligible, score_table_chunk

CHUNK = 1000  # projects per task
PARALLEL_FROM = 3000  # projects in one table folder before a pool pays off

# (project_id or None, origin, where of the project (or its position in a table portfolio) or None,
#  JSON bytes or an error dict)
Item = tuple[str | None, str | None, object, bytes | dict]


_STATE: dict[str, object] = {}  # set in the parent before forking; read by the children


class _RefusePandas:
    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not needed to score")


def arrow_without_pandas() -> None:
    """pyarrow imports pandas (0.2 s, a sixth of scoring 20,000 projects) the first time it builds
    an array, only to recognise DataFrames; `score --json` never has one. Let that first check
    fail, then allow pandas again. Only for a process that will not convert Arrow to pandas."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    sys.meta_path.insert(0, _RefusePandas)  # type: ignore[arg-type]
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_RefusePandas)  # type: ignore[arg-type]


def _score_raws(raws: Iterable[RawProject], scheme: Scheme | None) -> list[Item]:
    """Build, score, review and serialise. A project that was built carries its id even when its
    scoring fails, so the parent checks duplicates exactly as the in-memory path does."""
    items: list[Item] = []
    for raw in raws:
        try:
            project = build_project(raw)
        except InputError as exc:
            items.append((None, None, None, exc.as_dict()))
            continue
        except Exception as exc:  # a bug must not cost the other projects their scores
            pid = str(raw.facts.values.get("project_id") or "") or None
            items.append((None, None, None, ProjectError(pid, raw.facts.where(None, "project"), exc).as_dict()))
            continue
        try:
            payload: bytes | dict = orjson.dumps(evaluation_record(evaluate(project, scheme)))
        except InputError as exc:
            payload = exc.as_dict()
        except Exception as exc:
            payload = ProjectError(project.project_id, project.where, exc).as_dict()
        items.append((project.project_id, project.origin, project.where, payload))
    return items


def _score_chunk(bounds: tuple[int, int]) -> list[Item]:
    # Scoring makes millions of short-lived acyclic objects; the cyclic collector would walk the
    # whole heap (Arrow columns as Python lists, the row memo) over and over for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score_chunk_now(bounds)
    finally:
        if was_enabled:
            gc.enable()


def _score_chunk_now(bounds: tuple[int, int]) -> list[Item]:
    portfolio, scheme = _STATE["portfolio"], _STATE.get("scheme")
    assert isinstance(portfolio, TablePortfolio)
    if _STATE.get("columnar"):
        return score_table_chunk(portfolio, *bounds, scheme,  # type: ignore[arg-type]
                                 lambda raws: _score_raws(raws, scheme))  # type: ignore[arg-type]
    return _score_raws(portfolio.raw_projects(*bounds), scheme)  # type: ignore[arg-type]


def _chunks(portfolio: TablePortfolio, workers: int) -> Iterator[list[Item]]:
    ranges = [(s, min(s + CHUNK, len(portfolio))) for s in range(0, len(portfolio), CHUNK)]
    if workers <= 1 or len(portfolio) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        for r in ranges:
            yield _score_chunk(r)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_score_chunk, ranges)


def write_scored_json(paths: Iterable[str | os.PathLike[str]], out: BinaryIO, scheme: Scheme | None = None,
                      workers: int | None = None, *, columnar: bool = True) -> list[dict]:
    """Write `{"projects": [...], "errors": [...]}` to out; return the error dicts.

    Table folders are scored by `table_scoring` (same bytes, without per-row objects) unless
    `columnar` is False, which forces the reference path (the equality tests compare the two)."""
    workers = workers or os.cpu_count() or 1
    guard = DuplicateGuard()
    errors: list[dict] = []
    first = True
    out.write(b'{"projects":[')
    for source in iter_sources(paths):
        if isinstance(source, InputError):
            errors.append(source.as_dict())
            continue
        if isinstance(source, TablePortfolio):
            errors.extend(e.as_dict() for e in source.errors)
            _STATE.update(portfolio=source, scheme=scheme, columnar=columnar and eligible(source))
            batches: Iterable[list[Item]] = _chunks(source, workers)
        else:
            batches = [_score_raws(source, scheme)]
        for batch in batches:
            for pid, origin, where, payload in batch:
                if pid is not None:
                    if isinstance(where, int) and pid in guard.seen:  # a table's project, by position
                        where = source.project_where(where)  # type: ignore[union-attr]
                    dup = guard.check(pid, origin or "", where)  # type: ignore[arg-type]
                    if dup:
                        errors.append(dup.as_dict())
                        continue
                if isinstance(payload, dict):
                    errors.append(payload)
                    continue
                out.write(payload if first else b"," + payload)  # type: ignore[operator]
                first = False
        _STATE.clear()
    out.write(b'],"errors":' + orjson.dumps(errors) + b"}\n")
    return errors

"""`evalcore score --json` over portfolios of any size: streamed, chunked, parallel.

Projects are scored and serialised one chunk at a time, so memory stays flat whatever the size,
and chunks of a large table folder go to a pool of forked worker processes (one per core): the
children inherit the Arrow tables without copying and send back finished JSON bytes. Small
inputs are scored in-process (a pool costs more than it saves below a few thousand projects).
The output is the same document, in the same order, whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import orjson

from ..errors import InputError
from ..evaluation import evaluate
from ..inputs import DuplicateGuard, TablePortfolio, iter_sources
from ..inputs.records import RawProject, build_project
from ..presentation.records import evaluation_record
from ..schemes import Scheme

CHUNK = 1000  # projects per task
PARALLEL_FROM = 3000  # projects in one table folder before a pool pays off

# (project_id, origin, where-of-project or None, JSON bytes) or (None, None, None, error dict)
Item = tuple[str | None, str | None, object, bytes | dict]

_STATE: dict[str, object] = {}  # set in the parent before forking; read by the children


def _score_raws(raws: Iterable[RawProject], scheme: Scheme | None) -> list[Item]:
    items: list[Item] = []
    for raw in raws:
        try:
            project = build_project(raw)
            record = evaluation_record(evaluate(project, scheme))
        except InputError as exc:
            items.append((None, None, None, exc.as_dict()))
            continue
        items.append((project.project_id, project.origin, project.where, orjson.dumps(record)))
    return items


def _score_chunk(bounds: tuple[int, int]) -> list[Item]:
    portfolio = _STATE["portfolio"]
    assert isinstance(portfolio, TablePortfolio)
    return _score_raws(portfolio.raw_projects(*bounds), _STATE.get("scheme"))  # type: ignore[arg-type]


def _chunks(portfolio: TablePortfolio, workers: int) -> Iterator[list[Item]]:
    ranges = [(s, min(s + CHUNK, len(portfolio))) for s in range(0, len(portfolio), CHUNK)]
    if workers <= 1 or len(portfolio) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        for r in ranges:
            yield _score_chunk(r)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_score_chunk, ranges)


def write_scored_json(paths: Iterable[str | os.PathLike[str]], out: BinaryIO, scheme: Scheme | None = None,
                      workers: int | None = None) -> list[dict]:
    """Write `{"projects": [...], "errors": [...]}` to out; return the error dicts."""
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
            _STATE.update(portfolio=source, scheme=scheme)
            batches: Iterable[list[Item]] = _chunks(source, workers)
        else:
            batches = [_score_raws(source, scheme)]
        for batch in batches:
            for pid, origin, where, payload in batch:
                if pid is None:
                    errors.append(payload)  # type: ignore[arg-type]
                    continue
                dup = guard.check(pid, origin or "", where)  # type: ignore[arg-type]
                if dup:
                    errors.append(dup.as_dict())
                    continue
                out.write(payload if first else b"," + payload)  # type: ignore[operator]
                first = False
        _STATE.clear()
    out.write(b'],"errors":' + orjson.dumps(errors) + b"}\n")
    return errors

"""`evalcore score --json` over portfolios of any size: streamed, chunked, parallel.

Projects are scored and serialised one chunk at a time, so memory stays flat whatever the size,
and chunks of a large table folder go to a pool of worker processes (one per core), which write
each chunk's JSON to a spool file and send back only ids and sizes; the parent copies the files
to the output in order. Where the platform can fork, the workers are forked and inherit the Arrow
tables without copying; otherwise (spawn: Windows, macOS by choice, or EVALCORE_START_METHOD,
see processes.py) each worker re-opens the table folder in its initializer, after checking that
the files are still the ones the parent read. Table folders
are scored by the columnar `table_scoring`, everything else by build → evaluate → record. Small
inputs are scored in-process (a pool costs more than it saves below a few thousand projects).
The output is the same document, in the same order, whatever the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from ..errors import EvalcoreError, InputError, ProjectError
from ..evaluation import Evaluation, evaluate_each
from ..inputs import DuplicateGuard, Skipped, iter_sources
from ..inputs.records import RawProject, build_project
from ..inputs.tables_reader import TablePortfolio
from ..model import Project
from ..presentation.records import evaluation_record
from ..schemes import Scheme
from .processes import start_method
from .table_scoring import eligible, score_table_chunk

CHUNK = 1000  # projects per task
PARALLEL_FROM = 3000  # projects in one table folder before a pool pays off

# (project_id or None, its year or None, origin, where of the project (or its position in a table
#  portfolio) or None, JSON bytes or an error dict): one id may come once per year (DuplicateGuard)
Item = tuple[str | None, int | None, str | None, object, bytes | dict]


_STATE: dict[str, object] = {}  # set in the parent (inherited by forked workers) or by _worker_start


def _score_raws(raws: Iterable[RawProject | InputError], scheme: Scheme | None) -> list[Item]:
    """Build, score, review and serialise. A project that was built carries its id even when its
    scoring fails, so the parent checks duplicates exactly as the in-memory path does."""
    items: list[Item | None] = []
    built: list[tuple[int, Project]] = []
    for raw in raws:
        if isinstance(raw, InputError):  # a sheet of a workbook that could not be read
            items.append((None, None, None, None, raw.as_dict()))
            continue
        try:
            project = build_project(raw)
        except InputError as exc:
            items.extend((None, None, None, None, e.as_dict()) for e in exc.each())
            continue
        except Exception as exc:  # a bug must not cost the other projects their scores
            pid = str(raw.facts.values.get("project_id") or "") or None
            items.append(
                (None, None, None, None, ProjectError(pid, raw.facts.where(None, "project"), exc).as_dict())
            )
            continue
        built.append((len(items), project))
        items.append(None)
    results = evaluate_each([p for _, p in built], scheme)
    for (n, project), result in zip(built, results, strict=True):
        payload: bytes | dict
        if isinstance(result, Evaluation):
            try:
                payload = orjson.dumps(evaluation_record(result))
            except Exception as exc:
                payload = ProjectError(project.project_id, project.where, exc).as_dict()
        else:
            payload = result.as_dict()  # type: ignore[attr-defined]
        items[n] = (project.project_id, project.year, project.origin, project.where, payload)
    return items  # type: ignore[return-value]  # every place was filled


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
        return score_table_chunk(
            portfolio,
            *bounds,
            scheme,  # type: ignore[arg-type]
            lambda raws: _score_raws(raws, scheme),
        )  # type: ignore[arg-type]
    return _score_raws(portfolio.raw_projects(*bounds), scheme)  # type: ignore[arg-type]


def _score_chunk_spooled(bounds: tuple[int, int]) -> tuple[str, list[Item]]:
    """In a worker: score a chunk, write its JSON (payloads joined by commas) to a spool file and
    send back only the small part (ids, errors, payload sizes). Sending 100 MB of JSON through the
    pool's pipe cost the parent more CPU than writing it."""
    _check_reopened()
    items = _score_chunk(bounds)
    parts: list[bytes] = []
    for *_, p in items:
        if isinstance(p, bytes):
            parts += (p, b",")
    path = os.path.join(str(_STATE["spool"]), f"{bounds[0]}.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        _write_all(fd, parts[:-1])  # payloads joined by commas, without copying them into one
    finally:
        os.close(fd)
    return path, [
        (pid, year, origin, where, len(p) if isinstance(p, bytes) else p)
        for pid, year, origin, where, p in items
    ]


_IOV_MAX = 512  # buffers per writev (Linux allows 1024)


def _write_all(fd: int, parts: list[bytes]) -> None:
    """Write every buffer of parts, in order, by writev (a short write resumes where it stopped);
    one write at a time where there is no writev (Windows, whose workers spawn)."""
    if not hasattr(os, "writev"):
        _write_each(fd, parts)
        return
    pending: list[bytes | memoryview] = list(parts)
    start = 0
    while start < len(pending):
        written = os.writev(fd, pending[start : start + _IOV_MAX])
        while start < len(pending) and written >= len(pending[start]):
            written -= len(pending[start])
            start += 1
        if written:
            pending[start] = memoryview(pending[start])[written:]


def _write_each(fd: int, parts: list[bytes]) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]


@dataclass(frozen=True)
class _Reopen:
    """What a worker that was not forked needs to rebuild the parent's `_STATE`: the table folder
    to re-open, the (path, size, mtime) of the files the parent read, the scheme (pickled: a user's
    scheme file may have changed since), the path choice and the spool folder."""

    folder: str
    files: tuple[tuple[str, int, int], ...]
    scheme: Scheme | None
    columnar: bool
    spool: str


def _table_files(portfolio: TablePortfolio) -> tuple[tuple[str, int, int], ...]:
    out = []
    for table in (portfolio.projects, portfolio.budget, portfolio.indicators):
        st = os.stat(table.path)
        out.append((str(table.path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _reopen(spec: _Reopen) -> None:
    """In a worker that was not forked: the parent's state, from the folder. Tables that changed
    since the parent read them would mix two versions in one document; then, as when the folder
    cannot be read, the worker refuses every chunk (an initializer that raises would only make the
    pool start new workers forever)."""
    from ..inputs.table_files import arrow_without_pandas

    arrow_without_pandas()  # this process only scores, as `score --json` does in the parent
    _STATE.update(scheme=spec.scheme, columnar=spec.columnar, spool=spec.spool, folder=spec.folder)
    try:
        portfolio = TablePortfolio(Path(spec.folder))
        same = _table_files(portfolio) == spec.files
    except (OSError, InputError) as exc:
        _STATE["broken"] = str(exc)
        return
    if not same:
        _STATE["broken"] = "表格文件在评分开始后被修改"
        return
    _STATE["portfolio"] = portfolio


def _check_reopened() -> None:
    """In a worker whose `_reopen` failed: stop the command with the reason (raised in the parent)."""
    if "broken" in _STATE:
        raise EvalcoreError(
            f"台账 {_STATE['folder']} 无法在工作进程中再次读取：{_STATE['broken']}；"
            "请在文件不再变化时重新运行"
        )


def _worker_start(reopen: _Reopen | None = None) -> None:
    """A pool worker scores and exits, and scoring makes no reference cycles (tests/test_score_stream
    checks): the cyclic collector stays off for the worker's life. Re-enabled between chunks it
    ran a full collection over the row store and the inherited heap, 5% of a worker's time.
    A forked worker has inherited `_STATE`; any other is given `reopen`."""
    if reopen is not None:
        _reopen(reopen)
    gc.disable()
    _keep_freed_memory()


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def _keep_freed_memory() -> bool:
    """Let glibc keep what a worker frees. Each chunk allocates and frees the same ~10 MB (its JSON,
    its arrays); glibc gave the top of the heap back to the OS and served large blocks by mmap, so
    every chunk faulted the same memory in again: a third of a worker's page faults, ~3% of its
    time. A worker lives for one command, so keeping its peak costs nothing. False off glibc."""
    import ctypes  # already imported by numpy

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, 512 << 20) and mallopt(_M_MMAP_THRESHOLD, 32 << 20))


def _spool_dir() -> str:
    shm = "/dev/shm"  # memory-backed where there is one
    return tempfile.mkdtemp(prefix="evalcore-score-", dir=shm if os.access(shm, os.W_OK) else None)


def _ranges(n: int, workers: int) -> list[tuple[int, int]]:
    """CHUNK projects a task, then smaller ones as the end nears, so the workers finish together."""
    out, start = [], 0
    while start < n:
        size = max(1, CHUNK // 4, min(CHUNK, (n - start) // (2 * workers)))
        out.append((start, min(start + size, n)))
        start += size
    return out


def _chunks(portfolio: TablePortfolio, workers: int) -> Iterator[list[Item] | tuple[str, list[Item]]]:
    ranges = _ranges(len(portfolio), workers)
    if workers <= 1 or len(portfolio) < PARALLEL_FROM:
        for r in ranges:
            yield _score_chunk(r)
        return
    method = start_method("fork") or "spawn"  # fork where there is one: the tables are inherited
    _STATE["spool"] = spool = _spool_dir()
    try:
        reopen = () if method == "fork" else (_reopen_spec(portfolio, spool),)
        pool = mp.get_context(method).Pool(workers, initializer=_worker_start, initargs=reopen)
        with pool:
            yield from pool.imap(_score_chunk_spooled, ranges)
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def _reopen_spec(portfolio: TablePortfolio, spool: str) -> _Reopen:
    """The parent's `_STATE` as a worker that is not forked can rebuild it."""
    return _Reopen(
        str(portfolio.folder),
        _table_files(portfolio),
        _STATE.get("scheme"),  # type: ignore[arg-type]
        bool(_STATE.get("columnar")),
        spool,
    )


# Linux's sendfile writes to any file; macOS's and BSD's only to a socket, and Windows has none.
_SENDFILE_TO_FILES = sys.platform.startswith("linux")


def _copy_file(path: str, out: BinaryIO) -> None:
    """The spool file's bytes onto out: by sendfile when out is a file (no copy through Python)."""
    try:
        fd_out = out.fileno() if _SENDFILE_TO_FILES else -1
    except (AttributeError, OSError, ValueError):
        fd_out = -1
    with open(path, "rb") as fh:
        if fd_out < 0:
            shutil.copyfileobj(fh, out)
            return
        out.flush()
        size, offset = os.fstat(fh.fileno()).st_size, 0
        while offset < size:
            sent = os.sendfile(fd_out, fh.fileno(), offset, size - offset)
            if sent == 0:
                raise OSError("sendfile wrote nothing")
            offset += sent


def _payloads(path: str, meta: list[Item]) -> list[Item]:
    """Items with their payloads cut from the spool file (payloads are joined by commas)."""
    with open(path, "rb") as fh:
        view = memoryview(fh.read())
    items, offset = [], 0
    for pid, year, origin, where, p in meta:
        if isinstance(p, int):
            items.append((pid, year, origin, where, bytes(view[offset : offset + p])))
            offset += p + 1
        else:
            items.append((pid, year, origin, where, p))
    return items


def write_scored_json(
    paths: Iterable[str | os.PathLike[str]],
    out: BinaryIO,
    scheme: Scheme | None = None,
    workers: int | None = None,
    *,
    columnar: bool = True,
    skipped: list[Skipped] | None = None,
) -> list[dict]:
    """Write `{"projects": [...], "errors": [...], "skipped": [...]}` to out; return the error dicts.
    `skipped` lists the files under a folder that were not read (notices; also appended to the
    list given).

    Table folders are scored by `table_scoring` (same bytes, without per-row objects) unless
    `columnar` is False, which forces the reference path (the equality tests compare the two)."""
    workers = workers or os.cpu_count() or 1
    guard = DuplicateGuard()
    errors: list[dict] = []
    first = True
    out.write(b'{"projects":[')
    notices: list[Skipped] = skipped if skipped is not None else []
    for source in iter_sources(paths, notices):
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
            path, items = batch if isinstance(batch, tuple) else (None, batch)
            kept: list[int] = []  # positions in items of the payloads that are written
            for n, (pid, year, origin, where, payload) in enumerate(items):
                if pid is not None:
                    if isinstance(where, int) and guard.seen_before(
                        pid, year
                    ):  # a table's project, by position
                        where = source.project_where(where)  # type: ignore[union-attr]
                    dup = guard.check(pid, origin or "", where, year)  # type: ignore[arg-type]
                    if dup:
                        errors.append(dup.as_dict())
                        continue
                if isinstance(payload, dict):
                    errors.append(payload)
                    continue
                kept.append(n)
            if path is not None:
                if len(kept) == sum(1 for *_, p in items if not isinstance(p, dict)):  # all of the file stays
                    if kept:
                        if not first:
                            out.write(b",")
                        _copy_file(path, out)
                        first = False
                    kept = []
                else:  # a duplicate id among them: cut out the payloads that stay
                    items = _payloads(path, items)
                os.remove(path)
            for n in kept:
                if not first:
                    out.write(b",")
                out.write(items[n][4])  # type: ignore[arg-type]
                first = False
        _STATE.clear()
    out.write(b'],"errors":' + orjson.dumps(errors))
    out.write(b',"skipped":' + orjson.dumps([n.as_dict() for n in notices]) + b"}\n")
    return errors

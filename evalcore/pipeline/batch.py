"""`evalcore batch`: every project of a data folder to HTML, in parallel, incrementally, with a
manifest, a summary and a portfolio index.

- Plan first (`plan.py`): everything is validated before any kernel starts; invalid inputs are
  listed in the manifest and never stop the others.
- Run: a local process pool (one worker per core, one reused HTML exporter per worker) or a Dask
  distributed cluster (`--scheduler`). Each project gets its own kernel (isolation), a per-cell
  timeout, and one retry when its kernel fails to start. Every failure (cell error, timeout, dead
  kernel, early exit, start-up) becomes a manifest entry with its cause.
- Incremental: a report records its content key; a report whose key matches is skipped. Outputs
  appear atomically, so a batch killed at any moment leaves complete reports or none, and the next
  run does exactly what is missing. Stale temporary files of a killed run are removed first.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..errors import EvalcoreError, InputError, ReportError
from ..presentation.cells import safe_cell
from .outputs import check_formats, output_paths
from .plan import Job, Plan, plan_batch
from .processes import start_method
from .render import atomic_write, make_exporter, recorded_key, render_project

DONE, SKIPPED, FAILED, INVALID = "done", "skipped", "failed", "invalid"
_EXPORTERS: tuple | None = None  # one pair per worker process: template loading is the slow part


def run_job(job: dict, out_dir: str, timeout: int, notebook: str | None = None) -> dict:
    """Render one job; never raises. Runs in a worker process (local pool or Dask worker)."""
    global _EXPORTERS
    start = time.perf_counter()
    if _EXPORTERS is None:
        _EXPORTERS = (make_exporter(), make_exporter(document="report"))
    attempts = 0
    while True:
        attempts += 1
        try:
            r = render_project(
                job["source"],
                out_dir,
                scheme=job["scheme"],
                timeout=timeout,
                exporter=_EXPORTERS[0],
                report_exporter=_EXPORTERS[1],
                formats=tuple(job.get("formats") or ("html",)),
                notebook=Path(notebook) if notebook else None,
                html_path=Path(out_dir) / job["html"],
                key=job["key"],
                warm_charts=True,
                context=job.get("context"),
            )
            return {
                "status": DONE,
                "seconds": time.perf_counter() - start,
                "attempts": attempts,
                "timings": r.timings,
            }
        except ReportError as exc:
            if exc.kind == "kernel_start" and attempts == 1:
                continue  # one retry: a kernel that fails to start is usually a transient port/IO issue
            return {
                "status": FAILED,
                "seconds": time.perf_counter() - start,
                "attempts": attempts,
                "error": exc.cause,
                "notebook": str(exc.notebook) if exc.notebook else None,
            }
        except InputError as exc:  # the input changed between plan and run
            return {
                "status": INVALID,
                "seconds": time.perf_counter() - start,
                "attempts": attempts,
                "error": str(exc),
            }
        except Exception as exc:  # a bug in one report must not stop the batch
            return {
                "status": FAILED,
                "seconds": time.perf_counter() - start,
                "attempts": attempts,
                "error": f"内部错误：{type(exc).__name__}: {exc}",
            }


def remove_stale_temporaries(out_dir: Path) -> int:
    """Temp files of a run that was killed (`.name.XXXX.tmp`, `.id.XXXX.ipynb`): never a report."""
    n = 0
    for p in out_dir.rglob(".*"):
        if p.is_file() and (p.suffix in (".tmp", ".ipynb")):
            p.unlink(missing_ok=True)
            n += 1
    return n


WORKER_DIED = "工作进程意外退出（可能内存不足或被终止）"


def _local(
    jobs: list[Job], out_dir: Path, workers: int, timeout: int, notebook: str | None
) -> Iterator[tuple[Job, dict]]:
    """A process pool, one kernel at a time per worker, at most `workers` jobs in flight.

    A worker that dies (OOM killer, segfault) breaks the pool and every job in flight with it:
    those suspects are then run one at a time in a pool of their own, so only the job that kills
    its worker again is failed (with that cause); the rest go on in a fresh pool. Ctrl-C cancels
    what has not started and stops the workers at once."""
    if workers <= 1:
        for job in jobs:
            yield job, run_job(job.as_dict(), str(out_dir), timeout, notebook)
        return
    queue: deque[Job] = deque(jobs)
    while queue:
        suspects: list[Job] = []
        yield from _pool_run(queue, workers, out_dir, timeout, notebook, suspects)
        for job in suspects:  # alone, a job that breaks its pool again is the one that kills workers
            alone: list[Job] = []
            yield from _pool_run(deque([job]), 1, out_dir, timeout, notebook, alone)
            if alone:
                yield job, {"status": FAILED, "seconds": 0.0, "error": WORKER_DIED}


def _pool_run(
    queue: deque[Job], workers: int, out_dir: Path, timeout: int, notebook: str | None, suspects: list[Job]
) -> Iterator[tuple[Job, dict]]:
    """Run jobs from the queue until it is empty or the pool breaks (then the in-flight jobs are
    appended to `suspects` and the rest stay queued)."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_quiet_interrupt)
    inflight: dict = {}
    try:
        while queue or inflight:
            while queue and len(inflight) < workers:
                job = queue.popleft()
                inflight[pool.submit(run_job, job.as_dict(), str(out_dir), timeout, notebook)] = job
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in done:
                job = inflight.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    suspects.append(job)
                    continue
                yield job, result
            if suspects:
                suspects.extend(inflight.values())
                return
    except BaseException:  # Ctrl-C (or the caller stopped listening): stop now, keep what is done
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=not suspects, cancel_futures=True)


def _context() -> mp.context.BaseContext | None:
    """The start method EVALCORE_START_METHOD chooses, else Python's default for the platform (a
    job is a small dict and `run_job` a module function: every start method can carry them)."""
    method = start_method(None)
    return mp.get_context(method) if method else None


def _quiet_interrupt() -> None:
    """In a pool worker: Ctrl-C reaches the whole process group, and the parent stops the pool
    itself. A worker waiting for its next job would die of KeyboardInterrupt with a traceback on
    the user's terminal. The worker ends at once (os._exit): unwinding with SystemExit ran the
    forked process's exit handlers and flushed its streams, which could block on a lock another
    thread of the parent held when the worker was forked, leaving the worker alive. The parent,
    interrupted too, stops the pool and reports the interrupted jobs itself."""
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(128 + signum))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the workers, then shut the pool down: shut down first, a worker could still be reading
    its next job from the call queue as the pool closed it, and die of an EOFError traceback."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _dask(
    jobs: list[Job], out_dir: Path, address: str, timeout: int, notebook: str | None
) -> Iterator[tuple[Job, dict]]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address, timeout="30s") as client:
        futures = {
            client.submit(
                run_job,
                job.as_dict(),
                str(out_dir),
                timeout,
                notebook,
                pure=False,
                key=f"evalcore-report-{job.key[:20]}-{i}",
            ): job
            for i, job in enumerate(jobs)
        }
        try:
            for fut in dask_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # KilledWorker, a lost connection: that task failed, not the batch
                    result = {
                        "status": FAILED,
                        "seconds": 0.0,
                        "error": f"Dask 任务失败：{type(exc).__name__}: {exc}",
                    }
                yield futures[fut], result
        except BaseException:
            client.cancel(list(futures))
            raise


@dataclass
class BatchResult:
    manifest: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    out_dir: Path = Path("reports")
    skipped: list[dict] = field(default_factory=list)  # files under the data folders not read: path, reason
    unmatched: list[dict] = field(default_factory=list)  # not matched across years: a match would be a guess

    def count(self, status: str) -> int:
        """Projects (not the index) with this status."""
        return sum(1 for m in self.manifest if m["status"] == status and m.get("html") != "index.html")

    @property
    def index_error(self) -> str | None:
        return next((m.get("error") for m in self.manifest if m.get("html") == "index.html"), None)

    @property
    def ok(self) -> bool:
        return not any(m["status"] in (FAILED, INVALID) for m in self.manifest)


def write_manifest(
    out_dir: Path, entries: list[dict], skipped: list[dict] | None = None, unmatched: list[dict] | None = None
) -> None:
    """`{"projects": [...], "skipped": [{"path", "reason"}], "unmatched": [...]}`: what ran, the
    files not read, and the projects not matched across years because a match would be a guess
    (year, project_id, unit, name, reason: explore/lineage.py)."""
    doc = {"projects": entries, "skipped": skipped or [], "unmatched": unmatched or []}
    atomic_write(out_dir / "manifest.json", orjson.dumps(doc, option=orjson.OPT_INDENT_2))


SUMMARY_COLUMNS = (
    ("project_id", "项目编号"),
    ("name", "项目名称"),
    ("department", "主管部门"),
    ("year", "年度"),
    ("scheme", "评分方案"),
    ("adjusted", "全年预算数"),
    ("executed", "全年执行数"),
    ("execution_rate", "预算执行率"),
    ("total", "复核得分"),
    ("unscored_weight", "未计分分值"),
    ("grade", "等级"),
    ("reported_total", "自评得分"),
    ("reported_grade", "自评等级"),
    ("findings", "复核发现数"),
    ("finding_codes", "复核发现"),
    ("status", "报告状态"),
    ("html", "报告"),
)


def _neutralise(value: object) -> object:
    """A cell that starts with = + - @ would be a formula in Excel: `safe_cell` prefixes it with a quote."""
    return safe_cell(value)


def write_summary(out_dir: Path, rows: list[dict]) -> None:
    atomic_write(out_dir / "summary.json", orjson.dumps({"projects": rows}, option=orjson.OPT_INDENT_2))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([label for _, label in SUMMARY_COLUMNS])
    for r in rows:
        w.writerow([_neutralise(r.get(k)) if r.get(k) is not None else "" for k, _ in SUMMARY_COLUMNS])
    atomic_write(
        out_dir / "summary.csv", buf.getvalue().encode("utf-8-sig")
    )  # BOM: Excel opens Chinese intact


def run_batch(
    data_dir: str | os.PathLike[str] | list,
    out_dir: str | os.PathLike[str],
    *,
    params_dir: str | os.PathLike[str],
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    timeout: int = 120,
    scheme: str | None = None,
    notebook: str | None = None,
    on_plan: Callable[[Plan, int], None] | None = None,
    on_result: Callable[[Job, dict], None] | None = None,
    index: bool = True,
    formats: tuple[str, ...] | list[str] = ("html",),
) -> BatchResult:
    start = time.perf_counter()
    formats = check_formats(formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    notebook = str(Path(notebook).resolve()) if notebook else None  # workers may run elsewhere
    plan = plan_batch(
        data_dir, out, Path(params_dir), scheme=scheme, notebook=Path(notebook) if notebook else None
    )
    for j in plan.jobs:
        j.formats = formats
    todo = [j for j in plan.jobs if force or not _current(out, j)]
    todo_keys = {id(j) for j in todo}
    if on_plan:
        on_plan(plan, len(todo))
    entries: dict[str, dict] = {}
    not_read = [n.as_dict() for n in plan.skipped]
    for err in plan.errors:
        d = (
            err.as_dict()
            if isinstance(err, EvalcoreError) and hasattr(err, "as_dict")
            else {"message": str(err)}
        )
        entries[f"!{len(entries)}"] = {
            "project_id": d.get("project_id"),
            "status": INVALID,
            "error": d["message"],
            "where": d.get("where"),
        }
    for j in plan.jobs:
        if id(j) not in todo_keys:
            entries[j.html] = {**_entry(j), "status": SKIPPED, "seconds": 0.0}
    results: Iterable[tuple[Job, dict]]
    if not todo:
        results = []
    elif scheduler:
        results = _dask(todo, out.resolve(), scheduler, timeout, notebook)
    else:
        results = _local(todo, out.resolve(), workers or os.cpu_count() or 1, timeout, notebook)
    last_write = time.perf_counter()
    for job, res in results:
        entries[job.html] = {**_entry(job), **{k: v for k, v in res.items() if k != "timings"}}
        if on_result:
            on_result(job, res)
        if time.perf_counter() - last_write > 2:  # a killed batch still leaves a useful manifest
            write_manifest(out, list(entries.values()), not_read, plan.ambiguous)
            last_write = time.perf_counter()
    manifest = list(entries.values())
    write_manifest(out, manifest, not_read, plan.ambiguous)
    status = {j.html: entries[j.html]["status"] for j in plan.jobs}
    rows = [
        {
            **j.summary,
            "status": status[j.html],
            "html": j.html if status[j.html] != FAILED else None,
            "report": _report_names(j) if status[j.html] != FAILED else None,
        }
        for j in plan.jobs
    ]
    write_summary(out, rows)
    result = BatchResult(manifest, time.perf_counter() - start, out, not_read, plan.ambiguous)
    if index:
        from .portfolio import SUBJECT, index_key, render_index

        try:
            key = index_key(out)
            if force or recorded_key(out / "index.html") != key:
                render_index(out, timeout=timeout, key=key)
        except ReportError as exc:  # the projects are done: say what failed, keep every other result
            result.manifest.append(
                {
                    "project_id": None,
                    "name": SUBJECT,
                    "html": "index.html",
                    "status": FAILED,
                    "error": exc.cause,
                }
            )
            write_manifest(out, result.manifest, not_read, plan.ambiguous)
    result.seconds = time.perf_counter() - start
    return result


def _current(out: Path, job: Job) -> bool:
    """A job whose outputs are all there and were made from the same content: skipped. Both HTML
    documents record the key; a .docx/.pdf asked for now but not made before makes the job run."""
    paths = output_paths(out / job.html)
    if recorded_key(paths["worksheet"]) != job.key or recorded_key(paths["html"]) != job.key:
        return False
    return all(paths[f].is_file() for f in job.formats)


def _entry(job: Job) -> dict:
    return {
        "project_id": job.project_id,
        "name": job.name,
        "department": job.department,
        "html": job.html,
        "report": _report_names(job),
        "key": job.key,
        "source": job.origin,
        "parameters": job.parameters,
    }


def _report_names(job: Job) -> dict[str, str]:
    """The 绩效评价报告 files of a job, relative to the output folder, by format."""
    paths = output_paths(Path(job.html))
    return {f: paths[f].as_posix() for f in job.formats}

"""`evalcore batch` against the loop a user would write with papermill and nbconvert.

Prints, measured side by side in one run on the same synthetic projects (`evalcore synth --format
yaml`, one file per project in department folders):
(a) the loop a user would write, each command its own process, one project after another:
    `papermill notebooks/evaluation.ipynb X.ipynb -p project_path P`, then
    `jupyter nbconvert --to html --no-input X.ipynb`;
(b) `evalcore batch DIR --force` on the same folder (default workers: one per core; end to end,
    index, summary and manifest included); projects/second of each and the ratio (goal ≥ 5×);
(c) `evalcore batch DIR` again, nothing changed: its time as a % of (b) (goal < 5%);
(d) `--large N` (default 1000): `evalcore batch` over N synthetic projects from portfolio tables,
    end to end: wall time, time per project, peak memory (PSS of the whole process tree: the batch,
    its workers and their kernels; benchmarks/_measure.py), and the same at N/4, to show whether
    memory stays flat as the number of projects grows. Slow (minutes); `--skip-large` skips it.

Before timing, each side runs once on one project (a warm-up: imports and fonts in the page cache).
The machine may be shared: `--repeat R` alternates the sides R times and keeps the best of each; the
load average is printed before and after. (a)-(c) are timed without memory sampling (reading
/proc/*/smaps_rollup every few ms costs CPU on 2 cores); (d) samples every 0.1 s.

Run: `.venv/bin/python benchmarks/bench_batch.py [--projects 24] [--repeat 1] [--workers N]
[--large 1000 | --skip-large]`
(from anywhere; it runs in the repository root so the relative paths above are the ones a user types).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import BIN, ROOT, WORK, run, synth_version

NOTEBOOK = "notebooks/evaluation.ipynb"
SPEEDUP_GOAL, RERUN_GOAL = 5.0, 0.05


def synth(n: int, fmt: str, seed: int) -> Path:
    out = WORK / f"synth-batch-{fmt}-{n}-{seed}-{synth_version()}"
    done = out / ".complete"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [
                str(BIN / "evalcore"),
                "synth",
                "--projects",
                str(n),
                "--out",
                str(out),
                "--seed",
                str(seed),
                "--format",
                fmt,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.touch()
    return out


def project_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*.yaml") if not p.name.startswith("."))
    return [p.relative_to(ROOT) if p.is_relative_to(ROOT) else p for p in files]


def user_loop(files: list[Path], work: Path) -> float:
    """(a): papermill then nbconvert per project, sequential, as a shell loop would run them."""
    papermill, jupyter = str(BIN / "papermill"), str(BIN / "jupyter")
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for n, path in enumerate(files):
        nb = work / f"p{n:04d}.ipynb"
        for cmd in (
            [papermill, NOTEBOOK, str(nb), "-p", "project_path", str(path)],
            [jupyter, "nbconvert", "--to", "html", "--no-input", str(nb)],
        ):
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode != 0:
                raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def batch(
    data: Path, out: Path, params: Path, *extra: str, workers: int | None = None, memory: bool = False
) -> tuple[float, int, dict]:
    """(seconds, peak PSS of the tree in KiB or 0, statuses counted) of one `evalcore batch` run.
    Memory is sampled only when asked: reading /proc/*/smaps_rollup costs CPU on a 2-core machine."""
    cmd = [str(BIN / "evalcore"), "batch", str(data), "--out", str(out), "--parameters", str(params), *extra]
    if workers:
        cmd += ["--workers", str(workers)]
    if memory:
        seconds, peak, code = run(cmd, sample=0.1)
    else:
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, peak, code = time.perf_counter() - start, 0, proc.returncode
    counts: dict[str, int] = {}
    for m in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["projects"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {counts}")
    return seconds, peak, counts


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=24, help="projects for (a)-(c) (default 24)")
    ap.add_argument(
        "--workers", type=int, default=None, help="evalcore batch --workers (default: one per core)"
    )
    ap.add_argument("--large", type=int, default=1000, help="projects for (d) (default 1000)")
    ap.add_argument("--skip-large", action="store_true", help="skip (d)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds of (a)-(c), alternating; best of them")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    os.chdir(ROOT)
    print(
        f"machine: {os.cpu_count()} cores; evalcore batch workers: {args.workers or 'default (one per core)'}"
    )

    data = synth(args.projects, "yaml", args.seed)
    files = project_files(data)
    assert len(files) == args.projects, (len(files), data)
    warm = synth(1, "yaml", args.seed + 1)
    loops, fulls, reruns = [], [], []
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        # warm-up of each side, not counted
        user_loop(project_files(warm), tmp / "warm-loop")
        batch(warm, tmp / "warm-out", tmp / "warm-params", "--force", workers=args.workers)
        for r in range(args.repeat):  # the sides alternate, so a busy moment of the machine hits both
            loops.append(user_loop(files, tmp / f"loop-{r}"))
            seconds, _, full_counts = batch(
                data, tmp / "out", tmp / "params", "--force", workers=args.workers
            )
            fulls.append(seconds)
            seconds, _, rerun_counts = batch(data, tmp / "out", tmp / "params", workers=args.workers)
            reruns.append(seconds)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    loop_s, full_s, rerun_s = min(loops), min(fulls), min(reruns)

    n = args.projects
    loop_rate, batch_rate = n / loop_s, n / full_s
    ratio, rerun_share = batch_rate / loop_rate, rerun_s / full_s
    best = f"best of {args.repeat}" if args.repeat > 1 else "one run"
    print(
        f"\n{n} synthetic projects (yaml), side by side ({best}; runs: loop {_runs(loops)}, batch {_runs(fulls)}, "
        f"re-run {_runs(reruns)}):"
    )
    print(
        f"(a) papermill + jupyter nbconvert loop: {loop_s:7.1f} s  {loop_rate:6.2f} projects/s  "
        f"({loop_s / n:.2f} s per project)"
    )
    print(
        f"(b) evalcore batch --force:             {full_s:7.1f} s  {batch_rate:6.2f} projects/s  "
        f"({full_s / n:.2f} s per project; {full_counts})"
    )
    print(
        f"    throughput ratio (b)/(a): {ratio:.1f}x (goal >= {SPEEDUP_GOAL:.0f}x: "
        f"{'met' if ratio >= SPEEDUP_GOAL else 'NOT met'})"
    )
    print(
        f"(c) unchanged re-run:                   {rerun_s:7.2f} s  = {rerun_share:.1%} of (b) "
        f"(goal < {RERUN_GOAL:.0%}: {'met' if rerun_share < RERUN_GOAL else 'NOT met'}; {rerun_counts})"
    )

    if args.skip_large:
        print("(d) skipped (--skip-large)")
        return
    print("\n(d) evalcore batch end to end on portfolio tables (peak = PSS of the whole process tree):")
    rows = []
    for size in (max(args.large // 4, 1), args.large):
        tables = synth(size, "tables", args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-batch-large-") as tmp_name:
            tmp = Path(tmp_name)
            seconds, peak, counts = batch(
                tables, tmp / "out", tmp / "params", "--force", workers=args.workers, memory=True
            )
        rows.append((size, seconds, peak))
        print(
            f"    {size:6d} projects: {seconds:8.1f} s  {seconds / size:.2f} s per project  "
            f"{size / seconds:.2f} projects/s  peak {mib(peak)} ({peak / size:,.0f} KiB per project)  {counts}",
            flush=True,
        )
    (small, _, small_peak), (large, _, large_peak) = rows
    print(
        f"    peak at {large} / peak at {small}: {large_peak / small_peak:.2f} "
        f"(flat: ~1.0; proportional to the projects: {large / small:.1f})"
    )


if __name__ == "__main__":
    main()

"""`evalcore report` for the seed case: where the time goes, and the same notebook by hand.

Prints, measured side by side in one run (the machine is shared: runs alternate, best of N after one
warm-up of each):
- `render_project` (one exporter reused, from `make_exporter()`), split by `Rendered.timings` into
  kernel start, notebook execution and HTML export, plus the total; the report's size in KiB;
- the command lines a user would type for the same notebook and project:
  `papermill notebooks/evaluation.ipynb X.ipynb -p project_path data/seed/...` then
  `jupyter nbconvert --to html --no-input X.ipynb` (each its own process; the default `lab` template),
  with the size of that HTML;
- the goals beside the figures: report size < 250 KiB; execution + export < 1.5 s.

Run: `.venv/bin/python benchmarks/bench_report.py [--repeat 3]` (from anywhere; it runs in the
repository root so the relative paths above are the ones a user types).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import BIN, ROOT, run

SEED = "data/seed/nc-scjg-2019-zzxf.yaml"
NOTEBOOK = "notebooks/evaluation.ipynb"
SIZE_GOAL_KIB, SPEED_GOAL_S = 250, 1.5
KEYS = ("kernel_start", "execution", "export", "total")


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _cli(cmd: list[str]) -> float:
    seconds, _, code = run(cmd)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.chdir(ROOT)

    from evalcore.pipeline.render import make_exporter, render_project

    exporter = make_exporter()
    papermill, jupyter = str(BIN / "papermill"), str(BIN / "jupyter")
    timings: dict[str, list[float]] = {k: [] for k in KEYS}
    pm_times: list[float] = []
    nbconvert_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        out, by_hand = Path(tmp) / "reports", Path(tmp) / "x.ipynb"
        papermill_cmd = [papermill, NOTEBOOK, str(by_hand), "-p", "project_path", SEED, "--no-progress-bar"]
        nbconvert_cmd = [jupyter, "nbconvert", "--to", "html", "--no-input", str(by_hand)]
        for n in range(args.repeat + 1):  # run 0 is the warm-up of each, not counted
            rendered = render_project(SEED, out, exporter=exporter)
            t_pm = _cli(papermill_cmd)
            t_nbconvert = _cli(nbconvert_cmd)
            if n == 0:
                continue
            for k in KEYS:
                timings[k].append(rendered.timings[k])
            pm_times.append(t_pm)
            nbconvert_times.append(t_nbconvert)
        size_kib = rendered.html.stat().st_size / 1024
        lab_kib = by_hand.with_suffix(".html").stat().st_size / 1024

    best = {k: min(v) for k, v in timings.items()}
    exec_export = min(e + x for e, x in zip(timings["execution"], timings["export"], strict=True))
    print(f"seed report through render_project (one exporter reused), best of {args.repeat} after a warm-up:")
    for k in KEYS:
        print(f"  {k:<13} {best[k]:6.2f} s   (runs: {_runs(timings[k])})")
    print(
        f"  execution + export {exec_export:.2f} s   (goal < {SPEED_GOAL_S} s — "
        f"{'met' if exec_export < SPEED_GOAL_S else 'NOT met'})"
    )
    print(
        f"  report size   {size_kib:6.1f} KiB (goal < {SIZE_GOAL_KIB} KiB — "
        f"{'met' if size_kib < SIZE_GOAL_KIB else 'NOT met'})"
    )
    print("the same notebook by hand, each command its own process:")
    print(
        f"  papermill {NOTEBOOK} X.ipynb -p project_path {SEED}: {min(pm_times):.2f} s   (runs: {_runs(pm_times)})"
    )
    print(
        f"  jupyter nbconvert --to html --no-input X.ipynb:       {min(nbconvert_times):.2f} s   "
        f"(runs: {_runs(nbconvert_times)})"
    )
    print(
        f"  together {min(pm_times) + min(nbconvert_times):.2f} s against render_project's total "
        f"{best['total']:.2f} s; lab-template HTML {lab_kib:.1f} KiB against {size_kib:.1f} KiB"
    )


if __name__ == "__main__":
    main()
